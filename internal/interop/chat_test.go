package interop_test

import (
	"context"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/internal/interop"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// nonASCII mixes scripts, a combining sequence, an emoji outside the BMP
// and the XML specials, which both sides must escape and unescape alike.
const nonASCII = "Grüße, Ђорђе, 日本語, ١٢٣, é (e\u0301), 🦊 <&> \"'"

// TestChat sends chat messages with non-ASCII text both ways between the
// SDK and slixmpp.
func TestChat(t *testing.T) {
	interop.Servers(t, 2, func(t *testing.T, srv *xmpptest.RealServer) {
		ctx := testkit.Ctx(t)
		got := make(chan *stanza.Message, 4)
		alice := testkit.LoginTarget(t, srv, 0, "go", func(c *xmpp.Client) {
			c.HandleMessage(xmpp.Route{Type: "chat"}, func(_ context.Context, m *stanza.Message) { got <- m })
		})
		bob := interop.Start(t, srv, srv.Account(1), "slix", nil)

		// slixmpp → SDK
		var id string
		bob.MustCall(ctx, "message", map[string]any{"to": alice.JID().String(), "body": nonASCII}, &id)
		m := testkit.Receive(t, got, "slixmpp's message")
		if m.Body() != nonASCII || m.ID != id || !m.From.Equal(bob.JID()) {
			t.Errorf("SDK got body %q id %q from %s; want %q id %q from %s", m.Body(), m.ID, m.From, nonASCII, id, bob.JID())
		}

		// SDK → slixmpp
		out := stanza.NewMessage(stanza.MessageChat, bob.JID(), nonASCII+" back")
		if err := alice.Send(ctx, out); err != nil {
			t.Fatal(err)
		}
		back, err := bob.Message(ctx, func(m *stanza.Message) bool { return m.Body() != "" })
		if err != nil {
			t.Fatal(err)
		}
		if back.Body() != nonASCII+" back" || back.Type != stanza.MessageChat || !back.From.Equal(alice.JID()) {
			t.Errorf("slixmpp got %q type %q from %s", back.Body(), back.Type, back.From)
		}
	})
}
