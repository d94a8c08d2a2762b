package lastactivity

import (
	"context"
	"fmt"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Get asks to for its last activity. What Info.Elapsed means depends on
// to: the uptime of a server or component (a bare domain; the zero JID
// means our own server), the time since a user logged out (a bare JID,
// answered by the user's server, which needs us subscribed to the user's
// presence and otherwise answers forbidden), or the idle time of a client
// (a full JID). It blocks until the answer comes or ctx ends.
//
// A stanza error is returned as the *stanza.Error that Client.Request
// gives (errors.Is(err, stanza.ErrForbidden) without a subscription,
// stanza.ErrServiceUnavailable from a client that does not tell); an
// answer that is not a valid result is an error wrapping ErrMalformed.
// The answer is accepted only from to (or, for our own bare JID, from our
// server).
func Get(ctx context.Context, c *xmpp.Client, to jid.JID) (Info, error) {
	res, err := c.Request(ctx, stanza.NewIQ(stanza.IQGet, to, stanza.NewElement(NS, "query")))
	if err != nil {
		return Info{}, err
	}
	info, err := Parse(res.Payload)
	if err != nil {
		return Info{}, fmt.Errorf("lastactivity: get: %w", err)
	}
	return info, nil
}

// Serve makes c answer Last Activity requests sent to its full JID with
// idle(), the time since the user last used the application (the
// application measures it; XEP-0012 says it is the user's idle time, not
// the connection's age). Whoever can reach our full JID may ask: XEP-0012
// requires that a user can turn this off, so call Serve only when the
// user allowed it. The answer has no status text; a negative idle counts
// as zero.
//
// Serve panics if idle is nil, or if c already has a handler for last
// activity requests, as Client.HandleIQ does.
func Serve(c *xmpp.Client, idle func() time.Duration) {
	if idle == nil {
		panic("lastactivity: Serve: nil idle func")
	}
	c.Advertise(NS)
	c.HandleIQ(stanza.IQGet, NS, "query", func(context.Context, *stanza.IQ) (*stanza.Element, error) {
		return Info{Elapsed: idle()}.Element(), nil
	})
}
