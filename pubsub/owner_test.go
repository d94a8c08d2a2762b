package pubsub_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestOwnerControls: an instant node; a node whose subscriptions need
// the owner's approval (pending, approved, then notified); subscription
// options; affiliations set by the owner (a publisher who may then
// publish, an outcast who may not subscribe). What a server lacks is
// logged, not failed.
func TestOwnerControls(t *testing.T) {
	xmpptest.ForEachServer(t, nil, func(t *testing.T, tg xmpptest.Target) {
		svc := tg.PubSub()
		if svc.IsZero() {
			t.Skipf("%s has no pubsub service", tg.Name())
		}
		owner := connect(t, tg, 0, "owner", nil, nil)
		bob := connect(t, tg, 1, "bob", nil, nil)
		carol := connect(t, tg, 2, "carol", nil, nil)

		// An instant node: the service names it.
		instant, err := owner.ps.Create(timeout(t), svc, "", nil)
		if err != nil {
			t.Logf("%s: no instant nodes: %v", tg.Name(), err)
		} else if instant == "" {
			t.Error("an instant node without a name")
		} else if err := owner.ps.Delete(timeout(t), svc, instant, ""); err != nil {
			t.Errorf("deleting the instant node: %v", err)
		}

		// Subscriptions approved by the owner.
		requests := make(chan pubsub.AuthorizationRequest, 4)
		owner.ps.HandleAuthorization(func(_ context.Context, req pubsub.AuthorizationRequest) { requests <- req })
		node := "xmppkit-authorize-" + tg.Name()
		cfg := form.New(form.TypeSubmit, pubsub.NodeConfigFormType)
		if err := cfg.SetString("pubsub#access_model", "authorize"); err != nil {
			t.Fatal(err)
		}
		if _, err := owner.ps.Create(timeout(t), svc, node, cfg); err != nil {
			t.Logf("%s: no authorize access model: %v", tg.Name(), err)
		} else {
			s, err := bob.ps.Subscribe(timeout(t), svc, node, nil)
			switch {
			case err != nil:
				t.Errorf("subscribing to an authorize node: %v", err)
			case s.State != pubsub.SubPending:
				t.Logf("%s: subscription to an authorize node is %q, not pending", tg.Name(), s.State)
			default:
				subs, err := owner.ps.NodeSubscriptions(timeout(t), svc, node)
				i := slices.IndexFunc(subs, func(s pubsub.Subscription) bool { return s.JID == bob.c.JID().Bare() })
				if err != nil {
					t.Fatal(err)
				}
				if i >= 0 {
					if subs[i].State != pubsub.SubPending {
						t.Fatalf("the owner's list: %+v", subs)
					}
					approved := subs[i]
					approved.State = pubsub.SubSubscribed
					if err := owner.ps.SetNodeSubscriptions(timeout(t), svc, node, []pubsub.Subscription{approved}); err != nil {
						t.Fatalf("approving: %v", err)
					}
				} else {
					// ejabberd 23.01 lists only granted subscriptions: it
					// asks the owner with an authorization form (§8.6).
					var req pubsub.AuthorizationRequest
					select {
					case req = <-requests:
					case <-timeout(t).Done():
						t.Fatalf("%s: the pending subscription is neither listed nor asked about", tg.Name())
					}
					if req.Node != node || req.Subscriber != bob.c.JID().Bare() || req.Service != svc {
						t.Errorf("authorization request %+v", req)
					}
					if err := owner.ps.Authorize(timeout(t), req, true); err != nil {
						t.Fatal(err)
					}
					t.Logf("%s: approved through an authorization form", tg.Name())
				}
				if _, err := owner.ps.Publish(timeout(t), svc, node, pubsub.Item{ID: "after", Payload: payload("approved")}, nil); err != nil {
					t.Fatal(err)
				}
				bob.event(t, pubsub.EventItems, node, func(ev pubsub.Event) bool { return len(ev.Items) == 1 && ev.Items[0].ID == "after" })
			}
		}

		// Subscription options, where offered.
		open := "xmppkit-options-" + tg.Name()
		if _, err := owner.ps.Create(timeout(t), svc, open, nil); err != nil {
			t.Fatal(err)
		}
		s, err := bob.ps.Subscribe(timeout(t), svc, open, nil)
		if err != nil {
			t.Fatal(err)
		}
		switch f, err := bob.ps.SubscriptionOptions(timeout(t), svc, open, s.SubID); {
		case err != nil:
			t.Logf("%s: no subscription options: %v", tg.Name(), err)
		case f.FormType() != pubsub.NS+"#subscribe_options":
			t.Errorf("options form of type %q", f.FormType())
		default:
			// Every boolean answered (Prosody 0.12 never answers a
			// submission that leaves one out).
			sub := f.Submit()
			for _, fd := range f.Fields {
				if fd.Type == form.Boolean && len(fd.Values) == 0 {
					if err := sub.SetBool(fd.Var, fd.Var == "pubsub#deliver"); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := bob.ps.SetSubscriptionOptions(timeout(t), svc, open, s.SubID, sub); err != nil {
				t.Errorf("setting subscription options: %v", err)
			}
		}

		// Affiliations: carol made a publisher may publish; made an
		// outcast may not subscribe.
		cj := carol.c.JID().Bare()
		if _, err := carol.ps.Publish(timeout(t), svc, open, pubsub.Item{Payload: payload("before")}, nil); !errors.Is(err, stanza.ErrForbidden) {
			t.Errorf("a stranger's publication: %v; want forbidden", err)
		}
		if err := owner.ps.SetNodeAffiliations(timeout(t), svc, open, map[jid.JID]pubsub.Affiliation{cj: pubsub.AffPublisher}); err != nil {
			t.Fatal(err)
		}
		affs, err := owner.ps.NodeAffiliations(timeout(t), svc, open)
		if err != nil || affs[cj] != pubsub.AffPublisher {
			t.Errorf("affiliations %v, %v; want carol a publisher", affs, err)
		}
		if _, err := carol.ps.Publish(timeout(t), svc, open, pubsub.Item{ID: "carol", Payload: payload("as publisher")}, nil); err != nil {
			t.Errorf("a publisher's publication: %v", err)
		} else if ev := bob.event(t, pubsub.EventItems, open, nil); ev.Items[0].ID != "carol" {
			t.Errorf("bob got %+v", ev)
		}
		if err := owner.ps.SetNodeAffiliations(timeout(t), svc, open, map[jid.JID]pubsub.Affiliation{cj: pubsub.AffOutcast}); err != nil {
			t.Fatal(err)
		}
		if _, err := carol.ps.Subscribe(timeout(t), svc, open, nil); !errors.Is(err, stanza.ErrForbidden) {
			t.Errorf("an outcast's subscription: %v; want forbidden", err)
		}
	})
}
