package xmpp

import (
	"context"
	"errors"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// keepaliveLoop sends whitespace keepalives when we have been quiet, and an
// XEP-0199 ping when the server has; a ping unanswered within PingTimeout
// ends the Client with ErrDeadConnection.
func (c *Client) keepaliveLoop() {
	defer close(c.keepDone)
	o := &c.opts
	tick := min(positive(o.KeepaliveInterval), positive(o.PingInterval)) / 4
	if tick == forever/4 {
		<-c.done
		return
	}
	tick = max(tick, 10*time.Millisecond)
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case now := <-t.C:
			if o.PingInterval > 0 && now.Sub(time.Unix(0, c.lastRecv.Load())) >= o.PingInterval {
				if err := c.ping(); err != nil {
					return
				}
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

func (c *Client) whitespace() {
	ctx, cancel := context.WithTimeout(c.ctx, c.opts.PingTimeout)
	defer cancel()
	if err := c.t.WriteKeepalive(ctx); err != nil {
		c.end(err, false)
		return
	}
	c.lastSend.Store(time.Now().UnixNano())
	c.keepalives.Add(1)
}

// ping asks the server for a sign of life. It returns an error when the
// Client ended.
func (c *Client) ping() error {
	ctx, cancel := context.WithTimeout(c.ctx, c.opts.PingTimeout)
	defer cancel()
	_, err := c.Request(ctx, stanza.NewIQ(stanza.IQGet, jid.JID{}, stanza.NewElement(nsPing, "ping")))
	var se *stanza.Error
	switch {
	case err == nil, errors.As(err, &se):
		// Any answer, even an error, shows the connection lives.
		return nil
	case errors.Is(err, context.DeadlineExceeded) && c.ctx.Err() == nil:
		c.end(ErrDeadConnection, false)
		return ErrDeadConnection
	default:
		return err
	}
}

// Ping sends an XEP-0199 ping to to (the server for the zero JID) and
// waits for the answer. It returns the stanza error if the peer answers
// with one.
func (c *Client) Ping(ctx context.Context, to jid.JID) error {
	_, err := c.Request(ctx, stanza.NewIQ(stanza.IQGet, to, stanza.NewElement(nsPing, "ping")))
	return err
}
