package interop_test

import (
	"context"
	"slices"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/chatstates"
	"github.com/xmppkit/xmpp/internal/interop"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestChatStates: XEP-0085 both ways. Each side sends composing, paused
// (standalone notifications, without a body) and active (beside a body),
// and the other reads them in order: the SDK with chatstates.Handle and
// Get, slixmpp with its plugin.
func TestChatStates(t *testing.T) {
	interop.Servers(t, 2, func(t *testing.T, srv *xmpptest.RealServer) {
		ctx := testkit.Ctx(t)
		type state struct {
			s    chatstates.State
			body string
		}
		got := make(chan state, 8)
		alice := testkit.LoginTarget(t, srv, 0, "go", func(c *xmpp.Client) {
			chatstates.Handle(c, func(_ context.Context, m *stanza.Message, s chatstates.State) {
				got <- state{s, m.Body()}
			})
		})
		bob := interop.Start(t, srv, srv.Account(1), "slix", nil)
		watchSlix(ctx, bob, "chatstate")
		want := []state{{chatstates.Composing, ""}, {chatstates.Paused, ""}, {chatstates.Active, "done typing"}}

		// slixmpp → SDK
		to := alice.JID().String()
		bob.MustCall(ctx, "chat_state", map[string]any{"to": to, "state": "composing"}, nil)
		bob.MustCall(ctx, "chat_state", map[string]any{"to": to, "state": "paused"}, nil)
		bob.MustCall(ctx, "message", map[string]any{"to": to, "body": "done typing", "chat_state": "active"}, nil)
		for i, w := range want {
			if s := testkit.Receive(t, got, "slixmpp's chat state "+string(w.s)); s != w {
				t.Errorf("chat state %d: the SDK read %q with body %q; want %q with %q", i, s.s, s.body, w.s, w.body)
			}
		}

		// SDK → slixmpp
		active := stanza.NewMessage(stanza.MessageChat, bob.JID(), "done typing")
		chatstates.Set(active, chatstates.Active)
		for _, m := range []*stanza.Message{
			chatstates.Notification(bob.JID(), chatstates.Composing),
			chatstates.Notification(bob.JID(), chatstates.Paused),
			active,
		} {
			if err := alice.Send(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		views := seenSlix(ctx, bob, "chatstate", len(want))
		for i, w := range want {
			v := views[i]
			if v.State != string(w.s) || v.From != alice.JID().String() || v.Type != "chat" {
				t.Errorf("chat state %d: slixmpp read %q (type %q) from %s; want %q (chat) from %s", i, v.State, v.Type, v.From, w.s, alice.JID())
			}
		}
		// The same messages, decoded by the SDK as slixmpp received them.
		var read []state
		for range want {
			m, err := bob.Message(ctx, func(m *stanza.Message) bool { _, ok := chatstates.Get(m); return ok })
			if err != nil {
				t.Fatalf("chat states slixmpp received: %v (read %v)", err, read)
			}
			s, _ := chatstates.Get(m)
			read = append(read, state{s, m.Body()})
		}
		if !slices.Equal(read, want) {
			t.Errorf("slixmpp received the states %v; want %v", read, want)
		}
	})
}
