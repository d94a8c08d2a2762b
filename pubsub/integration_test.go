package pubsub_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/rsm"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestService: the three roles against a pubsub service: an owner
// creates and configures a node, a subscriber subscribes and gets the
// published and retracted items, the purge and the deletion; items are
// retrieved all, by id, the last N and by page; lists of subscriptions
// and affiliations; refusals come as typed errors.
func TestService(t *testing.T) {
	xmpptest.ForEachServer(t, nil, func(t *testing.T, tg xmpptest.Target) {
		svc := tg.PubSub()
		if svc.IsZero() {
			t.Skipf("%s has no pubsub service", tg.Name())
		}
		owner := connect(t, tg, 0, "owner", nil, nil)
		sub := connect(t, tg, 1, "sub", nil, nil)
		stranger := connect(t, tg, 2, "stranger", nil, nil)
		node := "xmppkit-" + t.Name()[len("TestService/"):]

		// Owner: create with a configuration, read it back, change it.
		cfg := form.New(form.TypeSubmit, pubsub.NodeConfigFormType)
		if err := cfg.SetString("pubsub#title", "first title"); err != nil {
			t.Fatal(err)
		}
		// ejabberd tells no one of a deletion by default.
		if err := cfg.SetBool("pubsub#notify_delete", true); err != nil {
			t.Fatal(err)
		}
		got, err := owner.ps.Create(timeout(t), svc, node, cfg)
		if err != nil || got != node {
			t.Fatalf("create: %q, %v", got, err)
		}
		if _, err := owner.ps.Create(timeout(t), svc, node, nil); !errors.Is(err, stanza.ErrConflict) {
			t.Errorf("creating it again: %v; want conflict", err)
		}
		f, err := owner.ps.Config(timeout(t), svc, node)
		if err != nil {
			t.Fatal(err)
		}
		if title, _ := f.String("pubsub#title"); title != "first title" {
			t.Errorf("title %q", title)
		}
		upd := f.Submit()
		if err := upd.SetString("pubsub#title", "second title"); err != nil {
			t.Fatal(err)
		}
		if err := owner.ps.Configure(timeout(t), svc, node, upd); err != nil {
			t.Fatal(err)
		}
		if f, err = owner.ps.Config(timeout(t), svc, node); err != nil {
			t.Fatal(err)
		}
		if title, _ := f.String("pubsub#title"); title != "second title" {
			t.Errorf("title after configure %q", title)
		}
		if _, err := stranger.ps.Config(timeout(t), svc, node); !errors.Is(err, stanza.ErrForbidden) {
			t.Errorf("a stranger's Config: %v; want forbidden", err)
		}

		// A subscription ended before anything is published: nothing
		// reaches the stranger afterwards (checked at the end).
		if _, err := stranger.ps.Subscribe(timeout(t), svc, node, nil); err != nil {
			t.Fatal(err)
		}
		if err := stranger.ps.Unsubscribe(timeout(t), svc, node, ""); err != nil {
			t.Fatal(err)
		}
		if subs, err := stranger.ps.Subscriptions(timeout(t), svc, node); err != nil || len(subs) != 0 {
			t.Errorf("subscriptions after unsubscribing: %+v, %v", subs, err)
		}

		// Discovery: the node among the service's, page by page.
		nodes, err := sub.ps.Nodes(timeout(t), svc, "", 2)
		if err != nil || !slices.ContainsFunc(nodes, func(it disco.Item) bool { return it.Node == node }) {
			t.Errorf("nodes: %+v, %v; want %q among them", nodes, err, node)
		}

		// Subscriber.
		s, err := sub.ps.Subscribe(timeout(t), svc, node, nil)
		if err != nil || s.State != pubsub.SubSubscribed || s.JID != sub.c.JID().Bare() {
			t.Fatalf("subscribe: %+v, %v", s, err)
		}
		subs, err := sub.ps.Subscriptions(timeout(t), svc, node)
		if err != nil || len(subs) != 1 || subs[0].Node != node || subs[0].State != pubsub.SubSubscribed {
			t.Errorf("subscriptions: %+v, %v", subs, err)
		}
		all, err := owner.ps.NodeSubscriptions(timeout(t), svc, node)
		if err != nil || !slices.ContainsFunc(all, func(s pubsub.Subscription) bool { return s.JID == sub.c.JID().Bare() }) {
			t.Errorf("the owner's list of subscriptions: %+v, %v", all, err)
		}
		affs, err := owner.ps.NodeAffiliations(timeout(t), svc, node)
		if err != nil || affs[owner.c.JID().Bare()] != pubsub.AffOwner {
			t.Errorf("the owner's list of affiliations: %v, %v", affs, err)
		}

		// Publisher: the owner publishes; the subscriber is told.
		for i := range 5 {
			id, err := owner.ps.Publish(timeout(t), svc, node, pubsub.Item{ID: fmt.Sprint("item-", i), Payload: payload(fmt.Sprint("entry ", i))}, nil)
			if err != nil || id != fmt.Sprint("item-", i) {
				t.Fatalf("publish: %q, %v", id, err)
			}
			ev := sub.event(t, pubsub.EventItems, node, nil)
			if ev.From != svc || len(ev.Items) != 1 || ev.Items[0].ID != id {
				t.Fatalf("event %+v", ev)
			}
			if p := ev.Items[0].Payload; p == nil || p.Text() != fmt.Sprint("entry ", i) {
				t.Errorf("payload %v", p)
			}
		}
		id, err := owner.ps.Publish(timeout(t), svc, node, pubsub.Item{Payload: payload("no id")}, nil)
		if err != nil || id == "" {
			t.Errorf("publish without an id: %q, %v", id, err)
		}
		sub.event(t, pubsub.EventItems, node, nil)
		if _, err := stranger.ps.Publish(timeout(t), svc, node, pubsub.Item{Payload: payload("intruder")}, nil); !errors.Is(err, stanza.ErrForbidden) {
			t.Errorf("a stranger's publication: %v; want forbidden", err)
		}

		// Items: all, by id, the last two, a page.
		page, err := sub.ps.Items(timeout(t), svc, node, nil)
		if err != nil || len(page.Items) != 6 {
			t.Errorf("all items: %d, %v", len(page.Items), err)
		}
		page, err = sub.ps.Items(timeout(t), svc, node, &pubsub.ItemsQuery{IDs: []string{"item-3"}})
		if err != nil || len(page.Items) != 1 || page.Items[0].ID != "item-3" || page.Items[0].Payload.Text() != "entry 3" {
			t.Errorf("item-3: %+v, %v", page.Items, err)
		}
		page, err = sub.ps.Items(timeout(t), svc, node, &pubsub.ItemsQuery{MaxItems: 2})
		if err != nil || len(page.Items) != 2 {
			t.Errorf("the last two: %+v, %v", page.Items, err)
		}
		page, err = sub.ps.Items(timeout(t), svc, node, &pubsub.ItemsQuery{Page: &rsm.Set{Max: new(4)}})
		switch {
		case err != nil:
			t.Errorf("a page: %v", err)
		case len(page.Items) == 4:
			t.Logf("%s pages items with RSM", tg.Name())
		default:
			t.Logf("%s ignores RSM for items: %d items", tg.Name(), len(page.Items))
		}

		// Retract with notification.
		if err := owner.ps.Retract(timeout(t), svc, node, "item-0", true); err != nil {
			t.Fatal(err)
		}
		ev := sub.event(t, pubsub.EventItems, node, func(ev pubsub.Event) bool { return len(ev.Retracted) > 0 })
		if !slices.Equal(ev.Retracted, []string{"item-0"}) {
			t.Errorf("retracted %v", ev.Retracted)
		}

		// The owner's view of its affiliations, where the service
		// offers it (Prosody 0.12 does not).
		info, err := disco.GetInfo(timeout(t), owner.c, svc, "")
		if err != nil {
			t.Fatal(err)
		}
		if meta, err := owner.ps.Metadata(timeout(t), svc, node); err != nil || !slices.ContainsFunc(meta.Identities, func(id disco.Identity) bool { return id.Category == "pubsub" }) {
			t.Errorf("metadata: %+v, %v", meta, err)
		}
		switch own, err := owner.ps.Affiliations(timeout(t), svc); {
		case !info.HasFeature(pubsub.NS + "#retrieve-affiliations"):
			t.Logf("%s: no retrieve-affiliations (%v)", tg.Name(), err)
		case err != nil || own[node] != pubsub.AffOwner:
			t.Errorf("affiliations: %v, %v", own, err)
		}

		// A configuration change, told to subscribers where the node
		// has pubsub#notify_config (Prosody 0.12 has no such field).
		cf, err := owner.ps.Config(timeout(t), svc, node)
		if err != nil {
			t.Fatal(err)
		}
		notify := cf.Field("pubsub#notify_config") != nil
		change := cf.Submit()
		if notify {
			if err := change.SetBool("pubsub#notify_config", true); err != nil {
				t.Fatal(err)
			}
		}
		if err := change.SetString("pubsub#title", "third title"); err != nil {
			t.Fatal(err)
		}
		if err := owner.ps.Configure(timeout(t), svc, node, change); err != nil {
			t.Fatal(err)
		}
		if notify {
			sub.event(t, pubsub.EventConfiguration, node, nil)
		} else {
			t.Logf("%s: no pubsub#notify_config", tg.Name())
		}

		// Purge, then delete with a redirect.
		if err := owner.ps.Purge(timeout(t), svc, node); err != nil {
			t.Errorf("purge: %v", err)
		} else {
			sub.event(t, pubsub.EventPurge, node, nil)
			if page, err := owner.ps.Items(timeout(t), svc, node, nil); err != nil || len(page.Items) != 0 {
				t.Errorf("after purge: %d items, %v", len(page.Items), err)
			}
		}
		if err := stranger.ps.Delete(timeout(t), svc, node, ""); !errors.Is(err, stanza.ErrForbidden) {
			t.Errorf("a stranger's Delete: %v; want forbidden", err)
		}
		redirect := "xmpp:" + svc.String() + "?;node=elsewhere"
		if err := owner.ps.Delete(timeout(t), svc, node, redirect); err != nil {
			t.Fatal(err)
		}
		ev = sub.event(t, pubsub.EventDelete, node, nil)
		if ev.Redirect != redirect {
			t.Logf("%s: delete event redirect %q", tg.Name(), ev.Redirect)
		}
		if _, err := sub.ps.Items(timeout(t), svc, node, nil); !errors.Is(err, stanza.ErrItemNotFound) {
			t.Errorf("items of a deleted node: %v; want item-not-found", err)
		}
		stranger.none(t)
	})
}
