package pubsub_test

import (
	"context"
	"errors"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// eventMessage is a message from from to to with an items event of node
// publishing one item with id.
func eventMessage(from, to jid.JID, node, id string) *stanza.Element {
	m := stanza.NewMessage(stanza.MessageHeadline, to, "")
	m.From = from
	items := stanza.NewElement(pubsub.NSEvent, "items", stanza.A("node", node))
	items.AddChild(stanza.NewElement(pubsub.NSEvent, "item", stanza.A("id", id)).AddChild(payload(id)))
	m.Payloads = append(m.Payloads, stanza.NewElement(pubsub.NSEvent, "event").AddChild(items))
	return m.Element()
}

// TestWhoMaySendEvents: events are accepted from the account's own bare
// JID (its PEP), from a service and node subscribed to (and no longer
// once unsubscribed), from a service of Options.Services, and from a
// contact's bare JID for a PEP node asked for; never from a full JID, a
// stranger, or for a node not asked for; malformed ones are dropped; no
// event reaches the Client's default message handler.
func TestWhoMaySendEvents(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	// The server itself plays a pubsub service that grants every
	// subscription.
	srv.HandleIQ(stanza.IQSet, pubsub.NS, "pubsub", func(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		if s := iq.Payload.Child(pubsub.NS, "subscribe"); s != nil {
			res := stanza.NewElement(pubsub.NS, "pubsub")
			res.AddChild(stanza.NewElement(pubsub.NS, "subscription", stanza.A("node", s.Attr("node")),
				stanza.A("jid", s.Attr("jid")), stanza.A("subscription", "subscribed")))
			return res, nil
		}
		return nil, nil
	})
	trusted := jid.MustParse("trusted.localhost")
	leaked := make(chan *stanza.Message, 10)
	alice := connect(t, srv, 0, "res", &pubsub.Options{Services: []jid.JID{trusted}}, func(p *peer) {
		p.c.HandleMessage(xmpp.Route{}, func(_ context.Context, m *stanza.Message) { leaked <- m })
	})
	me := alice.c.JID()
	service := jid.MustParse(srv.Domain())
	bob := jid.MustParse("bob@localhost")

	inject := func(e *stanza.Element) {
		t.Helper()
		if err := srv.Inject(me, e); err != nil {
			t.Fatal(err)
		}
	}
	expect := func(from jid.JID, node, id string) {
		t.Helper()
		ev := alice.event(t, pubsub.EventItems, node, nil)
		if ev.From != from || len(ev.Items) != 1 || ev.Items[0].ID != id {
			t.Errorf("event %+v; want item %q from %s", ev, id, from)
		}
	}

	inject(eventMessage(me.Bare(), me, "own", "1"))
	expect(me.Bare(), "own", "1")

	inject(eventMessage(jid.MustParse("alice@localhost/other"), me, "own", "full"))
	inject(eventMessage(bob, me, "geo", "not asked for"))
	inject(eventMessage(service, me, "news", "not subscribed"))
	inject(eventMessage(jid.MustParse("mallory.localhost"), me, "news", "stranger"))
	bad := stanza.NewMessage(stanza.MessageHeadline, me, "")
	bad.From = me.Bare()
	bad.Payloads = append(bad.Payloads, stanza.NewElement(pubsub.NSEvent, "event")) // empty
	inject(bad.Element())
	noNode := stanza.NewMessage(stanza.MessageHeadline, me, "")
	noNode.From = me.Bare()
	noNode.Payloads = append(noNode.Payloads, stanza.NewElement(pubsub.NSEvent, "event").AddChild(stanza.NewElement(pubsub.NSEvent, "purge")))
	inject(noNode.Element())
	alice.none(t)

	alice.ps.Notify("geo")
	inject(eventMessage(bob, me, "geo", "asked for"))
	expect(bob, "geo", "asked for")

	if _, err := alice.ps.Subscribe(timeout(t), service, "news", nil); err != nil {
		t.Fatal(err)
	}
	inject(eventMessage(service, me, "news", "subscribed"))
	expect(service, "news", "subscribed")
	inject(eventMessage(service, me, "other", "another node"))
	alice.none(t)
	if err := alice.ps.Unsubscribe(timeout(t), service, "news", ""); err != nil {
		t.Fatal(err)
	}
	inject(eventMessage(service, me, "news", "unsubscribed"))
	alice.none(t)

	inject(eventMessage(trusted, me, "anything", "trusted"))
	expect(trusted, "anything", "trusted")

	// A node only the account publishes to: its own events count, a
	// contact's do not.
	alice.ps.HandleOwnPEP("settings", alice.record)
	inject(eventMessage(bob, me, "settings", "from a contact"))
	alice.none(t)
	inject(eventMessage(me.Bare(), me, "settings", "own"))
	expect(me.Bare(), "settings", "own")

	select {
	case m := <-leaked:
		t.Errorf("the default handler got %v", m.Element())
	default:
	}
}

// TestPublishReconfigures: a publication refused with
// precondition-not-met is, with Reconfigure, followed by the node's
// configuration set to the publish options and the publication again;
// without it the error matches CondPreconditionNotMet.
func TestPublishReconfigures(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	var steps []string
	access := "presence"
	precondition := func() error {
		se := stanza.NewError(stanza.ErrConflict, "")
		se.App = stanza.NewElement(pubsub.NSErrors, "precondition-not-met")
		return se
	}
	srv.HandleIQ(stanza.IQSet, pubsub.NS, "pubsub", func(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		pub := iq.Payload.Child(pubsub.NS, "publish")
		opts := iq.Payload.Child(pubsub.NS, "publish-options")
		if pub == nil || opts == nil {
			return nil, stanza.NewError(stanza.ErrBadRequest, "")
		}
		want := ""
		for f := range opts.FirstChild().Children() {
			if f.Attr("var") == "pubsub#access_model" {
				want = f.ChildText("jabber:x:data", "value")
			}
		}
		if want != access {
			steps = append(steps, "refused")
			return nil, precondition()
		}
		steps = append(steps, "published")
		return nil, nil
	})
	srv.HandleIQ(stanza.IQGet, pubsub.NSOwner, "pubsub", func(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		steps = append(steps, "config")
		x := stanza.NewElement("jabber:x:data", "x", stanza.A("type", "form"))
		x.AddChild(stanza.NewElement("jabber:x:data", "field", stanza.A("var", "FORM_TYPE"), stanza.A("type", "hidden")).
			AddChild(stanza.NewElement("jabber:x:data", "value").AddText(pubsub.NodeConfigFormType)))
		x.AddChild(stanza.NewElement("jabber:x:data", "field", stanza.A("var", "pubsub#access_model"), stanza.A("type", "list-single")).
			AddChild(stanza.NewElement("jabber:x:data", "value").AddText(access)))
		return stanza.NewElement(pubsub.NSOwner, "pubsub").AddChild(stanza.NewElement(pubsub.NSOwner, "configure", stanza.A("node", "n")).AddChild(x)), nil
	})
	srv.HandleIQ(stanza.IQSet, pubsub.NSOwner, "pubsub", func(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		steps = append(steps, "configure")
		for f := range iq.Payload.FirstChild().FirstChild().Children() {
			if f.Attr("var") == "pubsub#access_model" {
				access = f.ChildText("jabber:x:data", "value")
			}
		}
		return nil, nil
	})
	alice := connect(t, srv, 0, "res", nil, nil)
	opts := map[string][]string{"pubsub#access_model": {"whitelist"}}
	_, err := alice.ps.Publish(timeout(t), jid.JID{}, "n", pubsub.Item{ID: "x", Payload: payload("x")}, &pubsub.PublishOptions{Options: opts})
	var se *stanza.Error
	if !errors.Is(err, pubsub.CondPreconditionNotMet) || !errors.Is(err, stanza.ErrConflict) || !errors.As(err, &se) {
		t.Errorf("without Reconfigure: %v", err)
	}
	if cond, _ := pubsub.ErrorCondition(err); cond != pubsub.CondPreconditionNotMet {
		t.Errorf("ErrorCondition %q", cond)
	}
	id, err := alice.ps.Publish(timeout(t), jid.JID{}, "n", pubsub.Item{ID: "x", Payload: payload("x")}, &pubsub.PublishOptions{Options: opts, Reconfigure: true})
	if err != nil || id != "x" || access != "whitelist" {
		t.Errorf("with Reconfigure: %q, %v, access %q", id, err, access)
	}
	want := []string{"refused", "refused", "config", "configure", "published"}
	if len(steps) != len(want) {
		t.Fatalf("steps %v; want %v", steps, want)
	}
	for i := range want {
		if steps[i] != want[i] {
			t.Errorf("steps %v; want %v", steps, want)
			break
		}
	}
}

// authorizationMessage is a subscription authorization request for node
// from from, asking about subscriber.
func authorizationMessage(from, to jid.JID, node, subscriber string) *stanza.Element {
	f := form.New(form.TypeForm, pubsub.AuthorizationFormType)
	_ = f.SetString("pubsub#node", node)
	f.Fields = append(f.Fields, form.Field{Var: "pubsub#subscriber_jid", Type: form.JIDSingle, Values: []string{subscriber}},
		form.Field{Var: "pubsub#allow", Type: form.Boolean, Values: []string{"false"}})
	m := stanza.NewMessage(stanza.MessageNormal, to, "")
	m.From = from
	m.Payloads = append(m.Payloads, f.Element())
	return m.Element()
}

// TestAuthorizationRequests: the authorization requests of a service
// where the Client created a node reach HandleAuthorization, and
// Authorize sends the form back with pubsub#allow; the same form from
// anyone else is not taken for one (it reaches the default handler).
func TestAuthorizationRequests(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	service := jid.MustParse(srv.Domain())
	srv.HandleIQ(stanza.IQSet, pubsub.NS, "pubsub", func(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		return nil, nil // creates whatever is asked
	})
	answers := make(chan *stanza.Element, 2)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == xmpptest.ClientToServer && ev.Element.Name.Local == "message" && ev.Element.Child("jabber:x:data", "x") != nil {
			answers <- ev.Element
		}
		return xmpptest.Verdict{}
	})
	others := make(chan *stanza.Message, 2)
	alice := connect(t, srv, 0, "res", nil, func(p *peer) {
		p.c.HandleMessage(xmpp.Route{}, func(_ context.Context, m *stanza.Message) { others <- m })
	})
	requests := make(chan pubsub.AuthorizationRequest, 2)
	alice.ps.HandleAuthorization(func(_ context.Context, req pubsub.AuthorizationRequest) { requests <- req })
	if _, err := alice.ps.Create(timeout(t), service, "news", nil); err != nil {
		t.Fatal(err)
	}
	me := alice.c.JID()
	if err := srv.Inject(me, authorizationMessage(jid.MustParse("mallory@localhost/x"), me, "news", "eve@localhost")); err != nil {
		t.Fatal(err)
	}
	if err := srv.Inject(me, authorizationMessage(service, me, "news", "bob@localhost")); err != nil {
		t.Fatal(err)
	}
	req := testkit.Receive(t, requests, "the service's request")
	if req.Service != service || req.Node != "news" || req.Subscriber != jid.MustParse("bob@localhost") {
		t.Errorf("request %+v", req)
	}
	if m := testkit.Receive(t, others, "the stranger's form, unclaimed"); m.From.Localpart() != "mallory" {
		t.Errorf("default handler got %v", m.Element())
	}
	if err := alice.ps.Authorize(timeout(t), req, true); err != nil {
		t.Fatal(err)
	}
	ans := testkit.Receive(t, answers, "the answer")
	f, err := form.Parse(ans.Child("jabber:x:data", "x"))
	if err != nil || f.Type != form.TypeSubmit || f.FormType() != pubsub.AuthorizationFormType {
		t.Fatalf("answer %v, %v", ans, err)
	}
	if allow, err := f.Bool("pubsub#allow"); err != nil || !allow {
		t.Errorf("pubsub#allow %t, %v", allow, err)
	}
}
