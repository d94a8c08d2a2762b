package xmpp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// call is a request waiting for its answer.
type call struct {
	to   jid.JID
	ch   chan *stanza.IQ // one slot, filled once without blocking
	fail chan error      // one slot: the request can no longer be answered
	mark chan struct{}   // for Sync: queued for the dispatcher with the answer
}

// Send writes s to the stream. It returns when s is written, when ctx ends
// or when the Client ends (ErrClosed). With stream management, a stanza
// whose write fails stays queued: it is sent again after resumption, or
// reported in EventNewSession.Lost. Without it, a write cut short ends the
// connection, since the stream may hold half a stanza. While the Client
// reconnects, Send waits for the new connection (or ctx). Before Connect
// it returns ErrNotConnected.
func (c *Client) Send(ctx context.Context, s stanza.Stanza) error {
	return c.SendElement(ctx, s.Element())
}

// SendElement writes any top-level element, for nonzas and stanzas built
// by hand.
func (c *Client) SendElement(ctx context.Context, e *stanza.Element) error {
	if !isStanza(e) {
		return c.writeNonza(ctx, e)
	}
	return c.sendStanza(ctx, func() *stanza.Element { return e })
}

// sendStanza writes the stanza pick returns once the write lock is held
// and there is room among the unacknowledged stanzas, or nothing if pick
// returns nil: so that what is sent may depend on what was sent before
// (RefreshPresence).
func (c *Client) sendStanza(ctx context.Context, pick func() *stanza.Element) error {
	ctx, stop := c.bound(ctx)
	defer stop()
	if err := c.lockWrite(ctx); err != nil {
		return err
	}
	// Wait for room among the unacknowledged stanzas.
	for {
		full, room := c.sm.full(c.opts.MaxUnacked)
		if !full {
			break
		}
		t := c.transport()
		_ = t.WriteElement(ctx, ackRequest())
		c.sm.requested(time.Now().UnixNano())
		c.unlockWrite()
		if err := c.awaitRoom(ctx, room); err != nil {
			return err
		}
		if err := c.lockWrite(ctx); err != nil {
			return err
		}
	}
	defer c.unlockWrite()
	given := pick()
	if given == nil {
		return nil
	}
	e := c.decorate(given)
	t := c.transport()
	c.sm.sent(e)
	if err := t.WriteElement(ctx, e); err != nil {
		if errors.Is(err, stanza.ErrUnencodable) {
			c.sm.unsend(e)
			return fmt.Errorf("xmpp: send: %w", err)
		}
		// A failed or abandoned write may have left part of a stanza on
		// the wire: the connection is unusable.
		c.connectionLost(t, fmt.Errorf("xmpp: send: %w", err))
		if c.sm.reconnectable() {
			return nil // queued: sent again after resumption, or reported lost
		}
		return c.sendErr(err)
	}
	c.lastSend.Store(time.Now().UnixNano())
	c.notePresence(given)
	if c.sm.requestDue(c.opts.AckEvery) {
		if t.WriteElement(ctx, ackRequest()) == nil {
			c.sm.requested(time.Now().UnixNano())
		}
	}
	return nil
}

// awaitRoom waits for room among the unacknowledged stanzas: for room to
// be closed by an acknowledgement.
func (c *Client) awaitRoom(ctx context.Context, room <-chan struct{}) error {
	defer c.beginWait(ctx)()
	select {
	case <-room:
		return nil
	case <-ctx.Done():
		return c.sendErr(ctx.Err())
	}
}

// notePresence remembers the last broadcast presence (no to), as the
// application gave it (without the payloads of AddPresencePayload, which
// are built anew each time it is sent), which a new session restores.
func (c *Client) notePresence(e *stanza.Element) {
	if e.Name.Local != "presence" || e.Attr("to") != "" {
		return
	}
	switch e.Attr("type") {
	case "", "unavailable":
		c.presMu.Lock()
		c.lastPresence = e
		c.presMu.Unlock()
	}
}

// writeNonza writes an element that stream management does not count.
func (c *Client) writeNonza(ctx context.Context, e *stanza.Element) error {
	return c.writeNonzaOf(ctx, func() *stanza.Element { return e })
}

// writeNonzaOf is writeNonza of the element build makes once the write
// lock is held, for a nonza that depends on state a reconnection (which
// holds the lock) may change.
func (c *Client) writeNonzaOf(ctx context.Context, build func() *stanza.Element) error {
	ctx, stop := c.bound(ctx)
	defer stop()
	if err := c.lockWrite(ctx); err != nil {
		return err
	}
	defer c.unlockWrite()
	t := c.transport()
	if err := t.WriteElement(ctx, build()); err != nil {
		if !errors.Is(err, stanza.ErrUnencodable) {
			c.connectionLost(t, fmt.Errorf("xmpp: send: %w", err))
		}
		return c.sendErr(err)
	}
	c.lastSend.Store(time.Now().UnixNano())
	return nil
}

func (c *Client) lockWrite(ctx context.Context) error {
	select {
	case <-c.done:
		return c.closedErr()
	default:
	}
	if !c.started.Load() {
		return ErrNotConnected
	}
	select {
	case c.wmu <- struct{}{}:
		return nil
	case <-ctx.Done():
		return c.sendErr(ctx.Err())
	}
}

func (c *Client) unlockWrite() { <-c.wmu }

// sendErr is the error of a send that failed with err: ErrClosed if the
// Client ended meanwhile.
func (c *Client) sendErr(err error) error {
	select {
	case <-c.done:
		return c.closedErr()
	default:
		return fmt.Errorf("xmpp: send: %w", err)
	}
}

// bound returns a context that also ends when the Client ends.
func (c *Client) bound(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(c.ctx, cancel)
	return ctx, func() { stop(); cancel() }
}

// Request sends the IQ get or set iq and waits for its answer. An empty
// iq.ID is filled with a fresh random one. The answer is accepted only
// from the address the request went to (RFC 6120 section 8.1.2.1: a request
// without a to address, or to our own bare JID or our domain, is answered
// by our server on the account's behalf); anything else with the same id
// is dropped and logged. A type='error' answer is returned as its
// *stanza.Error, which matches its condition with errors.Is. Request
// returns ctx's error when ctx ends first, ErrClosed when the Client ends,
// ErrNotConnected before Connect, and ErrSessionLost when the session was
// replaced before the answer came.
func (c *Client) Request(ctx context.Context, iq *stanza.IQ) (*stanza.IQ, error) {
	return c.request(ctx, iq, nil)
}

// request is Request; when mark is not nil, the reader queues it for the
// dispatcher as it delivers the answer (for Sync).
func (c *Client) request(ctx context.Context, iq *stanza.IQ, mark chan struct{}) (*stanza.IQ, error) {
	if iq.Type != stanza.IQGet && iq.Type != stanza.IQSet {
		return nil, errors.New("xmpp: request: iq type must be get or set")
	}
	if iq.ID == "" {
		iq.ID = stanza.NewID()
	}
	cl, err := c.register(iq, mark)
	if err != nil {
		return nil, err
	}
	if err := c.Send(ctx, iq); err != nil {
		c.forget(iq.ID, cl)
		return nil, err
	}
	defer c.beginWait(ctx)()
	select {
	case res := <-cl.ch:
		if res.Type == stanza.IQError {
			if res.Error == nil {
				return nil, errors.New("xmpp: request: error answer without an error element")
			}
			return res, res.Error
		}
		return res, nil
	case err := <-cl.fail:
		return nil, err
	case <-ctx.Done():
		c.forget(iq.ID, cl)
		return nil, ctx.Err()
	case <-c.done:
		c.forget(iq.ID, cl)
		return nil, c.closedErr()
	}
}

func (c *Client) register(iq *stanza.IQ, mark chan struct{}) (*call, error) {
	cl := &call{to: iq.To, ch: make(chan *stanza.IQ, 1), fail: make(chan error, 1), mark: mark}
	c.pmu.Lock()
	defer c.pmu.Unlock()
	if _, dup := c.pending[iq.ID]; dup {
		return nil, fmt.Errorf("xmpp: request: id %q is already waiting", iq.ID)
	}
	c.pending[iq.ID] = cl
	return cl, nil
}

func (c *Client) forget(id string, cl *call) {
	c.pmu.Lock()
	if c.pending[id] == cl {
		delete(c.pending, id)
	}
	c.pmu.Unlock()
}

// deliver hands an IQ result or error to the request waiting for it, if
// it comes from the address that request went to.
func (c *Client) deliver(iq *stanza.IQ) {
	c.pmu.Lock()
	cl := c.pending[iq.ID]
	if cl != nil && c.answersTo(cl.to, iq.From) {
		delete(c.pending, iq.ID)
	} else {
		cl = nil
	}
	c.pmu.Unlock()
	if cl == nil {
		c.opts.Logger.Warn("dropping iq answer nobody is waiting for from that address", "id", iq.ID, "from", iq.From.String())
		return
	}
	if cl.mark != nil {
		c.queue.push(item{mark: cl.mark})
	}
	cl.ch <- iq
}

// answersTo reports whether from may answer a request sent to to. A request
// without an address, or to our own account or domain, is answered by our
// server: no from, our bare JID or our domain. Any other request is
// answered by its addressee alone.
func (c *Client) answersTo(to, from jid.JID) bool {
	if from == to {
		return true
	}
	me := c.JID()
	own := me.Bare()
	if to.IsZero() || to == own || to == me.Domain() {
		return from.IsZero() || from == own || from == me.Domain()
	}
	return false
}
