package xmpp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/sasl"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stream"
)

// Client is an XMPP client of one account. New builds it unconnected;
// handlers are registered and extension packages attached to it; Connect
// then connects, authenticates and binds a resource, and only from then
// on is anything read from the server. Dial does New and Connect at once,
// for a Client that needs nothing registered first.
//
// One goroutine reads the stream. IQ results go from it straight to the
// Request waiting for them; every other stanza, and every connection
// event, goes through a queue to one dispatch goroutine, which runs the
// handlers one at a time in arrival order. The queue is bounded in
// stanzas and bytes (Options.QueueStanzas, Options.QueueBytes): when it is
// full the reader stops reading and TCP holds the server back, so a slow
// handler costs neither a stanza nor a reconnection. Nothing the Client
// calls back runs on the reader or under a lock, so a handler may Send,
// Request or Close; while a handler waits on the Client (Request, Sync,
// a Send waiting for acknowledgements) the reader goes on reading, up to
// Options.QueueHardCap bytes, so that the answer can arrive.
//
// Handlers may be registered before Connect, so that none of the stanzas
// the server sends at once misses its handler, and at any time after it;
// they stay across reconnections. Messages and presence are routed by
// type, payload and sender (see Route): a payload's owner claims it, and
// the default handler gets what nobody claimed.
//
// Its methods are safe for concurrent use.
type Client struct {
	opts    Options
	account jid.JID // the address given to New, for (re)connecting

	jidMu sync.RWMutex
	jid   jid.JID

	// wmu serializes writes and the switch to a new connection; it is a
	// one-slot channel so that taking it honours a context.
	wmu chan struct{}
	tMu sync.RWMutex
	t   stream.Transport

	table    table
	featMu   sync.Mutex
	features []string // advertised in service discovery, sorted

	pmu     sync.Mutex
	pending map[string]*call

	queue *queue
	sm    *smState

	presMu         sync.Mutex
	lastPresence   *stanza.Element                         // the last broadcast presence we sent, as given to Send
	presPayloads   []func() *stanza.Element                // see AddPresencePayload
	msgPayloads    []func(*stanza.Element) *stanza.Element // see AddMessagePayload
	refreshPending atomic.Bool                             // a RefreshPresence goroutine is about to start
	background     sync.WaitGroup                          // RefreshPresence goroutines; Close waits for them

	conn      atomic.Pointer[stream.Session] // the current connection's negotiation
	connected atomic.Bool                    // the connection is up

	// ctx is cancelled when the Client ends; hctx, derived from it, is
	// the context handlers get.
	ctx    context.Context
	cancel context.CancelFunc
	hctx   context.Context
	rctx   context.Context // hctx, for messages given to DeliverRecovered

	lifeMu  sync.Mutex  // serializes Connect and the end
	started atomic.Bool // Connect succeeded: the goroutines run; set under lifeMu
	ended   bool

	done      chan struct{} // closed when the Client ends
	endOnce   sync.Once
	cause     error         // why the Client ended; set before done closes
	readDone  chan struct{} // the reader has exited
	dispDone  chan struct{} // the dispatcher has exited
	keepDone  chan struct{} // the keepalive loop has exited
	shutDone  chan struct{} // the connection is closed after the end
	ackNeeded chan struct{} // one slot: the server asked for an ack

	inHandler    atomic.Bool   // a handler is running
	dispatcher   atomic.Uint64 // the dispatch goroutine's number
	handlerWaits atomic.Int32  // calls from handlers waiting on the server
	waitChanged  chan struct{} // one slot: handlerWaits went up
	paused       atomic.Bool   // the reader waits for room in the queue
	pauses       chan struct{} // one slot: the reader stopped for room

	lostMu    sync.Mutex
	lostT     stream.Transport // the transport connectionLost closed
	lostCause error            // and why

	// abandonedAt (unix nanoseconds) is when a resumption that got no
	// answer in time was given up: the server may still complete it
	// and so replace the session that follows (see resumableAfter).
	abandonedAt atomic.Int64

	lastRecv   atomic.Int64 // unix nanoseconds of the last element read
	lastSend   atomic.Int64
	keepalives atomic.Int64 // whitespace keepalives sent
}

// New returns an unconnected Client for the account addr, configured by
// opts (nil for the defaults; New copies them). Register handlers and
// attach extension packages to it, then call Connect. Nothing is read from
// the network before Connect, so no stanza the server sends at once
// (offline messages, a roster push) can miss its handler.
func New(addr jid.JID, opts *Options) *Client {
	o := opts.withDefaults()
	c := &Client{
		opts:        o,
		account:     addr,
		jid:         addr,
		wmu:         make(chan struct{}, 1),
		pending:     make(map[string]*call),
		queue:       newQueue(o.QueueStanzas, o.QueueBytes),
		sm:          newSMState(),
		done:        make(chan struct{}),
		readDone:    make(chan struct{}),
		dispDone:    make(chan struct{}),
		keepDone:    make(chan struct{}),
		shutDone:    make(chan struct{}),
		ackNeeded:   make(chan struct{}, 1),
		waitChanged: make(chan struct{}, 1),
		pauses:      make(chan struct{}, 1),
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.hctx = context.WithValue(c.ctx, handlerKey{}, c)
	c.rctx = context.WithValue(c.hctx, recoveredKey{}, true)
	c.table.init()
	return c
}

// Dial returns a connected Client: New and Connect in one call, for a
// Client that needs no handler registered before it connects. ctx bounds
// the whole negotiation; it does not bound the Client's life (use Close).
// Dial returns the errors of Connect.
func Dial(ctx context.Context, addr jid.JID, opts *Options) (*Client, error) {
	c := New(addr, opts)
	if err := c.Connect(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// ErrNotConnected is returned by calls that need a connection on a Client
// that has not connected yet.
var ErrNotConnected = errors.New("xmpp: client not connected")

// errConnected is returned by a second Connect.
var errConnected = errors.New("xmpp: connect: already connected")

// Connect connects to the server of the account's domain, negotiates TLS,
// SASL and a resource, and starts reading. ctx bounds the whole
// negotiation; it does not bound the Client's life (use Close). A stream
// error with see-other-host is followed once. With stream management,
// Connect returns once the server has answered <enable/>. After a failed
// Connect the Client stays unconnected and Connect may be called again;
// after a successful one, and after Close, Connect fails.
//
// Errors: a *sasl.Failure for refused credentials (errors.Is(err,
// sasl.ErrNotAuthorized)), *stanza.StreamError for a stream error,
// stream.ErrTLSRequired for a server without TLS, a *stanza.Error for a
// refused bind (errors.Is(err, stanza.ErrConflict)), ErrClosed after
// Close, and network errors.
func (c *Client) Connect(ctx context.Context) error {
	c.lifeMu.Lock()
	switch {
	case c.ended:
		c.lifeMu.Unlock()
		return c.closedErr()
	case c.started.Load():
		c.lifeMu.Unlock()
		return errConnected
	}
	c.lifeMu.Unlock()
	ctx, stop := c.bound(ctx)
	defer stop()
	// wmu keeps a concurrent Connect out while this one negotiates.
	select {
	case c.wmu <- struct{}{}:
	case <-ctx.Done():
		if c.ctx.Err() != nil {
			return c.closedErr()
		}
		return fmt.Errorf("xmpp: connect: %w", ctx.Err())
	}
	sess, err := c.connectFirst(ctx)
	c.unlockWrite()
	if err != nil {
		return err
	}
	// With stream management, return once the server has answered
	// <enable/>: until then a broken connection cannot be resumed, and a
	// Client that has just connected should survive one.
	if settled := c.sm.settled(); settled != nil {
		select {
		case <-settled:
		case <-c.done:
			return c.closedErr()
		case <-ctx.Done():
			c.Close()
			return fmt.Errorf("xmpp: connect: waiting for stream management: %w", ctx.Err())
		}
	}
	c.opts.Logger.Info("connected", "jid", sess.JID.String(), "mechanism", sess.Mechanism)
	return nil
}

// connectFirst negotiates the first session and starts the Client's
// goroutines on it. The caller holds the write lock.
func (c *Client) connectFirst(ctx context.Context) (*stream.Session, error) {
	if c.started.Load() {
		return nil, errConnected
	}
	sess, err := connect(ctx, c.account, &c.opts, nil)
	if err != nil {
		if c.ctx.Err() != nil {
			return nil, c.closedErr()
		}
		return nil, err
	}
	c.lifeMu.Lock()
	defer c.lifeMu.Unlock()
	if c.ended {
		_ = sess.Transport.Close()
		return nil, c.closedErr()
	}
	c.started.Store(true)
	c.opts.PreAuth = nil // the first connection only
	c.use(sess)
	c.enableSM(sess)
	c.queue.push(item{ev: &Event{Kind: EventConnected}})
	go c.runLoop(sess.Transport)
	go c.dispatchLoop()
	go c.keepaliveLoop()
	return sess, nil
}

// use makes sess the Client's connection.
func (c *Client) use(sess *stream.Session) {
	c.tMu.Lock()
	c.t = sess.Transport
	c.tMu.Unlock()
	c.jidMu.Lock()
	c.jid = sess.JID
	c.jidMu.Unlock()
	c.conn.Store(sess)
	c.connected.Store(true)
	now := time.Now().UnixNano()
	c.lastRecv.Store(now)
	c.lastSend.Store(now)
}

// hostPort adds the default client port to a see-other-host value that
// has none ("example.net", "[2001:db8::1]").
func hostPort(h string) string {
	if _, _, err := net.SplitHostPort(h); err == nil {
		return h
	}
	return net.JoinHostPort(strings.Trim(h, "[]"), "5222")
}

// connect dials and negotiates a session, following one see-other-host
// (TCP) or see-other-uri (WebSocket, BOSH).
func connect(ctx context.Context, addr jid.JID, o *Options, resume *stream.Resume) (*stream.Session, error) {
	if isURL(o.Addr) {
		return connectURL(ctx, addr, o, o.Addr, resume)
	}
	sess, err := connectTo(ctx, addr, o, o.Addr, o.DirectTLS, resume)
	var se *stanza.StreamError
	if errors.As(err, &se) && se.Condition == stanza.StreamSeeOtherHost && se.SeeOtherHost != "" {
		o.Logger.Info("following see-other-host", "host", se.SeeOtherHost)
		sess, err = connectTo(ctx, addr, o, hostPort(se.SeeOtherHost), false, resume)
	}
	var de *dialError
	if errors.As(err, &de) && o.DiscoverAlternatives {
		// XEP-0156: host-meta only once the ways of RFC 6120 failed.
		alt, lerr := stream.LookupHostMeta(ctx, addr.Domainpart(), o.HostMeta)
		if lerr != nil || len(alt.WebSocket)+len(alt.BOSH) == 0 {
			return nil, errors.Join(err, lerr)
		}
		to := append(alt.WebSocket, alt.BOSH...)[0]
		o.Logger.Info("connecting as host-meta says", "url", to)
		return connectURL(ctx, addr, o, to, resume)
	}
	return sess, err
}

// isURL reports whether Options.Addr is a URL rather than a host:port.
func isURL(addr string) bool {
	return strings.Contains(addr, "://")
}

// dialError is the error of a TCP connection that could not be opened,
// before any negotiation.
type dialError struct{ err error }

func (e *dialError) Error() string { return e.err.Error() }
func (e *dialError) Unwrap() error { return e.err }

func connectTo(ctx context.Context, addr jid.JID, o *Options, hostport string, direct bool, resume *stream.Resume) (*stream.Session, error) {
	t, err := stream.Dial(ctx, addr.Domainpart(), &stream.DialOptions{
		Addr: hostport, DirectTLS: direct, TLSConfig: o.TLSConfig, Dial: o.Dial, Limits: o.Limits, Trace: o.Trace,
	})
	if err != nil {
		return nil, &dialError{err}
	}
	return negotiate(ctx, t, addr, o, resume)
}

// connectURL connects over WebSocket or BOSH, as the URL's scheme says.
// A see-other-uri is followed once, unless it would leave TLS.
func connectURL(ctx context.Context, addr jid.JID, o *Options, to string, resume *stream.Resume) (*stream.Session, error) {
	sess, err := dialURL(ctx, addr, o, to, resume)
	var so *stream.SeeOtherURIError
	if errors.As(err, &so) && mayFollow(to, so.URI) {
		o.Logger.Info("following see-other-uri", "uri", so.URI)
		sess, err = dialURL(ctx, addr, o, so.URI, resume)
	}
	return sess, err
}

func dialURL(ctx context.Context, addr jid.JID, o *Options, to string, resume *stream.Resume) (*stream.Session, error) {
	do := &stream.DialOptions{TLSConfig: o.TLSConfig, Dial: o.Dial, Limits: o.Limits, Trace: o.Trace, BOSH: o.BOSH}
	var t stream.Transport
	var err error
	u, err := url.Parse(to)
	if err != nil {
		return nil, fmt.Errorf("xmpp: Addr: %w", err)
	}
	switch u.Scheme {
	case "ws", "wss":
		t, err = stream.DialWebSocket(ctx, to, do)
	case "http", "https":
		t, err = stream.DialBOSH(ctx, to, addr.Domainpart(), do)
	default:
		return nil, fmt.Errorf("xmpp: Addr: URL scheme %q is none of ws, wss, http, https", u.Scheme)
	}
	if err != nil {
		return nil, err
	}
	return negotiate(ctx, t, addr, o, resume)
}

// mayFollow reports whether a redirection from the URL from to to keeps
// the transport and the protection of from: wss: may go to wss: only,
// https: to https: only.
func mayFollow(from, to string) bool {
	f, err1 := url.Parse(from)
	t, err2 := url.Parse(to)
	if err1 != nil || err2 != nil || t.Host == "" {
		return false
	}
	switch f.Scheme {
	case "ws":
		return t.Scheme == "ws" || t.Scheme == "wss"
	case "wss":
		return t.Scheme == "wss"
	case "http":
		return t.Scheme == "http" || t.Scheme == "https"
	case "https":
		return t.Scheme == "https"
	}
	return false
}

// negotiate runs stream negotiation on t with the Options.
func negotiate(ctx context.Context, t stream.Transport, addr jid.JID, o *Options, resume *stream.Resume) (*stream.Session, error) {
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

// enableSM sends <enable/> on a new session when the server offers stream
// management and the Options allow it. The caller holds the write lock.
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

// JID returns the full address the server bound for this Client; before
// Connect, the address given to New. After a reconnection that had to
// start a new session it may have changed.
func (c *Client) JID() jid.JID {
	c.jidMu.RLock()
	defer c.jidMu.RUnlock()
	return c.jid
}

// Features returns a copy of the stream features the server offered
// after authentication on the current connection, or an empty
// <stream:features/> before Connect. Extension packages read optional
// features there, such as roster versioning (urn:xmpp:features:rosterver)
// or subscription pre-approval (urn:xmpp:features:pre-approval). After a
// reconnection they are those of the new connection.
func (c *Client) Features() *stanza.Element {
	if s := c.conn.Load(); s != nil && s.Features != nil {
		return s.Features.Copy()
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

// Err returns why the Client ended: nil while it runs and after a Close,
// otherwise an error wrapping ErrClosed and the cause (a
// *stanza.StreamError, io.ErrUnexpectedEOF, ErrDeadConnection, ...).
func (c *Client) Err() error {
	select {
	case <-c.done:
		if c.cause == nil {
			return nil
		}
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
// every goroutine of the Client has exited, the dispatcher included
// (the handler running then gets its context cancelled, and Close waits
// for it to return), except when Close is called from a handler: then
// the dispatcher exits when that handler returns. Close is idempotent
// and safe from any goroutine.
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
	c.background.Wait()
	if !c.inHandler.Load() || goroutineID() != c.dispatcher.Load() {
		<-c.dispDone
	}
	return nil
}

// end ends the Client once, for cause (nil for Close). With graceful set,
// it closes the stream and waits for the server's end before closing the
// connection; otherwise it closes the connection at once.
func (c *Client) end(cause error, graceful bool) {
	c.endOnce.Do(func() {
		c.lifeMu.Lock()
		c.ended = true
		started := c.started.Load()
		c.cause = cause
		c.connected.Store(false)
		close(c.done)
		c.lifeMu.Unlock()
		c.cancel()
		if !started {
			for _, ch := range []chan struct{}{c.readDone, c.dispDone, c.keepDone, c.shutDone} {
				close(ch)
			}
			return
		}
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
		room := c.sm.roomSignal()
		if n, _ := c.sm.pending(); n == 0 {
			return
		}
		select {
		case <-room:
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
