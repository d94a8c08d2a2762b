package mam

import (
	"context"
	"fmt"

	"github.com/xmppkit/xmpp/stanza"
)

// drain returns once the Client's dispatch goroutine has handled every
// stanza that arrived before the <fin/> of a query, so that all of the
// query's results have been collected.
//
// The problem: results arrive as messages, which the Client's reader
// queues for the dispatch goroutine, while the <fin/> arrives in the IQ
// result, which the reader hands straight to the waiting Request. The
// archive sends the results before the <fin/>, and the reader queues them
// before it delivers the <fin/>, but when Request returns the dispatcher
// may not have run our handler for the last of them yet. Returning then
// would lose results; waiting for a number of results would hang on an
// archive that sends fewer than it says (or trust what it says about
// itself); a timer would be a guess.
//
// The fix needs something that passes through the same queue after the
// results. The Client's public API has one way to put a stanza there: have
// it arrive from the network. So drain sends an XEP-0199 ping to our own
// full JID. The server routes the IQ get back to us on the same stream,
// after the <fin/> (which it wrote before our ping reached it), so the
// reader queues it after every result. The dispatcher handles the queue in
// order: it answers the ping (the Client's built-in responder, or the
// application's replacement, which runs on the same goroutine) only after
// our handler has seen every result before it. The answer goes to the
// server and comes back to our Request, so when Request returns a result
// the results are all in. An error answer may have come from the server
// rather than from our dispatcher, so it proves nothing and fails the
// query. The cost is one round trip to our own server, which Fetch saves
// when the result the <fin/> names as the last has already been collected
// (see sawLast), the common case.
//
// A Client method that waits until the dispatcher has handled what the
// reader queued so far (a marker item in the queue) would do the same
// without the round trip.
func (m *Client) drain(ctx context.Context) error {
	ping := stanza.NewIQ(stanza.IQGet, m.c.JID(), stanza.NewElement(nsPing, "ping"))
	if _, err := m.c.Request(ctx, ping); err != nil {
		return fmt.Errorf("mam: fetch: waiting for the last results: %w", err)
	}
	return nil
}
