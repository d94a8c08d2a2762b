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
	opts Options
	jid  jid.JID
	t    stream.Transport

	handlers handlers

	pmu     sync.Mutex
	pending map[string]*call

	queue *queue

	// ctx is given to handlers and cancelled when the Client ends.
	ctx    context.Context
	cancel context.CancelFunc

	done      chan struct{} // closed when the Client ends
	endOnce   sync.Once
	cause     error         // why the Client ended; set before done closes
	readDone  chan struct{} // the reader has exited
	dispDone  chan struct{} // the dispatcher has exited
	keepDone  chan struct{} // the keepalive loop has exited
	inHandler atomic.Bool

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
	sess, err := connect(ctx, addr, &o, o.Addr, o.DirectTLS)
	var se *stanza.StreamError
	if errors.As(err, &se) && se.Condition == stanza.StreamSeeOtherHost && se.SeeOtherHost != "" {
		o.Logger.Info("following see-other-host", "host", se.SeeOtherHost)
		sess, err = connect(ctx, addr, &o, hostPort(se.SeeOtherHost), false)
	}
	if err != nil {
		return nil, err
	}
	c := newClient(sess, o)
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

func connect(ctx context.Context, addr jid.JID, o *Options, hostport string, direct bool) (*stream.Session, error) {
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
	})
}

// newClient starts the goroutines of a Client on a negotiated session.
func newClient(sess *stream.Session, o Options) *Client {
	c := &Client{
		opts:     o,
		jid:      sess.JID,
		t:        sess.Transport,
		pending:  make(map[string]*call),
		queue:    newQueue(o.QueueSize),
		done:     make(chan struct{}),
		readDone: make(chan struct{}),
		dispDone: make(chan struct{}),
		keepDone: make(chan struct{}),
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.handlers.init()
	now := time.Now().UnixNano()
	c.lastRecv.Store(now)
	c.lastSend.Store(now)
	go c.readLoop()
	go c.dispatchLoop()
	go c.keepaliveLoop()
	return c
}

// JID returns the full address the server bound for this Client.
func (c *Client) JID() jid.JID { return c.jid }

// Done returns a channel closed when the Client has ended, by Close or
// because the connection ended; Err then says why.
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

// Close ends the stream: it sends </stream:stream>, waits up to
// Options.CloseTimeout for the server to close its side, closes the
// connection, and fails pending requests with ErrClosed. It returns once
// the reader and keepalive goroutines have exited, and the dispatcher
// too unless Close is called while a handler runs (from a handler, say):
// that handler's context is cancelled and the dispatcher exits when it
// returns. Close is idempotent and safe from any goroutine.
func (c *Client) Close() error {
	c.end(nil, true)
	<-c.readDone
	<-c.keepDone
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
			c.opts.Logger.Info("closing", "jid", c.jid.String())
		} else {
			c.opts.Logger.Info("connection ended", "jid", c.jid.String(), "cause", cause)
		}
		go c.shutdown(graceful)
	})
}

// shutdown closes the transport, gracefully if asked: our closing tag,
// then up to CloseTimeout for the reader to see the server's.
func (c *Client) shutdown(graceful bool) {
	if graceful {
		ctx, cancel := context.WithTimeout(context.Background(), c.opts.CloseTimeout)
		defer cancel()
		if err := c.t.EndStream(ctx); err == nil {
			select {
			case <-c.readDone:
			case <-ctx.Done():
			}
		}
	}
	_ = c.t.Close()
}

// readLoop is the one reader of the stream. It routes IQ results straight
// to the waiting request and queues everything else for the dispatcher; it
// never waits for a handler.
func (c *Client) readLoop() {
	defer close(c.readDone)
	for {
		e, err := c.t.ReadElement()
		if err != nil {
			c.readFailed(err)
			return
		}
		c.lastRecv.Store(time.Now().UnixNano())
		if err := c.route(e); err != nil {
			c.end(err, false)
			return
		}
	}
}

// readFailed ends the Client after the reader stopped with err.
func (c *Client) readFailed(err error) {
	select {
	case <-c.done:
		return // we were closing; the error is the connection going away
	default:
	}
	var syn *stanza.SyntaxError
	switch {
	case err == io.EOF:
		// The server closed its stream: answer with ours and close.
		c.end(ErrPeerClosed, true)
		return
	case errors.As(err, &syn):
		ctx, cancel := context.WithTimeout(context.Background(), c.opts.CloseTimeout)
		_ = c.t.WriteElement(ctx, (&stanza.StreamError{Condition: syn.Condition}).Element())
		cancel()
		c.end(err, true)
		return
	}
	c.end(err, false)
}

// route handles one element from the reader.
func (c *Client) route(e *stanza.Element) error {
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
		c.opts.Logger.Debug("ignoring element", "name", e.Name.Local, "ns", e.Name.Space)
		return nil
	}
	s, err := stanza.Parse(e)
	if err != nil {
		c.badStanza(e, err)
		return nil
	}
	if iq, ok := s.(*stanza.IQ); ok && (iq.Type == stanza.IQResult || iq.Type == stanza.IQError) {
		c.deliver(iq)
		return nil
	}
	return c.enqueue(item{s: s})
}

// enqueue hands it to the dispatcher without waiting; when the queue is
// full the Client ends with ErrDispatchOverflow.
func (c *Client) enqueue(it item) error {
	if c.queue.push(it) {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.opts.CloseTimeout)
	_ = c.t.WriteElement(ctx, (&stanza.StreamError{Condition: stanza.StreamPolicyViolation, Text: "client cannot keep up"}).Element())
	cancel()
	c.end(ErrDispatchOverflow, true)
	return nil
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
	_ = c.enqueue(item{reply: reply})
}
