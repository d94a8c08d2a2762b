package form_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// The namespaces of the protocols whose forms the real servers send.
const (
	nsMAM         = "urn:xmpp:mam:2"
	nsPubsub      = "http://jabber.org/protocol/pubsub"
	nsPubsubOwner = "http://jabber.org/protocol/pubsub#owner"
	nsNodeConfig  = "http://jabber.org/protocol/pubsub#node_config"
)

// TestServers reads the forms real servers send (the XEP-0313 query form,
// an XEP-0060 node configuration form) with the strict Parse, and submits
// forms built with this package, which the servers must accept. The
// in-process server implements neither protocol.
func TestServers(t *testing.T) {
	xmpptest.ForEachServer(t, nil, func(t *testing.T, tg xmpptest.Target) {
		if tg.Name() == "xmpptest" {
			t.Skip("the in-process server implements neither MAM nor PEP")
		}
		alice := loginTarget(t, tg, 0)
		bob := tg.Account(1).JID()

		t.Run("mam", func(t *testing.T) {
			res, err := alice.Request(timeout(t), stanza.NewIQ(stanza.IQGet, jid.JID{}, stanza.NewElement(nsMAM, "query")))
			if err != nil {
				t.Fatal(err)
			}
			def, err := form.Parse(res.Payload.Child(form.NS, "x"))
			if err != nil {
				t.Fatalf("Parse(%s): %v", res.Payload, err)
			}
			t.Logf("%s MAM form: %d fields", tg.Name(), len(def.Fields))
			if def.Type != form.TypeForm || def.FormType() != nsMAM || def.Field("with") == nil {
				t.Fatalf("MAM form = %s", def.Element())
			}

			// A submission from the definition, and one built from scratch.
			sub := def.Submit()
			if err := sub.SetJID("with", bob); err != nil {
				t.Fatal(err)
			}
			if err := form.Validate(def, sub); err != nil {
				t.Fatal(err)
			}
			scratch := form.New(form.TypeSubmit, nsMAM)
			if err := scratch.SetJID("with", bob); err != nil {
				t.Fatal(err)
			}
			for _, s := range []*form.Form{sub, scratch} {
				q := stanza.NewElement(nsMAM, "query").AddChild(s.Element())
				res, err := alice.Request(timeout(t), stanza.NewIQ(stanza.IQSet, jid.JID{}, q))
				if err != nil {
					t.Fatalf("query with %s: %v", s.Element(), err)
				}
				if res.Payload == nil || res.Payload.Name.Local != "fin" {
					t.Errorf("query result %v", res.Payload)
				}
			}
		})

		t.Run("pep node config", func(t *testing.T) {
			const node = "urn:example:form-test"
			publish := stanza.NewElement(nsPubsub, "pubsub").AddChild(
				stanza.NewElement(nsPubsub, "publish", stanza.A("node", node)).AddChild(
					stanza.NewElement(nsPubsub, "item", stanza.A("id", "current")).AddChild(stanza.NewElement("urn:example", "data"))))
			if _, err := alice.Request(timeout(t), stanza.NewIQ(stanza.IQSet, jid.JID{}, publish)); err != nil {
				t.Fatal(err)
			}
			def := nodeConfig(t, alice, node)
			t.Logf("%s node configuration form: %d fields", tg.Name(), len(def.Fields))
			if def.FormType() != nsNodeConfig || def.Field("pubsub#max_items") == nil || def.Field("pubsub#notify_retract") == nil {
				t.Fatalf("node configuration form = %s", def.Element())
			}
			retract, err := def.Bool("pubsub#notify_retract")
			if err != nil {
				t.Fatal(err)
			}

			sub := def.Submit()
			if err := errors.Join(sub.SetString("pubsub#max_items", "7"), sub.SetBool("pubsub#notify_retract", !retract)); err != nil {
				t.Fatal(err)
			}
			if err := form.Validate(def, sub); err != nil {
				t.Fatalf("Validate of our own submission: %v", err)
			}
			configure := stanza.NewElement(nsPubsubOwner, "pubsub").AddChild(
				stanza.NewElement(nsPubsubOwner, "configure", stanza.A("node", node)).AddChild(sub.Element()))
			if _, err := alice.Request(timeout(t), stanza.NewIQ(stanza.IQSet, jid.JID{}, configure)); err != nil {
				t.Fatal(err)
			}
			after := nodeConfig(t, alice, node)
			if got, err := after.String("pubsub#max_items"); got != "7" || err != nil {
				t.Errorf("max_items after configuration = %q, %v", got, err)
			}
			if got, err := after.Bool("pubsub#notify_retract"); got == retract || err != nil {
				t.Errorf("notify_retract after configuration = %v, %v", got, err)
			}
		})
	})
}

// nodeConfig fetches the configuration form of the PEP node.
func nodeConfig(t *testing.T, c *xmpp.Client, node string) *form.Form {
	t.Helper()
	get := stanza.NewElement(nsPubsubOwner, "pubsub").AddChild(stanza.NewElement(nsPubsubOwner, "configure", stanza.A("node", node)))
	res, err := c.Request(timeout(t), stanza.NewIQ(stanza.IQGet, jid.JID{}, get))
	if err != nil {
		t.Fatal(err)
	}
	var x *stanza.Element
	if res.Payload != nil {
		if cf := res.Payload.Child(nsPubsubOwner, "configure"); cf != nil {
			x = cf.Child(form.NS, "x")
		}
	}
	f, err := form.Parse(x)
	if err != nil {
		t.Fatalf("Parse(%v): %v", res.Payload, err)
	}
	return f
}

// loginTarget connects account i of tg over TCP and closes the Client
// when t ends.
func loginTarget(t *testing.T, tg xmpptest.Target, i int) *xmpp.Client {
	t.Helper()
	a := tg.Account(i)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := xmpp.Dial(ctx, a.JID(), &xmpp.Options{Password: a.Password, Addr: tg.Addr(), TLSConfig: tg.TLSConfig()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// timeout returns a context that ends after ten seconds or with t.
func timeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}
