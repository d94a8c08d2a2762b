package markers

import (
	"errors"
	"fmt"

	"github.com/xmppkit/xmpp/stanza"
)

// NS is the namespace of XEP-0333 Displayed Markers.
const NS = "urn:xmpp:chat-markers:0"

// ErrMalformed is wrapped by the errors of Parse.
var ErrMalformed = errors.New("markers: malformed marker")

// Kind says what a marker reports: the local name of its element.
type Kind string

// The kinds of markers.
const (
	// Displayed: the message (and all before it) has been displayed to
	// the user. The only kind in XEP-0333 1.0.0.
	Displayed Kind = "displayed"
	// Received: the message has reached a client of the user (XEP-0333
	// before 0.5; XEP-0184 receipts are the standard way).
	Received Kind = "received"
	// Acknowledged: the user acted on the message (XEP-0333 before 0.5).
	Acknowledged Kind = "acknowledged"
)

// Valid reports whether k is one of the kinds of markers.
func (k Kind) Valid() bool {
	switch k {
	case Displayed, Received, Acknowledged:
		return true
	}
	return false
}

// Marker is a marker element: a report about the message whose id is ID.
type Marker struct {
	// Kind says what happened to the message.
	Kind Kind
	// ID is the id of the message: its id attribute in a chat, the id
	// the room gave it in a group chat.
	ID string
}

// Element encodes mk as a marker element in NS, or returns nil if
// mk.Kind is not Valid.
func (mk Marker) Element() *stanza.Element {
	if !mk.Kind.Valid() {
		return nil
	}
	return stanza.NewElement(NS, string(mk.Kind), stanza.A("id", mk.ID))
}

// Parse decodes a <displayed/>, <received/> or <acknowledged/> element in
// NS. The id attribute must be present and not empty; the element must
// have no child elements. Errors wrap ErrMalformed.
func Parse(e *stanza.Element) (Marker, error) {
	if e == nil || e.Name.Space != NS || !Kind(e.Name.Local).Valid() {
		return Marker{}, fmt.Errorf("%w: not a marker element", ErrMalformed)
	}
	id := e.Attr("id")
	if id == "" {
		return Marker{}, fmt.Errorf("%w: %s without an id", ErrMalformed, e.Name.Local)
	}
	if e.NumChildren() != 0 {
		return Marker{}, fmt.Errorf("%w: %s with child elements", ErrMalformed, e.Name.Local)
	}
	return Marker{Kind: Kind(e.Name.Local), ID: id}, nil
}

// usable reports whether m may carry a request for markers: it is of
// type chat or groupchat.
func usable(m *stanza.Message) bool {
	return m.Type == stanza.MessageChat || m.Type == stanza.MessageGroupchat
}

// isMarker reports whether p is a marker element, valid or not.
func isMarker(p *stanza.Element) bool {
	return p.Name.Space == NS && Kind(p.Name.Local).Valid()
}

// Get returns the marker that m carries, and false if m carries none, a
// malformed one or more than one, or is of type error (which may echo the
// payloads of the message it bounces). A marker counts in a message of
// any other type, with or without a type attribute: slixmpp, and the
// examples of XEP-0333 1.0.0, send markers without one, which makes them
// of type normal. Get checks nothing about the sender or the id: see the
// package documentation.
func Get(m *stanza.Message) (Marker, bool) {
	if m.Type == stanza.MessageError {
		return Marker{}, false
	}
	var found Marker
	for _, p := range m.Payloads {
		if !isMarker(p) {
			continue
		}
		mk, err := Parse(p)
		if err != nil || found.Kind != "" {
			return Marker{}, false
		}
		found = mk
	}
	return found, found.Kind != ""
}

// Set puts the marker mk on m, replacing any marker m had; an mk whose
// Kind is not Valid removes them. A <markable/> request is left alone.
func Set(m *stanza.Message, mk Marker) {
	kept := m.Payloads[:0]
	for _, p := range m.Payloads {
		if !isMarker(p) {
			kept = append(kept, p)
		}
	}
	clear(m.Payloads[len(kept):])
	m.Payloads = kept
	if e := mk.Element(); e != nil {
		m.Payloads = append(m.Payloads, e)
	}
}

// AddMarkable asks the recipients of m for markers: it adds a <markable/>
// element, unless m has one, and gives m a fresh id from stanza.NewID if
// it has none, since markers name the message by its id. Send m after
// AddMarkable, as its id may have changed. m should be of type chat or
// groupchat: the recipients ignore the request in other messages.
func AddMarkable(m *stanza.Message) {
	if m.ID == "" {
		m.ID = stanza.NewID()
	}
	if !hasMarkable(m) {
		m.Payloads = append(m.Payloads, stanza.NewElement(NS, "markable"))
	}
}

// IsMarkable reports whether m asks for markers: it is of type chat or
// groupchat, has an id and carries <markable/>.
func IsMarkable(m *stanza.Message) bool {
	return usable(m) && m.ID != "" && hasMarkable(m)
}

func hasMarkable(m *stanza.Message) bool {
	for _, p := range m.Payloads {
		if p.Name == (stanza.Name{Space: NS, Local: "markable"}) {
			return true
		}
	}
	return false
}

// Reply returns the marker of kind k answering m: a message to the bare
// JID of m's sender (XEP-0333 allows it; for a room, that is the room),
// of m's type and thread, with a fresh id, carrying only a marker naming
// m.ID. It does not check that m deserves one (IsMarkable; in a room,
// markers may be sent unasked), nor, in a room, name the room's id: see
// the package documentation.
func Reply(m *stanza.Message, k Kind) *stanza.Message {
	r := &stanza.Message{
		Header: stanza.Header{To: m.From.Bare(), ID: stanza.NewID()},
		Type:   m.Type,
		Thread: m.Thread,
	}
	Set(r, Marker{Kind: k, ID: m.ID})
	return r
}
