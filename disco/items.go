package disco

import (
	"fmt"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Item is one item an entity lists in answer to disco#items (XEP-0030
// section 4): another entity (a server's MUC service, say), or a node of
// an entity, with an optional human-readable name.
type Item struct {
	JID  jid.JID // required
	Node string  // "" when the item is the entity JID itself
	Name string  // "" when it has none
}

// ParseItems decodes a disco#items <query/> payload. An error wrapping
// ErrMalformed is returned when e is nil or not
// {http://jabber.org/protocol/disco#items}query, when an item has no jid
// or an invalid one, when an element of the namespace other than <item/>
// appears, and when character data appears beside the children. Elements
// of other namespaces, such as an XEP-0059 <set/>, are ignored.
func ParseItems(e *stanza.Element) ([]Item, error) {
	if err := checkQuery(e, NSItems); err != nil {
		return nil, err
	}
	var items []Item
	for c := range e.Children() {
		if c.Name.Space != NSItems {
			continue
		}
		if c.Name.Local != "item" {
			return nil, fmt.Errorf("%w: unknown element <%.64s/>", ErrMalformed, c.Name.Local)
		}
		j, err := jid.Parse(c.Attr("jid"))
		if err != nil || j.IsZero() {
			return nil, fmt.Errorf("%w: item with a missing or invalid jid", ErrMalformed)
		}
		items = append(items, Item{JID: j, Node: c.Attr("node"), Name: c.Attr("name")})
	}
	return items, nil
}

// ItemsElement encodes a disco#items <query/> payload listing items, about
// node ("" for the entity itself).
func ItemsElement(node string, items []Item) *stanza.Element {
	q := stanza.NewElement(NSItems, "query")
	if node != "" {
		q.SetAttr("node", node)
	}
	for _, it := range items {
		e := stanza.NewElement(NSItems, "item", stanza.A("jid", it.JID.String()))
		if it.Node != "" {
			e.SetAttr("node", it.Node)
		}
		if it.Name != "" {
			e.SetAttr("name", it.Name)
		}
		q.AddChild(e)
	}
	return q
}
