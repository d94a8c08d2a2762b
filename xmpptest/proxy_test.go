package xmpptest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// proxyTestTimeout bounds every wait of the proxy tests, so that a bug
// fails a test instead of hanging it.
const proxyTestTimeout = 10 * time.Second

// proxyTarget is a plain TCP server on 127.0.0.1 standing in for an XMPP
// server: it echoes what it reads, or hands each connection to the test.
type proxyTarget struct {
	ln    net.Listener
	echo  bool
	conns chan net.Conn // accepted connections, when not echoing
	wg    sync.WaitGroup

	mu  sync.Mutex
	all []net.Conn
}

// startProxyTarget starts a target; the test's cleanup closes it and its
// connections and waits for its goroutines.
func startProxyTarget(t *testing.T, echo bool) *proxyTarget {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &proxyTarget{ln: ln, echo: echo, conns: make(chan net.Conn, 16)}
	s.wg.Go(s.serve)
	t.Cleanup(s.close)
	return s
}

func (s *proxyTarget) addr() string { return s.ln.Addr().String() }

// serve accepts connections until the listener is closed.
func (s *proxyTarget) serve() {
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.all = append(s.all, conn)
		s.mu.Unlock()
		if s.echo {
			s.wg.Go(func() {
				_, _ = io.Copy(conn, conn)
				_ = conn.Close()
			})
			continue
		}
		select {
		case s.conns <- conn:
		default:
			_ = conn.Close() // the test does not want so many
		}
	}
}

// close closes the listener and every connection and waits for the
// goroutines. It may be called more than once.
func (s *proxyTarget) close() {
	_ = s.ln.Close()
	s.mu.Lock()
	for _, c := range s.all {
		_ = c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// accept returns the next connection the target accepted.
func (s *proxyTarget) accept(t *testing.T) net.Conn {
	t.Helper()
	select {
	case c := <-s.conns:
		return c
	case <-time.After(proxyTestTimeout):
		t.Fatal("target: no connection")
		return nil
	}
}

// proxyDial connects to addr; the test's cleanup closes the connection.
func proxyDial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, proxyTestTimeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// proxyPair connects a client through p to s and returns both ends.
func proxyPair(t *testing.T, p *Proxy, s *proxyTarget) (client, server net.Conn) {
	t.Helper()
	client = proxyDial(t, p.Addr())
	server = s.accept(t)
	return client, server
}

// proxyCtx returns a context that ends with the test or after
// proxyTestTimeout.
func proxyCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), proxyTestTimeout)
	t.Cleanup(cancel)
	return ctx
}

// proxyPattern returns n bytes in which a shifted or truncated copy is
// unlikely to pass for the original.
func proxyPattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7+i/251) + seed
	}
	return b
}

// proxyReadAll reads c until it fails and returns what it read and the
// error.
func proxyReadAll(c net.Conn) ([]byte, error) {
	_ = c.SetReadDeadline(time.Now().Add(proxyTestTimeout))
	var got []byte
	buf := make([]byte, 64<<10)
	for {
		n, err := c.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			return got, err
		}
	}
}

// proxyExchange checks that data flows through a pair in both directions.
func proxyExchange(t *testing.T, client, server net.Conn, msg string) {
	t.Helper()
	for _, d := range []struct{ from, to net.Conn }{{client, server}, {server, client}} {
		if _, err := d.from.Write([]byte(msg)); err != nil {
			t.Fatal(err)
		}
		_ = d.to.SetReadDeadline(time.Now().Add(proxyTestTimeout))
		got := make([]byte, len(msg))
		if _, err := io.ReadFull(d.to, got); err != nil {
			t.Fatal(err)
		}
		if string(got) != msg {
			t.Fatalf("got %q, want %q", got, msg)
		}
	}
}

// proxyCheckReset fails t unless a peer whose read ended with readErr,
// and whose concurrent writing, if any, ended with writeErr, saw its
// connection reset. The read fails, unless a write got the reset first:
// then the read sees only end of file.
func proxyCheckReset(t *testing.T, side string, readErr, writeErr error) {
	t.Helper()
	if readErr == nil || errors.Is(readErr, os.ErrDeadlineExceeded) ||
		errors.Is(readErr, io.EOF) && writeErr == nil {
		t.Errorf("%s: read error %v, write error %v; want a reset", side, readErr, writeErr)
	}
}

// proxyDialReset connects to addr, which resets the connection at once:
// it returns nil if the reset came before the connection was established.
func proxyDialReset(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, proxyTestTimeout)
	if errors.Is(err, syscall.ECONNRESET) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// proxyCheckSilent fails t unless c gets neither data nor end of file nor a
// reset for a while.
func proxyCheckSilent(t *testing.T, side string, c net.Conn) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	n, err := c.Read(make([]byte, 64))
	if n != 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("%s: read %d bytes, %v; want nothing until the deadline", side, n, err)
	}
	_ = c.SetReadDeadline(time.Time{})
}

// proxyWaitNoConns waits until p has no open connection.
func proxyWaitNoConns(t *testing.T, p *Proxy) {
	t.Helper()
	if err := p.waitUntil(proxyCtx(t), func() bool { return len(p.conns) == 0 }); err != nil {
		t.Fatalf("connections still open: %v", err)
	}
}

// TestProxyForward sends a megabyte through the proxy to an echo server
// and back, and checks that an orderly close passes through both ways.
func TestProxyForward(t *testing.T) {
	t.Parallel()
	s := startProxyTarget(t, true)
	p := StartProxy(t, s.addr())
	c := proxyDial(t, p.Addr())
	if err := p.Wait(proxyCtx(t), 1); err != nil {
		t.Fatal(err)
	}
	want := proxyPattern(1<<20, 1)
	errc := make(chan error, 1)
	go func() {
		_, err := c.Write(want)
		if err == nil {
			err = c.(*net.TCPConn).CloseWrite()
		}
		errc <- err
	}()
	got, err := proxyReadAll(c)
	if werr := <-errc; werr != nil {
		t.Fatal(werr)
	}
	// The client's close of writing reaches the echo server as end of
	// file; the server's close comes back the same way.
	if !errors.Is(err, io.EOF) {
		t.Fatalf("read: %v, want io.EOF", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("echo: got %d bytes, want the %d sent", len(got), len(want))
	}
	proxyWaitNoConns(t, p)
	if n := p.Accepted(); n != 1 {
		t.Errorf("Accepted = %d, want 1", n)
	}
	if n := p.Discarded(); n != 0 {
		t.Errorf("Discarded = %d, want 0", n)
	}
}

func TestProxyNewProxyErrors(t *testing.T) {
	t.Parallel()
	if _, err := NewProxy("no-port"); err == nil {
		t.Error("NewProxy(no-port): no error")
	}
}

// TestProxyTargetDown checks that a client is reset when the target
// cannot be reached.
func TestProxyTargetDown(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	p := StartProxy(t, addr)
	if c := proxyDialReset(t, p.Addr()); c != nil {
		_, err = proxyReadAll(c)
		proxyCheckReset(t, "client", err, nil)
	}
	proxyWaitNoConns(t, p)
	if n := p.Accepted(); n != 1 {
		t.Errorf("Accepted = %d, want 1", n)
	}
}

// TestProxyCutAll cuts three connections at once and checks that both
// sides of each see a reset, and that a new connection gets through.
func TestProxyCutAll(t *testing.T) {
	t.Parallel()
	s := startProxyTarget(t, false)
	p := StartProxy(t, s.addr())
	type pair struct{ client, server net.Conn }
	var pairs []pair
	for range 3 {
		c, srv := proxyPair(t, p, s)
		proxyExchange(t, c, srv, "hello")
		pairs = append(pairs, pair{c, srv})
	}
	p.CutAll()
	if n := p.Conns(); n != 0 {
		t.Errorf("after CutAll: Conns = %d, want 0", n)
	}
	for i, pr := range pairs {
		_, err := proxyReadAll(pr.client)
		proxyCheckReset(t, fmt.Sprint("client ", i), err, nil)
		_, err = proxyReadAll(pr.server)
		proxyCheckReset(t, fmt.Sprint("server ", i), err, nil)
	}
	// A reconnection gets through.
	c, srv := proxyPair(t, p, s)
	proxyExchange(t, c, srv, "again")
	if n := p.Accepted(); n != 4 {
		t.Errorf("Accepted = %d, want 4", n)
	}
}

// TestProxyCutAfter checks that a cut after n bytes lets exactly n bytes
// through, for each direction, on the open or the next connection.
func TestProxyCutAfter(t *testing.T) {
	t.Parallel()
	for _, dir := range []Direction{ClientToServer, ServerToClient, Both} {
		for _, n := range []int64{0, 1, 1000, 200_000} {
			for _, next := range []bool{false, true} {
				name := fmt.Sprintf("%v/%d/next=%v", dir, n, next)
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					proxyTestCutAfter(t, dir, n, next)
				})
			}
		}
	}
}

// proxyTestCutAfter arms a cut after n bytes in dir, on the open connection or
// the next, sends more than n bytes each way that dir names and checks
// that exactly n arrived, as the start of what was sent, before a reset.
func proxyTestCutAfter(t *testing.T, dir Direction, n int64, next bool) {
	s := startProxyTarget(t, false)
	p := StartProxy(t, s.addr())
	var client, server net.Conn
	if next {
		p.CutAfter(dir, n)
		if n == 0 {
			// The connection is reset as soon as accepted.
			if c := proxyDialReset(t, p.Addr()); c != nil {
				_, err := proxyReadAll(c)
				proxyCheckReset(t, "client", err, nil)
			}
			proxyWaitNoConns(t, p)
			c2, s2 := proxyPair(t, p, s)
			proxyExchange(t, c2, s2, "after the cut")
			return
		}
		client, server = proxyPair(t, p, s)
	} else {
		client, server = proxyPair(t, p, s)
		proxyExchange(t, client, server, "before the cut")
		p.CutAfter(dir, n)
	}

	// Each peer writes more than n bytes in the directions of the cut,
	// and reads until the connection fails.
	up, down := proxyPattern(int(n)+300_000, 1), proxyPattern(int(n)+300_000, 2)
	var wg sync.WaitGroup
	var errWriteUp, errWriteDown, errUp error
	var gotUp []byte
	if dir&ClientToServer != 0 {
		wg.Go(func() { _, errWriteUp = client.Write(up) })
	}
	if dir&ServerToClient != 0 {
		wg.Go(func() { _, errWriteDown = server.Write(down) })
	}
	wg.Go(func() { gotUp, errUp = proxyReadAll(server) })
	gotDown, errDown := proxyReadAll(client)
	wg.Wait()

	proxyCheckReset(t, "client", errDown, errWriteUp)
	proxyCheckReset(t, "server", errUp, errWriteDown)
	if !bytes.HasPrefix(up, gotUp) {
		t.Errorf("server got %d bytes, not the start of what the client sent", len(gotUp))
	}
	if !bytes.HasPrefix(down, gotDown) {
		t.Errorf("client got %d bytes, not the start of what the server sent", len(gotDown))
	}
	if total := int64(len(gotUp) + len(gotDown)); total != n {
		t.Errorf("%d bytes arrived (%d at the server, %d at the client), want %d", total, len(gotUp), len(gotDown), n)
	}
	proxyWaitNoConns(t, p)

	// The cut was for one connection: the next one gets through.
	c2, s2 := proxyPair(t, p, s)
	proxyExchange(t, c2, s2, "after the cut")
}

func TestProxyCutAfterPanics(t *testing.T) {
	t.Parallel()
	p := StartProxy(t, "127.0.0.1:1")
	for _, tc := range []struct {
		dir Direction
		n   int64
	}{{0, 1}, {4, 1}, {Both, -1}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("CutAfter(%v, %d) did not panic", tc.dir, tc.n)
				}
			}()
			p.CutAfter(tc.dir, tc.n)
		}()
	}
}

// TestProxyStall checks that a stalled connection shows its peers no
// data and no close, that new connections are not stalled, and that
// Resume forwards what is sent after it.
func TestProxyStall(t *testing.T) {
	t.Parallel()
	s := startProxyTarget(t, false)
	p := StartProxy(t, s.addr())
	client, server := proxyPair(t, p, s)
	proxyExchange(t, client, server, "before")

	p.Stall()
	for _, w := range []struct {
		c    net.Conn
		data string
	}{{client, "lost on the way up"}, {server, "lost on the way down"}} {
		if _, err := w.c.Write([]byte(w.data)); err != nil {
			t.Fatal(err)
		}
	}
	// Once the proxy has read and dropped both writes, neither peer sees
	// anything: no data, no end of file, no reset.
	want := int64(len("lost on the way up") + len("lost on the way down"))
	if err := p.waitUntil(proxyCtx(t), func() bool { return p.discarded >= want }); err != nil {
		t.Fatalf("Discarded = %d, want %d: %v", p.Discarded(), want, err)
	}
	proxyCheckSilent(t, "server", server)
	proxyCheckSilent(t, "client", client)
	if n := p.Conns(); n != 1 {
		t.Errorf("while stalled: Conns = %d, want 1", n)
	}
	// A new connection is not stalled.
	c2, s2 := proxyPair(t, p, s)
	proxyExchange(t, c2, s2, "other connection")

	p.Resume()
	proxyExchange(t, client, server, "after")
	if n := p.Discarded(); n != want {
		t.Errorf("Discarded = %d, want %d", n, want)
	}
}

// TestProxyStallSwallowsClose checks that an orderly close during a
// stall is lost, as on a half-open connection.
func TestProxyStallSwallowsClose(t *testing.T) {
	t.Parallel()
	s := startProxyTarget(t, false)
	p := StartProxy(t, s.addr())
	client, server := proxyPair(t, p, s)
	proxyExchange(t, client, server, "before")
	p.Stall()
	if err := client.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	// The half-open server sees no end of file.
	proxyCheckSilent(t, "server", server)
	// Nor after Resume: the close was lost with the stall.
	p.Resume()
	proxyCheckSilent(t, "server", server)
	// The other direction still works.
	if _, err := server.Write([]byte("still here")); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len("still here"))
	_ = client.SetReadDeadline(time.Now().Add(proxyTestTimeout))
	if _, err := io.ReadFull(client, got); err != nil || string(got) != "still here" {
		t.Fatalf("client read %q, %v", got, err)
	}
}

// TestProxyDelay checks lower bounds only: a slow machine makes anything
// later, never earlier.
func TestProxyDelay(t *testing.T) {
	t.Parallel()
	const delay = 150 * time.Millisecond
	s := startProxyTarget(t, true)
	p := StartProxy(t, s.addr())
	c := proxyDial(t, p.Addr())
	roundTrip := func(msg string) time.Duration {
		t.Helper()
		start := time.Now()
		if _, err := c.Write([]byte(msg)); err != nil {
			t.Fatal(err)
		}
		got := make([]byte, len(msg))
		_ = c.SetReadDeadline(time.Now().Add(proxyTestTimeout))
		if _, err := io.ReadFull(c, got); err != nil || string(got) != msg {
			t.Fatalf("echo: %q, %v", got, err)
		}
		return time.Since(start)
	}
	roundTrip("warm up")
	p.SetDelay(delay)
	// Each way is delayed: a round trip takes at least twice the delay.
	if d := roundTrip("slow"); d < 2*delay {
		t.Errorf("round trip with delay %v took %v, want at least %v", delay, d, 2*delay)
	}
	// Many chunks in a row arrive whole and in order, each delayed.
	const chunks = 20
	start := time.Now()
	var want []byte
	errc := make(chan error, 1)
	go func() {
		for i := range chunks {
			msg := fmt.Appendf(nil, "<chunk %02d/>", i)
			if _, err := c.Write(msg); err != nil {
				errc <- err
				return
			}
		}
		errc <- nil
	}()
	for i := range chunks {
		want = fmt.Appendf(want, "<chunk %02d/>", i)
	}
	got := make([]byte, len(want))
	_ = c.SetReadDeadline(time.Now().Add(proxyTestTimeout))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if d := time.Since(start); d < 2*delay {
		t.Errorf("chunks arrived after %v, want at least %v", d, 2*delay)
	}
	p.SetDelay(0)
	roundTrip("fast again")
}

// TestProxyWait checks that Wait returns once enough connections were
// accepted, when its context ends, and when the proxy is closed.
func TestProxyWait(t *testing.T) {
	t.Parallel()
	s := startProxyTarget(t, true)
	p := StartProxy(t, s.addr())

	short, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if err := p.Wait(short, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait with no connection: %v, want context.DeadlineExceeded", err)
	}

	errc := make(chan error, 1)
	go func() { errc <- p.Wait(proxyCtx(t), 2) }()
	proxyDial(t, p.Addr())
	proxyDial(t, p.Addr())
	if err := <-errc; err != nil {
		t.Errorf("Wait(2): %v", err)
	}
	if n := p.Accepted(); n != 2 {
		t.Errorf("Accepted = %d, want 2", n)
	}

	go func() { errc <- p.Wait(proxyCtx(t), 3) }()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; !errors.Is(err, net.ErrClosed) {
		t.Errorf("Wait on a closed proxy: %v, want net.ErrClosed", err)
	}
	if err := p.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestProxyReset checks that Reset clears every fault, a cut armed for
// the next connection included.
func TestProxyReset(t *testing.T) {
	t.Parallel()
	s := startProxyTarget(t, false)
	p := StartProxy(t, s.addr())
	client, server := proxyPair(t, p, s)
	p.CutAfter(Both, 3)
	p.Stall()
	p.SetDelay(time.Hour)
	p.Reset()
	proxyExchange(t, client, server, "no fault left")
	p.CutAll()
	p.CutAfter(ClientToServer, 1) // armed for the next connection
	p.Reset()
	c2, s2 := proxyPair(t, p, s)
	proxyExchange(t, c2, s2, "no cut")
}

// TestProxyConcurrent drives the API from many goroutines while traffic
// flows, for the race detector, then checks that the proxy still works.
func TestProxyConcurrent(t *testing.T) {
	t.Parallel()
	s := startProxyTarget(t, true)
	p := StartProxy(t, s.addr())
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				c, err := net.Dial("tcp", p.Addr())
				if err != nil {
					continue
				}
				_, _ = c.Write(proxyPattern(10_000, byte(i)))
				_ = c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
				_, _ = io.Copy(io.Discard, c)
				_ = c.Close()
			}
		})
	}
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			switch i % 8 {
			case 0:
				p.Stall()
			case 1:
				p.Resume()
			case 2:
				p.SetDelay(time.Millisecond)
			case 3:
				p.CutAfter(Both, int64(i))
			case 4:
				p.CutAll()
			case 5:
				p.SetDelay(0)
			case 6:
				_, _, _ = p.Conns(), p.Accepted(), p.Discarded()
			case 7:
				p.Reset()
			}
		}
	})
	if err := p.Wait(proxyCtx(t), 50); err != nil {
		t.Error(err)
	}
	close(stop)
	wg.Wait()
	p.Reset()
	c := proxyDial(t, p.Addr())
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 4)
	_ = c.SetReadDeadline(time.Now().Add(proxyTestTimeout))
	if _, err := io.ReadFull(c, got); err != nil || string(got) != "ping" {
		t.Fatalf("echo after the storm: %q, %v", got, err)
	}
}

// proxyGoroutines returns the stacks of the goroutines running proxy code.
func proxyGoroutines() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var ours []string
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		if strings.Contains(g, "xmpptest.(*Proxy)") {
			ours = append(ours, g)
		}
	}
	return ours
}

// proxyGoroutinesExit reports whether done becomes true while the
// goroutines that were told to stop finish returning. Close returns once
// every goroutine of the proxy has signaled that it is done; each may need
// to be scheduled once more to return. The goroutines that are not yet
// done do not need time but a processor: done is checked between yields,
// with a deadline far longer than any scheduling delay.
func proxyGoroutinesExit(done func() bool) bool {
	deadline := time.Now().Add(proxyTestTimeout)
	for !done() {
		if time.Now().After(deadline) {
			return false
		}
		runtime.Gosched()
	}
	return true
}

// TestProxyCloseEndsGoroutines checks by counting goroutines that Close
// returns only once every goroutine of the proxy has ended, with
// connections in several states: idle, stalled, blocked writing to a peer
// that does not read, and holding a chunk for its delay. It is not
// parallel, so that no other proxy runs meanwhile.
func TestProxyCloseEndsGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	s := startProxyTarget(t, false)
	p, err := NewProxy(s.addr())
	if err != nil {
		t.Fatal(err)
	}
	const conns = 4
	var clients, servers []net.Conn
	wrote := make(chan struct{})
	for i := range conns {
		c, srv := proxyPair(t, p, s)
		clients, servers = append(clients, c), append(servers, srv)
		switch i {
		case 1: // stalled
			p.Stall()
			_, _ = c.Write([]byte("into the void"))
		case 2: // the server does not read: the proxy's writes block
			go func() {
				defer close(wrote)
				_ = c.SetWriteDeadline(time.Now().Add(proxyTestTimeout))
				for {
					if _, err := c.Write(make([]byte, 1<<20)); err != nil {
						return
					}
				}
			}()
		case 3: // chunks wait out their delay
			p.SetDelay(time.Hour)
			_, _ = c.Write([]byte("slow"))
		}
	}
	// Each connection has a handler, two readers and two writers; the
	// listener has its accept loop.
	want := 1 + 5*conns
	if got := len(proxyGoroutines()); got == 0 || got > want {
		t.Fatalf("%d proxy goroutines running, want 1 to %d", got, want)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	// Right after Close, no goroutine of the proxy may wait for anything:
	// at most some are still returning.
	for _, g := range proxyGoroutines() {
		header, _, _ := strings.Cut(g, "\n")
		if !strings.Contains(header, "[runnable") && !strings.Contains(header, "[running") {
			t.Errorf("after Close, a proxy goroutine still waits:\n%s", g)
		}
	}
	if !proxyGoroutinesExit(func() bool { return len(proxyGoroutines()) == 0 }) {
		left := proxyGoroutines()
		t.Fatalf("after Close, %d proxy goroutines left:\n%s", len(left), strings.Join(left, "\n\n"))
	}
	if n := p.Conns(); n != 0 {
		t.Errorf("after Close: Conns = %d", n)
	}
	// Close reset the client's connection, so its writer ends; then the
	// test's own goroutines end and the count is back where it was.
	<-wrote
	for i := range conns {
		_ = clients[i].Close()
		_ = servers[i].Close()
	}
	s.close()
	if !proxyGoroutinesExit(func() bool { return runtime.NumGoroutine() <= before }) {
		after := runtime.NumGoroutine()
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines before the test, %d after:\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
}
