package xmpp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/sasl"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stream"
	"github.com/xmppkit/xmpp/xmpptest"
)

func TestDialAndClose(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	c := dialTest(t, srv, 0, func(o *Options) { o.Resource = "res" })
	if got := c.JID().String(); got != "alice@localhost/res" {
		t.Errorf("bound %s", got)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.WaitNoSession(ctx, c.JID()); err != nil {
		t.Errorf("server still has the session: %v", err)
	}
	// Err says why the Client ended: nothing went wrong.
	if err := c.Err(); err != nil {
		t.Errorf("Err after Close = %v, want nil", err)
	}
	select {
	case <-c.Done():
	default:
		t.Error("Done not closed after Close")
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := c.Send(context.Background(), stanza.NewMessage(stanza.MessageChat, c.JID(), "x")); !errors.Is(err, ErrClosed) {
		t.Errorf("Send after Close: %v", err)
	}
}

func TestMessagesInOrder(t *testing.T) {
	checkGoroutines(t)
	const n = 200
	srv := xmpptest.StartServer(t, nil)
	alice := dialTest(t, srv, 0, nil)
	bob := dialTest(t, srv, 1, nil)
	got := make(chan string, n)
	alice.HandleMessage(Route{}, func(ctx context.Context, m *stanza.Message) { got <- m.Body() })
	go func() {
		for i := range n {
			if bob.Send(context.Background(), stanza.NewMessage(stanza.MessageChat, alice.JID(), fmt.Sprint(i))) != nil {
				return
			}
		}
	}()
	for i := range n {
		select {
		case b := <-got:
			if b != fmt.Sprint(i) {
				t.Fatalf("message %d arrived as %s", i, b)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("message %d did not arrive", i)
		}
	}
}

// TestHandlerMayAwaitResult: a handler that sends a request and waits for
// its result does not deadlock, because results bypass the handler queue.
func TestHandlerMayAwaitResult(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	alice := dialTest(t, srv, 0, nil)
	bob := dialTest(t, srv, 1, nil)
	// When alice's handler pings the server, another message is queued
	// for her ahead of the answer, behind the running handler.
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == xmpptest.ClientToServer && ev.JID == alice.JID() && isPing(ev.Element) {
			_ = srv.Inject(alice.JID(), chat(bob.JID(), alice.JID(), "second"))
		}
		return xmpptest.Verdict{}
	})
	results := make(chan error, 2)
	alice.HandleMessage(Route{}, func(ctx context.Context, m *stanza.Message) {
		if m.Body() == "ping the server" {
			results <- alice.Ping(ctx, jid.JID{})
		} else {
			results <- nil
		}
	})
	if err := bob.Send(context.Background(), stanza.NewMessage(stanza.MessageChat, alice.JID(), "ping the server")); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		select {
		case err := <-results:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("handler deadlocked")
		}
	}
}

func TestUnhandledIQGetsServiceUnavailable(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	alice := dialTest(t, srv, 0, nil)
	bob := dialTest(t, srv, 1, nil)
	replies := watch(srv, xmpptest.ClientToServer, func(e *stanza.Element) bool {
		return e.Name.Local == "iq" && e.Attr("type") == "error"
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := bob.Request(ctx, stanza.NewIQ(stanza.IQGet, alice.JID(), stanza.NewElement("urn:example:unknown", "query")))
	if !errors.Is(err, stanza.ErrServiceUnavailable) || res == nil || res.From != alice.JID() {
		t.Errorf("answer to an unhandled get: %v, %v", res, err)
	}
	if reply := next(t, replies, "alice's error reply"); reply.Attr("to") != bob.JID().String() {
		t.Errorf("reply addressed to %q", reply.Attr("to"))
	}
	if err := bob.Ping(ctx, alice.JID()); err != nil {
		t.Errorf("ping not answered: %v", err)
	}
}

// TestResultOnlyFromAddressee: a result with the right id from anyone but
// the addressee, injected ahead of the real one, is dropped.
func TestResultOnlyFromAddressee(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	alice := dialTest(t, srv, 0, nil)
	bob := dialTest(t, srv, 1, nil)
	bob.HandleIQ(stanza.IQGet, "urn:x", "q", func(ctx context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		return stanza.NewElement("urn:x", "real"), nil
	})
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		e := ev.Element
		if ev.Dir == xmpptest.ClientToServer && isIQ(e, stanza.IQGet, "urn:x", "q") && e.Attr("to") == bob.JID().String() {
			for _, from := range []string{"mallory@localhost/x", bob.JID().Bare().String(), ""} {
				spoof := stanza.NewElement(stanza.NSClient, "iq", stanza.A("type", "result"), stanza.A("id", e.Attr("id")),
					stanza.A("to", alice.JID().String())).AddChild(stanza.NewElement("urn:x", "spoofed"))
				if from != "" {
					spoof.SetAttr("from", from)
				}
				_ = srv.Inject(alice.JID(), spoof)
			}
		}
		return xmpptest.Verdict{}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := alice.Request(ctx, stanza.NewIQ(stanza.IQGet, bob.JID(), stanza.NewElement("urn:x", "q")))
	if err != nil {
		t.Fatal(err)
	}
	if res.From != bob.JID() || res.Payload == nil || res.Payload.Name.Local != "real" {
		t.Errorf("accepted %s", res.Element())
	}
}

func TestRequestErrorIsStanzaError(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	srv.HandleIQ(stanza.IQGet, "urn:x", "q", func(ctx context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		return nil, stanza.NewError(stanza.ErrItemNotFound, "no such user")
	})
	c := dialTest(t, srv, 0, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := c.Request(ctx, stanza.NewIQ(stanza.IQGet, jid.JID{}, stanza.NewElement("urn:x", "q")))
	var se *stanza.Error
	if !errors.Is(err, stanza.ErrItemNotFound) || !errors.As(err, &se) || se.Text != "no such user" {
		t.Errorf("err = %v", err)
	}
}

// dropRequests makes srv drop every {urn:x}q request, and returns a channel
// told of each.
func dropRequests(srv *xmpptest.Server) <-chan struct{} {
	seen := make(chan struct{}, 8)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == xmpptest.ClientToServer && isIQ(ev.Element, stanza.IQGet, "urn:x", "q") {
			seen <- struct{}{}
			return xmpptest.Verdict{Drop: true}
		}
		return xmpptest.Verdict{}
	})
	return seen
}

func TestRequestHonoursContext(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	dropRequests(srv)
	c := dialTest(t, srv, 0, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Request(ctx, stanza.NewIQ(stanza.IQGet, jid.JID{}, stanza.NewElement("urn:x", "q")))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("returned after %v", d)
	}
}

func TestCloseFailsPendingRequests(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	seen := dropRequests(srv)
	c := dialTest(t, srv, 0, nil)
	errc := make(chan error, 1)
	go func() {
		_, err := c.Request(context.Background(), stanza.NewIQ(stanza.IQGet, jid.JID{}, stanza.NewElement("urn:x", "q")))
		errc <- err
	}()
	<-seen
	c.Close()
	if err := <-errc; !errors.Is(err, ErrClosed) {
		t.Errorf("pending request got %v", err)
	}
}

func TestCloseFromHandler(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	alice := dialTest(t, srv, 0, nil)
	bob := dialTest(t, srv, 1, nil)
	closed := make(chan struct{})
	alice.HandleMessage(Route{}, func(ctx context.Context, m *stanza.Message) {
		alice.Close()
		close(closed)
	})
	if err := bob.Send(context.Background(), stanza.NewMessage(stanza.MessageChat, alice.JID(), "quit")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close from a handler blocked")
	}
}

// replaceFirst makes srv write repl instead of the first element to a
// client that match accepts.
func replaceFirst(srv *xmpptest.Server, match func(*stanza.Element) bool, repl func(*stanza.Element) *stanza.Element) {
	var once sync.Once
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		var v xmpptest.Verdict
		if ev.Dir == xmpptest.ServerToClient && match(ev.Element) {
			once.Do(func() { v.Replace = repl(ev.Element) })
		}
		return v
	})
}

func TestBindRefusesForeignAddress(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	replaceFirst(srv, func(e *stanza.Element) bool { return isIQ(e, stanza.IQResult, nsBind, "bind") },
		func(e *stanza.Element) *stanza.Element {
			return stanza.NewElement(stanza.NSClient, "iq", stanza.A("type", "result"), stanza.A("id", e.Attr("id"))).
				AddChild(stanza.NewElement(nsBind, "bind").AddChild(stanza.NewElement(nsBind, "jid").AddText("mallory@localhost/res")))
		})
	_, err := dialWith(srv, 0, testOptions(srv, 0))
	if err == nil || !strings.Contains(err.Error(), "mallory") {
		t.Fatalf("err = %v", err)
	}
}

func TestRefusesServerWithoutTLS(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	// Offer SASL PLAIN in the clear instead of STARTTLS.
	replaceFirst(srv, func(e *stanza.Element) bool { return e.Child(nsTLS, "starttls") != nil },
		func(*stanza.Element) *stanza.Element { return features(mechanisms("PLAIN")) })
	_, err := dialWith(srv, 0, testOptions(srv, 0))
	if !errors.Is(err, stream.ErrTLSRequired) {
		t.Fatalf("err = %v", err)
	}
}

func TestSASLFailureIsTyped(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	replaceFirst(srv, func(e *stanza.Element) bool { return e.Name == stanza.Name{Space: nsSASL, Local: "success"} },
		func(*stanza.Element) *stanza.Element {
			return stanza.NewElement(nsSASL, "failure").AddChild(stanza.NewElement(nsSASL, "account-disabled")).
				AddChild(stanza.NewElement(nsSASL, "text").AddText("go away"))
		})
	_, err := dialWith(srv, 0, testOptions(srv, 0))
	var f *sasl.Failure
	if !errors.Is(err, sasl.ErrAccountDisabled) || !errors.As(err, &f) || f.Text != "go away" {
		t.Fatalf("err = %v", err)
	}
}

func TestWrongPassword(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	for _, mech := range []string{"SCRAM-SHA-256", "PLAIN"} {
		opts := testOptions(srv, 0)
		opts.SASL = &sasl.Config{Username: "alice", Password: "wrong", Mechanisms: []string{mech}}
		if _, err := dialWith(srv, 0, opts); !errors.Is(err, sasl.ErrNotAuthorized) {
			t.Errorf("%s: err = %v", mech, err)
		}
	}
}

func TestUnknownMechanisms(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	replaceFirst(srv, func(e *stanza.Element) bool { return e.Child(nsSASL, "mechanisms") != nil },
		func(*stanza.Element) *stanza.Element { return features(mechanisms("X-UNKNOWN", "CRAM-MD5")) })
	_, err := dialWith(srv, 0, testOptions(srv, 0))
	if !errors.Is(err, sasl.ErrNoMechanism) {
		t.Fatalf("err = %v", err)
	}
}

// TestBadInput: the connection ends with the right error and the server
// gets the stream error the input calls for.
func TestBadInput(t *testing.T) {
	tests := []struct {
		name  string
		input string
		cut   bool // the server cuts the connection after input
		want  error
		sent  stanza.StreamCondition // stream error we must send, if any
	}{
		{"garbage", "<message><!-- hidden --></message>", false, stanza.StreamRestrictedXML, stanza.StreamRestrictedXML},
		{"not well-formed", "<message></presence>", false, stanza.StreamNotWellFormed, stanza.StreamNotWellFormed},
		{"cut mid-stanza", "<message><body>hel", true, io.ErrUnexpectedEOF, ""},
		{"stream error", "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>", false, stanza.StreamConflict, ""},
		{"server closes stream", "</stream:stream>", false, ErrPeerClosed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkGoroutines(t)
			srv := xmpptest.StartServer(t, nil)
			sent := streamErrors(srv)
			c := dialTest(t, srv, 0, nil)
			if err := srv.InjectRaw(c.JID(), []byte(tt.input)); err != nil {
				t.Fatal(err)
			}
			if tt.cut {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				if err := srv.Flush(ctx, c.JID()); err != nil {
					t.Fatal(err)
				}
				if err := srv.Cut(c.JID()); err != nil {
					t.Fatal(err)
				}
			}
			waitDone(t, c)
			if err := c.Err(); !errors.Is(err, ErrClosed) || !errors.Is(err, tt.want) {
				t.Errorf("Err = %v, want %v", err, tt.want)
			}
			if tt.sent == "" {
				return
			}
			se, err := stanza.ParseStreamError(next(t, sent, "the client's stream error"))
			if err != nil || se.Condition != tt.sent {
				t.Errorf("server got stream error %v (%v), want %s", se, err, tt.sent)
			}
		})
	}
}

func TestDeadConnectionDetected(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	// The server reads everything and answers no ping.
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		return xmpptest.Verdict{Drop: ev.Dir == xmpptest.ClientToServer && isPing(ev.Element)}
	})
	c := dialTest(t, srv, 0, func(o *Options) {
		o.PingInterval = 100 * time.Millisecond
		o.PingTimeout = 200 * time.Millisecond
	})
	waitDone(t, c)
	if !errors.Is(c.Err(), ErrDeadConnection) {
		t.Errorf("Err = %v", c.Err())
	}
}

// TestSendHonoursContextWhenServerStopsReading: a send blocked because the
// server reads nothing returns at its deadline.
func TestSendHonoursContextWhenServerStopsReading(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	// After "stop reading" the server's reader waits in the hook until
	// the session ends, reading nothing more (net.Pipe has no buffer).
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == xmpptest.ClientToServer && ev.Element.ChildText(stanza.NSClient, "body") == "stop reading" {
			return xmpptest.Verdict{Delay: time.Hour}
		}
		return xmpptest.Verdict{}
	})
	c := dialTest(t, srv, 0, nil)
	if err := c.Send(context.Background(), stanza.NewMessage(stanza.MessageChat, c.JID(), "stop reading")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	big := stanza.NewMessage(stanza.MessageChat, c.JID(), strings.Repeat("x", 1<<20))
	if err := c.Send(ctx, big); err == nil {
		t.Fatal("send to a server that reads nothing succeeded")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("send returned after %v", d)
	}
	// A write cut short leaves the stream unusable, so the client ends.
	waitDone(t, c)
}

func TestDuplicateIQHandlerPanics(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	c := dialTest(t, srv, 0, nil)
	h := func(context.Context, *stanza.IQ) (*stanza.Element, error) { return nil, nil }
	c.HandleIQ(stanza.IQGet, "urn:x", "q", h)
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	c.HandleIQ(stanza.IQGet, "urn:x", "q", h)
}

// TestCut: without stream management a cut connection ends the Client;
// with it, the Client resumes and a message sent to it meanwhile arrives.
func TestCut(t *testing.T) {
	checkGoroutines(t)
	t.Run("without stream management", func(t *testing.T) {
		srv := xmpptest.StartServer(t, nil)
		alice := dialTest(t, srv, 0, nil)
		if err := srv.Cut(alice.JID()); err != nil {
			t.Fatal(err)
		}
		waitDone(t, alice)
		if !errors.Is(alice.Err(), ErrClosed) {
			t.Errorf("Err = %v", alice.Err())
		}
	})
	t.Run("with stream management", func(t *testing.T) {
		srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
		resumed := make(chan struct{}, 1)
		alice := connectTest(t, srv, 0, nil, func(c *Client) {
			c.HandleEvent(func(_ context.Context, ev Event) {
				if ev.Kind == EventConnected {
					return
				}
				if ev.Kind == EventResumed {
					resumed <- struct{}{}
				}
			})
		})
		bob := dialTest(t, srv, 1, nil)
		got := make(chan string, 1)
		alice.HandleMessage(Route{}, func(ctx context.Context, m *stanza.Message) { got <- m.Body() })
		if err := srv.Cut(alice.JID()); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := bob.Send(ctx, stanza.NewMessage(stanza.MessageChat, alice.JID(), "while you were away")); err != nil {
			t.Fatal(err)
		}
		select {
		case <-resumed:
		case <-ctx.Done():
			t.Fatal("no resumption")
		}
		select {
		case b := <-got:
			if b != "while you were away" {
				t.Errorf("got %q", b)
			}
		case <-ctx.Done():
			t.Fatal("message lost")
		}
	})
}
