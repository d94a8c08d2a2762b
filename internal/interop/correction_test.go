package interop_test

import (
	"context"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/correction"
	"github.com/xmppkit/xmpp/internal/interop"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestCorrection: XEP-0308 both ways. Each side sends a message and then
// its correction; the other reads the replaced id and the new body: the
// SDK with correction.Get and Valid, slixmpp with its plugin.
func TestCorrection(t *testing.T) {
	interop.Servers(t, 2, func(t *testing.T, srv *xmpptest.RealServer) {
		ctx := testkit.Ctx(t)
		got := make(chan *stanza.Message, 4)
		alice := testkit.LoginTarget(t, srv, 0, "go", func(c *xmpp.Client) {
			c.HandleMessage(xmpp.Route{Type: "chat"}, func(_ context.Context, m *stanza.Message) { got <- m })
		})
		bob := interop.Start(t, srv, srv.Account(1), "slix", nil)
		watchSlix(ctx, bob, "message_correction")

		// slixmpp → SDK
		var first, second string
		bob.MustCall(ctx, "message", map[string]any{"to": alice.JID().String(), "body": "helo"}, &first)
		bob.MustCall(ctx, "message", map[string]any{"to": alice.JID().String(), "body": "hello", "replace": first}, &second)
		original := testkit.Receive(t, got, "slixmpp's message")
		fixed := testkit.Receive(t, got, "slixmpp's correction")
		if id, ok := correction.Get(fixed); !ok || id != first || fixed.ID != second || fixed.Body() != "hello" {
			t.Errorf("the SDK read a correction of %q (%v), id %q, body %q; want of %q, id %q, body %q: %s",
				id, ok, fixed.ID, fixed.Body(), first, second, "hello", fixed.Element())
		}
		if original.ID != first || !correction.Valid(original, fixed) {
			t.Errorf("correction.Valid(%s, %s) = false", original.Element(), fixed.Element())
		}

		// SDK → slixmpp
		typo := stanza.NewMessage(stanza.MessageChat, bob.JID(), "teh typo")
		fix := stanza.NewMessage(stanza.MessageChat, bob.JID(), "the typo")
		correction.Set(fix, typo.ID)
		for _, m := range []*stanza.Message{typo, fix} {
			if err := alice.Send(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		v := seenSlix(ctx, bob, "message_correction", 1)[0]
		if v.Replace != typo.ID || v.Body != "the typo" || v.ID != fix.ID || v.From != alice.JID().String() {
			t.Errorf("slixmpp read a correction of %q to %q (id %q) from %s; want of %q to %q (id %q) from %s",
				v.Replace, v.Body, v.ID, v.From, typo.ID, "the typo", fix.ID, alice.JID())
		}
		m, err := bob.Message(ctx, func(m *stanza.Message) bool { return m.ID == fix.ID })
		if err != nil {
			t.Fatalf("the SDK's correction, as slixmpp received it: %v", err)
		}
		if id, ok := correction.Get(m); !ok || id != typo.ID {
			t.Errorf("slixmpp received %s; want a correction of %q", m.Element(), typo.ID)
		}
	})
}
