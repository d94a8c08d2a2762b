package correction

import (
	"errors"
	"fmt"

	"github.com/xmppkit/xmpp/stanza"
)

// NS is the namespace of XEP-0308 Last Message Correction.
const NS = "urn:xmpp:message-correct:0"

// ErrMalformed is wrapped by the errors of Parse.
var ErrMalformed = errors.New("correction: malformed replace")

// ReplaceElement returns the <replace/> element that marks a message as
// correcting the message whose id is id.
func ReplaceElement(id string) *stanza.Element {
	return stanza.NewElement(NS, "replace", stanza.A("id", id))
}

// Parse decodes a <replace/> element in NS and returns the id of the
// message it corrects, which must be present and not empty. The element
// must have no child elements (its text, which XEP-0308 gives no meaning,
// is ignored). Errors wrap ErrMalformed.
func Parse(e *stanza.Element) (id string, err error) {
	if e == nil || e.Name != (stanza.Name{Space: NS, Local: "replace"}) {
		return "", fmt.Errorf("%w: not a replace element", ErrMalformed)
	}
	id = e.Attr("id")
	if id == "" {
		return "", fmt.Errorf("%w: replace without an id", ErrMalformed)
	}
	if e.NumChildren() != 0 {
		return "", fmt.Errorf("%w: replace with child elements", ErrMalformed)
	}
	return id, nil
}

// Get returns the id of the message that m corrects, and false if m is
// not a correction: it carries no <replace/>, a malformed one, two, or m
// is of type error (an error may echo the payloads of the message it is
// about). Get checks nothing about the sender: see Valid.
func Get(m *stanza.Message) (id string, ok bool) {
	if m.Type == stanza.MessageError {
		return "", false
	}
	for _, p := range m.Payloads {
		if p.Name != (stanza.Name{Space: NS, Local: "replace"}) {
			continue
		}
		got, err := Parse(p)
		if err != nil || id != "" {
			return "", false
		}
		id = got
	}
	return id, id != ""
}

// Set marks m as correcting the message whose id is id, replacing any
// <replace/> m had. id is that of the message first sent, even when an
// earlier correction is being corrected (XEP-0308 section 4). m needs an
// id of its own, different from id: stanza.NewMessage gives it one.
func Set(m *stanza.Message, id string) {
	kept := m.Payloads[:0]
	for _, p := range m.Payloads {
		if p.Name != (stanza.Name{Space: NS, Local: "replace"}) {
			kept = append(kept, p)
		}
	}
	clear(m.Payloads[len(kept):])
	m.Payloads = append(kept, ReplaceElement(id))
}

// Valid reports whether correction may replace original, both as
// received: correction carries a <replace/> naming original's id (see
// Get), neither is of type error, both have the same type, correction
// has an id other than original's, and both come from the same sender:
// the same full JID for type groupchat (the same room occupant), the
// same bare JID otherwise (any resource of the same account). Read the
// package documentation for the cases Valid cannot judge: private
// messages from room occupants, and nicknames that change hands.
func Valid(original, correction *stanza.Message) bool {
	id, ok := Get(correction)
	switch {
	case !ok, original.ID == "", id != original.ID, correction.ID == original.ID:
		return false
	case original.Type == stanza.MessageError, correction.Type != original.Type:
		return false
	case original.Type == stanza.MessageGroupchat:
		return correction.From == original.From && original.From.IsFull()
	}
	return correction.From.Bare() == original.From.Bare()
}
