package bookmarks

import (
	"context"
	"errors"
	"fmt"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/stanza"
)

// featurePublishOptions is the account feature of a PEP service that
// honours publish-options (XEP-0060 §7.1.5), which XEP-0402 §3.3 needs.
const featurePublishOptions = pubsub.NS + "#publish-options"

// publishOptions returns the node configuration XEP-0402 §3.3 requires
// of the bookmarks node: the preconditions of every publish, and what
// pubsub sets when they are not met (PublishOptions.Reconfigure).
func publishOptions() map[string][]string {
	return map[string][]string{
		"pubsub#persist_items":            {"true"},
		"pubsub#max_items":                {"max"},
		"pubsub#send_last_published_item": {"never"},
		"pubsub#access_model":             {"whitelist"},
	}
}

// listPEP returns the bookmarks in the PEP node: all, or the one of
// item id.
func (b *Bookmarks) listPEP(ctx context.Context, id string) ([]Bookmark, error) {
	var q pubsub.ItemsQuery
	if id != "" {
		q.IDs = []string{id}
	}
	page, err := b.ps.Items(ctx, jid.JID{}, NS, &q)
	switch {
	case errors.Is(err, stanza.ErrItemNotFound):
		return nil, nil // no node yet, or no such item
	case errors.Is(err, pubsub.ErrMalformed):
		return nil, fmt.Errorf("bookmarks: list: %w: %w", ErrMalformed, err)
	case err != nil:
		return nil, fmt.Errorf("bookmarks: list: %w", err)
	}
	out := make([]Bookmark, 0, len(page.Items))
	for _, it := range page.Items {
		bm, err := Parse(it.ID, it.Payload)
		if err != nil {
			b.log.Warn("bookmarks: skipped a malformed bookmark", "id", it.ID, "error", err)
			continue
		}
		out = append(out, bm)
	}
	return out, nil
}

// publish publishes bm in the PEP node with XEP-0402's publish-options;
// pubsub configures the node, once, if its configuration does not meet
// them.
func (b *Bookmarks) publish(ctx context.Context, bm Bookmark) error {
	item := pubsub.Item{ID: bm.Room.String(), Payload: bm.Element()}
	_, err := b.ps.Publish(ctx, jid.JID{}, NS, item, &pubsub.PublishOptions{Options: publishOptions(), Reconfigure: true})
	switch {
	case errors.Is(err, pubsub.CondPreconditionNotMet):
		return fmt.Errorf("bookmarks: set %s: %w: %w", bm.Room, ErrPreconditionNotMet, err)
	case err != nil:
		return fmt.Errorf("bookmarks: set %s: %w", bm.Room, err)
	}
	return nil
}

// retract removes the item of room from the PEP node, asking the
// service to notify the account's other clients.
func (b *Bookmarks) retract(ctx context.Context, room jid.JID) error {
	err := b.ps.Retract(ctx, jid.JID{}, NS, room.String(), true)
	switch {
	case errors.Is(err, stanza.ErrItemNotFound):
		return fmt.Errorf("bookmarks: remove %s: %w: %w", room, ErrNotFound, err)
	case err != nil:
		return fmt.Errorf("bookmarks: remove %s: %w", room, err)
	}
	return nil
}
