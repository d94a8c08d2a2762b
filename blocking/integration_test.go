package blocking_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/blocking"
	"github.com/xmppkit/xmpp/jid"
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

// recv returns the next value from ch, failing the test when ctx ends
// first.
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
		if tg.Name() == "xmpptest" {
			t.Skip("the in-process server does not implement XEP-0191 (it answers service-unavailable); the unit tests script its side with HandleIQ and Inject")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()

		alice1 := dialTarget(ctx, t, tg, 0, "one")
		alice2 := dialTarget(ctx, t, tg, 0, "two")
		bob := dialTarget(ctx, t, tg, 1, "phone")
		bobBare, carolBare := tg.Account(1).JID(), tg.Account(2).JID()

		pushes1, pushes2 := make(chan blocking.Command, 16), make(chan blocking.Command, 16)
		bl1 := blocking.New(alice1, &blocking.Options{OnChange: func(c blocking.Command) { pushes1 <- c }})
		bl2 := blocking.New(alice2, &blocking.Options{OnChange: func(c blocking.Command) { pushes2 <- c }})
		for _, bl := range []*blocking.Blocklist{bl1, bl2} {
			if err := bl.Load(ctx); err != nil {
				t.Fatalf("load: %v", err)
			}
			if l := bl.List(); len(l) != 0 {
				t.Fatalf("fresh account's block list %v", l)
			}
		}

		inbox := make(chan *stanza.Message, 16)     // alice1's chat messages
		aliceErrs := make(chan *stanza.Message, 16) // alice1's bounces
		alice1.HandleMessage(xmpp.Route{}, func(_ context.Context, m *stanza.Message) {
			if m.Type == stanza.MessageError {
				aliceErrs <- m
			} else {
				inbox <- m
			}
		})
		bobErrs := make(chan *stanza.Message, 16)
		bobInbox := make(chan *stanza.Message, 16)
		bob.HandleMessage(xmpp.Route{}, func(_ context.Context, m *stanza.Message) {
			if m.Type == stanza.MessageError {
				bobErrs <- m
			} else {
				bobInbox <- m
			}
		})
		say := func(from *xmpp.Client, to jid.JID, body string) {
			t.Helper()
			if err := from.Send(ctx, stanza.NewMessage(stanza.MessageChat, to, body)); err != nil {
				t.Fatal(err)
			}
		}

		say(bob, alice1.JID(), "before")
		if m := recv(ctx, t, inbox, "message before blocking"); m.Body() != "before" {
			t.Fatalf("got %q before blocking", m.Body())
		}

		// alice blocks bob: both of her resources get the push.
		if err := blocking.Block(ctx, alice1, bobBare); err != nil {
			t.Fatalf("block: %v", err)
		}
		for i, ch := range []chan blocking.Command{pushes1, pushes2} {
			p := recv(ctx, t, ch, "block push")
			if p.Op != blocking.OpBlock || !slices.Equal(p.JIDs, []jid.JID{bobBare}) {
				t.Errorf("resource %d: push %+v", i+1, p)
			}
		}
		if l, err := blocking.List(ctx, alice1); err != nil || !slices.Equal(l, []jid.JID{bobBare}) {
			t.Errorf("list after block: %v, %v", l, err)
		}
		if !bl2.Blocked(bob.JID()) || !bl1.Blocked(bobBare) {
			t.Errorf("view does not block bob: %v", bl2.List())
		}

		// bob's stanzas to alice are refused. Measured: a chat message to
		// alice's bare JID bounces with service-unavailable on both servers
		// (Prosody's bounce leaves out the body, ejabberd's keeps it and
		// comes once per available resource of alice's); one
		// to her full JID (an online session) bounces likewise on
		// ejabberd, while Prosody drops it silently so as not to reveal
		// that she is online. An IQ get is answered with
		// service-unavailable by both. That no blocked message reached
		// alice is checked after the unblock below, and that Prosody sent
		// no other bounce once bob has read alice's later message.
		toFull := stanza.NewMessage(stanza.MessageChat, alice1.JID(), "while blocked, to full JID")
		toBare := stanza.NewMessage(stanza.MessageChat, alice1.JID().Bare(), "while blocked, to bare JID")
		for _, m := range []*stanza.Message{toFull, toBare} {
			if err := bob.Send(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		want := map[string]int{toBare.ID: 1} // bounces expected per message id
		if tg.Name() == "ejabberd" {
			// ejabberd delivers the bare-JID message to each of alice's
			// two available resources and bounces it once for each.
			want = map[string]int{toFull.ID: 1, toBare.ID: 2}
		}
		for len(want) > 0 {
			m := recv(ctx, t, bobErrs, "bounce of bob's message")
			if want[m.ID] == 0 || !errors.Is(m.Error, stanza.ErrServiceUnavailable) {
				t.Errorf("bounce of %s (%q) from %s: %v; want service-unavailable for %v", m.ID, m.Body(), m.From, m.Error, want)
			}
			if want[m.ID]--; want[m.ID] <= 0 {
				delete(want, m.ID)
			}
		}
		if err := bob.Ping(ctx, alice1.JID()); !errors.Is(err, stanza.ErrServiceUnavailable) {
			t.Errorf("bob's ping to alice: %v, want service-unavailable", err)
		}

		// alice's message to bob is refused with not-acceptable. Measured:
		// Prosody adds the <blocked/> condition XEP-0191 requires (type
		// cancel); ejabberd 23.01 does not (type modify, text "Your active
		// privacy list has denied the routing of this stanza.").
		say(alice1, bob.JID(), "to blocked")
		m := recv(ctx, t, aliceErrs, "bounce of alice's message")
		if !errors.Is(m.Error, stanza.ErrNotAcceptable) {
			t.Errorf("bounce %v, want not-acceptable", m.Error)
		}
		if got, want := blocking.IsBlocked(m.Error), tg.Name() == "prosody"; got != want {
			t.Errorf("IsBlocked(%v) = %v, want %v on %s", m.Error, got, want, tg.Name())
		}

		// Unblocking restores delivery; bob's blocked message never came.
		if err := blocking.Unblock(ctx, alice1, bobBare); err != nil {
			t.Fatalf("unblock: %v", err)
		}
		for _, ch := range []chan blocking.Command{pushes1, pushes2} {
			if p := recv(ctx, t, ch, "unblock push"); p.Op != blocking.OpUnblock || !slices.Equal(p.JIDs, []jid.JID{bobBare}) {
				t.Errorf("push %+v", p)
			}
		}
		if bl2.Blocked(bob.JID()) {
			t.Error("view still blocks bob")
		}
		say(bob, alice1.JID(), "after")
		// The inbox is in bob's sending order: had a blocked message
		// arrived, it would come first.
		if m := recv(ctx, t, inbox, "message after unblocking"); m.Body() != "after" {
			t.Fatalf("got %q after unblocking, want \"after\"", m.Body())
		}
		// alice's servers wrote any bounce for bob before this message.
		say(alice1, bob.JID(), "sync")
		if m := recv(ctx, t, bobInbox, "alice's message after unblocking"); m.Body() != "sync" {
			t.Fatalf("bob got %q", m.Body())
		}
		select {
		case m := <-bobErrs:
			t.Errorf("unexpected bounce of %s (%q) from %s: %v", m.ID, m.Body(), m.From, m.Error)
		default:
		}

		// UnblockAll empties the list.
		if err := blocking.Block(ctx, alice1, bobBare, carolBare); err != nil {
			t.Fatalf("block two: %v", err)
		}
		recv(ctx, t, pushes1, "block push")
		if p := recv(ctx, t, pushes2, "block push"); len(p.JIDs) != 2 {
			t.Errorf("push %+v", p)
		}
		if err := blocking.UnblockAll(ctx, alice1); err != nil {
			t.Fatalf("unblock all: %v", err)
		}
		recv(ctx, t, pushes1, "unblock-all push")
		if p := recv(ctx, t, pushes2, "unblock-all push"); !p.UnblocksAll() {
			t.Errorf("push %+v", p)
		}
		if l, err := blocking.List(ctx, alice1); err != nil || len(l) != 0 {
			t.Errorf("list after unblock all: %v, %v", l, err)
		}
		if l := bl2.List(); len(l) != 0 {
			t.Errorf("view after unblock all: %v", l)
		}
	})
}
