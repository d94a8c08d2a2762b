package disco

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/rsm"
	"github.com/xmppkit/xmpp/stanza"
)

// ErrNoProgress is yielded by AllItems when the entity answers a page
// request with a page that ends where the previous one did: following it
// would never end.
var ErrNoProgress = errors.New("disco: items paging does not advance")

// ItemsPage is one page of a disco#items result paged with result set
// management (XEP-0059).
type ItemsPage struct {
	Items []Item
	// Set describes the page (rsm.Set First, Last, Count), as the entity
	// gave it; nil when the answer had no <set/>: the entity does not
	// page, and Items is the whole list.
	Set *rsm.Set
}

// ParseItemsPage decodes a disco#items <query/> payload with its XEP-0059
// <set/>, if any. The items are decoded as ParseItems does; the set as
// rsm.Parse does (the error then wraps rsm.ErrMalformed as well as
// ErrMalformed). Two sets are malformed.
func ParseItemsPage(e *stanza.Element) (ItemsPage, error) {
	items, err := ParseItems(e)
	if err != nil {
		return ItemsPage{}, err
	}
	p := ItemsPage{Items: items}
	for c := range e.Children() {
		if c.Name != (stanza.Name{Space: rsm.NS, Local: "set"}) {
			continue
		}
		if p.Set != nil {
			return ItemsPage{}, fmt.Errorf("%w: two result sets", ErrMalformed)
		}
		s, err := rsm.Parse(c)
		if err != nil {
			return ItemsPage{}, fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		p.Set = &s
	}
	return p, nil
}

// Element encodes p as a disco#items <query/> payload about node, with
// its <set/> after the items.
func (p ItemsPage) Element(node string) *stanza.Element {
	q := ItemsElement(node, p.Items)
	if p.Set != nil {
		q.AddChild(p.Set.Element())
	}
	return q
}

// GetItemsPage asks the entity to for one page of its items (or of its
// node node's), as page says: rsm.Set{Max: new(20)} for the first 20,
// with After set to the previous page's Set.Last for the next one, Max 0
// for the count alone (see package rsm). It blocks until the answer
// comes or ctx ends. An entity that does not page ignores the request and
// answers with all its items and no Set. Errors are those of GetItems.
func GetItemsPage(ctx context.Context, c *xmpp.Client, to jid.JID, node string, page rsm.Set) (ItemsPage, error) {
	q := query(NSItems, node)
	q.AddChild(page.Element())
	res, err := c.Request(ctx, stanza.NewIQ(stanza.IQGet, to, q))
	if err != nil {
		return ItemsPage{}, err
	}
	p, err := ParseItemsPage(res.Payload)
	if err != nil {
		return ItemsPage{}, fmt.Errorf("disco: get items: %w", err)
	}
	return p, nil
}

// AllItems iterates over every item of the entity to (or of its node
// node), asking for pages of pageSize items (zero or less leaves the size
// to the entity) and following the pages, by their Set.Last, until a page
// comes without a <set/> or a Last, empty, or the Count the entity gave
// is reached. Stopping the loop early asks for no further page.
//
// An error ends the iteration: AllItems yields it once, with a zero
// Item. Besides GetItemsPage's errors, that is ErrNoProgress when a page
// ends at the item the previous one ended at. AllItems must not run on
// the Client's dispatch goroutine unless the Client's handlers may wait
// (see xmpp.Client.Request).
func AllItems(ctx context.Context, c *xmpp.Client, to jid.JID, node string, pageSize int) iter.Seq2[Item, error] {
	return func(yield func(Item, error) bool) {
		var req rsm.Set
		if pageSize > 0 {
			req.Max = &pageSize
		}
		seen := 0
		for {
			p, err := GetItemsPage(ctx, c, to, node, req)
			if err != nil {
				yield(Item{}, err)
				return
			}
			for _, it := range p.Items {
				if !yield(it, nil) {
					return
				}
			}
			seen += len(p.Items)
			s := p.Set
			switch {
			case s == nil || s.Last == "" || len(p.Items) == 0:
				return
			case s.Count != nil && seen >= *s.Count:
				return
			case s.Last == req.After:
				yield(Item{}, fmt.Errorf("%w: the page after %q ends at %q again", ErrNoProgress, req.After, s.Last))
				return
			}
			req.After = s.Last
		}
	}
}
