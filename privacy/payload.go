package privacy

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// NS qualifies the <query/> payload of XEP-0016.
const NS = "jabber:iq:privacy"

// ErrMalformed is wrapped by the errors of the decoders for a payload that
// breaks the XEP-0016 rules, by the encoders for a value that cannot be
// encoded validly, and by the requests for a result without a valid
// payload.
var ErrMalformed = errors.New("privacy: malformed payload")

// Action is what an item does with the stanzas it matches.
type Action string

// Actions.
const (
	Allow Action = "allow"
	Deny  Action = "deny"
)

// ItemType says what an item's Value matches.
type ItemType string

// Item types. The empty type is the fall-through item, which matches
// every stanza and has no Value.
const (
	// TypeJID matches addresses with the rules of XEP-0016 section 2.1:
	// user@domain/resource only itself, user@domain any resource of it,
	// domain/resource only itself, domain everything at that domain.
	TypeJID ItemType = "jid"
	// TypeGroup matches the contacts of a roster group.
	TypeGroup ItemType = "group"
	// TypeSubscription matches contacts by subscription state: "both",
	// "to", "from" or "none" (which includes addresses not in the roster).
	TypeSubscription ItemType = "subscription"
)

// Item is one rule of a privacy list.
type Item struct {
	// Type says what Value is; empty for the fall-through item.
	Type ItemType
	// Value is a JID (in its prepared form once decoded), a roster group
	// name or a subscription state, as Type says; empty when Type is.
	Value string
	// Action is Allow or Deny.
	Action Action
	// Order places the item in the list: items apply in ascending order,
	// and orders are unique within a list.
	Order uint32
	// Message, IQ, PresenceIn and PresenceOut limit the item to incoming
	// messages, incoming IQs, incoming presence notifications and
	// outgoing presence notifications. When none is set the item applies
	// to every stanza.
	Message, IQ, PresenceIn, PresenceOut bool
}

// List is a named privacy list.
type List struct {
	// Name identifies the list.
	Name string
	// Items are the list's rules, in document order (the server applies
	// them by Order).
	Items []Item
}

// Summary is the answer to a request for the names of the lists.
type Summary struct {
	// Active is the name of the list active for the requesting session,
	// or "" for none.
	Active string
	// Default is the name of the account's default list, or "" for none.
	Default string
	// Lists are the names of all the account's lists.
	Lists []string
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// query returns a <query/> element with the given children.
func query(children ...*stanza.Element) *stanza.Element {
	q := stanza.NewElement(NS, "query")
	for _, c := range children {
		q.AddChild(c)
	}
	return q
}

// named returns {NS}local with the attribute name, left out when empty.
func named(local, name string) *stanza.Element {
	e := stanza.NewElement(NS, local)
	if name != "" {
		e.SetAttr("name", name)
	}
	return e
}

// Element encodes s as a <query/> element, as a server answers a request
// for the names of the lists. It fails with ErrMalformed for an empty list
// name.
func (s Summary) Element() (*stanza.Element, error) {
	q := query()
	if s.Active != "" {
		q.AddChild(named("active", s.Active))
	}
	if s.Default != "" {
		q.AddChild(named("default", s.Default))
	}
	for _, n := range s.Lists {
		if n == "" {
			return nil, malformed("list without name")
		}
		q.AddChild(named("list", n))
	}
	return q, nil
}

// Element encodes l as a <query/> element holding one <list/>: the payload
// of a request to set a list, of a server's answer to a request for it,
// or (without items) of a push or a removal. It fails with ErrMalformed
// when the name is empty or an item is invalid (see ParseList).
func (l List) Element() (*stanza.Element, error) {
	if l.Name == "" {
		return nil, malformed("list without name")
	}
	le := named("list", l.Name)
	seen := make(map[uint32]bool, len(l.Items))
	for _, it := range l.Items {
		if seen[it.Order] {
			return nil, malformed("list %q: order %d used twice", l.Name, it.Order)
		}
		seen[it.Order] = true
		e, err := it.element()
		if err != nil {
			return nil, fmt.Errorf("list %q: %w", l.Name, err)
		}
		le.AddChild(e)
	}
	return query(le), nil
}

func (it Item) element() (*stanza.Element, error) {
	if err := it.check(); err != nil {
		return nil, err
	}
	e := stanza.NewElement(NS, "item")
	if it.Type != "" {
		e.SetAttr("type", string(it.Type)).SetAttr("value", it.Value)
	}
	e.SetAttr("action", string(it.Action)).SetAttr("order", strconv.FormatUint(uint64(it.Order), 10))
	for _, k := range []struct {
		on    bool
		local string
	}{{it.IQ, "iq"}, {it.Message, "message"}, {it.PresenceIn, "presence-in"}, {it.PresenceOut, "presence-out"}} {
		if k.on {
			e.AddChild(stanza.NewElement(NS, k.local))
		}
	}
	return e, nil
}

// check validates the action and the type and value of it, and prepares
// a JID value.
func (it *Item) check() error {
	if it.Action != Allow && it.Action != Deny {
		return malformed("item action %q", string(it.Action))
	}
	switch it.Type {
	case "":
		if it.Value != "" {
			return malformed("fall-through item with value %q", it.Value)
		}
	case TypeJID:
		j, err := jid.Parse(it.Value)
		if err != nil {
			return fmt.Errorf("%w: item jid %q: %w", ErrMalformed, it.Value, err)
		}
		it.Value = j.String()
	case TypeGroup:
		if it.Value == "" {
			return malformed("group item without value")
		}
	case TypeSubscription:
		switch it.Value {
		case "both", "to", "from", "none":
		default:
			return malformed("subscription item with value %q", it.Value)
		}
	default:
		return malformed("item type %q", string(it.Type))
	}
	return nil
}

// ParseList decodes a <query/> element in NS holding exactly one <list/>
// (with or without items) and returns it. It fails with an error wrapping
// ErrMalformed when e is something else, the list has no name, an item
// lacks its action or order, has an action, type or order not defined by
// XEP-0016, a value that does not suit its type (a JID value must be a
// valid JID, which is returned prepared), or a child in NS other than the
// four stanza kinds (each at most once), or when two items share an order.
// Whitespace and elements in other namespaces are ignored.
func ParseList(e *stanza.Element) (List, error) {
	kids, err := queryChildren(e)
	if err != nil {
		return List{}, err
	}
	if len(kids) != 1 || kids[0].Name.Local != "list" {
		return List{}, malformed("query must hold exactly one list")
	}
	le := kids[0]
	l := List{Name: le.Attr("name")}
	if l.Name == "" {
		return List{}, malformed("list without name")
	}
	items, err := children(le)
	if err != nil {
		return List{}, err
	}
	seen := make(map[uint32]bool, len(items))
	for _, ie := range items {
		it, err := parseItem(ie)
		if err != nil {
			return List{}, fmt.Errorf("list %q: %w", l.Name, err)
		}
		if seen[it.Order] {
			return List{}, malformed("list %q: order %d used twice", l.Name, it.Order)
		}
		seen[it.Order] = true
		l.Items = append(l.Items, it)
	}
	return l, nil
}

func parseItem(e *stanza.Element) (Item, error) {
	if e.Name.Local != "item" {
		return Item{}, malformed("<%s/> in list", e.Name.Local)
	}
	it := Item{Type: ItemType(e.Attr("type")), Value: e.Attr("value"), Action: Action(e.Attr("action"))}
	order, ok := e.LookupAttr("", "order")
	if !ok {
		return Item{}, malformed("item without order")
	}
	n, err := strconv.ParseUint(order, 10, 32)
	if err != nil {
		return Item{}, fmt.Errorf("%w: item order %q: %w", ErrMalformed, order, err)
	}
	it.Order = uint32(n)
	if err := it.check(); err != nil {
		return Item{}, err
	}
	kids, err := children(e)
	if err != nil {
		return Item{}, err
	}
	for _, k := range kids {
		var flag *bool
		switch k.Name.Local {
		case "message":
			flag = &it.Message
		case "iq":
			flag = &it.IQ
		case "presence-in":
			flag = &it.PresenceIn
		case "presence-out":
			flag = &it.PresenceOut
		default:
			return Item{}, malformed("<%s/> in item", k.Name.Local)
		}
		if *flag {
			return Item{}, malformed("<%s/> twice in item", k.Name.Local)
		}
		if len(k.Nodes) != 0 {
			return Item{}, malformed("<%s/> in item has content", k.Name.Local)
		}
		*flag = true
	}
	return it, nil
}

// ParseSummary decodes the <query/> element in NS that answers a request
// for the names of the lists. It fails with an error wrapping ErrMalformed
// when e is something else, holds more than one <active/> or <default/>,
// a <list/> without name or with items, or another child in NS. An
// <active/> or <default/> without name means none.
func ParseSummary(e *stanza.Element) (Summary, error) {
	kids, err := queryChildren(e)
	if err != nil {
		return Summary{}, err
	}
	var s Summary
	var active, deflt bool
	for _, k := range kids {
		name := k.Attr("name")
		switch k.Name.Local {
		case "active":
			if active {
				return Summary{}, malformed("two active elements")
			}
			active, s.Active = true, name
		case "default":
			if deflt {
				return Summary{}, malformed("two default elements")
			}
			deflt, s.Default = true, name
		case "list":
			if name == "" {
				return Summary{}, malformed("list without name")
			}
			if items, err := children(k); err != nil || len(items) != 0 {
				return Summary{}, malformed("list %q with content in a summary", name)
			}
			s.Lists = append(s.Lists, name)
		default:
			return Summary{}, malformed("<%s/> in query", k.Name.Local)
		}
	}
	return s, nil
}

// queryChildren is children for a {NS}query element.
func queryChildren(e *stanza.Element) ([]*stanza.Element, error) {
	if e != nil && e.Name != (stanza.Name{Space: NS, Local: "query"}) {
		return nil, malformed("unexpected element {%s}%s", e.Name.Space, e.Name.Local)
	}
	return children(e)
}

// children returns the child elements of e in NS, checking that e is in
// NS and holds no character data other than whitespace. Elements in other
// namespaces are skipped.
func children(e *stanza.Element) ([]*stanza.Element, error) {
	if e == nil {
		return nil, malformed("no element")
	}
	if e.Name.Space != NS {
		return nil, malformed("unexpected element {%s}%s", e.Name.Space, e.Name.Local)
	}
	var kids []*stanza.Element
	for _, n := range e.Nodes {
		switch {
		case n.Elem == nil:
			if strings.TrimSpace(n.Text) != "" {
				return nil, malformed("text in <%s/>", e.Name.Local)
			}
		case n.Elem.Name.Space == NS:
			kids = append(kids, n.Elem)
		}
	}
	return kids, nil
}
