package xmpp

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

func TestLegacySession(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{session: true}
	c, wait := dialTest(t, fs, func(fs *fakeServer) { fs.readUntilEnd() })
	c.Close()
	wait()
	if !fs.sessionDone {
		t.Error("no session established although the server required one")
	}
}

// syncBuffer is a bytes.Buffer safe for the client's concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestTraceRedactsCredentials(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{}
	opts, wait := dialFake(t, fs, func(fs *fakeServer) {
		fs.send("<message from='bob@localhost/x'><body>traced</body></message>")
		fs.readUntilEnd()
	})
	var trace syncBuffer
	opts.Trace = &trace
	c, err := Dial(context.Background(), alice, opts)
	if err != nil {
		t.Fatal(err)
	}
	// The script answers nothing; the ping only puts an IQ in the trace.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_ = c.Ping(ctx, jid.JID{})
	c.Close()
	wait()
	out := trace.String()
	secret := base64.StdEncoding.EncodeToString([]byte("\x00alice\x00secret"))
	if strings.Contains(out, secret) || strings.Contains(out, "secret") {
		t.Errorf("trace shows the credentials:\n%s", out)
	}
	for _, want := range []string{"SEND <auth", "[redacted]", "RECV <message", "traced", "SEND <iq", "SEND </stream:stream>"} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q:\n%s", want, out)
		}
	}
}

// TestSeeOtherHost: a stream error with see-other-host makes Dial connect
// to the host named, once.
func TestSeeOtherHost(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{}
	opts, wait := dialFake(t, fs, func(fs *fakeServer) { fs.readUntilEnd() })
	fakeDial := opts.Dial
	var addrs []string
	var mu sync.Mutex
	opts.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		mu.Lock()
		addrs = append(addrs, addr)
		first := len(addrs) == 1
		mu.Unlock()
		if !first {
			return fakeDial(ctx, network, addr)
		}
		cc, sc := net.Pipe()
		go func() {
			defer sc.Close()
			d := stanza.NewDecoder(sc, nil)
			e := stanza.NewEncoder(sc)
			if _, err := d.ReadHeader(); err != nil {
				return
			}
			_ = e.WriteHeader(stanza.StreamHeader{From: "localhost", Version: "1.0"})
			_ = e.Encode((&stanza.StreamError{Condition: stanza.StreamSeeOtherHost, SeeOtherHost: "other.example:5223"}).Element())
			_ = e.WriteEnd()
		}()
		return cc, nil
	}
	c, err := Dial(context.Background(), alice, opts)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	wait()
	if fmt.Sprint(addrs) != "[fake:5222 other.example:5223]" {
		t.Errorf("dialled %v", addrs)
	}
}

// TestResultWithWrongIDIgnored: results for ids nobody waits for are
// dropped, and the real answer still arrives.
func TestResultWithWrongIDIgnored(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{}
	c, wait := dialTest(t, fs, func(fs *fakeServer) {
		iq, err := stanza.ParseIQ(fs.read())
		if err != nil {
			t.Error(err)
			return
		}
		fs.send("<iq id='not-" + iq.ID + "' type='result'/>")
		fs.send("<iq id='" + iq.ID + "x' type='error'><error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")
		fs.send(iq.Result(nil).Element().String())
		fs.readUntilEnd()
	})
	defer wait()
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Ping(ctx, jid.JID{}); err != nil {
		t.Fatal(err)
	}
}

func TestWhitespaceKeepalive(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{}
	opts, wait := dialFake(t, fs, func(fs *fakeServer) { fs.readUntilEnd() })
	opts.KeepaliveInterval = 50 * time.Millisecond
	c, err := Dial(context.Background(), alice, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer wait()
	defer c.Close()
	deadline := time.Now().Add(5 * time.Second)
	for c.keepalives.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("%d keepalives sent in 5s", c.keepalives.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestUserReplacesPingResponder(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{}
	var reply *stanza.IQ
	answered := make(chan struct{})
	c, wait := dialTest(t, fs, func(fs *fakeServer) {
		fs.waitReady()
		fs.send("<iq from='bob@localhost/x' id='p' type='get'><ping xmlns='urn:xmpp:ping'/></iq>")
		reply, _ = stanza.ParseIQ(fs.read())
		close(answered)
		fs.readUntilEnd()
	})
	c.HandleIQ(stanza.IQGet, "urn:xmpp:ping", "ping", func(ctx context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		return nil, stanza.NewError(stanza.ErrNotAllowed, "")
	})
	close(fs.ready)
	<-answered
	c.Close()
	wait()
	if reply == nil || !errors.Is(reply.Error, stanza.ErrNotAllowed) {
		t.Errorf("reply %+v", reply)
	}
}
