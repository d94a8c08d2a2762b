package bookmarks

import (
	"fmt"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// ParseStorage decodes XEP-0048's <storage xmlns='storage:bookmarks'/>:
// its <conference/> elements, in document order, skipping repeated
// rooms after the first. Its <url/> elements are not bookmarks of rooms
// and are not returned (Set and Remove keep them in the storage). A
// conference without a jid attribute that is a bare JID, or with an
// autojoin that is not an xs:boolean, makes the error wrap ErrMalformed.
func ParseStorage(storage *stanza.Element) ([]Bookmark, error) {
	if storage == nil || storage.Name != (stanza.Name{Space: NSLegacy, Local: "storage"}) {
		return nil, fmt.Errorf("%w: not a {%s}storage", ErrMalformed, NSLegacy)
	}
	return conferences(storage, func(err error) error { return err })
}

// conferences decodes the <conference/> elements of storage, skipping
// repeated rooms after the first. A malformed one goes to bad, which
// returns the error to stop with, or nil to skip it.
func conferences(storage *stanza.Element, bad func(error) error) ([]Bookmark, error) {
	var out []Bookmark
	seen := map[jid.JID]bool{}
	for c := range storage.Children() {
		if c.Name != (stanza.Name{Space: NSLegacy, Local: "conference"}) {
			continue
		}
		b, err := parseLegacy(c)
		if err != nil {
			if err = bad(err); err != nil {
				return nil, err
			}
			continue
		}
		if !seen[b.Room] {
			seen[b.Room] = true
			out = append(out, b)
		}
	}
	return out, nil
}

// parseLegacy decodes one XEP-0048 <conference/>. Its children other
// than the first <nick/> and <password/> become the Extensions.
func parseLegacy(e *stanza.Element) (Bookmark, error) {
	room, err := parseRoom(e.Attr("jid"))
	if err != nil {
		return Bookmark{}, err
	}
	b := Bookmark{Room: room, Name: e.Attr("name")}
	if b.Autojoin, err = parseBool(e, "autojoin"); err != nil {
		return Bookmark{}, err
	}
	var nick, pass bool
	for c := range e.Children() {
		switch {
		case c.Name == stanza.Name{Space: NSLegacy, Local: "nick"} && !nick:
			b.Nick, nick = c.Text(), true
		case c.Name == stanza.Name{Space: NSLegacy, Local: "password"} && !pass:
			b.Password, pass = c.Text(), true
		default:
			b.Extensions = append(b.Extensions, c.Copy())
		}
	}
	return b, nil
}

// StorageElement encodes bs as XEP-0048's <storage/>, one <conference/>
// each, as LegacyElement writes it.
func StorageElement(bs ...Bookmark) *stanza.Element {
	s := stanza.NewElement(NSLegacy, "storage")
	for _, b := range bs {
		s.AddChild(b.LegacyElement())
	}
	return s
}

// LegacyElement encodes b as XEP-0048's <conference/>, with the room in
// the jid attribute and the Extensions as children after <nick/> and
// <password/>.
func (b Bookmark) LegacyElement() *stanza.Element {
	e := stanza.NewElement(NSLegacy, "conference", stanza.A("jid", b.Room.String()))
	b.fill(e, NSLegacy)
	for _, c := range b.Extensions {
		e.AddChild(c.Copy())
	}
	return e
}

// legacyRoom returns the room of a XEP-0048 <conference/>, if its jid
// attribute is a valid address.
func legacyRoom(e *stanza.Element) (jid.JID, bool) {
	if e.Name != (stanza.Name{Space: NSLegacy, Local: "conference"}) {
		return jid.JID{}, false
	}
	room, err := jid.Parse(e.Attr("jid"))
	return room, err == nil
}

// withBookmark returns a copy of storage in which the conference of
// b.Room is b: the first conference of that room is replaced, later ones
// dropped; without one, b is added at the end. Everything else (URLs,
// other rooms, elements this package does not know) stays as it was.
func withBookmark(storage *stanza.Element, b Bookmark) *stanza.Element {
	out := stanza.NewElement(NSLegacy, "storage")
	out.Attrs = append(out.Attrs, storage.Attrs...)
	done := false
	for c := range storage.Children() {
		if room, ok := legacyRoom(c); ok && room == b.Room {
			if !done {
				out.AddChild(b.LegacyElement())
				done = true
			}
			continue
		}
		out.AddChild(c)
	}
	if !done {
		out.AddChild(b.LegacyElement())
	}
	return out
}

// withoutRoom returns a copy of storage without the conferences of
// room, and whether there was one.
func withoutRoom(storage *stanza.Element, room jid.JID) (*stanza.Element, bool) {
	out := stanza.NewElement(NSLegacy, "storage")
	out.Attrs = append(out.Attrs, storage.Attrs...)
	found := false
	for c := range storage.Children() {
		if r, ok := legacyRoom(c); ok && r == room {
			found = true
			continue
		}
		out.AddChild(c)
	}
	return out, found
}
