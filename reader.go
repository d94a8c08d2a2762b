package xmpp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/xmppkit/xmpp/internal/smcount"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stream"
)

// runLoop is the one reader of the stream. It routes IQ results straight
// to the waiting request and queues everything else for the dispatcher;
// it never runs a handler. When the connection breaks and the session
// can go on (stream management), it reconnects and goes on reading.
func (c *Client) runLoop(t stream.Transport) {
	defer close(c.readDone)
	for {
		err := c.readFrom(t)
		if cause := c.lostCauseOf(t); cause != nil {
			err = cause // the read failed because we closed t, for this
		}
		select {
		case <-c.done:
			return // we were closing; the error is the connection going away
		default:
		}
		if !c.resumableAfter(err) {
			c.readFailed(err)
			return
		}
		c.connected.Store(false)
		c.emit(Event{Kind: EventDisconnected, Err: err})
		if t = c.reconnect(t, err); t == nil {
			return
		}
	}
}

// readFrom reads and routes elements from t until it fails.
func (c *Client) readFrom(t stream.Transport) error {
	for {
		if err := c.waitForRoom(t); err != nil {
			return err
		}
		before := t.InputOffset()
		e, err := t.ReadElement()
		if err != nil {
			return err
		}
		c.lastRecv.Store(time.Now().UnixNano())
		if err := c.route(t, e, int(t.InputOffset()-before)); err != nil {
			return err
		}
	}
}

// waitForRoom holds the reader while the queue of stanzas waiting for
// handlers is full, so that TCP holds the server back. While a handler
// waits on the Client it lets the reader go on, since the answer the
// handler waits for may be behind what fills the queue; past
// Options.QueueHardCap it gives up (see overflow).
func (c *Client) waitForRoom(t stream.Transport) error {
	for {
		full, bytes := c.queue.full()
		if !full {
			return nil
		}
		if c.handlerWaits.Load() > 0 {
			if bytes < c.opts.QueueHardCap {
				return nil
			}
			return c.overflow(t)
		}
		c.paused.Store(true)
		notify(c.pauses)
		select {
		case <-c.queue.space:
		case <-c.waitChanged:
		case <-c.done:
			c.paused.Store(false)
			return ErrClosed
		}
		c.paused.Store(false)
		// The server was not silent: we were not reading.
		c.lastRecv.Store(time.Now().UnixNano())
	}
}

// overflow is the last resort when a handler waits on the Client while
// more than Options.QueueHardCap bytes of stanzas wait behind it: with a
// resumable session the connection is dropped, and the stanzas not yet
// read are sent again after resumption; otherwise the Client ends its
// stream with <policy-violation/> and ErrDispatchOverflow.
func (c *Client) overflow(t stream.Transport) error {
	c.opts.Logger.Warn("a handler waits while the queue is over its hard cap", "cap", c.opts.QueueHardCap)
	if c.sm.resumable() {
		return ErrDispatchOverflow
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.opts.CloseTimeout)
	_ = t.WriteElement(ctx, (&stanza.StreamError{Condition: stanza.StreamPolicyViolation, Text: "client cannot keep up"}).Element())
	cancel()
	c.end(ErrDispatchOverflow, true)
	return ErrDispatchOverflow
}

// beginWait notes that a call with ctx is about to wait for the server;
// if it comes from a handler the reader must go on reading meanwhile.
// The returned function ends the wait.
func (c *Client) beginWait(ctx context.Context) func() {
	if !c.fromHandler(ctx) {
		return func() {}
	}
	c.handlerWaits.Add(1)
	notify(c.waitChanged)
	return func() { c.handlerWaits.Add(-1) }
}

// resumableAfter reports whether a connection that ended with err may be
// resumed: the session allows it and the server did not end it on purpose.
//
// A stream error says the server ended the stream on purpose, except
// not-well-formed, invalid-xml and policy-violation: the server could not
// read what it got, or would not take it whole, and with stream
// management the Client carries on over a new connection (resuming, or
// reporting what may be lost in a new session). Prosody 0.12.3 sends
// not-well-formed after resuming a stream whose previous connection broke
// at the wrong moment: mod_smacks moves the session to the new connection
// but keeps feeding its bytes to the first connection's parser (mod_c2s's
// session.data closure), whatever state that was left in; when that
// parser was inside a stanza, everything after becomes part of it, and
// Prosody ends the stream with policy-violation, "XML stanza is too big".
// A stanza of ours that really is too big is not sent again: a server
// does not resume a stream it ended, and a new session reports it lost.
func (c *Client) resumableAfter(err error) bool {
	if !c.sm.reconnectable() || err == io.EOF {
		return false
	}
	var se *stanza.StreamError
	if errors.As(err, &se) {
		switch se.Condition {
		case stanza.StreamNotWellFormed, stanza.StreamInvalidXML, stanza.StreamPolicyViolation:
			return true
		case stanza.StreamConflict:
			// A resumption given up for lack of an answer may still be
			// completed by the server (ejabberd 23.01 does, under load),
			// and the old session, resumed on the abandoned connection,
			// then replaces the one that followed, with conflict. That
			// conflict is our own doing: connect again (the replaced
			// session cannot be resumed, so a new one reports what may
			// be lost). Any other conflict is another client taking our
			// resource, and ends the Client.
			at := c.abandonedAt.Load()
			return at != 0 && time.Since(time.Unix(0, at)) < selfConflictWindow
		}
		return false
	}
	var syn *stanza.SyntaxError
	return !errors.As(err, &syn)
}

// selfConflictWindow is how long after an abandoned resumption a
// conflict is taken as its late completion by the server.
const selfConflictWindow = 2 * time.Minute

// readFailed ends the Client after the reader stopped with err.
func (c *Client) readFailed(err error) {
	var syn *stanza.SyntaxError
	switch {
	case err == io.EOF:
		// The server closed its stream: answer with ours and close.
		c.end(ErrPeerClosed, true)
	case errors.As(err, &syn):
		ctx, cancel := context.WithTimeout(context.Background(), c.opts.CloseTimeout)
		_ = c.writeNonza(ctx, (&stanza.StreamError{Condition: syn.Condition}).Element())
		cancel()
		c.end(err, true)
	default:
		c.end(err, false)
	}
}

// connectionLost drops t after a failure seen outside the reader (a
// write, a dead connection): the reader then sees t fail, and resumes or
// ends the Client.
func (c *Client) connectionLost(t stream.Transport, cause error) {
	c.opts.Logger.Info("connection lost", "cause", cause)
	c.lostMu.Lock()
	if c.lostT != t {
		c.lostT, c.lostCause = t, cause
	}
	c.lostMu.Unlock()
	if !c.sm.reconnectable() {
		c.end(cause, false)
	}
	_ = t.Close()
}

// lostCauseOf returns why connectionLost closed t, if it did.
func (c *Client) lostCauseOf(t stream.Transport) error {
	c.lostMu.Lock()
	defer c.lostMu.Unlock()
	if c.lostT == t {
		return c.lostCause
	}
	return nil
}

// route handles one element from the reader; size is its size on the
// wire.
func (c *Client) route(t stream.Transport, e *stanza.Element, size int) error {
	switch e.Name {
	case stanza.Name{Space: stanza.NSStream, Local: "error"}:
		se, err := stanza.ParseStreamError(e)
		if err != nil {
			return fmt.Errorf("xmpp: bad stream error: %w", err)
		}
		return se
	case stanza.Name{Space: stanza.NSClient, Local: "iq"},
		stanza.Name{Space: stanza.NSClient, Local: "message"},
		stanza.Name{Space: stanza.NSClient, Local: "presence"}:
	default:
		if e.Name.Space == stream.NSSM {
			return c.routeSM(t, e)
		}
		c.opts.Logger.Debug("ignoring element", "name", e.Name.Local, "ns", e.Name.Space)
		return nil
	}
	s, err := stanza.Parse(e)
	if err != nil {
		c.sm.handled()
		c.badStanza(e, err)
		return nil
	}
	if iq, ok := s.(*stanza.IQ); ok && (iq.Type == stanza.IQResult || iq.Type == stanza.IQError) {
		c.sm.handled()
		c.deliver(iq)
		return nil
	}
	if m, ok := s.(*stanza.Message); ok && c.intercepted(m) {
		c.sm.handled()
		return nil
	}
	// Counted as handled once queued (XEP-0198): the queue is ours.
	c.queue.push(item{s: s, size: size})
	c.sm.handled()
	return nil
}

// routeSM handles the stream-management nonzas.
func (c *Client) routeSM(t stream.Transport, e *stanza.Element) error {
	switch e.Name.Local {
	case "r":
		notify(c.ackNeeded)
	case "a":
		h, err := smcount.ParseH(e)
		if err == nil {
			err = c.sm.ack(h)
		}
		if err != nil {
			c.smViolation(t, err)
			return err
		}
	case "enabled":
		c.sm.enabledBy(e)
		c.opts.Logger.Debug("stream management enabled", "resumable", c.sm.resumable())
	case "failed":
		c.sm.disable()
		c.opts.Logger.Info("stream management refused by the server")
	}
	return nil
}

// smViolation answers a bad ack with a stream error (XEP-0198 section 4:
// undefined-condition with handled-count-too-high). The session's counts
// are wrong from then on, so it is not resumed: the next connection
// starts a new session, and every stanza not acknowledged before is
// reported as possibly lost.
func (c *Client) smViolation(t stream.Transport, err error) {
	c.opts.Logger.Warn("stream management violation", "error", err)
	c.sm.abandon(err)
	se := &stanza.StreamError{Condition: stanza.StreamUndefinedCondition, Text: err.Error(),
		App: stanza.NewElement(stream.NSSM, "handled-count-too-high")}
	ctx, cancel := context.WithTimeout(context.Background(), c.opts.PingTimeout)
	_ = t.WriteElement(ctx, se.Element())
	cancel()
}

// badStanza answers an invalid IQ request with bad-request and drops
// anything else invalid.
func (c *Client) badStanza(e *stanza.Element, err error) {
	c.opts.Logger.Warn("dropping invalid stanza", "error", err)
	typ := stanza.IQType(e.Attr("type"))
	id := e.Attr("id")
	if e.Name.Local != "iq" || id == "" || (typ != stanza.IQGet && typ != stanza.IQSet) {
		return
	}
	reply := stanza.NewElement(stanza.NSClient, "iq", stanza.A("type", "error"), stanza.A("id", id))
	if from := e.Attr("from"); from != "" {
		reply.SetAttr("to", from)
	}
	reply.AddChild(stanza.NewError(stanza.ErrBadRequest, "").Element())
	c.queue.push(item{reply: reply})
}
