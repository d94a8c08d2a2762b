package carbons

import (
	"fmt"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Namespaces of the payloads that carbons carry.
const (
	// NSForward is the namespace of XEP-0297 Stanza Forwarding.
	NSForward = "urn:xmpp:forward:0"
	// NSDelay is the namespace of XEP-0203 Delayed Delivery.
	NSDelay = "urn:xmpp:delay"
)

// stampLayout writes XEP-0082 DateTime stamps, in UTC as XEP-0203
// requires, with as many fractional digits as needed.
const stampLayout = "2006-01-02T15:04:05.999999999Z07:00"

// Delay is a XEP-0203 <delay/> element: when (and by whom) a forwarded
// stanza was originally received. The zero Delay means there is none.
type Delay struct {
	// Stamp is the time the stanza was received.
	Stamp time.Time
	// From is the entity that delayed the stanza, or zero.
	From jid.JID
}

// IsZero reports whether d is the zero Delay, that is no <delay/>.
func (d Delay) IsZero() bool { return d.Stamp.IsZero() && d.From.IsZero() }

// Element encodes d as a <delay/> element, its stamp in UTC; the zero
// Delay encodes as nil.
func (d Delay) Element() *stanza.Element {
	if d.IsZero() {
		return nil
	}
	e := stanza.NewElement(NSDelay, "delay", stanza.A("stamp", d.Stamp.UTC().Format(stampLayout)))
	if !d.From.IsZero() {
		e.SetAttr("from", d.From.String())
	}
	return e
}

// parseDelay decodes a <delay/> element: the stamp is required and must
// be a XEP-0082 DateTime, the from attribute, if present, a JID.
func parseDelay(e *stanza.Element) (Delay, error) {
	raw, ok := e.LookupAttr("", "stamp")
	if !ok {
		return Delay{}, malformed("delay without a stamp")
	}
	t, err := time.Parse(time.RFC3339Nano, raw)
	if err != nil {
		return Delay{}, malformed("delay stamp %q: %v", raw, err)
	}
	// Shifting to UTC may leave the four-digit years of XEP-0082.
	if y := t.UTC().Year(); y < 0 || y > 9999 {
		return Delay{}, malformed("delay stamp %q out of range", raw)
	}
	d := Delay{Stamp: t}
	if f, ok := e.LookupAttr("", "from"); ok {
		if d.From, err = jid.Parse(f); err != nil {
			return Delay{}, fmt.Errorf("%w: delay from: %w", ErrMalformed, err)
		}
	}
	return d, nil
}

// Forwarded is a XEP-0297 <forwarded/> element carrying a message, as
// carbons (and archives) use it.
type Forwarded struct {
	// Delay says when the message was originally received; zero if the
	// forwarder did not say.
	Delay Delay
	// Message is the forwarded message, decoded as stanza.ParseMessage
	// does. Its addresses are those of the original message.
	Message *stanza.Message
}

// Element encodes f as a <forwarded/> element: the delay, if any, then
// the message in jabber:client. It shares payload elements with
// f.Message.
func (f Forwarded) Element() *stanza.Element {
	e := stanza.NewElement(NSForward, "forwarded")
	e.AddChild(f.Delay.Element())
	if f.Message != nil {
		e.AddChild(f.Message.Element())
	}
	return e
}

// ParseForwarded decodes a <forwarded/> element in NSForward. It must hold
// exactly one <message/> in jabber:client (XEP-0297 requires the original
// namespace to be kept, and a carbon's is jabber:client) and at most one
// <delay/>; a forwarded presence or IQ, or a message in jabber:server, is
// an error. Elements in other namespaces are ignored. Errors wrap
// ErrMalformed.
func ParseForwarded(e *stanza.Element) (Forwarded, error) {
	if e == nil || e.Name != (stanza.Name{Space: NSForward, Local: "forwarded"}) {
		return Forwarded{}, unexpected(e, "forwarded")
	}
	var f Forwarded
	seenDelay := false
	for c := range e.Children() {
		switch {
		case c.Name == stanza.Name{Space: NSDelay, Local: "delay"}:
			if seenDelay {
				return Forwarded{}, malformed("more than one delay")
			}
			seenDelay = true
			d, err := parseDelay(c)
			if err != nil {
				return Forwarded{}, err
			}
			f.Delay = d
		case c.Name.Space == stanza.NSClient && c.Name.Local == "message":
			if f.Message != nil {
				return Forwarded{}, malformed("more than one forwarded message")
			}
			m, err := stanza.ParseMessage(c)
			if err != nil {
				return Forwarded{}, fmt.Errorf("%w: %w", ErrMalformed, err)
			}
			f.Message = m
		case c.Name.Space == stanza.NSClient || c.Name.Space == stanza.NSServer:
			return Forwarded{}, malformed("forwarded {%s}%s is not a jabber:client message", c.Name.Space, c.Name.Local)
		}
	}
	if f.Message == nil {
		return Forwarded{}, malformed("forwarded without a message")
	}
	return f, nil
}
