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
	to jid.JID
	ch chan *stanza.IQ // one slot, filled once without blocking
}

// Send writes s to the stream. It returns when s is written, when ctx ends
// or when the Client ends (ErrClosed); a write cut short by ctx breaks the
// connection, since the stream may hold half a stanza.
func (c *Client) Send(ctx context.Context, s stanza.Stanza) error {
	return c.SendElement(ctx, s.Element())
}

// SendElement writes any top-level element, for nonzas and stanzas built
// by hand.
func (c *Client) SendElement(ctx context.Context, e *stanza.Element) error {
	select {
	case <-c.done:
		return c.closedErr()
	default:
	}
	// End the write when the Client ends, too.
	ctx, stop := c.bound(ctx)
	defer stop()
	if err := c.t.WriteElement(ctx, e); err != nil {
		select {
		case <-c.done:
			return c.closedErr()
		default:
		}
		if !errors.Is(err, stanza.ErrUnencodable) {
			// A failed or abandoned write may have left part of a
			// stanza on the wire: the stream is unusable.
			c.end(fmt.Errorf("xmpp: send: %w", err), false)
		}
		return fmt.Errorf("xmpp: send: %w", err)
	}
	c.lastSend.Store(time.Now().UnixNano())
	return nil
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
// returns ctx's error when ctx ends first, and ErrClosed when the Client
// ends.
func (c *Client) Request(ctx context.Context, iq *stanza.IQ) (*stanza.IQ, error) {
	if iq.Type != stanza.IQGet && iq.Type != stanza.IQSet {
		return nil, errors.New("xmpp: request: iq type must be get or set")
	}
	if iq.ID == "" {
		iq.ID = stanza.NewID()
	}
	cl := &call{to: iq.To, ch: make(chan *stanza.IQ, 1)}
	c.pmu.Lock()
	if _, dup := c.pending[iq.ID]; dup {
		c.pmu.Unlock()
		return nil, fmt.Errorf("xmpp: request: id %q is already waiting", iq.ID)
	}
	c.pending[iq.ID] = cl
	c.pmu.Unlock()
	forget := func() {
		c.pmu.Lock()
		if c.pending[iq.ID] == cl {
			delete(c.pending, iq.ID)
		}
		c.pmu.Unlock()
	}
	if err := c.Send(ctx, iq); err != nil {
		forget()
		return nil, err
	}
	select {
	case res := <-cl.ch:
		if res.Type == stanza.IQError {
			if res.Error == nil {
				return nil, errors.New("xmpp: request: error answer without an error element")
			}
			return res, res.Error
		}
		return res, nil
	case <-ctx.Done():
		forget()
		return nil, ctx.Err()
	case <-c.done:
		forget()
		return nil, c.closedErr()
	}
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
	own := c.jid.Bare()
	if to.IsZero() || to == own || to == c.jid.Domain() {
		return from.IsZero() || from == own || from == c.jid.Domain()
	}
	return false
}
