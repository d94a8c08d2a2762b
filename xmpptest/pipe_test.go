package xmpptest

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"testing/synctest"
	"time"
)

// TestPipeConn checks the client end of DialPipe: the peer's writes are
// buffered up to pipeBuffer and wait beyond it, reads honour their
// deadline, and Close ends blocked reads and the filling goroutine.
func TestPipeConn(t *testing.T) {
	// In a bubble, so that Close is known to come while a read is blocked
	// (synctest.Wait), and the deadlines pass at once.
	synctest.Test(t, func(t *testing.T) {
		c, s := net.Pipe()
		p := newPipeConn(c)
		defer s.Close()

		// Nobody reads p: writes up to the bound still complete.
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for range pipeBuffer / len(chunk) {
			_ = s.SetWriteDeadline(time.Now().Add(5 * time.Second))
			if _, err := s.Write(chunk); err != nil {
				t.Fatalf("write within the buffer: %v", err)
			}
		}
		// Beyond it the writer waits, as on a socket whose peer stops reading.
		_ = s.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
		if _, err := s.Write(chunk); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("write beyond the buffer: %v", err)
		}
		// Everything written before arrives, in order.
		got := make([]byte, pipeBuffer)
		if _, err := io.ReadFull(p, got); err != nil || !bytes.Equal(got, bytes.Repeat([]byte("x"), pipeBuffer)) {
			t.Fatalf("read back: %v", err)
		}

		_ = p.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		start := time.Now()
		if _, err := p.Read(got); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("read past the deadline: %v", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("deadline noticed after %v", d)
		}
		_ = p.SetReadDeadline(time.Time{})

		done := make(chan error, 1)
		go func() {
			_, err := p.Read(got)
			done <- err
		}()
		// Once the bubble's other goroutines are all blocked, the read waits
		// for data that will never come.
		synctest.Wait()
		p.Close()
		select {
		case err := <-done:
			if !errors.Is(err, net.ErrClosed) {
				t.Errorf("read after Close: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Close left a read blocked")
		}
		// The peer sees the close: the filling goroutine has stopped reading.
		_ = s.SetWriteDeadline(time.Now().Add(5 * time.Second))
		if _, err := s.Write([]byte("x")); !errors.Is(err, io.ErrClosedPipe) {
			t.Errorf("write to a closed pipe: %v", err)
		}
	})
}

// TestPipeConnEOF: what the peer wrote before closing is read before EOF.
func TestPipeConnEOF(t *testing.T) {
	c, s := net.Pipe()
	p := newPipeConn(c)
	defer p.Close()
	go func() {
		_, _ = s.Write([]byte("last words"))
		s.Close()
	}()
	b, err := io.ReadAll(p)
	if err != nil || string(b) != "last words" {
		t.Errorf("read %q, %v", b, err)
	}
}
