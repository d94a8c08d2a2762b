package markers_test

import (
	"context"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/markers"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestServers has alice send bob markable messages through each server;
// bob answers the last with a displayed marker to alice's bare JID, and
// a received marker too, as clients of older versions of XEP-0333 do.
func TestServers(t *testing.T) {
	xmpptest.ForEachServer(t, nil, func(t *testing.T, tg xmpptest.Target) {
		ctx := timeout(t)
		alice, bob := loginTarget(t, tg, 0, "phone"), loginTarget(t, tg, 1, "home")
		toBob := make(chan *stanza.Message, 8)
		bob.HandleMessage(xmpp.Route{}, func(ctx context.Context, m *stanza.Message) { toBob <- m })
		toAlice := make(chan *stanza.Message, 8)
		alice.HandleMessage(xmpp.Route{}, func(ctx context.Context, m *stanza.Message) { toAlice <- m })
		// The markers go to alice's bare JID: she must be available, and
		// the server must know it before bob answers (it answers the ping
		// after handling the presence).
		if err := alice.Send(ctx, stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})); err != nil {
			t.Fatal(err)
		}
		ping := stanza.NewIQ(stanza.IQGet, alice.JID().Domain(), stanza.NewElement("urn:xmpp:ping", "ping"))
		if _, err := alice.Request(ctx, ping); err != nil {
			t.Fatal(err)
		}

		var sent []*stanza.Message
		for _, body := range []string{"Hi.", "How are you?"} {
			m := stanza.NewMessage(stanza.MessageChat, bob.JID(), body)
			m.Thread = stanza.Thread{ID: "t1"}
			markers.AddMarkable(m)
			sent = append(sent, m)
			if err := alice.Send(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		var last *stanza.Message
		for _, want := range sent {
			last = receive(t, toBob, want.Body())
			if last.ID != want.ID || !markers.IsMarkable(last) || last.Body() != want.Body() {
				t.Fatalf("bob got %s\nwant %s", last.Element(), want.Element())
			}
		}
		// Displayed markers mean "all messages up to this one": bob
		// answers the last only.
		answers := []*stanza.Message{markers.Reply(last, markers.Received), markers.Reply(last, markers.Displayed)}
		for _, r := range answers {
			if err := bob.Send(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		for _, want := range answers {
			m := receive(t, toAlice, "a marker")
			mk, ok := markers.Get(m)
			wantMK, _ := markers.Get(want)
			if !ok || mk != wantMK || mk.ID != sent[1].ID || m.From != bob.JID() || m.Thread != last.Thread || len(m.Bodies) != 0 {
				t.Errorf("alice got %s\nwant %s", m.Element(), want.Element())
			}
		}
	})
}
