package roster_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/roster"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// user is one logged-in account with its Roster, available, approving
// every subscription request when approve is set.
type user struct {
	c       *xmpp.Client
	r       *roster.Roster
	changed chan struct{} // one slot: the Roster changed since the last receive
}

func connect(t *testing.T, tg xmpptest.Target, i int, approve bool) *user {
	t.Helper()
	a := tg.Account(i)
	c, err := xmpp.Dial(ctx(t), a.JID(), &xmpp.Options{Password: a.Password, Addr: tg.Addr(), TLSConfig: tg.TLSConfig()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	u := &user{c: c, changed: make(chan struct{}, 1)}
	u.r = roster.New(c, &roster.Options{OnChange: func(roster.Change) {
		select {
		case u.changed <- struct{}{}:
		default:
		}
	}})
	if approve {
		roster.Handle(c, func(ctx context.Context, req roster.Request) {
			if err := roster.Approve(ctx, c, req.From); err != nil {
				t.Errorf("approve: %v", err)
			}
		})
	}
	if err := u.r.Load(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if err := c.Send(ctx(t), stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})); err != nil {
		t.Fatal(err)
	}
	return u
}

// waitItem waits until u's item for contact reads want ("" for absent),
// checking again after each change the Roster reports. (A round trip of
// u's, Client.Sync, would not do: the pushes awaited may follow the other
// user's stanzas, which the server may route to u after it answered u's
// ping.)
func (u *user) waitItem(t *testing.T, contact jid.JID, want string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		got := ""
		if it, ok := u.r.Item(contact); ok {
			got = describe(it)
		}
		if got == want {
			return
		}
		select {
		case <-u.changed:
		case <-deadline:
			t.Fatalf("%s: item for %s is %q, want %q", u.c.JID(), contact, got, want)
		}
	}
}

// TestIntegrationSubscriptions: two accounts subscribe to each other
// from scratch, name and group each other, see each other's pushes, and
// end the subscriptions; a third account's spoofed roster push is refused.
func TestIntegrationSubscriptions(t *testing.T) {
	xmpptest.ForEachServerOver(t, nil, xmpptest.TCP|xmpptest.WebSocket|xmpptest.BOSH, func(t *testing.T, tg xmpptest.Target) {
		alice, bob := connect(t, tg, 0, true), connect(t, tg, 1, true)
		aj, bj := alice.c.JID().Bare(), bob.c.JID().Bare()

		if err := roster.Subscribe(ctx(t), alice.c, bj); err != nil {
			t.Fatal(err)
		}
		alice.waitItem(t, bj, bj.String()+` "" to`)
		bob.waitItem(t, aj, aj.String()+` "" from`)
		if err := roster.Subscribe(ctx(t), bob.c, aj); err != nil {
			t.Fatal(err)
		}
		alice.waitItem(t, bj, bj.String()+` "" both`)
		bob.waitItem(t, aj, aj.String()+` "" both`)

		if err := alice.r.Set(ctx(t), roster.Item{JID: bj, Name: "Bob", Groups: []string{"Friends"}}); err != nil {
			t.Fatal(err)
		}
		alice.waitItem(t, bj, bj.String()+` "Bob" both [Friends]`)
		if err := bob.r.Set(ctx(t), roster.Item{JID: aj, Name: "Alice"}); err != nil {
			t.Fatal(err)
		}
		bob.waitItem(t, aj, aj.String()+` "Alice" both`)

		// A spoofed push from a third account.
		carol := connect(t, tg, 2, false)
		evil := stanza.NewElement(roster.NS, "query").AddChild(roster.Item{JID: jid.MustParse("mallory@localhost"), Subscription: roster.SubscriptionBoth}.Element())
		if _, err := carol.c.Request(ctx(t), stanza.NewIQ(stanza.IQSet, alice.c.JID(), evil)); !errors.Is(err, stanza.ErrServiceUnavailable) {
			t.Errorf("spoofed push answered with %v", err)
		}
		if _, ok := alice.r.Item(jid.MustParse("mallory@localhost")); ok {
			t.Error("spoofed push accepted")
		}

		// Alice stops bob from seeing her presence; then stops seeing his.
		if err := roster.Cancel(ctx(t), alice.c, bj); err != nil {
			t.Fatal(err)
		}
		alice.waitItem(t, bj, bj.String()+` "Bob" to [Friends]`)
		bob.waitItem(t, aj, aj.String()+` "Alice" from`)
		if err := roster.Unsubscribe(ctx(t), alice.c, bj); err != nil {
			t.Fatal(err)
		}
		alice.waitItem(t, bj, bj.String()+` "Bob" none [Friends]`)
		bob.waitItem(t, aj, aj.String()+` "Alice" none`)

		if err := alice.r.Remove(ctx(t), bj); err != nil {
			t.Fatal(err)
		}
		alice.waitItem(t, bj, "")
	})
}

// TestIntegrationPreApproval: where the server supports pre-approval
// (RFC 6121 section 3.4), an Approve sent before the request makes the
// later request succeed without the user's handler.
func TestIntegrationPreApproval(t *testing.T) {
	xmpptest.ForEachServerOver(t, nil, xmpptest.TCP|xmpptest.WebSocket|xmpptest.BOSH, func(t *testing.T, tg xmpptest.Target) {
		alice := connect(t, tg, 0, false) // asks no one
		if !roster.PreApproval(alice.c) {
			t.Skipf("%s does not offer subscription pre-approval", tg.Name())
		}
		carol := connect(t, tg, 2, false)
		aj, cj := alice.c.JID().Bare(), carol.c.JID().Bare()
		if err := roster.Approve(ctx(t), alice.c, cj); err != nil {
			t.Fatal(err)
		}
		// RFC 6121 section 3.4.2 has the server push the item with
		// approved='true'; Prosody 0.12 pushes it without, so only the
		// effect is checked.
		alice.waitItem(t, cj, cj.String()+` "" none`)
		if err := roster.Subscribe(ctx(t), carol.c, aj); err != nil {
			t.Fatal(err)
		}
		carol.waitItem(t, aj, aj.String()+` "" to`)
		alice.waitItem(t, cj, cj.String()+` "" from`)
	})
}
