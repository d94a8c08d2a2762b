package xmpp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/sasl"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stream"
)

// Client is a connected, authenticated and bound XMPP client. Its methods
// are safe for concurrent use.
type Client struct {
	opts    Options
	account jid.JID // the address given to Dial, for reconnecting

	jidMu sync.RWMutex
	jid   jid.JID

	// wmu serializes writes and the switch to a new connection; it is a
	// one-slot channel so that taking it honours a context.
	wmu chan struct{}
	tMu sync.RWMutex
	t   stream.Transport

	handlers handlers

	pmu     sync.Mutex
	pending map[string]*call

	queue *queue
	sm    *smState

	presMu       sync.Mutex
	lastPresence *stanza.Element // the last broadcast presence we sent

	features atomic.Pointer[stanza.Element] // of the current connection

	// ctx is given to handlers and cancelled when the Client ends.
	ctx    context.Context
	cancel context.CancelFunc

	done      chan struct{} // closed when the Client ends
	endOnce   sync.Once
	cause     error         // why the Client ended; set before done closes
	readDone  chan struct{} // the reader has exited
	dispDone  chan struct{} // the dispatcher has exited
	keepDone  chan struct{} // the keepalive loop has exited
	shutDone  chan struct{} // the connection is closed after the end
	ackNeeded chan struct{} // one slot: the server asked for an ack
	inHandler atomic.Bool

	lostMu    sync.Mutex
	lostT     stream.Transport // the transport connectionLost closed
	lostCause error            // and why

	lastRecv   atomic.Int64 // unix nanoseconds of the last element read
	lastSend   atomic.Int64
	keepalives atomic.Int64 // whitespace keepalives sent
}

// Dial connects to the server of addr's domain, negotiates TLS, SASL and a
// resource, and returns the bound Client. ctx bounds the whole
// negotiation; it does not bound the Client's life (use Close). A stream
// error with see-other-host is followed once.
//
// Errors: a *sasl.Failure for refused credentials (errors.Is(err,
// sasl.ErrNotAuthorized)), *stanza.StreamError for a stream error,
// stream.ErrTLSRequired for a server without TLS, a *stanza.Error for a
// refused bind (errors.Is(err, stanza.ErrConflict)), and network errors.
func Dial(ctx context.Context, addr jid.JID, opts *Options) (*Client, error) {
	o := opts.withDefaults()
	sess, err := connect(ctx, addr, &o, nil)
	if err != nil {
		return nil, err
	}
	o.PreAuth = nil // the first connection only
	c := newClient(addr, sess, o)
	// With stream management, return once the server has answered
	// <enable/>: until then a broken connection cannot be resumed, and a
	// Client that has just been returned should survive one.
	if settled := c.sm.settled(); settled != nil {
		select {
		case <-settled:
		case <-c.Done():
			return nil, c.Err()
		case <-ctx.Done():
			c.Close()
			return nil, fmt.Errorf("xmpp: dial: waiting for stream management: %w", ctx.Err())
		}
	}
	o.Logger.Info("connected", "jid", sess.JID.String(), "mechanism", sess.Mechanism)
	return c, nil
}

// hostPort adds the default client port to a see-other-host value that
// has none ("example.net", "[2001:db8::1]").
func hostPort(h string) string {
	if _, _, err := net.SplitHostPort(h); err == nil {
		return h
	}
	return net.JoinHostPort(strings.Trim(h, "[]"), "5222")
}

// connect dials and negotiates a session, following one see-other-host.
func connect(ctx context.Context, addr jid.JID, o *Options, resume *stream.Resume) (*stream.Session, error) {
	sess, err := connectTo(ctx, addr, o, o.Addr, o.DirectTLS, resume)
	var se *stanza.StreamError
	if errors.As(err, &se) && se.Condition == stanza.StreamSeeOtherHost && se.SeeOtherHost != "" {
		o.Logger.Info("following see-other-host", "host", se.SeeOtherHost)
		sess, err = connectTo(ctx, addr, o, hostPort(se.SeeOtherHost), false, resume)
	}
	return sess, err
}

func connectTo(ctx context.Context, addr jid.JID, o *Options, hostport string, direct bool, resume *stream.Resume) (*stream.Session, error) {
	t, err := stream.Dial(ctx, addr.Domainpart(), &stream.DialOptions{
		Addr: hostport, DirectTLS: direct, TLSConfig: o.TLSConfig, Dial: o.Dial, Limits: o.Limits, Trace: o.Trace,
	})
	if err != nil {
		return nil, err
	}
	sc := sasl.Config{Password: o.Password}
	if o.SASL != nil {
		sc = *o.SASL
	}
	return stream.Negotiate(ctx, t, &stream.Config{
		JID: addr, Resource: o.Resource, SASL: sc, TLSConfig: o.TLSConfig,
		InsecureAllowCleartext: o.InsecureAllowCleartext, Lang: o.Lang, Logger: o.Logger,
		Resume: resume, PreAuth: o.PreAuth,
	})
}

// newClient starts the goroutines of a Client on a negotiated session.
func newClient(account jid.JID, sess *stream.Session, o Options) *Client {
	c := &Client{
		opts:      o,
		account:   account,
		jid:       sess.JID,
		t:         sess.Transport,
		wmu:       make(chan struct{}, 1),
		pending:   make(map[string]*call),
		queue:     newQueue(o.QueueSize),
		sm:        newSMState(),
		done:      make(chan struct{}),
		readDone:  make(chan struct{}),
		dispDone:  make(chan struct{}),
		keepDone:  make(chan struct{}),
		shutDone:  make(chan struct{}),
		ackNeeded: make(chan struct{}, 1),
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.handlers.init()
	c.features.Store(sess.Features)
	now := time.Now().UnixNano()
	c.lastRecv.Store(now)
	c.lastSend.Store(now)
	c.enableSM(sess)
	go c.runLoop(sess.Transport)
	go c.dispatchLoop()
	go c.keepaliveLoop()
	return c
}

// enableSM sends <enable/> on a new session when the server offers stream
// management and the Options allow it. The caller holds the write lock or
// runs before any other writer exists.
func (c *Client) enableSM(sess *stream.Session) {
	if c.opts.DisableStreamManagement || sess.Features.Child(stream.NSSM, "sm") == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.opts.PingTimeout)
	defer cancel()
	c.sm.enable()
	en := stanza.NewElement(stream.NSSM, "enable", stanza.A("resume", "true"))
	if err := sess.Transport.WriteElement(ctx, en); err != nil {
		c.sm.disable()
	}
}

// JID returns the full address the server bound for this Client. After a
// reconnection that had to start a new session it may have changed.
func (c *Client) JID() jid.JID {
	c.jidMu.RLock()
	defer c.jidMu.RUnlock()
	return c.jid
}

// Features returns a copy of the stream features the server offered
// after authentication on the current connection. Extension packages read
// optional features there, such as roster versioning
// (urn:xmpp:features:rosterver) or subscription pre-approval
// (urn:xmpp:features:pre-approval). After a reconnection they are those of
// the new connection.
func (c *Client) Features() *stanza.Element {
	if f := c.features.Load(); f != nil {
		return f.Copy()
	}
	return stanza.NewElement(stanza.NSStream, "features")
}

func (c *Client) transport() stream.Transport {
	c.tMu.RLock()
	defer c.tMu.RUnlock()
	return c.t
}

// Done returns a channel closed when the Client has ended, by Close or
// because the connection ended for good; Err then says why.
func (c *Client) Done() <-chan struct{} { return c.done }

// Err returns why the Client ended: nil while it runs and after a Close
// that went cleanly, otherwise an error wrapping ErrClosed and the cause.
func (c *Client) Err() error {
	select {
	case <-c.done:
		return c.closedErr()
	default:
		return nil
	}
}

// closedErr is the error of calls on an ended Client.
func (c *Client) closedErr() error {
	if c.cause == nil {
		return ErrClosed
	}
	return fmt.Errorf("%w: %w", ErrClosed, c.cause)
}

// Close ends the stream: with stream management it first asks the server
// to acknowledge what we sent; it sends </stream:stream>, waits up to
// Options.CloseTimeout for the server to close its side, closes the
// connection, and fails pending requests with ErrClosed. It returns once
// the reader and keepalive goroutines have exited, and the dispatcher
// too unless Close is called while a handler runs (from a handler, say):
// that handler's context is cancelled and the dispatcher exits when it
// returns. Close is idempotent and safe from any goroutine.
func (c *Client) Close() error {
	select {
	case <-c.done:
	default:
		c.flushAcks()
	}
	c.end(nil, true)
	<-c.readDone
	<-c.keepDone
	<-c.shutDone
	if !c.inHandler.Load() {
		<-c.dispDone
	}
	return nil
}

// end ends the Client once, for cause (nil for Close). With graceful set,
// it closes the stream and waits for the server's end before closing the
// connection; otherwise it closes the connection at once.
func (c *Client) end(cause error, graceful bool) {
	c.endOnce.Do(func() {
		c.cause = cause
		close(c.done)
		c.cancel()
		if cause == nil {
			c.opts.Logger.Info("closing", "jid", c.JID().String())
		} else {
			c.opts.Logger.Info("connection ended", "jid", c.JID().String(), "cause", cause)
		}
		go c.shutdown(graceful)
	})
}

// flushAcks asks the server, before an orderly close, to acknowledge the
// stanzas it has not, and waits a little for the answer.
func (c *Client) flushAcks() {
	if n, _ := c.sm.pending(); n == 0 || !c.sm.resumable() {
		return
	}
	ctx, cancel := context.WithTimeout(c.ctx, c.opts.CloseTimeout/2)
	defer cancel()
	if err := c.writeNonza(ctx, ackRequest()); err != nil {
		return
	}
	for {
		if n, _ := c.sm.pending(); n == 0 {
			return
		}
		select {
		case <-c.sm.room:
		case <-ctx.Done():
			return
		}
	}
}

// shutdown closes the transport, gracefully if asked: our closing tag,
// then up to CloseTimeout for the reader to see the server's.
func (c *Client) shutdown(graceful bool) {
	defer close(c.shutDone)
	// Take the write lock so no reconnection installs a new transport
	// behind our back; reconnect gives it up when the Client ends.
	c.wmu <- struct{}{}
	defer func() { <-c.wmu }()
	t := c.transport()
	if graceful {
		ctx, cancel := context.WithTimeout(context.Background(), c.opts.CloseTimeout)
		defer cancel()
		if err := t.EndStream(ctx); err == nil {
			select {
			case <-c.readDone:
			case <-ctx.Done():
			}
		}
	}
	_ = t.Close()
}

// runLoop is the one reader of the stream. It routes IQ results straight
// to the waiting request and queues everything else for the dispatcher; it
// never waits for a handler. When the connection breaks and the session
// can be resumed, it reconnects and goes on reading.
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
		c.emit(Event{Kind: EventDisconnected, Err: err})
		if t = c.reconnect(t); t == nil {
			return
		}
	}
}

// readFrom reads and routes elements from t until it fails.
func (c *Client) readFrom(t stream.Transport) error {
	for {
		e, err := t.ReadElement()
		if err != nil {
			return err
		}
		c.lastRecv.Store(time.Now().UnixNano())
		if err := c.route(t, e); err != nil {
			return err
		}
	}
}

// resumableAfter reports whether a connection that ended with err may be
// resumed: the session allows it and the server did not end it on purpose.
//
// A stream error says the server ended the stream on purpose, except
// not-well-formed and invalid-xml: the server could not read what it got,
// and with stream management the Client carries on over a new connection
// (resuming, or reporting what may be lost in a new session). Prosody
// 0.12.3 sends not-well-formed after resuming a stream whose previous
// connection broke at the wrong moment: mod_smacks moves the session to
// the new connection but keeps feeding its bytes to the first connection's
// parser (mod_c2s's session.data closure), whatever state that was left in.
func (c *Client) resumableAfter(err error) bool {
	if !c.sm.reconnectable() || err == io.EOF {
		return false
	}
	var se *stanza.StreamError
	if errors.As(err, &se) {
		return se.Condition == stanza.StreamNotWellFormed || se.Condition == stanza.StreamInvalidXML
	}
	var syn *stanza.SyntaxError
	return !errors.As(err, &syn)
}

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

// route handles one element from the reader.
func (c *Client) route(t stream.Transport, e *stanza.Element) error {
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
	return c.enqueue(t, item{s: s})
}

// routeSM handles the stream-management nonzas.
func (c *Client) routeSM(t stream.Transport, e *stanza.Element) error {
	switch e.Name.Local {
	case "r":
		select {
		case c.ackNeeded <- struct{}{}:
		default:
		}
	case "a":
		h, err := stream.ParseH(e)
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
// undefined-condition with handled-count-too-high).
func (c *Client) smViolation(t stream.Transport, err error) {
	c.opts.Logger.Warn("stream management violation", "error", err)
	se := &stanza.StreamError{Condition: stanza.StreamUndefinedCondition, Text: err.Error(),
		App: stanza.NewElement(stream.NSSM, "handled-count-too-high")}
	ctx, cancel := context.WithTimeout(context.Background(), c.opts.PingTimeout)
	_ = t.WriteElement(ctx, se.Element())
	cancel()
}

// enqueue hands it to the dispatcher without waiting. When the queue is
// full: with a resumable session the connection is dropped without
// counting the stanza, so the server sends it again after resumption;
// otherwise the Client ends with ErrDispatchOverflow.
func (c *Client) enqueue(t stream.Transport, it item) error {
	if c.queue.push(it) {
		c.sm.handled()
		return nil
	}
	if c.sm.resumable() {
		return ErrDispatchOverflow
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.opts.CloseTimeout)
	_ = t.WriteElement(ctx, (&stanza.StreamError{Condition: stanza.StreamPolicyViolation, Text: "client cannot keep up"}).Element())
	cancel()
	c.end(ErrDispatchOverflow, true)
	return ErrDispatchOverflow
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
