package correction_test

import (
	"context"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/correction"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestServers has alice correct a message to bob, and carol try to
// correct it too, claiming to be alice: the server stamps carol's
// address on her message (or, ejabberd, refuses a from that is not
// hers), so Valid refuses it.
func TestServers(t *testing.T) {
	xmpptest.ForEachServer(t, nil, func(t *testing.T, tg xmpptest.Target) {
		ctx := timeout(t)
		alice, bob, carol := loginTarget(t, tg, 0, "phone"), loginTarget(t, tg, 1, "home"), loginTarget(t, tg, 2, "pc")
		got := make(chan *stanza.Message, 8)
		bob.HandleMessage(xmpp.Route{}, func(ctx context.Context, m *stanza.Message) { got <- m })

		original := stanza.NewMessage(stanza.MessageChat, bob.JID(), "what light through yonder airlock breaks?")
		fixed := stanza.NewMessage(stanza.MessageChat, bob.JID(), "what light through yonder window breaks?")
		correction.Set(fixed, original.ID)
		forged := stanza.NewMessage(stanza.MessageChat, bob.JID(), "I hate you")
		// Prosody and the in-process server overwrite a from that is not
		// the sender's; ejabberd ends the sender's stream with invalid-from.
		if tg.Name() != "ejabberd" {
			forged.From = alice.JID()
		}
		correction.Set(forged, original.ID)
		sends := []struct {
			c *xmpp.Client
			m *stanza.Message
		}{{alice, original}, {alice, fixed}, {carol, forged}}
		for _, s := range sends {
			if err := s.c.Send(ctx, s.m); err != nil {
				t.Fatal(err)
			}
		}
		// Alice's two messages arrive in order; carol's may overtake them.
		byID := map[string]*stanza.Message{}
		for range sends {
			m := receive(t, got, "a message")
			byID[m.ID] = m
		}
		o, f, x := byID[original.ID], byID[fixed.ID], byID[forged.ID]
		if o == nil || f == nil || x == nil {
			t.Fatalf("messages missing: %v", byID)
		}
		if !correction.Valid(o, f) {
			t.Errorf("alice's correction refused: %s corrects %s", f.Element(), o.Element())
		}
		if x.From != carol.JID() {
			t.Errorf("%s delivered carol's message from %s", tg.Name(), x.From)
		}
		if correction.Valid(o, x) {
			t.Errorf("carol's forged correction accepted: %s", x.Element())
		}
	})
}
