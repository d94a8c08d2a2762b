package entitytime

import (
	"context"
	"fmt"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Get asks the entity to (a server's domain, a component, or a client's
// full JID; the zero JID means our own server) for its current time. It
// blocks until the answer comes or ctx ends.
//
// The result is the entity's clock reading (its <utc/>) in a
// time.FixedZone of its UTC offset (its <tzo/>): t.Format shows the
// entity's local time, and t.Sub(time.Now()) estimates the skew between
// the clocks, give or take the round trip.
//
// A stanza error from the entity is returned as the *stanza.Error that
// Client.Request gives (errors.Is(err, stanza.ErrServiceUnavailable) when
// it does not answer time requests); an answer that is not a valid result
// is an error wrapping ErrMalformed. The answer is accepted only from to.
func Get(ctx context.Context, c *xmpp.Client, to jid.JID) (time.Time, error) {
	res, err := c.Request(ctx, stanza.NewIQ(stanza.IQGet, to, stanza.NewElement(NS, "time")))
	if err != nil {
		return time.Time{}, err
	}
	t, err := Parse(res.Payload)
	if err != nil {
		return time.Time{}, fmt.Errorf("entitytime: get: %w", err)
	}
	return t, nil
}

// Serve makes c answer Entity Time requests, whoever asks, with the time
// now returns: its zone's offset as <tzo/> and the instant in UTC as
// <utc/> (see Element). A nil now means time.Now, which discloses the
// local offset of the machine; pass a func returning time.Now().UTC() to
// keep it private, as the XEP-0082 security considerations advise.
//
// Serve panics if c already has a handler for time requests, as
// Client.HandleIQ does.
func Serve(c *xmpp.Client, now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	c.Advertise(NS)
	c.HandleIQ(stanza.IQGet, NS, "time", func(context.Context, *stanza.IQ) (*stanza.Element, error) {
		return Element(now()), nil
	})
}
