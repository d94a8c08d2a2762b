package forward

import (
	"errors"
	"fmt"

	"github.com/xmppkit/xmpp/delay"
	"github.com/xmppkit/xmpp/stanza"
)

// NS is the namespace of XEP-0297 Stanza Forwarding.
const NS = "urn:xmpp:forward:0"

// ErrMalformed is wrapped by the errors of Parse. An error about the
// <delay/> wraps delay.ErrMalformed too.
var ErrMalformed = errors.New("forward: malformed forwarded")

// Forwarded is a XEP-0297 <forwarded/> element carrying a message.
type Forwarded struct {
	// Delay says when the message was originally received and by whom;
	// zero if the forwarder did not say.
	Delay delay.Delay
	// Message is the forwarded message, decoded as stanza.ParseMessage
	// does. Its addresses are those of the original message.
	Message *stanza.Message
}

// Element encodes f as a <forwarded/> element in NS: the delay, if any,
// then the message in jabber:client. It shares payload elements with
// f.Message. A nil Message is left out, which Parse refuses.
func (f Forwarded) Element() *stanza.Element {
	e := stanza.NewElement(NS, "forwarded")
	e.AddChild(f.Delay.Element())
	if f.Message != nil {
		e.AddChild(f.Message.Element())
	}
	return e
}

// malformed returns an error wrapping ErrMalformed.
func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// Parse decodes a <forwarded/> element in NS. It must hold exactly one
// <message/> in jabber:client (XEP-0297 requires the original namespace to
// be kept, and a client's is jabber:client) and at most one <delay/>,
// which delay.Parse must accept, in any order; a forwarded presence or IQ,
// or any stanza in jabber:server, is an error. Elements in other
// namespaces are ignored. Errors wrap ErrMalformed.
func Parse(e *stanza.Element) (Forwarded, error) {
	if e == nil {
		return Forwarded{}, malformed("no forwarded element")
	}
	if e.Name != (stanza.Name{Space: NS, Local: "forwarded"}) {
		return Forwarded{}, malformed("unexpected element {%s}%s, want {%s}forwarded", e.Name.Space, e.Name.Local, NS)
	}
	var f Forwarded
	seenDelay := false
	for c := range e.Children() {
		switch {
		case c.Name == stanza.Name{Space: delay.NS, Local: "delay"}:
			if seenDelay {
				return Forwarded{}, malformed("more than one delay")
			}
			seenDelay = true
			d, err := delay.Parse(c)
			if err != nil {
				return Forwarded{}, fmt.Errorf("%w: %w", ErrMalformed, err)
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
