package xmpp

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"strconv"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// handlerKey marks the context given to handlers, so that a call made
// with it (or a context derived from it) is known to come from a handler.
type handlerKey struct{}

// dispatchLoop runs handlers one at a time in arrival order, until the
// Client ends.
func (c *Client) dispatchLoop() {
	defer close(c.dispDone)
	c.dispatcher.Store(goroutineID())
	for {
		it, ok := c.queue.pop()
		if !ok {
			select {
			case <-c.done:
				return
			case <-c.queue.signal:
			}
			continue
		}
		select {
		case <-c.done:
			c.abandonQueue(it)
			return
		default:
		}
		c.run(it)
	}
}

// abandonQueue says, when the Client has ended, how many stanzas it read
// that no handler will see (it, just popped, and the rest): the server
// counted them as handled.
func (c *Client) abandonQueue(it item) {
	n := c.queue.len()
	if it.s != nil {
		n++
	}
	if n > 0 {
		c.opts.Logger.Warn("client ended with stanzas its handlers did not get", "stanzas", n)
	}
}

// run handles one item of the queue.
func (c *Client) run(it item) {
	switch {
	case it.mark != nil:
		close(it.mark)
	case it.reply != nil:
		_ = c.SendElement(c.hctx, it.reply)
	case it.ev != nil:
		c.inHandler.Store(true)
		for _, h := range c.table.load().events {
			h(c.hctx, *it.ev)
		}
		c.inHandler.Store(false)
	default:
		c.inHandler.Store(true)
		ctx := c.hctx
		if it.recovered {
			ctx = c.rctx
		}
		c.dispatch(ctx, it.s)
		c.inHandler.Store(false)
	}
}

// dispatch hands s to its observers and its owner, with ctx.
func (c *Client) dispatch(ctx context.Context, s stanza.Stanza) {
	rs := c.table.load()
	switch s := s.(type) {
	case *stanza.Message:
		for _, f := range rs.filters {
			if !f(ctx, s) {
				return
			}
		}
		handOut(ctx, c, "message", rs.msgObservers, &rs.message, s, string(s.Type), s.From, s.Payloads)
	case *stanza.Presence:
		handOut(ctx, c, "presence", rs.presObservers, &rs.presence, s, presenceType(s), s.From, s.Payloads)
	case *stanza.IQ:
		c.serveIQ(rs, s)
	}
}

// handOut runs the observers of s, a stanza of kind (message or
// presence) and type typ from from with payloads, then its owner.
func handOut[S stanza.Stanza, H ~func(context.Context, S)](ctx context.Context, c *Client, kind string, observers []routed[H], owners *claims[H], s S, typ string, from jid.JID, payloads []*stanza.Element) {
	for _, o := range observers {
		if o.route.selects(typ, from, payloads) {
			o.h(ctx, s)
		}
	}
	if h, ok := owners.owner(typ, from, payloads); ok {
		h(ctx, s)
		return
	}
	c.opts.Logger.Debug(kind+" not handled", "from", from.String(), "type", typ)
}

// serveIQ answers an IQ get or set with its handler's result.
func (c *Client) serveIQ(rs *routes, iq *stanza.IQ) {
	var f IQHandlerFunc
	if iq.Payload != nil {
		f = rs.iq[iqKey{iq.Type, iq.Payload.Name.Space, iq.Payload.Name.Local}]
	}
	var reply *stanza.IQ
	if f == nil {
		reply = iq.ErrorReply(stanza.NewError(stanza.ErrServiceUnavailable, ""))
	} else {
		payload, err := f(c.hctx, iq)
		var se *stanza.Error
		switch {
		case err == nil:
			reply = iq.Result(payload)
		case errors.As(err, &se):
			reply = iq.ErrorReply(se)
		default:
			c.opts.Logger.Warn("iq handler failed", "payload", iq.Payload.Name.Local, "error", err)
			reply = iq.ErrorReply(stanza.NewError(stanza.ErrInternalServerError, ""))
		}
	}
	if err := c.Send(c.hctx, reply); err != nil {
		c.opts.Logger.Debug("iq reply not sent", "error", err)
	}
}

// ErrInHandler is returned by Sync called from a handler: the handler
// itself holds up the stanzas Sync would wait for.
var ErrInHandler = errors.New("xmpp: sync: called from a handler, which would wait for itself")

// Sync returns once every stanza the server sent before the call has been
// handled: it makes a round trip to the server (an XEP-0199 ping; an error
// answer does as well), and then waits until the handlers have finished
// with everything that arrived before the answer. Tests and bots use it
// to wait for what they expect without sleeping.
//
// From inside a handler, Sync returns ErrInHandler at once (the handler
// would wait for itself); the Client knows a call comes from a handler
// when it runs on the dispatch goroutine, or when its ctx is the
// handler's context or derived from it while a handler runs. Sync returns
// ctx's error when ctx ends first, ErrClosed when the Client ends,
// ErrNotConnected before Connect, and ErrSessionLost when the session was
// replaced before the answer came.
func (c *Client) Sync(ctx context.Context) error {
	if c.fromHandler(ctx) {
		return ErrInHandler
	}
	mark := make(chan struct{})
	if _, err := c.request(ctx, stanza.NewIQ(stanza.IQGet, jid.JID{}, stanza.NewElement(nsPing, "ping")), mark); err != nil {
		var se *stanza.Error
		if !errors.As(err, &se) {
			return err
		}
	}
	select {
	case <-mark:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-c.done:
		return c.closedErr()
	}
}

// InHandler reports whether a call with ctx runs in one of c's handlers
// or event handlers, on its dispatch goroutine. There a call may wait for
// the answer to a request (Request, Ping), which the reader takes, but
// not for any other stanza: the dispatch goroutine delivers it only after
// the handler returns. Extension packages whose calls wait for presence
// or messages check it to fail fast instead of waiting out their context.
func (c *Client) InHandler(ctx context.Context) bool { return c.fromHandler(ctx) }

// fromHandler reports whether a call with ctx comes from a handler: it
// runs on the dispatch goroutine, or ctx is (or derives from) the
// handlers' context while a handler runs.
func (c *Client) fromHandler(ctx context.Context) bool {
	if !c.inHandler.Load() {
		return false
	}
	if ctx.Value(handlerKey{}) == c {
		return true
	}
	return goroutineID() == c.dispatcher.Load()
}

// goroutineID returns the number of the calling goroutine, from the
// first line of its stack trace ("goroutine 7 [running]:"). The runtime
// offers no other way to know whether a call runs on the dispatch
// goroutine, which a call without a context (Close), or with a context
// not derived from the handler's, needs to know to avoid waiting for
// itself. It costs about a microsecond, and is used only by calls that
// are about to wait.
func goroutineID() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, err := strconv.ParseUint(string(b), 10, 64)
	if err != nil {
		return 0
	}
	return id
}
