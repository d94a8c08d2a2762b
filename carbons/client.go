package carbons

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/hints"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Enable asks the account's server to send this resource carbons (an IQ
// set of <enable/> to our own server). It returns nil once the server
// agreed, the server's *stanza.Error if it refused (errors.Is(err,
// stanza.ErrServiceUnavailable) where carbons are not offered), or the
// error of c.Request. Enabling twice is harmless. The server forgets it
// when the session ends; see the package documentation.
func Enable(ctx context.Context, c *xmpp.Client) error {
	return toggle(ctx, c, "enable")
}

// Disable asks the account's server to stop sending this resource
// carbons. Its results are those of Enable.
func Disable(ctx context.Context, c *xmpp.Client) error {
	return toggle(ctx, c, "disable")
}

func toggle(ctx context.Context, c *xmpp.Client, local string) error {
	_, err := c.Request(ctx, stanza.NewIQ(stanza.IQSet, jid.JID{}, stanza.NewElement(NS, local)))
	return err
}

// IsCarbon reports whether m carries a <sent/> or <received/> carbon
// payload, valid or not. With Handle, such messages never reach the
// application's other handlers; without it, IsCarbon tells them apart:
// the wrapper's body is empty and its from address is the account's, so
// shown as a message it would make no sense, and a spoofed one must not
// be shown at all.
func IsCarbon(m *stanza.Message) bool {
	for _, p := range m.Payloads {
		if _, ok := direction(p); ok {
			return true
		}
	}
	return false
}

// Unwrap returns the carbon that m, received by c, carries. It fails with
// ErrNotCarbon if m carries none; with ErrSpoofed unless m comes from c's
// own bare JID (c.JID().Bare()) and the copied message belongs to the
// account (a received carbon's message was addressed to the account, its
// bare JID or one of its resources; a sent carbon's message came from one
// of its resources); with an error wrapping ErrMalformed if the payload
// does not decode or m holds more than one. See the package documentation
// for why the checks matter.
func Unwrap(c *xmpp.Client, m *stanza.Message) (Carbon, error) {
	return unwrap(c.JID().Bare(), m)
}

// unwrap is Unwrap for the account whose bare JID is own.
func unwrap(own jid.JID, m *stanza.Message) (Carbon, error) {
	var payload *stanza.Element
	for _, p := range m.Payloads {
		if _, ok := direction(p); !ok {
			continue
		}
		if payload != nil {
			return Carbon{}, malformed("more than one carbon in a message")
		}
		payload = p
	}
	if payload == nil {
		return Carbon{}, ErrNotCarbon
	}
	if m.From != own {
		return Carbon{}, fmt.Errorf("%w: from %q, not the account %q", ErrSpoofed, m.From.String(), own.String())
	}
	cb, err := Parse(payload)
	if err != nil {
		return Carbon{}, err
	}
	inner := cb.Message
	switch cb.Direction {
	case Received:
		if inner.To.IsZero() || inner.To.Bare() != own {
			return Carbon{}, fmt.Errorf("%w: received carbon of a message to %q", ErrSpoofed, inner.To.String())
		}
	case Sent:
		if inner.From.IsZero() || inner.From.Bare() != own {
			return Carbon{}, fmt.Errorf("%w: sent carbon of a message from %q", ErrSpoofed, inner.From.String())
		}
	}
	return cb, nil
}

// Options configures Handle. A nil *Options gives the defaults.
type Options struct {
	// Logger receives, at Debug level, the carbons Handle drops as
	// spoofed or malformed. They are attacker-controlled, so they are
	// not worth more than Debug. nil is silent.
	Logger *slog.Logger
}

// Handle makes c pass every valid carbon it receives to h and drop the
// others (see Unwrap): it claims the messages that carry a <sent/> or
// <received/> payload of NS (see xmpp.Route), so that they reach neither
// the application's default message handler nor any other; messages
// without one are left to the other handlers. h runs on c's dispatch
// goroutine, in arrival order, with the handlers' context; it may send
// and await requests. Handle does not enable carbons: call Enable too.
// Calling it twice on one Client panics.
func Handle(c *xmpp.Client, h func(ctx context.Context, cb Carbon), opts *Options) {
	log := slog.New(slog.DiscardHandler)
	if opts != nil && opts.Logger != nil {
		log = opts.Logger
	}
	handle := func(ctx context.Context, m *stanza.Message) {
		cb, err := Unwrap(c, m)
		if err != nil {
			log.Debug("carbons: dropping a carbon", "from", m.From.String(), "id", m.ID, "error", err)
			return
		}
		h(ctx, cb)
	}
	c.HandleMessage(xmpp.Route{Payload: stanza.Name{Space: NS, Local: "received"}}, handle)
	c.HandleMessage(xmpp.Route{Payload: stanza.Name{Space: NS, Local: "sent"}}, handle)
}

// Private marks m as private, so that the servers on the way copy it to
// none of the sender's or the recipient's other resources: it adds a
// <private/> element in NS and the XEP-0334 <no-copy/> hint (with
// hints.Add), which XEP-0280 section 10 requires together. Either is
// added only if m lacks it. A private message sent to a bare JID may
// still reach every resource of the recipient through ordinary delivery
// (RFC 6121).
func Private(m *stanza.Message) {
	if !hasPayload(m, NS, "private") {
		m.Payloads = append(m.Payloads, stanza.NewElement(NS, "private"))
	}
	hints.Add(m, hints.NoCopy)
}

// IsPrivate reports whether m carries the <private/> element of NS.
func IsPrivate(m *stanza.Message) bool { return hasPayload(m, NS, "private") }

func hasPayload(m *stanza.Message, space, local string) bool {
	for _, p := range m.Payloads {
		if p.Name.Space == space && p.Name.Local == local {
			return true
		}
	}
	return false
}
