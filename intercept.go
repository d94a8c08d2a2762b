package xmpp

import (
	"context"
	"slices"

	"github.com/xmppkit/xmpp/stanza"
)

// InterceptMessage makes f see, on the reader goroutine, every message r
// selects (its type, sender and payload, as for ObserveMessage), before
// the message is queued for the handlers. When f returns true it takes
// the message: no handler sees it, and it counts as handled.
//
// It is for messages that answer a request the way an IQ result does,
// such as the results of an archive query (XEP-0313): they reach the
// waiting request even while the dispatch goroutine runs the handler
// that made it, so that such a request may be made from a handler. f
// must be quick: it must not block or call the Client. Interceptors are
// tried in the order they were added; the first that takes a message
// ends the search.
func (c *Client) InterceptMessage(r Route, f func(m *stanza.Message) bool) {
	c.table.change(func(rs *routes) {
		rs.intercepts = append(slices.Clip(rs.intercepts), routed[func(*stanza.Message) bool]{r, f})
	})
}

// intercepted reports whether an interceptor took m.
func (c *Client) intercepted(m *stanza.Message) bool {
	for _, ic := range c.table.load().intercepts {
		if ic.route.selects(string(m.Type), m.From, m.Payloads) && ic.h(m) {
			return true
		}
	}
	return false
}

// FilterMessage makes f decide, on the dispatch goroutine, whether a
// message goes to the handlers at all: before any observer or owner sees
// a message, each filter is asked in turn, and one that returns false
// drops it. It is for deduplication (the mam package drops a message it
// has already delivered, by stanza-id). Filters see messages given to
// DeliverRecovered too (Recovered(ctx) reports it). f runs like a
// handler and may call the Client.
func (c *Client) FilterMessage(f func(ctx context.Context, m *stanza.Message) bool) {
	c.table.change(func(rs *routes) {
		rs.filters = append(slices.Clip(rs.filters), f)
	})
}

// recoveredKey marks the context of handlers given a recovered message.
type recoveredKey struct{}

// Recovered reports whether the handler whose context is ctx was given a
// message that the server did not deliver live but that was recovered
// (from an archive, by DeliverRecovered) after a session was lost.
func Recovered(ctx context.Context) bool {
	v, _ := ctx.Value(recoveredKey{}).(bool)
	return v
}

// DeliverRecovered hands m to the message filters, observers and its
// owner (or the default handler) as if it had been received, with a
// context for which Recovered reports true: for messages that a lost
// session never delivered and that were fetched back from an archive.
//
// Called from a handler or an event handler (on the dispatch goroutine),
// it runs the handlers at once, before any stanza still queued: so an
// EventNewSession handler delivers what was recovered before the new
// session's live traffic. Called from another goroutine it queues m
// behind what is already queued, and returns. It returns ErrClosed once
// the Client has ended.
func (c *Client) DeliverRecovered(ctx context.Context, m *stanza.Message) error {
	select {
	case <-c.done:
		return c.closedErr()
	default:
	}
	if c.inHandler.Load() && goroutineID() == c.dispatcher.Load() {
		c.dispatch(c.rctx, m)
		return nil
	}
	c.queue.push(item{s: m, recovered: true})
	return nil
}
