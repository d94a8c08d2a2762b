package xmpp

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/xmppkit/xmpp/sasl"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stream"
)

// EventKind says what happened to a Client's connection.
type EventKind int

// Connection events, reported to the handlers given to HandleEvent.
const (
	// EventDisconnected: the connection broke; the Client is
	// reconnecting. Err is the cause.
	EventDisconnected EventKind = iota + 1
	// EventResumed: the Client reconnected and the server resumed the
	// session (XEP-0198): nothing was lost; stanzas the server had not
	// acknowledged were sent again.
	EventResumed
	// EventNewSession: the Client reconnected but the session could not
	// be resumed, so a new session was bound (Err says why: a
	// *stream.ResumeError when the server refused, or the reason the
	// Client did not ask, such as a server that acknowledged more than
	// was sent or did not answer <resume/> in time). Lost holds the
	// stanzas the server never acknowledged: they may or may not have
	// arrived, and the application decides whether to send them again.
	// Requests that were waiting failed with ErrSessionLost; the last
	// broadcast presence was sent again.
	EventNewSession
	// EventConnected: Connect bound the Client's first session. It comes
	// before any stanza of that session, so that a package may act
	// before the server's first stanzas are handled (the mam package
	// catches up with the archive there).
	EventConnected
)

// String returns the event's name, such as "resumed".
func (k EventKind) String() string {
	switch k {
	case EventDisconnected:
		return "disconnected"
	case EventResumed:
		return "resumed"
	case EventNewSession:
		return "new session"
	case EventConnected:
		return "connected"
	}
	return "unknown"
}

// Event is a change in a Client's connection.
type Event struct {
	Kind EventKind
	Err  error
	// Lost are the stanzas that may not have arrived (EventNewSession).
	Lost []*stanza.Element
	// Resent are the stanzas sent again after a resumption, those the
	// server had not received (EventResumed).
	Resent []*stanza.Element
}

// ErrSessionLost fails requests that were waiting when the connection
// broke and the server could not resume the session: their answers will
// never come.
var ErrSessionLost = errors.New("xmpp: session lost before the answer came")

// errNotEnabled is why a new session replaced one whose connection broke
// before the server had answered <enable/>: there was nothing to resume.
var errNotEnabled = errors.New("xmpp: the connection broke before stream management was enabled; nothing to resume")

// emit queues ev for the event handlers, in order with the stanzas.
func (c *Client) emit(ev Event) {
	c.opts.Logger.Info("connection event", "event", ev.Kind.String(), "error", ev.Err, "lost", len(ev.Lost))
	c.queue.push(item{ev: &ev})
}

// reconnect replaces the broken transport old, which broke with cause:
// it tries again with exponential backoff and full jitter until it
// connects, the Client ends, or the server refuses our credentials. It
// returns the new transport, or nil when the Client has ended.
func (c *Client) reconnect(old stream.Transport, cause error) stream.Transport {
	_ = old.Close()
	if errors.Is(cause, ErrDispatchOverflow) && !c.drained() {
		return nil
	}
	// Hold the write lock for the whole reconnection: senders wait for the
	// new connection (or their context), and stanzas sent again after a
	// resumption go out before any new one.
	select {
	case c.wmu <- struct{}{}:
	case <-c.ctx.Done():
		return nil
	}
	defer func() { <-c.wmu }()
	resumeTimeouts := 0
	for attempt := 0; ; attempt++ {
		if !c.sleep(backoff(attempt, c.opts.ReconnectMin, c.opts.ReconnectMax)) {
			return nil
		}
		ctx, cancel := context.WithTimeout(c.ctx, c.opts.ConnectTimeout)
		sess, err := connect(ctx, c.account, &c.opts, c.sm.resumeRequest(c.JID(), c.opts.ResumeTimeout))
		cancel()
		if err != nil {
			if c.ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, stream.ErrResumeTimeout) {
				// A server may be slow to let go of the old connection
				// and complete the resumption after we gave up (ejabberd
				// 23.01 over WebSocket does): the session then lives on,
				// holding our resource, and a new session would get
				// nothing sent to it. So it is asked for once more; after
				// a second silence its state is unknown and it is not
				// asked for again.
				resumeTimeouts++
				if resumeTimeouts >= maxResumeTimeouts {
					c.sm.abandon(err)
					c.abandonedAt.Store(time.Now().UnixNano())
				}
			}
			var f *sasl.Failure
			if errors.As(err, &f) || errors.Is(err, stream.ErrTLSRequired) {
				c.end(err, false)
				return nil
			}
			c.opts.Logger.Info("reconnection failed", "attempt", attempt+1, "error", err)
			continue
		}
		if t := c.install(sess); t != nil {
			return t
		}
	}
}

// maxResumeTimeouts is how many resumptions of one session may go
// unanswered before the session is given up.
const maxResumeTimeouts = 2

// install makes sess the Client's connection: after a resumption it sends
// again what the server had not received; after a new session it reports
// the stanzas that may be lost. It returns nil if the new connection
// failed at once (the caller tries again).
func (c *Client) install(sess *stream.Session) stream.Transport {
	t := sess.Transport
	c.use(sess)
	ctx, cancel := context.WithTimeout(c.ctx, c.opts.ConnectTimeout)
	defer cancel()
	if sess.Resumed {
		again, err := c.sm.resumed(sess.ServerH)
		if err != nil {
			c.smViolation(t, err)
			_ = t.Close()
			return nil
		}
		for _, e := range again {
			if err := t.WriteElement(ctx, e); err != nil {
				_ = t.Close()
				return nil
			}
		}
		c.emit(Event{Kind: EventResumed, Resent: again})
		return t
	}
	if re := sess.ResumeErr; re != nil && re.HasH {
		// <failed h/> says how many of our stanzas the server had
		// handled: those are not lost.
		_ = c.sm.ack(re.H)
	}
	why := c.sm.abandonedFor()
	lost := c.sm.disable()
	c.failPending(ErrSessionLost)
	c.enableSM(sess)
	c.presMu.Lock()
	pres := c.lastPresence
	c.presMu.Unlock()
	if pres != nil {
		pres = c.decoratePresence(pres)
		c.sm.sent(pres)
		if err := t.WriteElement(ctx, pres); err != nil {
			_ = t.Close()
			return nil
		}
	}
	if sess.ResumeErr != nil {
		why = sess.ResumeErr
	}
	if why == nil {
		why = errNotEnabled
	}
	c.emit(Event{Kind: EventNewSession, Err: why, Lost: lost})
	return t
}

// drained waits, after the queue went over its hard cap, until the
// handlers have brought it back under its bounds: reconnecting sooner
// would only fill it again. Meanwhile the server keeps what it could not
// send for resumption. It reports false if the Client ended first.
func (c *Client) drained() bool {
	for {
		if full, _ := c.queue.full(); !full {
			return true
		}
		select {
		case <-c.queue.space:
		case <-c.ctx.Done():
			return false
		}
	}
}

// failPending fails every waiting request with err.
func (c *Client) failPending(err error) {
	c.pmu.Lock()
	calls := c.pending
	c.pending = make(map[string]*call)
	c.pmu.Unlock()
	for _, cl := range calls {
		select {
		case cl.fail <- err:
		default:
		}
	}
}

// sleep waits d, or until the Client ends (then it reports false).
func (c *Client) sleep(d time.Duration) bool {
	if d <= 0 {
		return c.ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-c.ctx.Done():
		return false
	}
}

// backoff is the wait before reconnection attempt n: a random duration
// up to lo·2^n, capped at hi ("full jitter"), so that many clients cut
// off at once do not come back at once.
func backoff(n int, lo, hi time.Duration) time.Duration {
	ceil := lo
	for range n {
		if ceil >= hi/2 {
			ceil = hi
			break
		}
		ceil *= 2
	}
	ceil = min(ceil, hi)
	if ceil <= 0 {
		return 0
	}
	return rand.N(ceil)
}
