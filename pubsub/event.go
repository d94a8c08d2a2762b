package pubsub

import (
	"fmt"
	"time"

	"github.com/xmppkit/xmpp/delay"
	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// EventKind says what an Event notifies (XEP-0060 §7–§8).
type EventKind int

const (
	// EventItems: items published (Event.Items, with their payloads
	// when the node delivers them) and items retracted (Event.Retracted).
	EventItems EventKind = iota + 1
	// EventPurge: every item of the node was deleted.
	EventPurge
	// EventDelete: the node was deleted; Event.Redirect names its
	// replacement, if any.
	EventDelete
	// EventConfiguration: the node's configuration changed;
	// Event.Config holds it when the node sends it.
	EventConfiguration
	// EventSubscription: the state of our subscription changed (an
	// owner approved or refused a pending one): Event.Subscription.
	EventSubscription
)

var eventKindNames = map[EventKind]string{
	EventItems: "items", EventPurge: "purge", EventDelete: "delete",
	EventConfiguration: "configuration", EventSubscription: "subscription",
}

// String names the kind as its element does.
func (k EventKind) String() string {
	if s, ok := eventKindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event is a notification from a node.
type Event struct {
	Kind EventKind
	// From is who sent it: the pubsub service, or for PEP (XEP-0163) the
	// account whose node it is. It is the stanza's from address, which
	// the account's server vouches for, never a claim inside the event.
	From jid.JID
	// Node is the node it is about.
	Node string
	// Items are the items published; Retracted the ids of those
	// retracted (EventItems).
	Items     []Item
	Retracted []string
	// Redirect is the URI of the node that replaces a deleted one.
	Redirect string
	// Config is the new configuration, when an EventConfiguration
	// carries it.
	Config *form.Form
	// Subscription is the new state of an EventSubscription.
	Subscription *Subscription
	// Delayed is when the service published the item, for a notification
	// sent late (the last published item, sent on subscription or on
	// presence, carries a XEP-0203 delay); zero for a live one.
	Delayed time.Time
	// Message is the message that carried the event, for its other
	// payloads (headers, SHIM) and addresses.
	Message *stanza.Message
}

// ParseEvent decodes the <event xmlns='http://jabber.org/protocol/pubsub#event'/>
// payload of msg. Its From is msg's from address; it checks nothing
// about who sent it (New's handler does).
func ParseEvent(msg *stanza.Message) (Event, error) {
	var e *stanza.Element
	for _, p := range msg.Payloads {
		if p.Name == (stanza.Name{Space: NSEvent, Local: "event"}) {
			e = p
			break
		}
	}
	if e == nil {
		return Event{}, fmt.Errorf("%w: no event", ErrMalformed)
	}
	ev := Event{From: msg.From, Message: msg}
	if d, ok := delay.Get(msg); ok {
		ev.Delayed = d.Stamp
	}
	c := e.FirstChild()
	if c == nil || c.Name.Space != NSEvent {
		return Event{}, fmt.Errorf("%w: an empty event", ErrMalformed)
	}
	ev.Node = c.Attr("node")
	switch c.Name.Local {
	case "items":
		ev.Kind = EventItems
		for x := range c.Children() {
			switch x.Name {
			case stanza.Name{Space: NSEvent, Local: "item"}:
				it, err := parseItem(x)
				if err != nil {
					return Event{}, err
				}
				ev.Items = append(ev.Items, it)
			case stanza.Name{Space: NSEvent, Local: "retract"}:
				id := x.Attr("id")
				if id == "" {
					return Event{}, fmt.Errorf("%w: a retract without an id", ErrMalformed)
				}
				ev.Retracted = append(ev.Retracted, id)
			}
		}
	case "purge":
		ev.Kind = EventPurge
	case "delete":
		ev.Kind = EventDelete
		if r := c.Child(NSEvent, "redirect"); r != nil {
			ev.Redirect = r.Attr("uri")
		}
	case "configuration":
		ev.Kind = EventConfiguration
		if x := c.Child(form.NS, "x"); x != nil {
			f, err := form.Parse(x)
			if err != nil {
				return Event{}, fmt.Errorf("%w: configuration: %w", ErrMalformed, err)
			}
			ev.Config = f
		}
	case "subscription":
		ev.Kind = EventSubscription
		s, err := parseSubscription(c, ev.From)
		if err != nil {
			return Event{}, err
		}
		ev.Subscription = &s
	default:
		return Event{}, fmt.Errorf("%w: an event of kind %q", ErrMalformed, c.Name.Local)
	}
	if ev.Node == "" {
		return Event{}, fmt.Errorf("%w: a %s event without a node", ErrMalformed, ev.Kind)
	}
	return ev, nil
}
