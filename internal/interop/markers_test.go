package interop_test

import (
	"context"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/internal/interop"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/markers"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestMarkers: XEP-0333 both ways. Each side sends a markable message and
// the other answers with a <displayed/> marker: the SDK with
// markers.Reply, read by slixmpp's plugin; slixmpp with its send_marker,
// which writes a message without a type attribute, read by the SDK's
// markers.Handle and markers.Get.
func TestMarkers(t *testing.T) {
	interop.Servers(t, 2, func(t *testing.T, srv *xmpptest.RealServer) {
		ctx := testkit.Ctx(t)
		chats := make(chan *stanza.Message, 4)
		seen := make(chan markers.Marker, 4)
		others := make(chan *stanza.Message, 4) // what nobody claimed: the markers
		alice := testkit.LoginTarget(t, srv, 0, "go", func(c *xmpp.Client) {
			markers.Handle(c, func(_ context.Context, _ *stanza.Message, mk markers.Marker) { seen <- mk })
			c.HandleMessage(xmpp.Route{Type: "chat"}, func(_ context.Context, m *stanza.Message) {
				if m.Body() != "" {
					chats <- m
				}
			})
			c.HandleMessage(xmpp.Route{}, func(_ context.Context, m *stanza.Message) { others <- m })
		})
		bob := interop.Start(t, srv, srv.Account(1), "slix", nil)
		watchSlix(ctx, bob, "marker")

		// slixmpp asks, the SDK answers.
		var id string
		bob.MustCall(ctx, "message", map[string]any{"to": alice.JID().String(), "body": "read me", "markable": true}, &id)
		m := testkit.Receive(t, chats, "slixmpp's markable message")
		if !markers.IsMarkable(m) || m.ID != id {
			t.Fatalf("the SDK read %s: markable %v; want markable with id %q", m.Element(), markers.IsMarkable(m), id)
		}
		reply := markers.Reply(m, markers.Displayed)
		if err := alice.Send(ctx, reply); err != nil {
			t.Fatal(err)
		}
		v := seenSlix(ctx, bob, "marker", 1)[0]
		if v.Marker != "displayed" || v.MarkerID != id || v.From != alice.JID().String() || v.Type != "chat" {
			t.Errorf("slixmpp read marker %q for %q (type %q) from %s; want displayed for %q (chat) from %s",
				v.Marker, v.MarkerID, v.Type, v.From, id, alice.JID())
		}

		// The SDK asks, slixmpp answers.
		ask := stanza.NewMessage(stanza.MessageChat, bob.JID(), "and read me")
		markers.AddMarkable(ask)
		if err := alice.Send(ctx, ask); err != nil {
			t.Fatal(err)
		}
		got, err := bob.Message(ctx, func(m *stanza.Message) bool { return m.ID == ask.ID })
		if err != nil {
			t.Fatalf("the SDK's markable message, as slixmpp received it: %v", err)
		}
		if !markers.IsMarkable(got) {
			t.Errorf("slixmpp received %s; want it markable", got.Element())
		}
		bob.MustCall(ctx, "marker", map[string]any{"to": alice.JID().String(), "id": ask.ID, "marker": "displayed"}, nil)
		want := markers.Marker{Kind: markers.Displayed, ID: ask.ID}
		raw := testkit.Receive(t, others, "slixmpp's marker message")
		if mk, ok := markers.Get(raw); !ok || mk != want {
			t.Errorf("markers.Get(%s) = %+v, %v; want %+v", raw.Element(), mk, ok, want)
		}
		select {
		case mk := <-seen:
			if mk != want {
				t.Errorf("markers.Handle saw %+v; want %+v", mk, want)
			}
		default: // Handle runs before the owner: it has run by now
			t.Errorf("markers.Handle did not see slixmpp's marker %s", raw.Element())
		}
	})
}
