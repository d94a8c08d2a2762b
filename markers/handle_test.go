package markers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/markers"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestHandle: Handle reports each valid marker once, and claims nothing:
// every message still reaches the default handler.
func TestHandle(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	var seen []string
	var all int
	bob := testkit.Login(t, srv, 1, "desk", func(c *xmpp.Client) {
		markers.Handle(c, func(_ context.Context, m *stanza.Message, mk markers.Marker) {
			seen = append(seen, string(mk.Kind)+":"+mk.ID)
		})
		c.HandleMessage(xmpp.Route{}, func(context.Context, *stanza.Message) { all++ })
	})
	alice := testkit.Login(t, srv, 0, "desk")
	ctx := timeout(t)
	marker := func(k markers.Kind, id string) *stanza.Message {
		m := stanza.NewMessage(stanza.MessageChat, bob.JID(), "")
		markers.Set(m, markers.Marker{Kind: k, ID: id})
		return m
	}
	noID := stanza.NewMessage(stanza.MessageChat, bob.JID(), "")
	noID.Payloads = append(noID.Payloads, stanza.NewElement(markers.NS, "displayed"))
	for _, m := range []*stanza.Message{marker(markers.Displayed, "m1"), noID, marker(markers.Received, "m2")} {
		if err := alice.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if err := alice.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := bob.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(seen, " "); got != "displayed:m1 received:m2" {
		t.Errorf("Handle saw %q", got)
	}
	if all != 3 {
		t.Errorf("the default handler saw %d messages, want 3", all)
	}
}

// TestHandleUntyped: Handle reports a marker in a message without a type
// attribute, as slixmpp sends them (its Route selects by payload only).
func TestHandleUntyped(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	seen := make(chan markers.Marker, 1)
	bob := testkit.Login(t, srv, 1, "desk", func(c *xmpp.Client) {
		markers.Handle(c, func(_ context.Context, _ *stanza.Message, mk markers.Marker) { seen <- mk })
	})
	alice := testkit.Login(t, srv, 0, "desk")
	ctx := timeout(t)
	m := stanza.NewMessage(stanza.MessageNormal, bob.JID(), "")
	markers.Set(m, markers.Marker{Kind: markers.Displayed, ID: "m1"})
	if strings.Contains(m.Element().String(), "type=") {
		t.Fatalf("the marker has a type attribute: %s", m.Element())
	}
	if err := alice.Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	if mk := receive(t, seen, "the untyped marker"); mk != (markers.Marker{Kind: markers.Displayed, ID: "m1"}) {
		t.Errorf("Handle saw %+v", mk)
	}
}
