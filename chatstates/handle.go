package chatstates

import (
	"context"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/stanza"
)

// Handle makes c call h for every message it receives that carries a
// chat state Get accepts, with that state. It observes the messages (see
// xmpp.Client.ObserveMessage) and claims none: a message with content
// still reaches its owner, the application's default message handler if
// nobody else claims it, and so does a standalone notification, which
// has no body. h runs on c's dispatch goroutine, in arrival order, before
// the message's owner. Register it before Connect to see every message.
func Handle(c *xmpp.Client, h func(ctx context.Context, m *stanza.Message, s State)) {
	observe := func(ctx context.Context, m *stanza.Message) {
		if s, ok := Get(m); ok {
			h(ctx, m, s)
		}
	}
	// A message with one state matches one of these routes; one with
	// several carries none that Get accepts.
	for _, s := range []State{Active, Composing, Paused, Inactive, Gone} {
		c.ObserveMessage(xmpp.Route{Payload: stanza.Name{Space: NS, Local: string(s)}}, observe)
	}
}
