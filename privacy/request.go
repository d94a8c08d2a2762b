package privacy

import (
	"context"
	"errors"
	"fmt"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// ErrNoName is returned by Get, Set and Remove for an empty list name.
var ErrNoName = errors.New("privacy: no list name given")

// ErrNoItems is returned by Set for a list without items: XEP-0016 reads
// an empty list as a removal, which only Remove asks for.
var ErrNoItems = errors.New("privacy: list without items")

// Lists fetches the names of the account's privacy lists and which are
// active (for this session) and default. A stanza error from the server
// (service-unavailable where XEP-0016 is not implemented) is returned as
// the *stanza.Error Client.Request gives; a result without a valid
// <query/> gives an error wrapping ErrMalformed.
func Lists(ctx context.Context, c *xmpp.Client) (Summary, error) {
	res, err := c.Request(ctx, stanza.NewIQ(stanza.IQGet, jid.JID{}, query()))
	if err != nil {
		return Summary{}, err
	}
	s, err := ParseSummary(res.Payload)
	if err != nil {
		return Summary{}, fmt.Errorf("privacy: lists: %w", err)
	}
	return s, nil
}

// Get fetches the list named name. The server answers item-not-found if
// there is none. Errors are as for Lists; a result holding another list
// is malformed.
func Get(ctx context.Context, c *xmpp.Client, name string) (List, error) {
	if name == "" {
		return List{}, ErrNoName
	}
	res, err := c.Request(ctx, stanza.NewIQ(stanza.IQGet, jid.JID{}, query(named("list", name))))
	if err != nil {
		return List{}, err
	}
	l, err := ParseList(res.Payload)
	if err != nil {
		return List{}, fmt.Errorf("privacy: get: %w", err)
	}
	if l.Name != name {
		return List{}, fmt.Errorf("privacy: get: %w: asked for list %q, got %q", ErrMalformed, name, l.Name)
	}
	return l, nil
}

// Set creates the list l, or replaces the list of that name with it
// (XEP-0016 edits by replacing). The server then pushes the list's name to
// every connected resource. It returns ErrNoName or ErrNoItems, sending
// nothing, for a list without name or items, and an error wrapping
// ErrMalformed for an invalid item. Stanza errors are returned as
// Client.Request gives them (conflict, for instance, when the list is in
// use by another resource).
func Set(ctx context.Context, c *xmpp.Client, l List) error {
	if l.Name == "" {
		return ErrNoName
	}
	if len(l.Items) == 0 {
		return ErrNoItems
	}
	q, err := l.Element()
	if err != nil {
		return err
	}
	return set(ctx, c, q)
}

// Remove deletes the list named name. The server answers conflict while
// another resource uses the list and item-not-found when there is none.
func Remove(ctx context.Context, c *xmpp.Client, name string) error {
	if name == "" {
		return ErrNoName
	}
	return set(ctx, c, query(named("list", name)))
}

// SetActive makes the list named name active for this session, or, with
// name "", declines any active list (the default list applies again).
func SetActive(ctx context.Context, c *xmpp.Client, name string) error {
	return set(ctx, c, query(named("active", name)))
}

// SetDefault makes the list named name the account's default list, or,
// with name "", declines any default list. The server answers conflict
// while the current default list applies to another connected resource.
func SetDefault(ctx context.Context, c *xmpp.Client, name string) error {
	return set(ctx, c, query(named("default", name)))
}

func set(ctx context.Context, c *xmpp.Client, q *stanza.Element) error {
	_, err := c.Request(ctx, stanza.NewIQ(stanza.IQSet, jid.JID{}, q))
	return err
}
