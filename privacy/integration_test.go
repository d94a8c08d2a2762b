package privacy_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/privacy"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// dialTarget logs account i in to tg with the given resource, sends
// initial presence, and closes the client when the test ends.
func dialTarget(ctx context.Context, t *testing.T, tg xmpptest.Target, i int, resource string) *xmpp.Client {
	t.Helper()
	a := tg.Account(i)
	c, err := xmpp.Dial(ctx, a.JID(), &xmpp.Options{Password: a.Password, Resource: resource, Addr: tg.Addr(), TLSConfig: tg.TLSConfig()})
	if err != nil {
		t.Fatalf("%s: dial %s: %v", tg.Name(), a.User, err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Send(ctx, stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})); err != nil {
		t.Fatal(err)
	}
	return c
}

func recv[T any](ctx context.Context, t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		t.Fatalf("no %s: %v", what, ctx.Err())
		panic("unreachable")
	}
}

func TestIntegration(t *testing.T) {
	xmpptest.ForEachServer(t, nil, func(t *testing.T, tg xmpptest.Target) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		alice1 := dialTarget(ctx, t, tg, 0, "one")
		if tg.Name() != "ejabberd" {
			// Measured: Prosody 0.12 has no XEP-0016 module, and the
			// in-process server does not implement it.
			if _, err := privacy.Lists(ctx, alice1); !errors.Is(err, stanza.ErrServiceUnavailable) {
				t.Errorf("lists on %s: %v, want service-unavailable", tg.Name(), err)
			}
			return
		}
		alice2 := dialTarget(ctx, t, tg, 0, "two")
		bob := dialTarget(ctx, t, tg, 1, "phone")
		bobBare := tg.Account(1).JID()

		pushes1, pushes2 := make(chan string, 16), make(chan string, 16)
		privacy.Handle(alice1, &privacy.PushOptions{OnPush: func(n string) { pushes1 <- n }})
		privacy.Handle(alice2, &privacy.PushOptions{OnPush: func(n string) { pushes2 <- n }})
		inbox, inbox2 := make(chan *stanza.Message, 16), make(chan *stanza.Message, 16)
		alice1.HandleMessage(xmpp.Route{}, func(_ context.Context, m *stanza.Message) { inbox <- m })
		alice2.HandleMessage(xmpp.Route{}, func(_ context.Context, m *stanza.Message) { inbox2 <- m })
		bobErrs := make(chan *stanza.Message, 16)
		bob.HandleMessage(xmpp.Route{}, func(_ context.Context, m *stanza.Message) {
			if m.Type == stanza.MessageError {
				bobErrs <- m
			}
		})
		say := func(to jid.JID, body string) *stanza.Message {
			t.Helper()
			m := stanza.NewMessage(stanza.MessageChat, to, body)
			if err := bob.Send(ctx, m); err != nil {
				t.Fatal(err)
			}
			return m
		}

		s, err := privacy.Lists(ctx, alice1)
		if err != nil || s.Active != "" || s.Default != "" || len(s.Lists) != 0 {
			t.Fatalf("fresh account: %+v, %v", s, err)
		}

		// A list denying bob's messages; both resources get its push.
		l := privacy.List{Name: "no-bob", Items: []privacy.Item{
			{Type: privacy.TypeJID, Value: bobBare.String(), Action: privacy.Deny, Order: 1, Message: true},
			{Action: privacy.Allow, Order: 2},
		}}
		if err := privacy.Set(ctx, alice1, l); err != nil {
			t.Fatalf("set: %v", err)
		}
		for _, ch := range []chan string{pushes1, pushes2} {
			if n := recv(ctx, t, ch, "push"); n != "no-bob" {
				t.Errorf("push names %q", n)
			}
		}
		if got, err := privacy.Get(ctx, alice1, "no-bob"); err != nil || got.Name != l.Name || !slices.Equal(got.Items, l.Items) {
			t.Errorf("get: %+v, %v; want %+v", got, err, l)
		}

		// Active for alice1 only: bob's message to alice1 bounces with
		// service-unavailable (measured), his message to alice2 arrives.
		if err := privacy.SetActive(ctx, alice1, "no-bob"); err != nil {
			t.Fatalf("set active: %v", err)
		}
		if s, err := privacy.Lists(ctx, alice1); err != nil || s.Active != "no-bob" || s.Default != "" || !slices.Equal(s.Lists, []string{"no-bob"}) {
			t.Errorf("lists with an active list: %+v, %v", s, err)
		}
		denied := say(alice1.JID(), "while denied")
		if e := recv(ctx, t, bobErrs, "bounce"); e.ID != denied.ID || !errors.Is(e.Error, stanza.ErrServiceUnavailable) {
			t.Errorf("bounce of %s: %v, want service-unavailable for %s", e.ID, e.Error, denied.ID)
		}
		say(alice2.JID(), "to the other resource")
		if m := recv(ctx, t, inbox2, "message to alice2"); m.Body() != "to the other resource" {
			t.Errorf("alice2 got %q", m.Body())
		}
		if err := privacy.SetActive(ctx, alice1, ""); err != nil {
			t.Fatalf("decline active: %v", err)
		}
		// In bob's order: had the denied message arrived, it would be first.
		say(alice1.JID(), "after")
		if m := recv(ctx, t, inbox, "message"); m.Body() != "after" {
			t.Errorf("got %q, want \"after\"", m.Body())
		}

		// Default for the account.
		if err := privacy.SetDefault(ctx, alice1, "no-bob"); err != nil {
			t.Fatalf("set default: %v", err)
		}
		if s, err := privacy.Lists(ctx, alice2); err != nil || s.Active != "" || s.Default != "no-bob" {
			t.Errorf("lists with a default list: %+v, %v", s, err)
		}
		// Measured: ejabberd refuses to remove the default list (conflict,
		// "Cannot remove default list"), as XEP-0016 requires while it
		// applies to another resource.
		if err := privacy.Remove(ctx, alice1, "no-bob"); !errors.Is(err, stanza.ErrConflict) {
			t.Errorf("remove the default list: %v, want conflict", err)
		}
		denied = say(alice2.JID(), "denied by default")
		if e := recv(ctx, t, bobErrs, "bounce"); e.ID != denied.ID || !errors.Is(e.Error, stanza.ErrServiceUnavailable) {
			t.Errorf("bounce of %s: %v, want service-unavailable for %s", e.ID, e.Error, denied.ID)
		}
		if err := privacy.SetDefault(ctx, alice1, ""); err != nil {
			t.Fatalf("decline default: %v", err)
		}
		if err := privacy.Remove(ctx, alice1, "no-bob"); err != nil {
			t.Fatalf("remove: %v", err)
		}
		if _, err := privacy.Get(ctx, alice1, "no-bob"); !errors.Is(err, stanza.ErrItemNotFound) {
			t.Errorf("get after remove: %v, want item-not-found", err)
		}
		if err := privacy.SetActive(ctx, alice1, "nope"); !errors.Is(err, stanza.ErrItemNotFound) {
			t.Errorf("activate a missing list: %v, want item-not-found", err)
		}
	})
}
