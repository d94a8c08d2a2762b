package hints

import (
	"errors"
	"fmt"
	"strings"

	"github.com/xmppkit/xmpp/stanza"
)

// NS is the namespace of XEP-0334 Message Processing Hints.
const NS = "urn:xmpp:hints"

// ErrMalformed is wrapped by the errors of Parse.
var ErrMalformed = errors.New("hints: malformed hint")

// Hint is a processing hint: the local name of its element in NS.
type Hint string

// The hints of XEP-0334 section 4.
const (
	// NoPermanentStore: do not archive the message or log it; storing
	// it for later delivery is fine.
	NoPermanentStore Hint = "no-permanent-store"
	// NoStore: do not store the message at all, neither in an archive
	// nor for later delivery to an offline recipient.
	NoStore Hint = "no-store"
	// NoCopy: do not copy the message to addresses other than the one it
	// is addressed to (for instance as carbons).
	NoCopy Hint = "no-copy"
	// Store: store the message even if it would not be stored otherwise
	// (for instance, an encrypted message without a body).
	Store Hint = "store"
)

// Valid reports whether h is one of the four hints.
func (h Hint) Valid() bool {
	switch h {
	case NoPermanentStore, NoStore, NoCopy, Store:
		return true
	}
	return false
}

// Element encodes h as an empty element in NS, or returns nil if h is not
// Valid.
func (h Hint) Element() *stanza.Element {
	if !h.Valid() {
		return nil
	}
	return stanza.NewElement(NS, string(h))
}

// Parse decodes a hint element: one of the four hints in NS, empty (no
// child elements, no text but white space). Errors wrap ErrMalformed.
func Parse(e *stanza.Element) (Hint, error) {
	if e == nil || e.Name.Space != NS || !Hint(e.Name.Local).Valid() {
		return "", fmt.Errorf("%w: not a hint element", ErrMalformed)
	}
	if e.NumChildren() != 0 || strings.TrimSpace(e.Text()) != "" {
		return "", fmt.Errorf("%w: %s with content", ErrMalformed, e.Name.Local)
	}
	return Hint(e.Name.Local), nil
}

// Add puts the hint h on m, unless m already carries it or h is not
// Valid.
func Add(m *stanza.Message, h Hint) {
	if h.Valid() && !carries(m, h) {
		m.Payloads = append(m.Payloads, h.Element())
	}
}

// Has reports whether m carries the hint h, well-formed. It reports false
// for every hint in a message of type error, whose hints XEP-0334 section
// 6 says to ignore.
func Has(m *stanza.Message, h Hint) bool {
	return m.Type != stanza.MessageError && carries(m, h)
}

// carries reports whether m has a well-formed element for h.
func carries(m *stanza.Message, h Hint) bool {
	for _, p := range m.Payloads {
		if p.Name != (stanza.Name{Space: NS, Local: string(h)}) {
			continue
		}
		if _, err := Parse(p); err == nil {
			return true
		}
	}
	return false
}
