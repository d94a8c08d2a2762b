package pubsub

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/internal/datetime"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// SubState is the state of a subscription (XEP-0060 §4.2).
type SubState string

// The subscription states.
const (
	SubNone         SubState = "none"
	SubPending      SubState = "pending"      // waiting for an owner's approval
	SubUnconfigured SubState = "unconfigured" // options must be configured first
	SubSubscribed   SubState = "subscribed"
)

// Subscription is a subscription to a node, as the service describes it.
type Subscription struct {
	// Service is the pubsub service or PEP account the subscription is
	// with.
	Service jid.JID
	Node    string
	// JID is the subscribed address (our bare JID, usually).
	JID   jid.JID
	State SubState
	// SubID identifies the subscription among several of one JID to one
	// node; "" where the service gives none.
	SubID string
	// Expiry is when a temporary subscription ends; zero for none.
	Expiry time.Time
	// OptionsRequired and OptionsSupported: the service asks for, or
	// accepts, subscription options (§6.3): see SubscribeOptions.
	OptionsRequired, OptionsSupported bool
}

// parseSubscription decodes a <subscription/> element (of the pubsub,
// owner or event namespace) from service.
func parseSubscription(e *stanza.Element, service jid.JID) (Subscription, error) {
	s := Subscription{Service: service, Node: e.Attr("node"), State: SubState(e.Attr("subscription")), SubID: e.Attr("subid")}
	j, err := jid.Parse(e.Attr("jid"))
	if err != nil {
		return Subscription{}, fmt.Errorf("%w: subscription jid: %v", ErrMalformed, err)
	}
	s.JID = j
	switch s.State {
	case SubNone, SubPending, SubUnconfigured, SubSubscribed:
	case "":
		s.State = SubNone
	default:
		return Subscription{}, fmt.Errorf("%w: subscription state %q", ErrMalformed, s.State)
	}
	if x := e.Attr("expiry"); x != "" {
		t, err := datetime.ParseDateTime(x)
		if err != nil {
			return Subscription{}, fmt.Errorf("%w: subscription expiry: %v", ErrMalformed, err)
		}
		s.Expiry = t
	}
	if o := e.Child(e.Name.Space, "subscribe-options"); o != nil {
		s.OptionsSupported = true
		s.OptionsRequired = o.Child(e.Name.Space, "required") != nil
	}
	return s, nil
}

// SubscribeOptions are the options of Subscribe.
type SubscribeOptions struct {
	// JID is the address to subscribe; zero for the account's bare JID
	// (the service must allow a different one).
	JID jid.JID
	// Options is a submitted subscription options form
	// (FORM_TYPE http://jabber.org/protocol/pubsub#subscribe_options),
	// sent with the request (§6.3.7); nil sends none.
	Options *form.Form
}

// Subscribe subscribes to node at service (XEP-0060 §6.1) and returns
// the subscription as the service granted it: subscribed, or pending an
// owner's approval, or unconfigured (then configure it with
// SetSubscriptionOptions). From then on the node's events from service
// are accepted (see New). A refusal is the service's *stanza.Error,
// which matches its pubsub Condition with errors.Is
// (CondPresenceSubscriptionReqd, CondClosedNode...).
func (ps *Client) Subscribe(ctx context.Context, service jid.JID, node string, opts *SubscribeOptions) (Subscription, error) {
	if node == "" {
		return Subscription{}, ErrInvalidNode
	}
	var o SubscribeOptions
	if opts != nil {
		o = *opts
	}
	who := o.JID
	if who.IsZero() {
		who = ps.c.JID().Bare()
	}
	p := stanza.NewElement(NS, "pubsub")
	p.AddChild(stanza.NewElement(NS, "subscribe", stanza.A("node", node), stanza.A("jid", who.String())))
	if o.Options != nil {
		p.AddChild(stanza.NewElement(NS, "options", stanza.A("node", node), stanza.A("jid", who.String())).AddChild(o.Options.Element()))
	}
	// Events may come before the answer (the last published item):
	// accept them from now on.
	ps.follow(service, node, true)
	res, err := ps.request(ctx, stanza.IQSet, service, p)
	if err != nil {
		ps.follow(service, node, false)
		return Subscription{}, fmt.Errorf("pubsub: subscribe to %s %q: %w", at(service), node, err)
	}
	sub := Subscription{Service: service, Node: node, JID: who, State: SubSubscribed}
	if res != nil {
		if e := res.Child(NS, "subscription"); e != nil {
			if sub, err = parseSubscription(e, service); err != nil {
				return Subscription{}, err
			}
			if sub.Node == "" {
				sub.Node = node
			}
		}
	}
	if sub.State == SubNone {
		ps.follow(service, node, false)
	}
	return sub, nil
}

// Unsubscribe ends the subscription of the account's bare JID to node at
// service (§6.2); subID names one among several ("" for the only one).
// The node's events from service are no longer accepted, unless the
// service is one of Options.Services.
func (ps *Client) Unsubscribe(ctx context.Context, service jid.JID, node, subID string) error {
	if node == "" {
		return ErrInvalidNode
	}
	u := stanza.NewElement(NS, "unsubscribe", stanza.A("node", node), stanza.A("jid", ps.c.JID().Bare().String()))
	if subID != "" {
		u.SetAttr("subid", subID)
	}
	if _, err := ps.request(ctx, stanza.IQSet, service, stanza.NewElement(NS, "pubsub").AddChild(u)); err != nil {
		return fmt.Errorf("pubsub: unsubscribe from %s %q: %w", at(service), node, err)
	}
	ps.follow(service, node, false)
	return nil
}

// Subscriptions returns the account's subscriptions at service (§5.6),
// to node or, with node "", to every node; the events of the nodes it
// lists are accepted from then on (for subscriptions an earlier run of
// the application made).
func (ps *Client) Subscriptions(ctx context.Context, service jid.JID, node string) ([]Subscription, error) {
	q := stanza.NewElement(NS, "subscriptions")
	if node != "" {
		q.SetAttr("node", node)
	}
	res, err := ps.request(ctx, stanza.IQGet, service, stanza.NewElement(NS, "pubsub").AddChild(q))
	if err != nil {
		return nil, fmt.Errorf("pubsub: subscriptions at %s: %w", at(service), err)
	}
	subs, err := subscriptionList(res, NS, service, node)
	if err != nil {
		return nil, err
	}
	for _, s := range subs {
		if s.State == SubSubscribed || s.State == SubPending || s.State == SubUnconfigured {
			ps.follow(service, s.Node, true)
		}
	}
	return subs, nil
}

// subscriptionList decodes the <subscriptions/> of an answer in space.
func subscriptionList(res *stanza.Element, space string, service jid.JID, node string) ([]Subscription, error) {
	if res == nil {
		return nil, nil
	}
	list := res.Child(space, "subscriptions")
	if list == nil {
		return nil, nil
	}
	var subs []Subscription
	for e := range list.Children() {
		if e.Name != (stanza.Name{Space: space, Local: "subscription"}) {
			continue
		}
		s, err := parseSubscription(e, service)
		if err != nil {
			return nil, err
		}
		if s.Node == "" {
			s.Node = cmp.Or(list.Attr("node"), node)
		}
		subs = append(subs, s)
	}
	return subs, nil
}

// SubscriptionOptions fetches the options form of the account's
// subscription to node at service (§6.3).
func (ps *Client) SubscriptionOptions(ctx context.Context, service jid.JID, node, subID string) (*form.Form, error) {
	o := stanza.NewElement(NS, "options", stanza.A("node", node), stanza.A("jid", ps.c.JID().Bare().String()))
	if subID != "" {
		o.SetAttr("subid", subID)
	}
	res, err := ps.request(ctx, stanza.IQGet, service, stanza.NewElement(NS, "pubsub").AddChild(o))
	if err != nil {
		return nil, fmt.Errorf("pubsub: subscription options at %s %q: %w", at(service), node, err)
	}
	return formIn(res, NS, "options")
}

// SetSubscriptionOptions submits the options form f of the account's
// subscription to node at service (§6.3.5).
func (ps *Client) SetSubscriptionOptions(ctx context.Context, service jid.JID, node, subID string, f *form.Form) error {
	o := stanza.NewElement(NS, "options", stanza.A("node", node), stanza.A("jid", ps.c.JID().Bare().String()))
	if subID != "" {
		o.SetAttr("subid", subID)
	}
	o.AddChild(f.Element())
	if _, err := ps.request(ctx, stanza.IQSet, service, stanza.NewElement(NS, "pubsub").AddChild(o)); err != nil {
		return fmt.Errorf("pubsub: set subscription options at %s %q: %w", at(service), node, err)
	}
	return nil
}

// Affiliation is an entity's relation to a node (§4.1).
type Affiliation string

// The affiliations.
const (
	AffOwner       Affiliation = "owner"
	AffPublisher   Affiliation = "publisher"
	AffPublishOnly Affiliation = "publish-only"
	AffMember      Affiliation = "member"
	AffNone        Affiliation = "none"
	AffOutcast     Affiliation = "outcast"
)

// Affiliations returns the account's affiliations at service (§5.7): by
// node.
func (ps *Client) Affiliations(ctx context.Context, service jid.JID) (map[string]Affiliation, error) {
	res, err := ps.request(ctx, stanza.IQGet, service, stanza.NewElement(NS, "pubsub").AddChild(stanza.NewElement(NS, "affiliations")))
	if err != nil {
		return nil, fmt.Errorf("pubsub: affiliations at %s: %w", at(service), err)
	}
	out := make(map[string]Affiliation)
	if res == nil {
		return out, nil
	}
	if list := res.Child(NS, "affiliations"); list != nil {
		for e := range list.Children() {
			if e.Name.Local == "affiliation" && e.Attr("node") != "" {
				out[e.Attr("node")] = Affiliation(e.Attr("affiliation"))
			}
		}
	}
	return out, nil
}

// formIn returns the data form inside the child local of res, in space.
func formIn(res *stanza.Element, space, local string) (*form.Form, error) {
	if res == nil {
		return nil, fmt.Errorf("%w: an empty answer", ErrMalformed)
	}
	c := res.Child(space, local)
	if c == nil {
		return nil, fmt.Errorf("%w: no <%s/> in the answer", ErrMalformed, local)
	}
	x := c.Child(form.NS, "x")
	if x == nil {
		return nil, fmt.Errorf("%w: no form in <%s/>", ErrMalformed, local)
	}
	f, err := form.Parse(x)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return f, nil
}
