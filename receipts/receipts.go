package receipts

import (
	"errors"
	"fmt"

	"github.com/xmppkit/xmpp/stanza"
)

// NS is the namespace of XEP-0184 Message Delivery Receipts.
const NS = "urn:xmpp:receipts"

// ErrMalformed is wrapped by the errors of ParseReceived.
var ErrMalformed = errors.New("receipts: malformed receipt")

// Request asks the recipient of m for a receipt: it adds a <request/>
// payload, unless m has one, and, since the receipt names the message by
// its id, gives m a fresh id from stanza.NewID if it has none. Send m
// after Request, as its id may have changed.
func Request(m *stanza.Message) {
	if m.ID == "" {
		m.ID = stanza.NewID()
	}
	if !Requested(m) {
		m.Payloads = append(m.Payloads, stanza.NewElement(NS, "request"))
	}
}

// Requested reports whether m asks for a receipt (carries <request/>).
func Requested(m *stanza.Message) bool {
	for _, p := range m.Payloads {
		if p.Name == (stanza.Name{Space: NS, Local: "request"}) {
			return true
		}
	}
	return false
}

// Received returns the id of the message that m acknowledges, and false
// if m carries no <received/> payload or only a malformed one.
func Received(m *stanza.Message) (id string, ok bool) {
	for _, p := range m.Payloads {
		if p.Name != (stanza.Name{Space: NS, Local: "received"}) {
			continue
		}
		if id, err := ParseReceived(p); err == nil {
			return id, true
		}
	}
	return "", false
}

// isAck reports whether m carries a <received/> payload, valid or not.
func isAck(m *stanza.Message) bool {
	for _, p := range m.Payloads {
		if p.Name == (stanza.Name{Space: NS, Local: "received"}) {
			return true
		}
	}
	return false
}

// ParseReceived decodes a <received/> payload in NS and returns the id
// it acknowledges. The id attribute is required and must not be empty;
// the element must have no child elements (XEP-0184 schema). Errors wrap
// ErrMalformed.
func ParseReceived(e *stanza.Element) (id string, err error) {
	if e == nil || e.Name != (stanza.Name{Space: NS, Local: "received"}) {
		return "", fmt.Errorf("%w: not a received element", ErrMalformed)
	}
	id = e.Attr("id")
	if id == "" {
		return "", fmt.Errorf("%w: received without an id", ErrMalformed)
	}
	if e.NumChildren() != 0 {
		return "", fmt.Errorf("%w: received with child elements", ErrMalformed)
	}
	return id, nil
}

// ReceivedElement returns the <received/> payload acknowledging the
// message whose id is id.
func ReceivedElement(id string) *stanza.Element {
	return stanza.NewElement(NS, "received", stanza.A("id", id))
}

// Ack returns the receipt for m: a message to m's sender, of m's type,
// with a fresh id and a <received/> payload naming m's id, and nothing
// else (XEP-0184 section 5). It does not check whether m deserves one;
// Serve does, and Ack is for applications that acknowledge by hand,
// for instance once a message is shown.
func Ack(m *stanza.Message) *stanza.Message {
	return &stanza.Message{
		Header:   stanza.Header{To: m.From, ID: stanza.NewID()},
		Type:     m.Type,
		Payloads: []*stanza.Element{ReceivedElement(m.ID)},
	}
}
