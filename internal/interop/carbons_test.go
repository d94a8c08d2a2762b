package interop_test

import (
	"context"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/carbons"
	"github.com/xmppkit/xmpp/internal/interop"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/presence"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestCarbons: XEP-0280 between two resources of one account, alice/go
// (the SDK) and alice/slix (slixmpp), both with carbons enabled, while a
// third party, carol (the SDK), chats with each. Each resource gets the
// carbon of what the other received and sent: the SDK through
// carbons.Handle, slixmpp through its plugin's carbon_received and
// carbon_sent events, and the SDK's decoder reads the wrappers slixmpp
// received.
func TestCarbons(t *testing.T) {
	interop.Servers(t, 2, func(t *testing.T, srv *xmpptest.RealServer) {
		ctx := testkit.Ctx(t)
		cbs := make(chan carbons.Carbon, 4)
		direct := make(chan *stanza.Message, 4)
		alice := testkit.LoginTarget(t, srv, 0, "go", func(c *xmpp.Client) {
			carbons.Handle(c, func(_ context.Context, cb carbons.Carbon) { cbs <- cb }, nil)
			c.HandleMessage(xmpp.Route{Type: "chat"}, func(_ context.Context, m *stanza.Message) { direct <- m })
		})
		// Available, as a chat client is: ejabberd copies a message to a
		// full JID that has sent no presence as if it went to the bare
		// JID, so not to the resource of highest priority, slixmpp.
		if err := presence.Available(ctx, alice, "", "", 0); err != nil {
			t.Fatal(err)
		}
		if err := carbons.Enable(ctx, alice); err != nil {
			t.Fatalf("the SDK enables carbons: %v", err)
		}
		slix := interop.Start(t, srv, srv.Account(0), "slix", nil)
		watchSlix(ctx, slix, "carbon_received", "carbon_sent")
		slix.MustCall(ctx, "carbons", map[string]any{"enable": true}, nil)
		carolGot := make(chan *stanza.Message, 4)
		carol := testkit.LoginTarget(t, srv, 1, "desk", func(c *xmpp.Client) {
			c.HandleMessage(xmpp.Route{Type: "chat"}, func(_ context.Context, m *stanza.Message) { carolGot <- m })
		})
		own := alice.JID().Bare().String()

		// carol → alice/go: slixmpp gets a received carbon.
		toGo := stanza.NewMessage(stanza.MessageChat, alice.JID(), "carol to go")
		if err := carol.Send(ctx, toGo); err != nil {
			t.Fatal(err)
		}
		if m := testkit.Receive(t, direct, "carol's message to the SDK"); m.ID != toGo.ID {
			t.Errorf("the SDK got %s; want carol's %q", m.Element(), toGo.ID)
		}
		v := seenSlix(ctx, slix, "carbon_received", 1)[0]
		if in := v.Inner; v.From != own || in == nil || in.ID != toGo.ID || in.Body != "carol to go" ||
			in.From != carol.JID().String() || in.To != alice.JID().String() {
			t.Errorf("slixmpp read a received carbon from %s of %+v; want from %s of %q from %s to %s", v.From, in, own, toGo.ID, carol.JID(), alice.JID())
		}
		checkCarbonWrapper(ctx, t, slix, carbons.Received, toGo.ID)

		// carol → alice/slix: the SDK gets a received carbon.
		toSlix := stanza.NewMessage(stanza.MessageChat, slix.JID(), "carol to slix")
		if err := carol.Send(ctx, toSlix); err != nil {
			t.Fatal(err)
		}
		cb := testkit.Receive(t, cbs, "the received carbon of carol's message to slixmpp")
		if cb.Direction != carbons.Received || cb.Message.ID != toSlix.ID || cb.Message.Body() != "carol to slix" ||
			cb.Message.From != carol.JID() || cb.Message.To != slix.JID() {
			t.Errorf("the SDK read a %s carbon of %s; want received, of %q from %s to %s", cb.Direction, cb.Message.Element(), toSlix.ID, carol.JID(), slix.JID())
		}

		// alice/go → carol: slixmpp gets a sent carbon.
		fromGo := stanza.NewMessage(stanza.MessageChat, carol.JID(), "go to carol")
		if err := alice.Send(ctx, fromGo); err != nil {
			t.Fatal(err)
		}
		v = seenSlix(ctx, slix, "carbon_sent", 1)[0]
		if in := v.Inner; v.From != own || in == nil || in.ID != fromGo.ID || in.Body != "go to carol" ||
			in.From != alice.JID().String() || in.To != carol.JID().String() {
			t.Errorf("slixmpp read a sent carbon from %s of %+v; want from %s of %q from %s to %s", v.From, in, own, fromGo.ID, alice.JID(), carol.JID())
		}
		checkCarbonWrapper(ctx, t, slix, carbons.Sent, fromGo.ID)

		// alice/slix → carol: the SDK gets a sent carbon.
		var fromSlix string
		slix.MustCall(ctx, "message", map[string]any{"to": carol.JID().String(), "body": "slix to carol"}, &fromSlix)
		cb = testkit.Receive(t, cbs, "the sent carbon of slixmpp's message to carol")
		if cb.Direction != carbons.Sent || cb.Message.ID != fromSlix || cb.Message.Body() != "slix to carol" ||
			cb.Message.From != slix.JID() || cb.Message.To != carol.JID() {
			t.Errorf("the SDK read a %s carbon of %s; want sent, of %q from %s to %s", cb.Direction, cb.Message.Element(), fromSlix, slix.JID(), carol.JID())
		}

		// carol got both messages; the SDK's own chat handler saw no
		// carbon wrapper (carbons.Handle claims them).
		for range 2 {
			m := testkit.Receive(t, carolGot, "alice's messages to carol")
			if m.ID != fromGo.ID && m.ID != fromSlix {
				t.Errorf("carol got %s", m.Element())
			}
		}
		select {
		case m := <-direct:
			t.Errorf("the SDK's chat handler got %s", m.Element())
		default:
		}
	})
}

// checkCarbonWrapper reads, with the SDK's decoder, the carbon wrapper of
// direction d for the message id that slixmpp received.
func checkCarbonWrapper(ctx context.Context, t *testing.T, slix *interop.Peer, d carbons.Direction, id string) {
	t.Helper()
	m, err := slix.Message(ctx, func(m *stanza.Message) bool { return carbons.IsCarbon(m) })
	if err != nil {
		t.Fatalf("the %s carbon wrapper slixmpp received: %v", d, err)
	}
	var cb carbons.Carbon
	for _, p := range m.Payloads {
		if p.Name.Space == carbons.NS {
			if cb, err = carbons.Parse(p); err != nil {
				t.Fatalf("carbons.Parse(%s): %v", p, err)
			}
		}
	}
	if cb.Direction != d || cb.Message.ID != id || m.From != slix.JID().Bare() {
		t.Errorf("slixmpp received the wrapper %s; want a %s carbon of %q from %s", m.Element(), d, id, slix.JID().Bare())
	}
}
