package version

import (
	"context"
	"fmt"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Get asks the entity to (a server's domain, a component, or a client's
// full JID; the zero JID means our own server) which software it runs. It
// blocks until the answer comes or ctx ends.
//
// A stanza error from the entity is returned as the *stanza.Error that
// Client.Request gives (errors.Is(err, stanza.ErrServiceUnavailable) when
// it does not answer version requests); an answer that is not a valid
// result is an error wrapping ErrMalformed. The answer is accepted only
// from to.
func Get(ctx context.Context, c *xmpp.Client, to jid.JID) (Info, error) {
	res, err := c.Request(ctx, stanza.NewIQ(stanza.IQGet, to, stanza.NewElement(NS, "query")))
	if err != nil {
		return Info{}, err
	}
	info, err := Parse(res.Payload)
	if err != nil {
		return Info{}, fmt.Errorf("version: get: %w", err)
	}
	return info, nil
}

// Serve makes c answer Software Version requests with info, whoever asks.
// The operating system is disclosed only when info.OS is set: XEP-0092
// requires that a user can keep it private, so leave it empty unless the
// user opted in.
//
// Serve panics if info.Name or info.Version is empty (a result must carry
// both) or if c already has a handler for version requests, as
// Client.HandleIQ does.
func Serve(c *xmpp.Client, info Info) {
	if info.Name == "" || info.Version == "" {
		panic("version: Serve: Info.Name and Info.Version must be set")
	}
	c.Advertise(NS)
	c.HandleIQ(stanza.IQGet, NS, "query", func(context.Context, *stanza.IQ) (*stanza.Element, error) {
		return info.Element(), nil
	})
}
