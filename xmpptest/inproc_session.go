package xmpptest

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

const (
	// closeTimeout bounds how long an ending session waits for its
	// client to read what is written to it.
	closeTimeout = 2 * time.Second
	// closeWait bounds how long an ending session waits for the client
	// to close its side of the stream after ours is closed.
	closeWait = 500 * time.Millisecond
)

// endMode says how a session ends.
type endMode int

const (
	// endClosed: write what is queued, the stream error if any, then
	// our closing tag.
	endClosed endMode = iota + 1
	// endOverflow: like endClosed, but drop what is queued: the client
	// is too slow to read it.
	endOverflow
	// endCut: close the connection at once, writing nothing.
	endCut
)

// security says how a session's connection is secured, and so whether
// its stream offers STARTTLS.
type security int

const (
	// secSTARTTLS: a byte stream in the clear, which must be upgraded
	// with STARTTLS before authentication.
	secSTARTTLS security = iota
	// secDirectTLS: TLS from the first byte (XEP-0368).
	secDirectTLS
	// secTransport: secured below the stream by its transport, a
	// WebSocket connection over TLS (wss:) or the HTTPS requests of a
	// BOSH session. The stream offers no STARTTLS, which RFC 7395
	// section 3.8 forbids and XEP-0206 has no place for.
	secTransport
)

// session is one client connection, from its first byte to its end. Two
// goroutines serve it: readLoop reads, negotiates and routes what the
// client sends; writeLoop writes everything the client receives, taken
// from a bounded queue, so that nobody else ever waits for this client.
type session struct {
	srv *Server
	id  uint64
	raw net.Conn // the connection as accepted; closing it ends everything
	sec security // how raw is secured

	// Reader-owned.
	conn net.Conn // raw, or the TLS connection over it
	dec  *stanza.Decoder

	// Writer-owned.
	wconn      net.Conn // raw, or the TLS connection over it
	enc        *stanza.Encoder
	headerSent bool // the current stream has our header

	q outQueue

	ctx    context.Context // cancelled when the session ends
	cancel context.CancelFunc

	quit       chan struct{} // closed when the session ends
	endOnce    sync.Once
	mode       endMode             // set before quit closes
	streamErr  *stanza.StreamError // sent last, if not nil
	readerDone chan struct{}       // closed when the reader is done with the stream
	inTLS      atomic.Bool         // a TLS handshake is running on raw

	amu  sync.Mutex
	addr jid.JID // zero, then the bare address after SASL, the full one after bind

	sm          smState
	hibernating atomic.Bool // connection lost; waiting for resumption (set under Server.mu)
	expiry      *time.Timer // ends the hibernation; guarded by Server.mu

	// Guarded by Server.mu once bound.
	acct       *account
	full       jid.JID
	bound      bool
	available  bool
	priority   int8
	presence   *stanza.Presence // the last available presence broadcast, from stamped
	interested bool             // asked for the roster: gets roster pushes
	versioned  bool             // asked with a roster version: pushes carry one
	directed   map[jid.JID]bool // addresses sent directed available presence
}

func newSession(srv *Server, conn net.Conn, id uint64) *session {
	ss := &session{
		srv:        srv,
		id:         id,
		raw:        conn,
		conn:       conn,
		wconn:      conn,
		dec:        stanza.NewDecoder(conn, nil),
		enc:        stanza.NewEncoder(conn),
		quit:       make(chan struct{}),
		readerDone: make(chan struct{}),
	}
	ss.q.init(srv.qsize)
	ss.ctx, ss.cancel = context.WithCancel(context.Background())
	return ss
}

// address returns the session's address for hooks and logs.
func (ss *session) address() jid.JID {
	ss.amu.Lock()
	defer ss.amu.Unlock()
	return ss.addr
}

func (ss *session) setAddress(j jid.JID) {
	ss.amu.Lock()
	ss.addr = j
	ss.amu.Unlock()
}

// ended reports whether the session has ended.
func (ss *session) ended() bool {
	select {
	case <-ss.quit:
		return true
	default:
		return false
	}
}

// end ends the session once: mode says how, se is the stream error to
// send last (nil for none). It never blocks: the writer does the
// rest, and a write that is stuck on a client that does not read fails
// after closeTimeout.
func (ss *session) end(mode endMode, se *stanza.StreamError) {
	ss.endOnce.Do(func() {
		ss.mode, ss.streamErr = mode, se
		close(ss.quit)
		ss.cancel()
		if mode == endCut {
			ss.raw.Close()
			return
		}
		_ = ss.raw.SetWriteDeadline(time.Now().Add(closeTimeout))
	})
}

// streamError returns a stream error with the condition c.
func streamError(c stanza.StreamCondition, text string) *stanza.StreamError {
	return &stanza.StreamError{Condition: c, Text: text}
}

// send queues e for the client. When the queue is full the client is too
// slow: the session ends with a policy-violation stream error.
func (ss *session) send(e *stanza.Element) {
	ss.push(outItem{el: e})
}

// push queues it, ending the session on overflow. A session waiting for
// resumption keeps what is queued for it (it is reached only through
// routing, under Server.mu), up to the same bound.
func (ss *session) push(it outItem) {
	if ss.hibernating.Load() {
		if !ss.q.push(it) {
			ss.srv.expireLocked(ss)
		}
		return
	}
	if ss.ended() {
		// A connection that broke before its reader noticed: the
		// session still waits for resumption (or is being taken over,
		// under Server.mu like this), so it keeps what comes for it.
		if ss.mode == endCut && ss.sm.keeps() {
			ss.q.push(it)
		}
		return
	}
	if !ss.q.push(it) {
		ss.srv.log.Info("client too slow, ending its session", "session", ss.id, "jid", ss.address().String())
		ss.end(endOverflow, streamError(stanza.StreamPolicyViolation, "too many stanzas waiting for this client"))
	}
}

// flush waits until everything queued so far is written. It reports false
// if the session ended first.
func (ss *session) flush() bool {
	return ss.flushed(context.Background(), ss.flushMark()) == nil
}

// flushMark queues a mark after what is queued so far and returns a
// channel closed once the writer reaches it.
func (ss *session) flushMark() <-chan struct{} {
	done := make(chan struct{})
	ss.q.pushAlways(outItem{fn: func() { close(done) }})
	return done
}

// flushed waits for the mark done: it returns nil once the writer has
// reached it, errQuit if the session ended first, ctx's error if ctx ended
// first.
func (ss *session) flushed(ctx context.Context, done <-chan struct{}) error {
	select {
	case <-done:
		return nil
	case <-ss.quit:
		return errQuit
	case <-ctx.Done():
		return ctx.Err()
	}
}

// writeLoop writes queued items until the session ends, then finishes the
// stream as end was told to.
func (ss *session) writeLoop() {
	defer ss.srv.wg.Done()
	defer ss.raw.Close()
	for {
		select {
		case <-ss.quit:
			ss.finish()
			return
		case <-ss.q.signal:
		}
		for !ss.ended() {
			it, ok := ss.q.peek()
			if !ok {
				if ss.sm.wantAck() {
					// Stream management: ask for an ack of what we
					// wrote, once the queue is empty.
					ss.q.pushAlways(outItem{el: stanza.NewElement(nsSM, "r")})
					continue
				}
				break
			}
			if it.el == nil {
				ss.q.pop()
			}
			if err := ss.write(it, true, it.el != nil); err != nil {
				ss.srv.log.Debug("write failed", "session", ss.id, "error", err)
				ss.end(endCut, nil)
			}
		}
	}
}

// errQuit reports a delay cut short by the end of the session.
var errQuit = errors.New("session ended")

// write writes one item. With hooks set, elements go through the hooks
// first (a delay blocks this session's writes only). With queued set, the
// element is the head of the queue, peeked: write removes it when it is
// counted, written or dropped, and leaves it queued when the session
// ends during a delay or moved to another connection, so that a
// resumption writes it again.
func (ss *session) write(it outItem, hooks, queued bool) error {
	switch {
	case it.fn != nil:
		it.fn()
		return nil
	case it.header != nil:
		ss.enc.Reset(ss.wconn)
		ss.headerSent = true
		return ss.enc.WriteHeader(*it.header)
	case it.raw != nil:
		return ss.enc.WriteRaw(it.raw)
	}
	take := func() {}
	if queued {
		take = func() { ss.q.pop() }
	}
	e := it.el
	if hooks {
		var ok bool
		if e, ok = ss.srv.runHooks(ss, ServerToClient, e); !ok {
			if queued && ss.ended() {
				return errQuit // cut short: still queued
			}
			take()
			return nil
		}
	}
	if ss.inTLS.Load() {
		take()
		return nil // nothing may be written during the handshake
	}
	err := ss.sm.write(e, take, func() error { return ss.enc.Encode(e) })
	if errors.Is(err, stanza.ErrUnencodable) {
		ss.srv.log.Warn("dropping an element that cannot be encoded", "session", ss.id, "error", err)
		return nil
	}
	if err == nil {
		ss.srv.log.Debug("out", "session", ss.id, "jid", ss.address().String(), "element", e.String())
	}
	return err
}

// finish ends the stream on the writer's side: what is queued (unless the
// client is too slow for it), then the stream error, then our closing tag,
// and a short wait for the client to close its side.
func (ss *session) finish() {
	if ss.mode == endCut || ss.inTLS.Load() {
		return
	}
	deadline := time.Now().Add(closeTimeout)
	_ = ss.raw.SetWriteDeadline(deadline)
	if ss.mode == endClosed {
		for {
			it, ok := ss.q.pop()
			if !ok {
				break
			}
			if it.fn != nil {
				continue // a flush waiting for a session that ended
			}
			if ss.write(it, true, false) != nil {
				return
			}
		}
	}
	if ss.streamErr != nil {
		if !ss.headerSent {
			// A stream error comes inside a stream (RFC 6120 4.9.1.1).
			if ss.write(outItem{header: ss.srv.header("")}, false, false) != nil {
				return
			}
		}
		if ss.enc.Encode(ss.streamErr.Element()) != nil {
			return
		}
		ss.srv.log.Debug("out", "session", ss.id, "stream error", ss.streamErr.Error())
	}
	if ss.headerSent && ss.enc.WriteEnd() != nil {
		return
	}
	t := time.NewTimer(closeWait)
	defer t.Stop()
	select {
	case <-ss.readerDone:
	case <-t.C:
	}
}

// readLoop runs the session on the reader's side: negotiation, then
// stanzas until the stream ends. Then it reads on and discards until the
// connection closes, so that the client never blocks writing its last
// words (over net.Pipe nothing is buffered).
func (ss *session) readLoop() {
	defer ss.srv.wg.Done()
	err := ss.negotiate()
	if err == nil {
		err = ss.serve()
	}
	ss.readFailed(err)
	ss.srv.detach(ss)
	close(ss.readerDone)
	_, _ = io.Copy(io.Discard, ss.conn)
}

// readFailed ends the session after the reader stopped with err.
func (ss *session) readFailed(err error) {
	var syn *stanza.SyntaxError
	var se *stanza.StreamError
	switch {
	case ss.ended():
	case err == io.EOF:
		ss.srv.log.Info("client closed its stream", "session", ss.id, "jid", ss.address().String())
		ss.end(endClosed, nil)
	case errors.As(err, &syn):
		ss.srv.log.Info("bad XML from client", "session", ss.id, "error", err)
		ss.end(endClosed, &stanza.StreamError{Condition: syn.Condition})
	case errors.As(err, &se):
		ss.srv.log.Info("ending session with a stream error", "session", ss.id, "jid", ss.address().String(), "error", err)
		ss.end(endClosed, se)
	default:
		ss.srv.log.Info("connection lost", "session", ss.id, "jid", ss.address().String(), "error", err)
		ss.end(endCut, nil)
	}
}

// next reads the next element from the client and passes it through the
// hooks; elements the hooks drop are skipped. A stream error from the
// client ends the stream like a closing tag.
func (ss *session) next() (*stanza.Element, error) {
	for {
		e, err := ss.dec.ReadElement()
		if err != nil {
			return nil, err
		}
		ss.srv.log.Debug("in", "session", ss.id, "jid", ss.address().String(), "element", e.String())
		if e.Name == (stanza.Name{Space: stanza.NSStream, Local: "error"}) {
			// Shown to the hooks, so that a test sees which stream
			// error the client sent; it ends the stream whatever
			// they decide.
			ss.srv.runHooks(ss, ClientToServer, e)
			return nil, io.EOF
		}
		e2, ok := ss.srv.runHooks(ss, ClientToServer, e)
		if !ok && ss.ended() {
			return nil, errQuit // a delay cut short: not taken
		}
		if isStanza(e) {
			// Counted only now, even if a hook drops it: the Server
			// took it. A counted stanza is routed, even when the
			// connection has broken since it was read: the client
			// learns from h that it arrived. One read after the
			// session moved to another connection is not counted
			// and not routed: the client sends it again there.
			if !ss.sm.handled() {
				return nil, errQuit
			}
		} else if ss.ended() {
			return nil, errQuit
		}
		if ok {
			return e2, nil
		}
	}
}

// outItem is one thing for the writer: an element, raw bytes, a stream
// header, or a function to run in order (a flush, an encoder reset).
type outItem struct {
	el     *stanza.Element
	raw    []byte
	header *stanza.StreamHeader
	fn     func()
}

// outQueue is a session's bounded queue of items to write.
type outQueue struct {
	mu     sync.Mutex
	items  []outItem
	max    int
	signal chan struct{} // one slot: something was queued
}

func (q *outQueue) init(max int) {
	q.max = max
	q.signal = make(chan struct{}, 1)
}

// push queues it and reports false, queueing nothing, when the queue is
// full.
func (q *outQueue) push(it outItem) bool {
	q.mu.Lock()
	if len(q.items) >= q.max {
		q.mu.Unlock()
		return false
	}
	q.items = append(q.items, it)
	q.mu.Unlock()
	q.wake()
	return true
}

// pushAlways queues items, one after the other with nothing between
// them, even when the queue is full (for the server's own bookkeeping
// items).
func (q *outQueue) pushAlways(items ...outItem) {
	q.mu.Lock()
	q.items = append(q.items, items...)
	q.mu.Unlock()
	q.wake()
}

func (q *outQueue) wake() {
	select {
	case q.signal <- struct{}{}:
	default:
	}
}

// peek returns the first item without removing it.
func (q *outQueue) peek() (outItem, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return outItem{}, false
	}
	return q.items[0], true
}

func (q *outQueue) pop() (outItem, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return outItem{}, false
	}
	it := q.items[0]
	q.items[0] = outItem{}
	q.items = q.items[1:]
	if len(q.items) == 0 {
		q.items = nil // let the backing array go
	}
	return it, true
}
