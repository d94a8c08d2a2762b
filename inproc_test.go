package xmpp

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// These tests drive the Client's routing and error paths through the
// in-process server's hooks, over net.Pipe.

func inprocDial(t *testing.T, srv *xmpptest.Server, i int, opts *Options) *Client {
	t.Helper()
	var o Options
	if opts != nil {
		o = *opts
	}
	a := srv.Account(i)
	o.Password, o.Dial, o.TLSConfig = a.Password, srv.DialPipe, srv.TLSConfig()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Dial(ctx, a.JID(), &o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestInprocSpoofedResult: a result with the right id from a third party,
// injected ahead of the real one, is dropped.
func TestInprocSpoofedResult(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	alice := inprocDial(t, srv, 0, nil)
	bob := inprocDial(t, srv, 1, nil)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		e := ev.Element
		if ev.Dir == xmpptest.ClientToServer && e.Name.Local == "iq" && e.Attr("type") == "get" && e.Attr("to") == bob.JID().String() {
			spoof := stanza.NewElement(stanza.NSClient, "iq", stanza.A("type", "result"), stanza.A("id", e.Attr("id")),
				stanza.A("from", "carol@localhost/evil"), stanza.A("to", alice.JID().String()))
			_ = srv.Inject(alice.JID(), spoof)
		}
		return xmpptest.Verdict{}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := alice.Request(ctx, stanza.NewIQ(stanza.IQGet, bob.JID(), stanza.NewElement("urn:example:q", "q")))
	// Bob's client has no handler: the real answer is service-unavailable
	// from bob, not the spoofed result from carol.
	if !errors.Is(err, stanza.ErrServiceUnavailable) || res == nil || res.From != bob.JID() {
		t.Fatalf("answer %v, %v", res, err)
	}
}

// TestInprocGarbageFromServer: bytes that are not restricted XML end the
// stream with the stream error they call for.
func TestInprocGarbageFromServer(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	alice := inprocDial(t, srv, 0, nil)
	if err := srv.InjectRaw(alice.JID(), []byte("<message><?php evil?></message>")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-alice.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("client still running")
	}
	if !errors.Is(alice.Err(), stanza.StreamRestrictedXML) {
		t.Errorf("Err = %v", alice.Err())
	}
}

// TestInprocCut: without stream management a cut
// connection ends the Client; with it, the Client resumes and a message
// sent to it meanwhile arrives.
func TestInprocCut(t *testing.T) {
	checkGoroutines(t)
	t.Run("without stream management", func(t *testing.T) {
		srv := xmpptest.StartServer(t, nil)
		alice := inprocDial(t, srv, 0, nil)
		if err := srv.Cut(alice.JID()); err != nil {
			t.Fatal(err)
		}
		select {
		case <-alice.Done():
		case <-time.After(5 * time.Second):
			t.Fatal("client still running")
		}
		if !errors.Is(alice.Err(), ErrClosed) {
			t.Errorf("Err = %v", alice.Err())
		}
	})
	t.Run("with stream management", func(t *testing.T) {
		srv := xmpptest.StartServer(t, &xmpptest.ServerConfig{StreamManagement: true})
		resumed := make(chan struct{}, 1)
		alice := inprocDial(t, srv, 0, &Options{ReconnectMin: time.Millisecond, OnEvent: func(ev Event) {
			if ev.Kind == EventResumed {
				resumed <- struct{}{}
			}
		}})
		bob := inprocDial(t, srv, 1, nil)
		got := make(chan string, 1)
		alice.HandleMessage(func(ctx context.Context, m *stanza.Message) { got <- m.Body() })
		waitFor(t, alice.sm.resumable, "stream management")
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
