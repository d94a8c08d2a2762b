package bookmarks

import (
	"testing"

	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/stanza"
)

// equal reports whether a and b are the same bookmark, extensions
// compared as XML.
func equal(a, b Bookmark) bool {
	if a.Room != b.Room || a.Name != b.Name || a.Autojoin != b.Autojoin || a.Nick != b.Nick || a.Password != b.Password ||
		len(a.Extensions) != len(b.Extensions) {
		return false
	}
	for i := range a.Extensions {
		if !a.Extensions[i].Equal(b.Extensions[i]) {
			return false
		}
	}
	return true
}

// FuzzParse feeds the decoders of what the network sends (a XEP-0402
// item's payload, a XEP-0048 storage, a PEP notification decoded by
// pubsub and then by Parse) the same bytes: none may panic, and what a
// decoder accepts encodes to what it decodes again.
func FuzzParse(f *testing.F) {
	for _, s := range []struct{ id, xml string }{
		{"council@conference.underhill.org", `<conference xmlns='urn:xmpp:bookmarks:1' name='Council of Oberon' autojoin='true'><nick>Puck</nick></conference>`},
		{"orchard@conference.shakespeare.lit", `<conference xmlns='urn:xmpp:bookmarks:1' autojoin='1'><nick>JC</nick><password>p</password><extensions><state xmlns='http://myclient.example/bookmark/state' minimized='true'/></extensions></conference>`},
		{"a@b/c", `<conference xmlns='urn:xmpp:bookmarks:1' autojoin='yes'/>`},
		{"", `<storage xmlns='storage:bookmarks'><conference name='C' autojoin='true' jid='council@conference.underhill.org'><nick>Puck</nick><x xmlns='urn:x'/></conference><url name='S' url='http://example.org/'/></storage>`},
		{"", `<event xmlns='http://jabber.org/protocol/pubsub#event'><items node='urn:xmpp:bookmarks:1'><item id='r@s'><conference xmlns='urn:xmpp:bookmarks:1'/></item><retract id='t@u'/></items></event>`},
	} {
		f.Add(s.id, s.xml)
	}
	f.Fuzz(func(t *testing.T, id, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		check := func(id string, payload *stanza.Element) {
			b, err := Parse(id, payload)
			if err != nil {
				return
			}
			again, err := Parse(b.Room.String(), b.Element())
			if err != nil || !equal(again, b) {
				t.Fatalf("conference %s: encoded and decoded again: %+v, %v (was %+v)", s, again, err, b)
			}
		}
		check(id, e)
		if list, err := ParseStorage(e); err == nil {
			again, err := ParseStorage(StorageElement(list...))
			if err != nil || len(again) != len(list) {
				t.Fatalf("storage %s: encoded and decoded again: %+v, %v (was %+v)", s, again, err, list)
			}
			for i := range list {
				if !equal(again[i], list[i]) {
					t.Fatalf("storage %s: bookmark %d: %+v; was %+v", s, i, again[i], list[i])
				}
			}
			// The read-modify-write keeps every other element.
			if len(list) > 0 {
				out, found := withoutRoom(e, list[0].Room)
				if !found || out.NumChildren() >= e.NumChildren() {
					t.Fatalf("storage %s: removing %s: %s", s, list[0].Room, out)
				}
				if n := withBookmark(out, list[0]).NumChildren(); n != out.NumChildren()+1 {
					t.Fatalf("storage %s: adding back %s: %d children", s, list[0].Room, n)
				}
			}
		}
		// A notification as the handler of the node gets it: decoded
		// by pubsub, each item's payload by Parse.
		ev, err := pubsub.ParseEvent(&stanza.Message{Payloads: []*stanza.Element{e}})
		if err == nil && ev.Node == NS {
			for _, it := range ev.Items {
				check(it.ID, it.Payload)
			}
		}
	})
}
