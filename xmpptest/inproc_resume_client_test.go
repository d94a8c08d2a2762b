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
// stream management: it reconnects and resumes, and a message sent to it
// meanwhile arrives.
func TestServerSMClientResumes(t *testing.T) {
	srv := startServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	alice := mustLogin(t, srv, 0, "")
	events := make(chan xmpp.Event, 10)
	bob, err := login(t, srv, 1, "phone", func(o *xmpp.Options) {
		o.ReconnectMin, o.ReconnectMax = time.Millisecond, 10*time.Millisecond
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
	send(t, alice, stanza.NewMessage(stanza.MessageChat, bob.JID(), "while away"))
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
	if m := bin.message(t); m.Body() != "while away" || m.From != alice.JID() {
		t.Errorf("got %s", m.Element())
	}
	if bob.JID().Resourcepart() != "phone" {
		t.Errorf("bob is now %s", bob.JID())
	}
	ain := newInbox(alice)
	send(t, bob, stanza.NewMessage(stanza.MessageChat, alice.JID(), "back"))
	if m := ain.message(t); m.Body() != "back" {
		t.Errorf("alice got %q", m.Body())
	}
}
