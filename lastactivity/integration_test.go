package lastactivity_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/lastactivity"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestServers asks each server for its uptime, and our clients for their
// idle time and their last logout, without and with a presence
// subscription.
func TestServers(t *testing.T) {
	xmpptest.ForEachServer(t, nil, func(t *testing.T, tg xmpptest.Target) {
		alice, bob := loginTarget(t, tg, 0), loginTarget(t, tg, 1)
		lastactivity.Serve(alice, func() time.Duration { return 42 * time.Second })

		t.Run("server", func(t *testing.T) {
			got, err := lastactivity.Get(timeout(t), alice, jid.MustParse(tg.Domain()))
			switch {
			case tg.Name() == "xmpptest" && errors.Is(err, stanza.ErrServiceUnavailable):
				return
			case tg.Name() == "xmpptest":
				t.Fatalf("Get = %+v, %v; want service-unavailable", got, err)
			}
			// The server was started for this test.
			if err != nil || got.Elapsed > 5*time.Minute || got.Status != "" {
				t.Fatalf("Get = %+v, %v; want the uptime of a new server", got, err)
			}
			t.Logf("%s: uptime %v", tg.Name(), got.Elapsed)
		})

		t.Run("unsubscribed", func(t *testing.T) {
			// A user's last logout is only for those who may see the
			// user's presence (XEP-0012 section 4).
			_, err := lastactivity.Get(timeout(t), bob, alice.JID().Bare())
			switch tg.Name() {
			case "xmpptest":
				if !errors.Is(err, stanza.ErrServiceUnavailable) {
					t.Errorf("bare JID: Get = %v, want service-unavailable", err)
				}
			case "ejabberd":
				if !errors.Is(err, stanza.ErrSubscriptionRequired) {
					t.Errorf("bare JID: Get = %v, want subscription-required", err)
				}
			default:
				if !errors.Is(err, stanza.ErrForbidden) {
					t.Errorf("bare JID: Get = %v, want forbidden", err)
				}
			}
			// ejabberd keeps a client's idle time from strangers too
			// (XEP-0012 section 9), answering for the client.
			got, err := lastactivity.Get(timeout(t), bob, alice.JID())
			if tg.Name() == "ejabberd" {
				if !errors.Is(err, stanza.ErrServiceUnavailable) {
					t.Errorf("full JID: Get = %+v, %v; want service-unavailable", got, err)
				}
			} else if err != nil || got != (lastactivity.Info{Elapsed: 42 * time.Second}) {
				t.Errorf("full JID: Get = %+v, %v; want 42s", got, err)
			}
		})

		t.Run("subscribed", func(t *testing.T) {
			testSubscribed(t, tg)
		})
	})
}

// testSubscribed subscribes carol and dave to each other's presence with
// raw presence stanzas, then has carol ask dave's client for its idle time
// and dave's server for his last logout, while he is online and after he
// left with a status.
func testSubscribed(t *testing.T, tg xmpptest.Target) {
	ctx := timeout(t)
	carol, dave := loginTarget(t, tg, 2), loginTarget(t, tg, 3)
	lastactivity.Serve(dave, func() time.Duration { return 5 * time.Minute })
	carolGot, daveGot := presences(carol), presences(dave)
	for _, c := range []*xmpp.Client{carol, dave} {
		if err := c.Send(ctx, stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})); err != nil {
			t.Fatal(err)
		}
	}
	subscribe(ctx, t, carol, dave, daveGot, carolGot)
	subscribe(ctx, t, dave, carol, carolGot, daveGot)

	got, err := lastactivity.Get(ctx, carol, dave.JID())
	if err != nil || got != (lastactivity.Info{Elapsed: 5 * time.Minute}) {
		t.Fatalf("dave's client: Get = %+v, %v; want 5m", got, err)
	}
	if tg.Name() == "xmpptest" {
		t.Log("the in-process server does not answer jabber:iq:last for accounts: last logout not tested")
		return
	}

	got, err = lastactivity.Get(ctx, carol, dave.JID().Bare())
	if err != nil || got.Elapsed != 0 {
		t.Fatalf("dave online: Get = %+v, %v; want 0 (XEP-0012 section 4)", got, err)
	}

	bye := stanza.NewPresence(stanza.PresenceUnavailable, jid.JID{})
	bye.Statuses = []stanza.Text{{Value: "Heading Home"}}
	if err := dave.Send(ctx, bye); err != nil {
		t.Fatal(err)
	}
	dave.Close()
	if err := waitFor(ctx, carolGot, dave.JID().Bare(), stanza.PresenceUnavailable); err != nil {
		t.Fatal(err)
	}
	got, err = lastactivity.Get(ctx, carol, dave.JID().Bare())
	if err != nil || got.Elapsed > time.Minute || got.Status != "Heading Home" {
		t.Fatalf("dave offline: Get = %+v, %v; want a few seconds and his status", got, err)
	}
	t.Logf("%s: dave offline: %+v", tg.Name(), got)
}

// presences returns a channel of the presence stanzas c receives.
func presences(c *xmpp.Client) <-chan *stanza.Presence {
	ch := make(chan *stanza.Presence, 64)
	c.HandlePresence(xmpp.Route{}, func(_ context.Context, p *stanza.Presence) {
		select {
		case ch <- p:
		default:
		}
	})
	return ch
}

// subscribe has from ask to subscribe to to's presence and to approve,
// and waits until from is told it was approved: by a subscribed presence
// (ejabberd, xmpptest) or, from Prosody, which does not pass that on, by
// to's available presence.
func subscribe(ctx context.Context, t *testing.T, from, to *xmpp.Client, toGot, fromGot <-chan *stanza.Presence) {
	t.Helper()
	if err := from.Send(ctx, stanza.NewPresence(stanza.PresenceSubscribe, to.JID().Bare())); err != nil {
		t.Fatal(err)
	}
	if err := waitFor(ctx, toGot, from.JID().Bare(), stanza.PresenceSubscribe); err != nil {
		t.Fatalf("%s waiting for subscribe: %v", to.JID(), err)
	}
	if err := to.Send(ctx, stanza.NewPresence(stanza.PresenceSubscribed, from.JID().Bare())); err != nil {
		t.Fatal(err)
	}
	if err := waitFor(ctx, fromGot, to.JID().Bare(), stanza.PresenceSubscribed, stanza.PresenceAvailable); err != nil {
		t.Fatalf("%s waiting for subscribed: %v", from.JID(), err)
	}
}

// waitFor waits for a presence of one of the types from the account from.
func waitFor(ctx context.Context, ch <-chan *stanza.Presence, from jid.JID, types ...stanza.PresenceType) error {
	for {
		select {
		case p := <-ch:
			if slices.Contains(types, p.Type) && p.From.Bare() == from {
				return nil
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
