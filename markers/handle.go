package markers

import (
	"context"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/stanza"
)

// Handle makes c call h for every message it receives that carries a
// marker Get accepts, with that marker. It observes the messages (see
// xmpp.Client.ObserveMessage) and claims none: they still reach their
// owner. h runs on c's dispatch goroutine, in arrival order, before the
// message's owner; it checks nothing about the sender or the id (see the
// package documentation). Register it before Connect to see every
// message.
func Handle(c *xmpp.Client, h func(ctx context.Context, m *stanza.Message, mk Marker)) {
	observe := func(ctx context.Context, m *stanza.Message) {
		if mk, ok := Get(m); ok {
			h(ctx, m, mk)
		}
	}
	for _, k := range []Kind{Displayed, Received, Acknowledged} {
		c.ObserveMessage(xmpp.Route{Payload: stanza.Name{Space: NS, Local: string(k)}}, observe)
	}
}
