package bookmarks

import (
	"context"

	"github.com/xmppkit/xmpp/pubsub"
)

// event takes the events of the bookmarks node (XEP-0402 §4) that the
// pubsub Client accepted: only from the account's own bare JID (see
// pubsub.Client.HandleOwnPEP).
func (b *Bookmarks) event(ctx context.Context, ev pubsub.Event) {
	b.mu.Lock()
	h := b.onChange
	b.mu.Unlock()
	if h == nil {
		return
	}
	switch ev.Kind {
	case pubsub.EventItems:
		b.notified(ctx, h, ev.Items, ev.Retracted)
	case pubsub.EventPurge, pubsub.EventDelete:
		h(ctx, Change{Removed: true, All: true})
	}
}

// notified hands the changes of one notification to h, in document
// order: items, then retractions.
func (b *Bookmarks) notified(ctx context.Context, h ChangeHandlerFunc, items []pubsub.Item, retracts []string) {
	for _, it := range items {
		if it.Payload == nil {
			b.fetched(ctx, h, it.ID)
			continue
		}
		bm, err := Parse(it.ID, it.Payload)
		if err != nil {
			b.log.Warn("bookmarks: dropped a malformed bookmark notification", "id", it.ID, "error", err)
			continue
		}
		h(ctx, Change{Bookmark: bm})
	}
	for _, id := range retracts {
		room, err := parseRoom(id)
		if err != nil {
			b.log.Warn("bookmarks: dropped a malformed retraction", "id", id, "error", err)
			continue
		}
		h(ctx, Change{Removed: true, Bookmark: Bookmark{Room: room}})
	}
}

// fetched hands h the bookmark of item id, notified without its
// payload, fetched from the node.
func (b *Bookmarks) fetched(ctx context.Context, h ChangeHandlerFunc, id string) {
	room, err := parseRoom(id)
	if err == nil {
		var list []Bookmark
		if list, err = b.listPEP(ctx, room.String()); err == nil {
			for _, bm := range list {
				if bm.Room == room {
					h(ctx, Change{Bookmark: bm})
				}
			}
			return
		}
	}
	b.log.Warn("bookmarks: could not fetch a notified bookmark", "id", id, "error", err)
}
