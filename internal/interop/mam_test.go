package interop_test

import (
	"context"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/internal/interop"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/mam"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestMAM: XEP-0313 both ways. slixmpp sends messages to the SDK's
// account, which finds them in its own archive with mam.Querier.All:
// slixmpp's ids and bodies, and the server's delay stamps. The SDK sends
// messages to slixmpp's account, which finds them in its archive with its
// plugin (op mam): slixmpp reads our messages and the server's stamps.
func TestMAM(t *testing.T) {
	interop.Servers(t, 2, func(t *testing.T, srv *xmpptest.RealServer) {
		ctx := testkit.Ctx(t)
		got := make(chan *stanza.Message, 4)
		alice := testkit.LoginTarget(t, srv, 0, "go", func(c *xmpp.Client) {
			c.HandleMessage(xmpp.Route{Type: "chat"}, func(_ context.Context, m *stanza.Message) { got <- m })
		})
		archive := mam.New(alice, nil)
		bob := interop.Start(t, srv, srv.Account(1), "slix", nil)
		// The servers stamp with their clock, on this machine; stamps
		// may have whole seconds only.
		start := time.Now().Add(-2 * time.Second)
		bodies := []string{"archived once", nonASCII}

		// slixmpp → SDK, then the SDK reads its archive.
		sent := map[string]string{} // id → body
		for _, b := range bodies {
			var id string
			bob.MustCall(ctx, "message", map[string]any{"to": alice.JID().String(), "body": b}, &id)
			sent[id] = b
		}
		for range bodies {
			testkit.Receive(t, got, "slixmpp's messages")
		}
		var found []string
		for r, err := range archive.All(ctx, jid.JID{}, mam.Query{With: bob.JID().Bare()}) {
			if err != nil {
				t.Fatalf("the SDK's archive query: %v", err)
			}
			m := r.Message
			b, ok := sent[m.ID]
			if !ok {
				t.Errorf("unexpected archived message %s", m.Element())
				continue
			}
			found = append(found, b)
			if m.Body() != b || m.From.Bare() != bob.JID().Bare() || r.ID == "" {
				t.Errorf("archived %s (archive id %q); want body %q from %s", m.Element(), r.ID, b, bob.JID())
			}
			if r.Stamp.Before(start) || r.Stamp.After(time.Now().Add(2*time.Second)) {
				t.Errorf("archived %q with stamp %s; want about now (%s)", m.ID, r.Stamp, time.Now())
			}
		}
		if len(found) != len(bodies) || found[0] != bodies[0] || found[1] != bodies[1] {
			t.Errorf("the SDK found %q in its archive; want %q in that order", found, bodies)
		}

		// SDK → slixmpp, then slixmpp reads its archive.
		var ours []*stanza.Message
		for _, b := range bodies {
			m := stanza.NewMessage(stanza.MessageChat, bob.JID(), b+" back")
			if err := alice.Send(ctx, m); err != nil {
				t.Fatal(err)
			}
			ours = append(ours, m)
		}
		if _, err := bob.Message(ctx, func(m *stanza.Message) bool { return m.ID == ours[len(ours)-1].ID }); err != nil {
			t.Fatalf("the SDK's last message, as slixmpp received it: %v", err)
		}
		var results []struct {
			XML, ID, Stamp, MsgID, From, Body string
		}
		bob.MustCall(ctx, "mam", map[string]any{"with_jid": alice.JID().Bare().String()}, &results)
		var mine []string
		for _, r := range results {
			m, err := interop.ParseMessage(r.XML)
			if err != nil {
				t.Errorf("slixmpp's archived %s: %v", r.XML, err)
				continue
			}
			if !m.From.Equal(alice.JID()) {
				continue // slixmpp's own messages to us
			}
			if len(mine) >= len(ours) {
				t.Errorf("unexpected archived message from the SDK: %s", r.XML)
				continue
			}
			want := ours[len(mine)]
			mine = append(mine, r.Body)
			if r.MsgID != want.ID || r.Body != want.Body() || m.ID != want.ID || m.Body() != want.Body() || r.ID == "" {
				t.Errorf("slixmpp read the archived %s (archive id %q) as id %q, body %q; want id %q, body %q",
					r.XML, r.ID, r.MsgID, r.Body, want.ID, want.Body())
			}
			stamp, err := time.Parse(time.RFC3339Nano, r.Stamp)
			if err != nil || stamp.Before(start) || stamp.After(time.Now().Add(2*time.Second)) {
				t.Errorf("slixmpp parsed the stamp of %q as %q (%v); want about now (%s)", want.ID, r.Stamp, err, time.Now())
			}
		}
		if len(mine) != len(ours) {
			t.Errorf("slixmpp found %d of the SDK's %d messages in its archive: %q", len(mine), len(ours), mine)
		}
	})
}
