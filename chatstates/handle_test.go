package chatstates_test

import (
	"context"
	"strings"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/chatstates"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestHandle: Handle reports each valid chat state once, and claims
// nothing: every message still reaches the default handler.
func TestHandle(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	var states, all []string
	bob := testkit.Login(t, srv, 1, "desk", func(c *xmpp.Client) {
		chatstates.Handle(c, func(_ context.Context, m *stanza.Message, s chatstates.State) {
			states = append(states, string(s)+":"+m.Body())
		})
		c.HandleMessage(xmpp.Route{}, func(_ context.Context, m *stanza.Message) { all = append(all, m.Body()) })
	})
	alice := testkit.Login(t, srv, 0, "desk")
	ctx := timeout(t)
	twice := chatstates.Notification(bob.JID(), chatstates.Composing)
	twice.Payloads = append(twice.Payloads, chatstates.Paused.Element())
	withBody := stanza.NewMessage(stanza.MessageChat, bob.JID(), "hello")
	chatstates.Set(withBody, chatstates.Active)
	for _, m := range []*stanza.Message{chatstates.Notification(bob.JID(), chatstates.Composing), twice, withBody} {
		if err := alice.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	// alice's Sync: the server has routed her messages; bob's: he has
	// handled them.
	if err := alice.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := bob.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(states, " "); got != "composing: active:hello" {
		t.Errorf("Handle saw %q", got)
	}
	if len(all) != 3 {
		t.Errorf("the default handler saw %d messages, want 3", len(all))
	}
}
