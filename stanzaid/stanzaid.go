package stanzaid

import (
	"errors"
	"fmt"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// NS is the namespace of XEP-0359 Unique and Stable Stanza IDs.
const NS = "urn:xmpp:sid:0"

// ErrMalformed is wrapped by the errors of ParseStanzaID and
// ParseOriginID.
var ErrMalformed = errors.New("stanzaid: malformed stanza id")

// ID is a <stanza-id/> element: the id that the entity By gave to a
// message it archived or relayed.
type ID struct {
	// ID is the id, unique and stable within the scope of By.
	ID string
	// By is the entity that assigned ID.
	By jid.JID
}

// Element encodes id as a <stanza-id/> element in NS.
func (id ID) Element() *stanza.Element {
	return stanza.NewElement(NS, "stanza-id", stanza.A("id", id.ID), stanza.A("by", id.By.String()))
}

// ParseStanzaID decodes a <stanza-id/> element in NS. The id attribute
// must be present and not empty, the by attribute must be a JID, and the
// element must be empty (XEP-0359 section 4). Errors wrap ErrMalformed.
func ParseStanzaID(e *stanza.Element) (ID, error) {
	id, err := parse(e, "stanza-id")
	if err != nil {
		return ID{}, err
	}
	by, ok := e.LookupAttr("", "by")
	if !ok {
		return ID{}, fmt.Errorf("%w: stanza-id without by", ErrMalformed)
	}
	j, err := jid.Parse(by)
	if err != nil {
		return ID{}, fmt.Errorf("%w: stanza-id by: %w", ErrMalformed, err)
	}
	return ID{ID: id, By: j}, nil
}

// OriginIDElement returns an <origin-id/> element in NS with the given id.
func OriginIDElement(id string) *stanza.Element {
	return stanza.NewElement(NS, "origin-id", stanza.A("id", id))
}

// ParseOriginID decodes an <origin-id/> element in NS and returns its id,
// which must be present and not empty; the element must be empty. Errors
// wrap ErrMalformed.
func ParseOriginID(e *stanza.Element) (string, error) {
	return parse(e, "origin-id")
}

// parse checks that e is an empty element local in NS with a non-empty
// id attribute, and returns the id.
func parse(e *stanza.Element, local string) (string, error) {
	if e == nil || e.Name != (stanza.Name{Space: NS, Local: local}) {
		return "", fmt.Errorf("%w: not a %s element", ErrMalformed, local)
	}
	id := e.Attr("id")
	if id == "" {
		return "", fmt.Errorf("%w: %s without an id", ErrMalformed, local)
	}
	if len(e.Nodes) != 0 {
		return "", fmt.Errorf("%w: %s with content", ErrMalformed, local)
	}
	return id, nil
}

// StanzaID returns the id that the entity by gave to m, and false if m
// carries no well-formed <stanza-id/> from by, or more than one (two
// claims from one entity mean a forgery got through: neither is
// believed). Stanza-ids from other entities are ignored, so by must be an
// entity trusted to strip forgeries of its own ids: the account's bare
// JID for messages its server archived, a room's bare JID for groupchat
// messages from that room. See the package documentation.
func StanzaID(m *stanza.Message, by jid.JID) (string, bool) {
	var found string
	for _, p := range m.Payloads {
		if p.Name != (stanza.Name{Space: NS, Local: "stanza-id"}) {
			continue
		}
		id, err := ParseStanzaID(p)
		if err != nil || id.By != by {
			continue
		}
		if found != "" {
			return "", false
		}
		found = id.ID
	}
	return found, found != ""
}

// OriginID returns the id of m's <origin-id/>, and false if m carries
// none or only malformed ones. The sender chose it; see the package
// documentation.
func OriginID(m *stanza.Message) (string, bool) {
	for _, p := range m.Payloads {
		if p.Name != (stanza.Name{Space: NS, Local: "origin-id"}) {
			continue
		}
		if id, err := ParseOriginID(p); err == nil {
			return id, true
		}
	}
	return "", false
}

// AddOriginID gives m an <origin-id/> with a fresh id from stanza.NewID
// (random, as XEP-0359 recommends) and returns the id. If m already has
// a well-formed origin-id, AddOriginID leaves m alone and returns that
// one's id.
func AddOriginID(m *stanza.Message) string {
	if id, ok := OriginID(m); ok {
		return id
	}
	id := stanza.NewID()
	m.Payloads = append(m.Payloads, OriginIDElement(id))
	return id
}
