package bookmarks

import (
	"fmt"
	"strings"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Namespaces of XEP-0402, XEP-0048 and XEP-0049.
const (
	// NS is the namespace of XEP-0402's <conference/> payload and the
	// name of the PEP node that holds one item per bookmark.
	NS = "urn:xmpp:bookmarks:1"
	// NSNotify is the feature that asks the server for notifications of
	// the bookmarks node (XEP-0163 §4); New advertises it, with
	// pubsub.Client.HandleOwnPEP.
	NSNotify = NS + "+notify"
	// NSCompat is the account feature of a server that keeps XEP-0402
	// bookmarks and XEP-0048 bookmarks in private XML storage in sync
	// (XEP-0402 §6).
	NSCompat = NS + "#compat"
	// NSLegacy is the namespace of XEP-0048's <storage/>, which holds
	// all the bookmarks in one element.
	NSLegacy = "storage:bookmarks"
	// NSPrivate is the namespace of XEP-0049 private XML storage, where
	// XEP-0048 bookmarks are kept.
	NSPrivate = "jabber:iq:private"
)

// Bookmark is a bookmarked chat room (XEP-0402 §3, XEP-0048 §3.2).
type Bookmark struct {
	// Room is the bare JID of the room: the item id in XEP-0402, the
	// jid attribute in XEP-0048.
	Room jid.JID
	// Name is the name the user gave the bookmark, "" for none.
	Name string
	// Autojoin says the client should join the room when it logs in.
	Autojoin bool
	// Nick is the user's nick in the room, "" for the default one.
	Nick string
	// Password is the room's password, "" for none. Servers keep it in
	// the clear: XEP-0048 §5 recommends against storing one.
	Password string
	// Extensions are the elements other clients keep with the bookmark:
	// the children of XEP-0402's <extensions/>, or the children of a
	// XEP-0048 <conference/> other than <nick/> and <password/>. They
	// are written back as they were read, so that editing a bookmark
	// keeps what this package does not understand (XEP-0402 §3).
	Extensions []*stanza.Element
}

// Parse decodes the XEP-0402 payload conference of the PEP item whose id
// is id. The id must be a bare JID (the room), the payload a
// {urn:xmpp:bookmarks:1}conference, and autojoin, if present, an
// xs:boolean; otherwise the error wraps ErrMalformed. Of the children
// of <conference/>, the first <nick/>, <password/> and <extensions/> are
// read; the schema allows nothing else, and anything else is ignored.
// The extensions are copied: the Bookmark shares nothing with e.
func Parse(id string, conference *stanza.Element) (Bookmark, error) {
	room, err := parseRoom(id)
	if err != nil {
		return Bookmark{}, err
	}
	e := conference
	if e == nil || e.Name != (stanza.Name{Space: NS, Local: "conference"}) {
		return Bookmark{}, fmt.Errorf("%w: the item of %s is not a {%s}conference", ErrMalformed, room, NS)
	}
	b := Bookmark{Room: room, Name: e.Attr("name")}
	if b.Autojoin, err = parseBool(e, "autojoin"); err != nil {
		return Bookmark{}, err
	}
	var nick, pass, ext bool
	for c := range e.Children() {
		if c.Name.Space != NS {
			continue
		}
		switch {
		case c.Name.Local == "nick" && !nick:
			b.Nick, nick = c.Text(), true
		case c.Name.Local == "password" && !pass:
			b.Password, pass = c.Text(), true
		case c.Name.Local == "extensions" && !ext:
			ext = true
			for x := range c.Children() {
				b.Extensions = append(b.Extensions, x.Copy())
			}
		}
	}
	return b, nil
}

// Element encodes b as XEP-0402's <conference/>, the payload of the
// item whose id is b.Room. Empty fields are left out, and autojoin is
// written only when true (false is its default).
func (b Bookmark) Element() *stanza.Element {
	e := stanza.NewElement(NS, "conference")
	b.fill(e, NS)
	if len(b.Extensions) > 0 {
		x := stanza.NewElement(NS, "extensions")
		for _, c := range b.Extensions {
			x.AddChild(c.Copy())
		}
		e.AddChild(x)
	}
	return e
}

// fill writes the fields both XEPs share into the <conference/> e of
// namespace ns.
func (b Bookmark) fill(e *stanza.Element, ns string) {
	if b.Name != "" {
		e.SetAttr("name", b.Name)
	}
	if b.Autojoin {
		e.SetAttr("autojoin", "true")
	}
	if b.Nick != "" {
		e.AddChild(stanza.NewElement(ns, "nick").AddText(b.Nick))
	}
	if b.Password != "" {
		e.AddChild(stanza.NewElement(ns, "password").AddText(b.Password))
	}
}

// parseRoom parses a room address, which must be a bare JID.
func parseRoom(s string) (jid.JID, error) {
	room, err := jid.Parse(s)
	if err != nil {
		return jid.JID{}, fmt.Errorf("%w: room %.64q: %w", ErrMalformed, s, err)
	}
	if room.Resourcepart() != "" {
		return jid.JID{}, fmt.Errorf("%w: room %.64q is not a bare JID", ErrMalformed, s)
	}
	return room, nil
}

// parseBool reads the xs:boolean attribute attr of e, false when absent.
func parseBool(e *stanza.Element, attr string) (bool, error) {
	v, ok := e.LookupAttr("", attr)
	if !ok {
		return false, nil
	}
	switch strings.Trim(v, " \t\r\n") {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, fmt.Errorf("%w: %s %.64q is not a boolean", ErrMalformed, attr, v)
}

// checkRoom checks that room can name a bookmark: a bare JID.
func checkRoom(room jid.JID) error {
	if room.IsZero() || room.Resourcepart() != "" {
		return fmt.Errorf("%w: %q", ErrBadRoom, room)
	}
	return nil
}
