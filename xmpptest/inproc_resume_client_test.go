package xmpptest_test

import (
	"context"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestServerSMClientResumes cuts the connection of a Client that uses
// stream management: it reconnects and resumes, and the messages sent to
// it meanwhile arrive, once each.
func TestServerSMClientResumes(t *testing.T) {
	testClientResumes(t, nil)
}

// testClientResumes is TestServerSMClientResumes with the Options of the
// Client that is cut changed by via(srv) (nil for no change): it connects
// through another transport, say.
func testClientResumes(t *testing.T, via func(*xmpptest.Server) func(*xmpp.Options)) {
	t.Helper()
	srv := startServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	alice := mustLogin(t, srv, 0, "")
	events := make(chan xmpp.Event, 10)
	bob, err := login(t, srv, 1, "phone", func(o *xmpp.Options) {
		o.ReconnectMin, o.ReconnectMax = time.Millisecond, 10*time.Millisecond
		if via != nil {
			via(srv)(o)
		}
	}, func(c *xmpp.Client) {
		c.HandleEvent(func(_ context.Context, ev xmpp.Event) {
			if ev.Kind != xmpp.EventConnected {
				events <- ev
			}
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	defer bob.Close()
	bin := newInbox(bob)
	send(t, alice, stanza.NewMessage(stanza.MessageChat, bob.JID(), "before"))
	if m := bin.message(t); m.Body() != "before" {
		t.Fatalf("got %q", m.Body())
	}
	if err := srv.Cut(bob.JID()); err != nil {
		t.Fatal(err)
	}
	away := []string{"while away 1", "while away 2", "while away 3"}
	for _, body := range away {
		send(t, alice, stanza.NewMessage(stanza.MessageChat, bob.JID(), body))
	}
	next := func() xmpp.Event {
		t.Helper()
		select {
		case ev := <-events:
			return ev
		case <-time.After(waitTimeout):
			t.Fatal("no connection event")
			return xmpp.Event{}
		}
	}
	if ev := next(); ev.Kind != xmpp.EventDisconnected {
		t.Fatalf("event %v", ev.Kind)
	}
	if ev := next(); ev.Kind != xmpp.EventResumed {
		t.Fatalf("event %v (%v), want resumed", ev.Kind, ev.Err)
	}
	for _, body := range away {
		if m := bin.message(t); m.Body() != body || m.From != alice.JID() {
			t.Errorf("got %s, want %q from %s", m.Element(), body, alice.JID())
		}
	}
	if bob.JID().Resourcepart() != "phone" {
		t.Errorf("bob is now %s", bob.JID())
	}
	ain := newInbox(alice)
	send(t, bob, stanza.NewMessage(stanza.MessageChat, alice.JID(), "back"))
	if m := ain.message(t); m.Body() != "back" {
		t.Errorf("alice got %q", m.Body())
	}
	// Nothing came twice: what arrived before "back" was handled first.
	if err := bob.Sync(ctx(t)); err != nil {
		t.Fatal(err)
	}
	bin.empty(t)
}
