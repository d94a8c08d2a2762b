package carbons

import (
	"errors"
	"fmt"

	"github.com/xmppkit/xmpp/forward"
	"github.com/xmppkit/xmpp/stanza"
)

// NS is the namespace of XEP-0280 Message Carbons.
const NS = "urn:xmpp:carbons:2"

var (
	// ErrNotCarbon is returned by Unwrap for a message that carries no
	// <sent/> or <received/> carbon payload.
	ErrNotCarbon = errors.New("carbons: not a carbon")
	// ErrSpoofed is returned by Unwrap for a carbon that did not come
	// from the account's own bare JID, or that copies a message not sent
	// or received by the account: someone else is trying to make us
	// believe the account sent or received it.
	ErrSpoofed = errors.New("carbons: spoofed carbon")
	// ErrMalformed is wrapped by the errors of Parse and Unwrap for
	// payloads that do not follow XEP-0280 or XEP-0297. When the
	// <forwarded/> is at fault, the error wraps forward.ErrMalformed too
	// (and delay.ErrMalformed when its <delay/> is).
	ErrMalformed = errors.New("carbons: malformed carbon")
)

// malformed returns an error wrapping ErrMalformed.
func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// unexpected is the error for an element e that is not the local one
// expected.
func unexpected(e *stanza.Element, want string) error {
	if e == nil {
		return malformed("no %s element", want)
	}
	return malformed("unexpected element {%s}%s, want %s", e.Name.Space, e.Name.Local, want)
}

// Direction says whether a carbon copies a message the account received
// or one it sent.
type Direction uint8

// The directions of a carbon.
const (
	// Received: another resource of the account received the message
	// (the <received/> payload).
	Received Direction = iota + 1
	// Sent: another resource of the account sent the message (the
	// <sent/> payload).
	Sent
)

// String returns "received", "sent", or "Direction(n)" for others.
func (d Direction) String() string {
	switch d {
	case Received:
		return "received"
	case Sent:
		return "sent"
	}
	return fmt.Sprintf("Direction(%d)", uint8(d))
}

// local returns the element name of the payload for d, or "".
func (d Direction) local() string {
	switch d {
	case Received, Sent:
		return d.String()
	}
	return ""
}

// Carbon is a copy of a message that another resource of the account
// sent or received: a <sent/> or <received/> payload and the message it
// forwards.
type Carbon struct {
	// Direction says whether the account sent or received Message.
	Direction Direction
	// Forwarded holds the copied message (cb.Message) and the optional
	// XEP-0203 delay (cb.Delay), as package forward decodes them.
	forward.Forwarded
}

// Element encodes cb as a <sent/> or <received/> payload in NS. It
// returns nil when cb.Direction is neither Sent nor Received.
func (cb Carbon) Element() *stanza.Element {
	local := cb.Direction.local()
	if local == "" {
		return nil
	}
	return stanza.NewElement(NS, local).AddChild(cb.Forwarded.Element())
}

// Parse decodes a <sent/> or <received/> payload in NS. It must hold
// exactly one <forwarded/> in forward.NS, which forward.Parse must accept:
// one jabber:client message and at most one delay. Elements in other
// namespaces are ignored. Errors wrap ErrMalformed. Parse checks nothing
// about where the payload came from: use Unwrap for carbons from the
// network.
func Parse(e *stanza.Element) (Carbon, error) {
	d, ok := direction(e)
	if !ok {
		return Carbon{}, unexpected(e, "sent or received")
	}
	var fwd *stanza.Element
	for c := range e.Children() {
		if c.Name.Space != forward.NS {
			continue
		}
		if c.Name.Local != "forwarded" || fwd != nil {
			return Carbon{}, malformed("%s carbon: want one forwarded element", d)
		}
		fwd = c
	}
	if fwd == nil {
		return Carbon{}, malformed("%s carbon without a forwarded element", d)
	}
	f, err := forward.Parse(fwd)
	if err != nil {
		return Carbon{}, fmt.Errorf("%w: %s carbon: %w", ErrMalformed, d, err)
	}
	return Carbon{Direction: d, Forwarded: f}, nil
}

// direction returns the direction of a carbon payload e, and false if e
// is none.
func direction(e *stanza.Element) (Direction, bool) {
	if e == nil || e.Name.Space != NS {
		return 0, false
	}
	switch e.Name.Local {
	case "received":
		return Received, true
	case "sent":
		return Sent, true
	}
	return 0, false
}
