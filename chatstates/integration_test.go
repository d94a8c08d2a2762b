package chatstates_test

import (
	"context"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/chatstates"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestServers has alice send bob a conversation's worth of chat states,
// standalone and with content, and checks that each arrives intact, in
// order, through each server.
func TestServers(t *testing.T) {
	xmpptest.ForEachServer(t, nil, func(t *testing.T, tg xmpptest.Target) {
		ctx := timeout(t)
		alice, bob := loginTarget(t, tg, 0, "phone"), loginTarget(t, tg, 1, "home")
		got := make(chan *stanza.Message, 8)
		bob.HandleMessage(xmpp.Route{}, func(ctx context.Context, m *stanza.Message) { got <- m })
		// The last notification goes to bob's bare JID: bob must be
		// available, and the server must know it (it answers the ping
		// after handling the presence) before alice sends.
		if err := bob.Send(ctx, stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})); err != nil {
			t.Fatal(err)
		}
		ping := stanza.NewIQ(stanza.IQGet, bob.JID().Domain(), stanza.NewElement("urn:xmpp:ping", "ping"))
		if _, err := bob.Request(ctx, ping); err != nil {
			t.Fatal(err)
		}

		content := stanza.NewMessage(stanza.MessageChat, bob.JID(), "Who's there?")
		content.Thread = stanza.Thread{ID: "act1"}
		chatstates.Set(content, chatstates.Active)
		threaded := chatstates.Notification(bob.JID(), chatstates.Paused)
		threaded.Thread = stanza.Thread{ID: "act1"}
		sent := []*stanza.Message{
			chatstates.Notification(bob.JID(), chatstates.Composing),
			threaded,
			content,
			chatstates.Notification(bob.JID(), chatstates.Inactive),
			chatstates.Notification(bob.JID().Bare(), chatstates.Gone),
		}
		for _, m := range sent {
			if err := alice.Send(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		for _, want := range sent {
			m := receive(t, got, "a chat state")
			wantState, _ := chatstates.Get(want)
			s, ok := chatstates.Get(m)
			if m.ID != want.ID || m.From != alice.JID() || !ok || s != wantState || m.Body() != want.Body() ||
				m.Thread != want.Thread || m.Type != stanza.MessageChat {
				t.Errorf("got %s\nwant %s", m.Element(), want.Element())
			}
			if want != content && len(m.Bodies) != 0 {
				t.Errorf("standalone notification arrived with a body: %s", m.Element())
			}
		}
	})
}
