package pubsub

import (
	"fmt"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Item is a published item: its id, and its payload (at most one
// element, in the namespace of the node's payload type; nil for an item
// published or notified without one).
type Item struct {
	ID string
	// Publisher is the publisher's address where the service says
	// (the publisher attribute, XEP-0060 §7.1.2.2); zero otherwise. It
	// is the service's claim, trusted as much as the service is.
	Publisher jid.JID
	Payload   *stanza.Element
}

// element encodes it as an <item/> in space.
func (it Item) element(space string) *stanza.Element {
	e := stanza.NewElement(space, "item")
	if it.ID != "" {
		e.SetAttr("id", it.ID)
	}
	if it.Payload != nil {
		e.AddChild(it.Payload)
	}
	return e
}

// parseItem decodes an <item/> of an items result or an event.
func parseItem(e *stanza.Element) (Item, error) {
	it := Item{ID: e.Attr("id")}
	if p := e.Attr("publisher"); p != "" {
		j, err := jid.Parse(p)
		if err != nil {
			return Item{}, fmt.Errorf("%w: item %q publisher: %v", ErrMalformed, it.ID, err)
		}
		it.Publisher = j
	}
	for c := range e.Children() {
		if it.Payload != nil {
			return Item{}, fmt.Errorf("%w: item %q has more than one payload", ErrMalformed, it.ID)
		}
		it.Payload = c
	}
	return it, nil
}
