package xmpp

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/sasl"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stream"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestLegacySession: a server that lists the RFC 3921 session feature
// without <optional/> gets a session request after binding.
func TestLegacySession(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	replaceFirst(srv, func(e *stanza.Element) bool { return e.Child(nsBind, "bind") != nil },
		func(*stanza.Element) *stanza.Element {
			return features(stanza.NewElement(nsBind, "bind"), stanza.NewElement(nsSession, "session"))
		})
	requests := watch(srv, xmpptest.ClientToServer, func(e *stanza.Element) bool { return isIQ(e, stanza.IQSet, nsSession, "session") })
	results := watch(srv, xmpptest.ServerToClient, func(e *stanza.Element) bool { return e.Attr("type") == "result" })
	c := dialTest(t, srv, 0, nil)
	req := next(t, requests, "a session request")
	for {
		if res := next(t, results, "the session result"); res.Attr("id") == req.Attr("id") {
			break
		}
	}
	// Without the feature, no session is requested.
	c.Close()
	srv2 := xmpptest.StartServer(t, nil)
	requests = watch(srv2, xmpptest.ClientToServer, func(e *stanza.Element) bool { return isIQ(e, stanza.IQSet, nsSession, "session") })
	c = dialTest(t, srv2, 0, nil)
	if err := c.Ping(context.Background(), jid.JID{}); err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-requests:
		t.Errorf("session requested although optional: %s", e)
	default:
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
	srv := xmpptest.StartServer(t, nil)
	var trace syncBuffer
	a := srv.Account(0)
	// PLAIN, so that the password itself would be on the wire.
	c := dialTest(t, srv, 0, func(o *Options) {
		o.Trace = &trace
		o.SASL = &sasl.Config{Username: a.User, Password: a.Password, Mechanisms: []string{"PLAIN"}}
	})
	got := make(chan struct{})
	c.HandleMessage(Route{}, func(context.Context, *stanza.Message) { close(got) })
	if err := srv.Inject(c.JID(), chat(jid.MustParse("bob@localhost/x"), c.JID(), "traced")); err != nil {
		t.Fatal(err)
	}
	<-got
	if err := c.Ping(context.Background(), jid.JID{}); err != nil {
		t.Fatal(err)
	}
	c.Close()
	out := trace.String()
	secret := base64.StdEncoding.EncodeToString([]byte("\x00" + a.User + "\x00" + a.Password))
	if strings.Contains(out, secret) || strings.Contains(out, a.Password) {
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
	srv := xmpptest.StartServer(t, nil)
	redirect := func(*stanza.Element) *stanza.Element {
		return (&stanza.StreamError{Condition: stanza.StreamSeeOtherHost, SeeOtherHost: "other.example:5223"}).Element()
	}
	replaceFirst(srv, func(e *stanza.Element) bool { return e.Child(nsTLS, "starttls") != nil }, redirect)
	d := &dialCounter{srv: srv, n: -1}
	c := dialTest(t, srv, 0, func(o *Options) { o.Addr, o.Dial = "first.example:5222", d.dial })
	c.Close()
	if got := fmt.Sprint(d.dialled()); got != "[first.example:5222 other.example:5223]" {
		t.Errorf("dialled %v", got)
	}

	// A second redirection is not followed.
	srv = xmpptest.StartServer(t, nil)
	var n atomic.Int32
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == xmpptest.ServerToClient && ev.Element.Child(nsTLS, "starttls") != nil && n.Add(1) <= 2 {
			return xmpptest.Verdict{Replace: redirect(ev.Element)}
		}
		return xmpptest.Verdict{}
	})
	d = &dialCounter{srv: srv, n: -1}
	opts := testOptions(srv, 0)
	opts.Addr, opts.Dial = "first.example:5222", d.dial
	if _, err := dialWith(srv, 0, opts); !errors.Is(err, stanza.StreamSeeOtherHost) {
		t.Errorf("second redirection: %v", err)
	}
	if got := len(d.dialled()); got != 2 {
		t.Errorf("%d connections, want 2", got)
	}
}

// TestResultWithWrongIDIgnored: results for ids nobody waits for are
// dropped, and the real answer still arrives.
func TestResultWithWrongIDIgnored(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	c := dialTest(t, srv, 0, nil)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == xmpptest.ClientToServer && isPing(ev.Element) {
			id := ev.Element.Attr("id")
			_ = srv.Inject(c.JID(), stanza.NewElement(stanza.NSClient, "iq", stanza.A("id", "not-"+id), stanza.A("type", "result")))
			_ = srv.Inject(c.JID(), stanza.NewElement(stanza.NSClient, "iq", stanza.A("id", id+"x"), stanza.A("type", "error")).
				AddChild(stanza.NewError(stanza.ErrConflict, "").Element()))
		}
		return xmpptest.Verdict{}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Ping(ctx, jid.JID{}); err != nil {
		t.Fatal(err)
	}
}

func TestWhitespaceKeepalive(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	c := dialTest(t, srv, 0, func(o *Options) { o.KeepaliveInterval = 50 * time.Millisecond })
	deadline := time.Now().Add(5 * time.Second)
	for c.keepalives.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("%d keepalives sent in 5s", c.keepalives.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The server took the whitespace between elements as nothing.
	if err := c.Ping(context.Background(), jid.JID{}); err != nil {
		t.Fatal(err)
	}
}

func TestUserReplacesPingResponder(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	alice := dialTest(t, srv, 0, nil)
	bob := dialTest(t, srv, 1, nil)
	alice.HandleIQ(stanza.IQGet, "urn:xmpp:ping", "ping", func(ctx context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		return nil, stanza.NewError(stanza.ErrNotAllowed, "")
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := bob.Ping(ctx, alice.JID()); !errors.Is(err, stanza.ErrNotAllowed) {
		t.Errorf("ping answered with %v", err)
	}
}

// TestPreAuthFirstConnectionOnly: Options.PreAuth runs when Dial
// connects, not when the Client reconnects.
func TestPreAuthFirstConnectionOnly(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	var calls atomic.Int32
	resumed := make(chan struct{}, 1)
	c := connectTest(t, srv, 0, func(o *Options) {
		o.PreAuth = func(context.Context, stream.Transport, *stanza.Element) error { calls.Add(1); return nil }
	}, func(c *Client) {
		c.HandleEvent(func(_ context.Context, ev Event) {
			if ev.Kind == EventConnected {
				return
			}
			if ev.Kind == EventResumed {
				resumed <- struct{}{}
			}
		})
	})
	if err := srv.Cut(c.JID()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-resumed:
	case <-time.After(5 * time.Second):
		t.Fatal("no resumption")
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("PreAuth ran %d times", n)
	}
}

func TestAdvertise(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	c := dialTest(t, srv, 0, nil)
	if got := fmt.Sprint(c.Advertised()); got != "[urn:xmpp:ping]" {
		t.Errorf("before: %s", got)
	}
	c.Advertise("urn:b", "urn:a", "urn:b", "")
	c.Advertise("jabber:iq:version")
	if got := fmt.Sprint(c.Advertised()); got != "[jabber:iq:version urn:a urn:b urn:xmpp:ping]" {
		t.Errorf("after: %s", got)
	}
}
