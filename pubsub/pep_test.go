package pubsub_test

import (
	"errors"
	"testing"

	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/xmpptest"
)

// pepNode is the PEP node of these tests.
const pepNode = "urn:xmppkit:test:pep"

// TestPEP: the account's own PEP service (XEP-0163): an item published
// with publish options reaches the account's other resource and a contact
// that advertised +notify in its entity capabilities, each accepted from
// the publisher's bare JID; a contrary precondition is refused with
// CondPreconditionNotMet, or met by reconfiguring; items are read back.
func TestPEP(t *testing.T) {
	xmpptest.ForEachServer(t, &xmpptest.ServerOptions{PEP: true}, func(t *testing.T, tg xmpptest.Target) {
		notify := func(p *peer) {
			disco.Serve(p.c, nil)
			p.ps.HandlePEP(pepNode, p.record)
		}
		alice := connect(t, tg, 0, "one", nil, notify)
		alice2 := connect(t, tg, 0, "two", nil, notify)
		bob := connect(t, tg, 1, "pep", nil, notify)
		aj := alice.c.JID().Bare()

		// Mutual presence subscriptions, then the presence again, with
		// the capabilities, for the PEP services to see.
		testkit.Befriend(t, alice.c, bob.c)

		opts := &pubsub.PublishOptions{Options: map[string][]string{
			"pubsub#persist_items": {"true"},
			"pubsub#access_model":  {"presence"},
		}}
		id, err := alice.ps.Publish(timeout(t), jid.JID{}, pepNode, pubsub.Item{ID: "current", Payload: payload("first")}, opts)
		if err != nil || id != "current" {
			t.Fatalf("publish: %q, %v", id, err)
		}
		for _, p := range []*peer{alice2, bob} {
			ev := p.event(t, pubsub.EventItems, pepNode, func(ev pubsub.Event) bool {
				return len(ev.Items) == 1 && ev.Items[0].Payload != nil && ev.Items[0].Payload.Text() == "first"
			})
			if ev.From != aj {
				t.Errorf("event from %s; want %s", ev.From, aj)
			}
		}

		// A publication whose options contradict the node's
		// configuration.
		whitelist := map[string][]string{"pubsub#access_model": {"whitelist"}}
		_, err = alice.ps.Publish(timeout(t), jid.JID{}, pepNode, pubsub.Item{ID: "current", Payload: payload("second")}, &pubsub.PublishOptions{Options: whitelist})
		if !errors.Is(err, pubsub.CondPreconditionNotMet) {
			t.Errorf("contrary options: %v; want precondition-not-met", err)
		}
		_, err = alice.ps.Publish(timeout(t), jid.JID{}, pepNode, pubsub.Item{ID: "current", Payload: payload("second")}, &pubsub.PublishOptions{Options: whitelist, Reconfigure: true})
		if err != nil {
			t.Errorf("with Reconfigure: %v", err)
		}
		alice2.event(t, pubsub.EventItems, pepNode, func(ev pubsub.Event) bool {
			return len(ev.Items) == 1 && ev.Items[0].Payload != nil && ev.Items[0].Payload.Text() == "second"
		})

		page, err := alice.ps.Items(timeout(t), jid.JID{}, pepNode, nil)
		if err != nil || len(page.Items) != 1 || page.Items[0].Payload.Text() != "second" {
			t.Errorf("own items: %+v, %v", page.Items, err)
		}
		// The node is now whitelisted: bob may not read it.
		if _, err := bob.ps.Items(timeout(t), aj, pepNode, nil); err == nil {
			t.Errorf("bob read a whitelisted node")
		}
		// The owner's configuration of the PEP node: ejabberd tells no
		// one of a retraction by default.
		cfg, err := alice.ps.Config(timeout(t), jid.JID{}, pepNode)
		if err != nil {
			t.Fatal(err)
		}
		sub := cfg.Submit()
		if err := sub.SetBool("pubsub#notify_retract", true); err != nil {
			t.Fatal(err)
		}
		if err := alice.ps.Configure(timeout(t), jid.JID{}, pepNode, sub); err != nil {
			t.Fatal(err)
		}
		if err := alice.ps.Retract(timeout(t), jid.JID{}, pepNode, "current", true); err != nil {
			t.Fatal(err)
		}
		if page, err := alice.ps.Items(timeout(t), jid.JID{}, pepNode, nil); err != nil || len(page.Items) != 0 {
			t.Errorf("items after the retraction: %+v, %v", page.Items, err)
		}
		if tg.Name() == "ejabberd" {
			// ejabberd 23.01 sent the account's other resource no
			// retraction, even with pubsub#notify_retract set.
			return
		}
		alice2.event(t, pubsub.EventItems, pepNode, func(ev pubsub.Event) bool { return len(ev.Retracted) == 1 })
	})
}
