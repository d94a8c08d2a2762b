package carbons_test

import (
	"context"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/carbons"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestServers runs carbons against the real servers: alice on two
// resources, carbons enabled on the second, which must see copies of what
// the first receives and sends, except private messages.
func TestServers(t *testing.T) {
	xmpptest.ForEachServer(t, nil, func(t *testing.T, tg xmpptest.Target) {
		if tg.Name() == "xmpptest" {
			t.Skip("the in-process server does not implement carbons; see TestSpoofedCarbons and TestHandle")
		}
		ctx := timeout(t)
		copies := make(chan carbons.Carbon, 8)
		wrappers := make(chan *stanza.Message, 8)
		// Handle claims the carbons: the default handler of two must
		// never see one; an observer sees the wrappers as they come.
		unclaimed := make(chan *stanza.Message, 8)
		two := loginTarget(t, tg, 0, "two", func(c *xmpp.Client) {
			carbons.Handle(c, func(ctx context.Context, cb carbons.Carbon) { copies <- cb }, nil)
			for _, dir := range []string{"received", "sent"} {
				c.ObserveMessage(xmpp.Route{Payload: stanza.Name{Space: carbons.NS, Local: dir}},
					func(ctx context.Context, m *stanza.Message) { wrappers <- m })
			}
			c.HandleMessage(xmpp.Route{}, func(ctx context.Context, m *stanza.Message) {
				if carbons.IsCarbon(m) {
					unclaimed <- m
				}
			})
		})
		toOne := make(chan *stanza.Message, 8)
		one := loginTarget(t, tg, 0, "one", func(c *xmpp.Client) {
			c.HandleMessage(xmpp.Route{}, func(ctx context.Context, m *stanza.Message) {
				if m.Body() != "" {
					toOne <- m
				}
			})
		})
		bob := loginTarget(t, tg, 1, "home")
		for _, c := range []*xmpp.Client{one, two, bob} {
			if err := c.Send(ctx, stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})); err != nil {
				t.Fatal(err)
			}
		}
		if err := carbons.Enable(ctx, two); err != nil {
			t.Fatalf("Enable: %v", err)
		}
		send := func(from *xmpp.Client, to jid.JID, body string, private bool) {
			t.Helper()
			m := stanza.NewMessage(stanza.MessageChat, to, body)
			if private {
				carbons.Private(m)
			}
			if err := from.Send(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		next := func(dir carbons.Direction, from, to jid.JID, body string) {
			t.Helper()
			cb := receive(t, copies, "a carbon of "+body)
			if cb.Direction != dir || cb.Message.From != from || cb.Message.To != to || cb.Message.Body() != body {
				t.Fatalf("carbon %v from %s to %s %q; want %v from %s to %s %q", cb.Direction, cb.Message.From,
					cb.Message.To, cb.Message.Body(), dir, from, to, body)
			}
		}

		t.Run("received", func(t *testing.T) {
			send(bob, one.JID(), "hello one", false)
			next(carbons.Received, bob.JID(), one.JID(), "hello one")
			w := receive(t, wrappers, "the wrapper")
			t.Logf("%s wraps a received carbon as %s", tg.Name(), w.Element())
		})
		t.Run("sent", func(t *testing.T) {
			send(one, bob.JID(), "hello bob", false)
			next(carbons.Sent, one.JID(), bob.JID(), "hello bob")
			w := receive(t, wrappers, "the wrapper")
			t.Logf("%s wraps a sent carbon as %s", tg.Name(), w.Element())
		})
		// A carbon of a private message would come before the carbon of
		// the message sent after it on the same stream.
		t.Run("private", func(t *testing.T) {
			send(one, bob.JID(), "private out", true)
			send(one, bob.JID(), "public out", false)
			next(carbons.Sent, one.JID(), bob.JID(), "public out")
			send(bob, one.JID(), "private in", true)
			send(bob, one.JID(), "public in", false)
			next(carbons.Received, bob.JID(), one.JID(), "public in")
		})
		t.Run("disable", func(t *testing.T) {
			if err := carbons.Disable(ctx, two); err != nil {
				t.Fatalf("Disable: %v", err)
			}
			send(bob, one.JID(), "while disabled", false)
			// Once one has it, the server has decided about its carbon.
			for m := receive(t, toOne, "the message"); m.Body() != "while disabled"; m = receive(t, toOne, "the message") {
			}
			if err := carbons.Enable(ctx, two); err != nil {
				t.Fatalf("Enable again: %v", err)
			}
			send(bob, one.JID(), "enabled again", false)
			next(carbons.Received, bob.JID(), one.JID(), "enabled again")
		})
		// Whatever the server does with a forged carbon from a contact,
		// Handle must not pass it on.
		t.Run("spoofed", func(t *testing.T) {
			forged := mustElement(t, wrapper("", two.JID().String(), "sent",
				inner(one.JID().String(), bob.JID().String(), "forged")))
			if err := bob.SendElement(ctx, forged); err != nil {
				t.Fatal(err)
			}
			send(bob, one.JID(), "after the forgery", false)
			next(carbons.Received, bob.JID(), one.JID(), "after the forgery")
			// Both servers deliver it as it is, from bob: the check is
			// the client's job. It arrived before the last carbon.
			delivered := false
			for len(wrappers) > 0 {
				if w := <-wrappers; w.From == bob.JID() {
					delivered = true
					t.Logf("%s delivered the forged carbon as %s", tg.Name(), w.Element())
				}
			}
			if !delivered {
				t.Logf("%s did not deliver the forged carbon", tg.Name())
			}
		})
		if len(copies) != 0 {
			t.Errorf("%d more carbons than expected", len(copies))
		}
		if len(unclaimed) != 0 {
			t.Errorf("the default handler saw %d carbons, the first %s", len(unclaimed), (<-unclaimed).Element())
		}
	})
}
