package roster

import (
	"errors"
	"fmt"
	"slices"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Namespaces of the roster and of its stream features.
const (
	// NS is the namespace of the roster query (RFC 6121 section 2.1).
	NS = "jabber:iq:roster"
	// NSVersioning is the stream feature of roster versioning (RFC 6121
	// section 2.6.1).
	NSVersioning = "urn:xmpp:features:rosterver"
	// NSPreApproval is the stream feature of subscription pre-approval
	// (RFC 6121 section 3.4).
	NSPreApproval = "urn:xmpp:features:pre-approval"
)

// Subscription is the subscription attribute of a roster item (RFC 6121
// section 2.1.2.5): who receives whose presence.
type Subscription string

// Subscription states. SubscriptionRemove appears only in a roster set or
// push that removes the item.
const (
	// SubscriptionNone: neither receives the other's presence.
	SubscriptionNone Subscription = "none"
	// SubscriptionTo: the user receives the contact's presence.
	SubscriptionTo Subscription = "to"
	// SubscriptionFrom: the contact receives the user's presence.
	SubscriptionFrom Subscription = "from"
	// SubscriptionBoth: each receives the other's presence.
	SubscriptionBoth Subscription = "both"
	// SubscriptionRemove marks a removed item in a roster set or push.
	SubscriptionRemove Subscription = "remove"
)

// Item is one contact of the roster (RFC 6121 section 2.1.2).
type Item struct {
	// JID is the contact's address, normally a bare JID.
	JID jid.JID
	// Name is the user's name for the contact; "" for none.
	Name string
	// Subscription says who receives whose presence; the server sets it,
	// and Roster.Set ignores it.
	Subscription Subscription
	// Ask reports a subscription request the user sent that the contact
	// has not answered yet (ask='subscribe').
	Ask bool
	// Approved reports that the user pre-approved the contact's
	// subscription request (approved='true', RFC 6121 section 3.4).
	Approved bool
	// Groups are the user's groups for the contact, in the order given.
	Groups []string
}

// ErrMalformed reports a roster payload that breaks RFC 6121 section 2.
var ErrMalformed = errors.New("roster: malformed payload")

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// ParseItem decodes a roster <item/>. It checks what RFC 6121 section 2.1
// requires: a valid address, a known subscription state, ask only
// 'subscribe', no empty or repeated group.
func ParseItem(e *stanza.Element) (Item, error) {
	if e == nil || e.Name != (stanza.Name{Space: NS, Local: "item"}) {
		return Item{}, malformed("not a roster item")
	}
	j, err := jid.Parse(e.Attr("jid"))
	if err != nil || j.IsZero() {
		return Item{}, malformed("item address %q", e.Attr("jid"))
	}
	it := Item{JID: j, Name: e.Attr("name"), Subscription: SubscriptionNone}
	if s, ok := e.LookupAttr("", "subscription"); ok {
		switch Subscription(s) {
		case SubscriptionNone, SubscriptionTo, SubscriptionFrom, SubscriptionBoth, SubscriptionRemove:
			it.Subscription = Subscription(s)
		default:
			return Item{}, malformed("subscription %q", s)
		}
	}
	switch a := e.Attr("ask"); a {
	case "":
	case "subscribe":
		it.Ask = true
	default:
		return Item{}, malformed("ask %q", a)
	}
	switch a := e.Attr("approved"); a {
	case "", "false", "0":
	case "true", "1":
		it.Approved = true
	default:
		return Item{}, malformed("approved %q", a)
	}
	for g := range e.Children() {
		if g.Name != (stanza.Name{Space: NS, Local: "group"}) {
			continue // extensions of other namespaces
		}
		name := g.Text()
		if name == "" {
			return Item{}, malformed("empty group name")
		}
		if slices.Contains(it.Groups, name) {
			return Item{}, malformed("group %q given twice", name)
		}
		it.Groups = append(it.Groups, name)
	}
	return it, nil
}

// Element encodes the item as a roster <item/>. A zero Subscription is
// left out, as in a roster set.
func (it Item) Element() *stanza.Element {
	e := stanza.NewElement(NS, "item", stanza.A("jid", it.JID.String()))
	if it.Name != "" {
		e.SetAttr("name", it.Name)
	}
	if it.Subscription != "" {
		e.SetAttr("subscription", string(it.Subscription))
	}
	if it.Ask {
		e.SetAttr("ask", "subscribe")
	}
	if it.Approved {
		e.SetAttr("approved", "true")
	}
	for _, g := range it.Groups {
		e.AddChild(stanza.NewElement(NS, "group").AddText(g))
	}
	return e
}

// equal reports whether two items say the same.
func (it Item) equal(o Item) bool {
	return it.JID == o.JID && it.Name == o.Name && it.Subscription == o.Subscription &&
		it.Ask == o.Ask && it.Approved == o.Approved && slices.Equal(it.Groups, o.Groups)
}

// clone returns a copy of it that shares nothing with it.
func (it Item) clone() Item {
	it.Groups = slices.Clone(it.Groups)
	return it
}

// Query is a decoded roster <query/>: a result or a push.
type Query struct {
	// Version is the ver attribute (RFC 6121 section 2.6); Versioned
	// says whether there was one (an empty version is a version).
	Version   string
	Versioned bool
	// Items are the items, in document order.
	Items []Item
}

// ParseQuery decodes a roster <query/>. The same contact twice is
// malformed.
func ParseQuery(e *stanza.Element) (Query, error) {
	if e == nil || e.Name != (stanza.Name{Space: NS, Local: "query"}) {
		return Query{}, malformed("not a roster query")
	}
	var q Query
	q.Version, q.Versioned = e.LookupAttr("", "ver")
	for c := range e.Children() {
		if c.Name != (stanza.Name{Space: NS, Local: "item"}) {
			continue
		}
		it, err := ParseItem(c)
		if err != nil {
			return Query{}, err
		}
		if slices.ContainsFunc(q.Items, func(o Item) bool { return o.JID == it.JID }) {
			return Query{}, malformed("%s listed twice", it.JID)
		}
		q.Items = append(q.Items, it)
	}
	return q, nil
}

// Element encodes the query.
func (q Query) Element() *stanza.Element {
	e := stanza.NewElement(NS, "query")
	if q.Versioned {
		e.SetAttr("ver", q.Version)
	}
	for _, it := range q.Items {
		e.AddChild(it.Element())
	}
	return e
}
