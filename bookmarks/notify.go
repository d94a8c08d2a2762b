package bookmarks

import (
	"context"

	"github.com/xmppkit/xmpp/stanza"
)

// event reads the PEP notifications of the bookmarks node (XEP-0402
// §4): those the account's own bare JID sends, as PEP does; one for the
// bookmarks node from anyone else (a contact, a server, another
// resource of the account) is a spoof, dropped and logged.
func (b *Bookmarks) event(ctx context.Context, m *stanza.Message) {
	if m.Type == stanza.MessageError {
		return
	}
	for _, p := range m.Payloads {
		if p.Name != (stanza.Name{Space: nsPubSubEvent, Local: "event"}) {
			continue
		}
		items, retracts, ok := itemsOf(p, nsPubSubEvent, NS)
		if !ok {
			continue // another node's: not ours
		}
		if own := b.c.JID().Bare(); m.From != own {
			b.log.Warn("bookmarks: dropped a bookmarks notification not from the account", "from", m.From.String())
			return
		}
		b.notified(ctx, items, retracts)
	}
}

// notified hands the changes of one notification to the handler, in
// document order: items, then retractions.
func (b *Bookmarks) notified(ctx context.Context, items []pepItem, retracts []string) {
	b.mu.Lock()
	h := b.onChange
	b.mu.Unlock()
	if h == nil {
		return
	}
	for _, it := range items {
		if it.payload == nil {
			// A notification without payload: fetch the item.
			room, err := parseRoom(it.id)
			if err == nil {
				var list []Bookmark
				if list, err = b.listPEP(ctx, room.String()); err == nil {
					for _, bm := range list {
						if bm.Room == room {
							h(ctx, Change{Bookmark: bm})
						}
					}
					continue
				}
			}
			b.log.Warn("bookmarks: could not fetch a notified bookmark", "id", it.id, "error", err)
			continue
		}
		bm, err := Parse(it.id, it.payload)
		if err != nil {
			b.log.Warn("bookmarks: dropped a malformed bookmark notification", "id", it.id, "error", err)
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
