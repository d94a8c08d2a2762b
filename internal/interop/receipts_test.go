package interop_test

import (
	"context"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/internal/interop"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/receipts"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// slixView is a message as the slixmpp plugin that reported it read it
// (op seen of peer.py): the receipts, chat states, corrections, markers
// and carbons cases use it to check slixmpp's own reading of what the SDK
// wrote, besides the SDK's decoding of the same XML.
type slixView struct {
	From, To, ID, Type string
	Receipt            string // receipt_received: the acknowledged id
	State              string // chatstate
	Replace, Body      string // message_correction
	Marker             string `json:"marker"`
	MarkerID           string `json:"marker_id"`
	Inner              *struct {
		From, To, ID, Type, Body string
	} // carbon_received, carbon_sent: the copied message
}

// watchSlix makes peer record the plugin events named, for seenSlix.
func watchSlix(ctx context.Context, peer *interop.Peer, events ...string) {
	peer.MustCall(ctx, "watch", map[string]any{"events": events}, nil)
}

// seenSlix returns the next n records of a watched plugin event, waiting
// for them (peer.py gives up after 8 s, before testkit.Ctx ends).
func seenSlix(ctx context.Context, peer *interop.Peer, event string, n int) []slixView {
	var views []slixView
	peer.MustCall(ctx, "seen", map[string]any{"event": event, "count": n}, &views)
	return views
}

// TestReceipts: XEP-0184 both ways. slixmpp requests a receipt and the
// SDK's receipts.Serve answers it, which slixmpp's plugin reports; the
// SDK sends through a receipts.Tracker, slixmpp's auto_ack answers, and
// the Tracker's Wait returns.
func TestReceipts(t *testing.T) {
	interop.Servers(t, 2, func(t *testing.T, srv *xmpptest.RealServer) {
		ctx := testkit.Ctx(t)
		var tracker *receipts.Tracker
		acked := make(chan string, 4)
		bobBare := srv.Account(1).JID().Bare()
		alice := testkit.LoginTarget(t, srv, 0, "go", func(c *xmpp.Client) {
			receipts.Serve(c, func(from jid.JID) bool { return from.Bare() == bobBare })
			tracker = receipts.New(c)
			receipts.Handle(c, func(_ context.Context, from jid.JID, id string) { acked <- from.String() + " " + id })
		})
		bob := interop.Start(t, srv, srv.Account(1), "slix", &interop.Options{AutoReceipts: true})
		watchSlix(ctx, bob, "receipt_received")

		// slixmpp asks, the SDK answers.
		var id string
		bob.MustCall(ctx, "message", map[string]any{"to": alice.JID().String(), "body": "receipt, please", "receipt": true}, &id)
		views := seenSlix(ctx, bob, "receipt_received", 1)
		if v := views[0]; v.Receipt != id || v.From != alice.JID().String() {
			t.Errorf("slixmpp read a receipt for %q from %s; want %q from %s", v.Receipt, v.From, id, alice.JID())
		}
		ack, err := bob.Message(ctx, func(m *stanza.Message) bool { _, ok := receipts.Received(m); return ok })
		if err != nil {
			t.Fatalf("the SDK's receipt, as slixmpp received it: %v", err)
		}
		if got, _ := receipts.Received(ack); got != id || ack.Body() != "" || receipts.Requested(ack) {
			t.Errorf("slixmpp received %s; want a bare receipt for %q", ack.Element(), id)
		}

		// The SDK asks, slixmpp answers.
		m := stanza.NewMessage(stanza.MessageChat, bob.JID(), "and one for you")
		if err := tracker.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
		if err := tracker.Wait(ctx, m.ID); err != nil {
			t.Fatalf("Tracker.Wait for slixmpp's receipt of %q: %v", m.ID, err)
		}
		if got, want := testkit.Receive(t, acked, "receipts.Handle"), bob.JID().String()+" "+m.ID; got != want {
			t.Errorf("receipts.Handle saw %q; want %q", got, want)
		}
		req, err := bob.Message(ctx, func(got *stanza.Message) bool { return got.ID == m.ID })
		if err != nil {
			t.Fatalf("the SDK's request, as slixmpp received it: %v", err)
		}
		if !receipts.Requested(req) || req.Body() != "and one for you" {
			t.Errorf("slixmpp received %s; want the body and a receipt request", req.Element())
		}
	})
}
