package xmpp

import (
	"context"
	"fmt"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// keepaliveLoop is the Client's timer goroutine. It answers the server's
// ack requests, asks for acks of stanzas that have waited AckInterval,
// sends a whitespace keepalive when we have been quiet, and probes the
// server when it has been: an XEP-0198 <r/> or an XEP-0199 ping, and a
// probe unanswered for PingTimeout means the connection is dead
// (ErrDeadConnection): a resumable session reconnects, any other ends.
// So does an ack request unanswered for PingTimeout while stanzas wait
// for it, however much else the server sends.
func (c *Client) keepaliveLoop() {
	defer close(c.keepDone)
	o := &c.opts
	tick := min(positive(o.KeepaliveInterval), positive(o.PingInterval), positive(o.AckInterval)) / 4
	tick = max(tick, 10*time.Millisecond)
	t := time.NewTicker(tick)
	defer t.Stop()
	var probeAt time.Time // when the outstanding probe went out
	for {
		select {
		case <-c.done:
			return
		case <-c.ackNeeded:
			c.sendAck()
		case now := <-t.C:
			if c.paused.Load() {
				// Not reading, for back-pressure: the server's silence
				// says nothing of the connection.
				c.lastRecv.Store(now.UnixNano())
				c.sm.restartWait(now.UnixNano())
			}
			if w := c.sm.unanswered(); w != 0 && now.Sub(time.Unix(0, w)) >= o.PingTimeout {
				// A server that keeps talking but no longer acknowledges
				// (Prosody 0.12.3's stream management wedged so in chaos
				// runs) would let the unacknowledged queue fill and every
				// Send block: the stream is given up like a dead one,
				// and a resumption learns what the server handled.
				c.sm.restartWait(now.UnixNano()) // once per PingTimeout
				c.connectionLost(c.transport(), fmt.Errorf("%w: no acknowledgement for %v", ErrDeadConnection, o.PingTimeout))
				continue
			}
			lastRecv := time.Unix(0, c.lastRecv.Load())
			if !probeAt.IsZero() {
				switch {
				case lastRecv.After(probeAt):
					probeAt = time.Time{} // answered
				case now.Sub(probeAt) >= o.PingTimeout:
					probeAt = time.Time{}
					c.connectionLost(c.transport(), ErrDeadConnection)
					continue
				}
			}
			if o.PingInterval > 0 && probeAt.IsZero() && now.Sub(lastRecv) >= o.PingInterval {
				if c.probe() {
					probeAt = now
				}
				continue
			}
			if n, lastReq := c.sm.pending(); n > 0 && now.Sub(time.Unix(0, lastReq)) >= o.AckInterval {
				c.requestAck()
				continue
			}
			if o.KeepaliveInterval > 0 && now.Sub(time.Unix(0, c.lastSend.Load())) >= o.KeepaliveInterval {
				c.whitespace()
			}
		}
	}
}

const forever = time.Duration(1<<63 - 1)

func positive(d time.Duration) time.Duration {
	if d <= 0 {
		return forever
	}
	return d
}

// timerCtx bounds a write of the timer goroutine.
func (c *Client) timerCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.ctx, c.opts.PingTimeout)
}

// sendAck answers an <r/> with our count. The count is read under the
// write lock: a reconnection, which holds it, may have started a new
// session since the server asked, and the old session's count written on
// the new stream would acknowledge stanzas that stream never carried (the
// server ends it with handled-count-too-high).
func (c *Client) sendAck() {
	ctx, cancel := c.timerCtx()
	defer cancel()
	_ = c.writeNonzaOf(ctx, func() *stanza.Element { return ackElement(c.sm.h()) })
}

// requestAck sends an <r/>.
func (c *Client) requestAck() {
	ctx, cancel := c.timerCtx()
	defer cancel()
	if c.writeNonza(ctx, ackRequest()) == nil {
		c.sm.requested(time.Now().UnixNano())
	}
}

// probe asks the server for a sign of life without waiting for it: an
// <r/> with stream management, otherwise a ping whose answer nobody reads.
// It reports whether the probe went out.
func (c *Client) probe() bool {
	ctx, cancel := c.timerCtx()
	defer cancel()
	if c.sm.resumable() {
		if c.writeNonza(ctx, ackRequest()) != nil {
			return false
		}
		c.sm.requested(time.Now().UnixNano())
		return true
	}
	iq := stanza.NewIQ(stanza.IQGet, jid.JID{}, stanza.NewElement(nsPing, "ping"))
	cl, err := c.register(iq, nil)
	if err != nil {
		return false
	}
	if err := c.Send(ctx, iq); err != nil {
		c.forget(iq.ID, cl)
		return false
	}
	return true
}

func (c *Client) whitespace() {
	ctx, cancel := c.timerCtx()
	defer cancel()
	if err := c.lockWrite(ctx); err != nil {
		return
	}
	defer c.unlockWrite()
	t := c.transport()
	if err := t.WriteKeepalive(ctx); err != nil {
		c.connectionLost(t, err)
		return
	}
	c.lastSend.Store(time.Now().UnixNano())
	c.keepalives.Add(1)
}

// Ping sends an XEP-0199 ping to to (the server for the zero JID) and
// waits for the answer. It returns the stanza error if the peer answers
// with one.
func (c *Client) Ping(ctx context.Context, to jid.JID) error {
	_, err := c.Request(ctx, stanza.NewIQ(stanza.IQGet, to, stanza.NewElement(nsPing, "ping")))
	return err
}
