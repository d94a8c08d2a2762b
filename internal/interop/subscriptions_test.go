package interop_test

import (
	"context"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/internal/interop"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/presence"
	"github.com/xmppkit/xmpp/roster"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// slixRosterItem is an item of slixmpp's roster as op roster returns it.
type slixRosterItem struct {
	Subscription string `json:"subscription"`
	PendingOut   bool   `json:"pending_out"`
}

// TestSubscriptions: presence subscriptions (RFC 6121 section 3) both
// ways, with slixmpp answering only when the test tells it to (op
// manual_subscriptions). Alice (SDK) asks Bob (slixmpp), who approves,
// then Bob asks back and Alice approves through roster.Handle; Dave
// (slixmpp) asks Carol (SDK) first, who approves, then Carol asks back and
// Dave approves. Each side's roster must reach both (the SDK's through
// roster pushes into roster.New's view, slixmpp's as it fetches it), and
// available presence must then flow both ways.
func TestSubscriptions(t *testing.T) {
	interop.Servers(t, 4, func(t *testing.T, srv *xmpptest.RealServer) {
		t.Run("sdk_asks_first", func(t *testing.T) { subscribeBothWays(t, srv, 0, 1, true) })
		t.Run("slixmpp_asks_first", func(t *testing.T) { subscribeBothWays(t, srv, 2, 3, false) })
	})
}

// subscribeBothWays runs one subscription case between the SDK, logged
// in as account sdk, and slixmpp, as account slix; sdkFirst says who asks
// first.
func subscribeBothWays(t *testing.T, srv *xmpptest.RealServer, sdk, slix int, sdkFirst bool) {
	ctx := testkit.Ctx(t)
	sdkBare, slixBare := srv.Account(sdk).JID(), srv.Account(slix).JID()
	var presences <-chan *stanza.Presence
	requests := make(chan roster.Request, 4)
	changes := make(chan roster.Change, 32)
	var r *roster.Roster
	c := testkit.LoginTarget(t, srv, sdk, "go", func(c *xmpp.Client) {
		presences = watchPresence(c)
		r = roster.New(c, &roster.Options{OnChange: func(ch roster.Change) { changes <- ch }})
		roster.Handle(c, func(ctx context.Context, req roster.Request) {
			requests <- req
			if req.From.Equal(slixBare) {
				if err := roster.Approve(ctx, c, req.From); err != nil {
					t.Errorf("roster.Approve(%s): %v", req.From, err)
				}
			}
		})
	})
	if err := r.Load(ctx); err != nil {
		t.Fatalf("roster Load: %v", err)
	}
	if err := presence.Available(ctx, c, "", "", 0); err != nil {
		t.Fatal(err)
	}
	peer := interop.Start(t, srv, srv.Account(slix), "slix", nil)
	peer.MustCall(ctx, "manual_subscriptions", nil, nil)

	// sdkAsks: the SDK asks and slixmpp approves.
	sdkAsks := func() {
		ctx := testkit.Ctx(t)
		if err := roster.Subscribe(ctx, c, slixBare); err != nil {
			t.Fatal(err)
		}
		waitItem(t, r, changes, slixBare, "Ask after roster.Subscribe", func(it roster.Item) bool { return it.Ask })
		req, err := peer.Presence(ctx, func(p *stanza.Presence) bool { return p.Type == stanza.PresenceSubscribe })
		if err != nil {
			t.Fatalf("slixmpp received no subscription request: %v", err)
		}
		if !req.From.Equal(sdkBare) {
			t.Errorf("slixmpp received a subscription request from %s; want %s", req.From, sdkBare)
		}
		peer.MustCall(ctx, "approve", map[string]any{"to": sdkBare.String()}, nil)
		waitItem(t, r, changes, slixBare, "subscription to or both after slixmpp's approval", func(it roster.Item) bool {
			return !it.Ask && (it.Subscription == roster.SubscriptionTo || it.Subscription == roster.SubscriptionBoth)
		})
		// The server sends slixmpp's presence to its new subscriber.
		waitPresence(t, presences, "slixmpp's presence after its approval", func(p *stanza.Presence) bool {
			return p.Type == stanza.PresenceAvailable && p.From.Equal(peer.JID())
		})
	}
	// slixAsks: slixmpp asks and roster.Handle approves.
	slixAsks := func() {
		ctx := testkit.Ctx(t)
		peer.MustCall(ctx, "subscribe", map[string]any{"to": sdkBare.String()}, nil)
		req := testkit.Receive(t, requests, "slixmpp's subscription request in roster.Handle")
		if !req.From.Equal(slixBare) || req.Presence == nil || req.Presence.Type != stanza.PresenceSubscribe {
			t.Fatalf("roster.Handle got a request from %s (%v); want a subscribe from %s", req.From, req.Presence, slixBare)
		}
		waitItem(t, r, changes, slixBare, "subscription from or both after roster.Approve", func(it roster.Item) bool {
			return it.Subscription == roster.SubscriptionFrom || it.Subscription == roster.SubscriptionBoth
		})
		if _, err := peer.Presence(ctx, func(p *stanza.Presence) bool {
			return p.Type == stanza.PresenceSubscribed && p.From.Bare().Equal(sdkBare)
		}); err != nil {
			t.Fatalf("slixmpp received no approval from the SDK: %v", err)
		}
		if _, err := peer.Presence(ctx, func(p *stanza.Presence) bool {
			return p.Type == stanza.PresenceAvailable && p.From.Equal(c.JID())
		}); err != nil {
			t.Fatalf("slixmpp received no presence from the SDK after the approval: %v", err)
		}
	}
	if sdkFirst {
		sdkAsks()
		slixAsks()
	} else {
		slixAsks()
		sdkAsks()
	}

	ctx = testkit.Ctx(t)
	waitItem(t, r, changes, slixBare, "subscription both", func(it roster.Item) bool {
		return it.Subscription == roster.SubscriptionBoth && !it.Ask
	})
	var slixRoster map[string]slixRosterItem
	peer.MustCall(ctx, "roster", nil, &slixRoster)
	if got := slixRoster[sdkBare.String()]; got.Subscription != "both" || got.PendingOut {
		t.Errorf("slixmpp's roster has %s as %+v; want subscription both, nothing pending (whole roster: %v)", sdkBare, got, slixRoster)
	}

	// Available presence flows both ways, now that each is subscribed.
	peer.MustCall(ctx, "presence", map[string]any{"show": "away", "status": "slixmpp, out"}, nil)
	p := waitPresence(t, presences, "slixmpp's new presence", func(p *stanza.Presence) bool {
		return p.From.Equal(peer.JID()) && p.Status() == "slixmpp, out"
	})
	if p.Type != stanza.PresenceAvailable || p.Show != stanza.ShowAway {
		t.Errorf("the SDK received slixmpp's presence as type %q show %q; want available, away", p.Type, p.Show)
	}
	if err := presence.Available(ctx, c, stanza.ShowDND, "SDK, busy", 5); err != nil {
		t.Fatal(err)
	}
	back, err := peer.Presence(ctx, func(p *stanza.Presence) bool { return p.From.Equal(c.JID()) && p.Status() == "SDK, busy" })
	if err != nil {
		t.Fatalf("slixmpp received no new presence from the SDK: %v", err)
	}
	if back.Type != stanza.PresenceAvailable || back.Show != stanza.ShowDND || back.Priority != 5 {
		t.Errorf("slixmpp received the SDK's presence as type %q show %q priority %d; want available, dnd, 5", back.Type, back.Show, back.Priority)
	}
}

// watchPresence returns a channel of every presence c receives, to be
// read with waitPresence. Call it before Connect.
func watchPresence(c *xmpp.Client) <-chan *stanza.Presence {
	ch := make(chan *stanza.Presence, 256)
	c.ObservePresence(xmpp.Route{}, func(_ context.Context, p *stanza.Presence) {
		select {
		case ch <- p:
		default: // a test reads far fewer
		}
	})
	return ch
}

// waitPresence returns the next presence from ch that match accepts,
// dropping the others, and fails t after testkit.WaitTimeout.
func waitPresence(t testing.TB, ch <-chan *stanza.Presence, what string, match func(*stanza.Presence) bool) *stanza.Presence {
	t.Helper()
	timeout := time.After(testkit.WaitTimeout)
	for {
		select {
		case p := <-ch:
			if match(p) {
				return p
			}
		case <-timeout:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// waitItem waits until the item of contact in r matches, reading the
// roster's changes to know when to look again, and returns it; it fails t
// after testkit.WaitTimeout.
func waitItem(t testing.TB, r *roster.Roster, changes <-chan roster.Change, contact jid.JID, what string, match func(roster.Item) bool) roster.Item {
	t.Helper()
	timeout := time.After(testkit.WaitTimeout)
	for {
		it, ok := r.Item(contact)
		if ok && match(it) {
			return it
		}
		select {
		case <-changes:
		case <-timeout:
			t.Fatalf("timed out waiting for the SDK's roster item %s with %s; it is %+v (present: %t)", contact, what, it, ok)
		}
	}
}

// befriend subscribes the SDK's c and slixmpp's peer to each other's
// presence, with slixmpp answering by itself (its default: approve, and
// ask back), for the cases that need a subscription: caps travel in
// presence, and ejabberd passes requests to a full JID (last activity)
// only from those who see the user's presence. c must approve peer's
// request (approveSlix at setup) and have sent its presence; presences is
// watchPresence's channel of c. It returns once each side has received
// the other's available presence.
func befriend(t testing.TB, ctx context.Context, c *xmpp.Client, presences <-chan *stanza.Presence, peer *interop.Peer) {
	t.Helper()
	if err := roster.Subscribe(ctx, c, peer.JID().Bare()); err != nil {
		t.Fatal(err)
	}
	waitPresence(t, presences, "slixmpp's presence after it approved", func(p *stanza.Presence) bool {
		return p.Type == stanza.PresenceAvailable && p.From.Equal(peer.JID())
	})
	if _, err := peer.Presence(ctx, func(p *stanza.Presence) bool {
		return p.Type == stanza.PresenceAvailable && p.From.Equal(c.JID())
	}); err != nil {
		t.Fatalf("slixmpp received no presence from the SDK after asking back: %v", err)
	}
}

// approveSlix is a setup function that makes the Client approve the
// subscription requests of the account slix (and nobody else's).
func approveSlix(t testing.TB, slix jid.JID) func(*xmpp.Client) {
	return func(c *xmpp.Client) {
		roster.Handle(c, func(ctx context.Context, req roster.Request) {
			if !req.From.Equal(slix.Bare()) {
				return
			}
			if err := roster.Approve(ctx, c, req.From); err != nil {
				t.Errorf("roster.Approve(%s): %v", req.From, err)
			}
		})
	}
}
