package receipts

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// ErrUnknownID is returned by Tracker.Wait for an id the Tracker did not
// send, or has forgotten.
var ErrUnknownID = errors.New("receipts: message not tracked")

// Tracker sends messages with a receipt request and lets the sender wait
// for their receipts:
//
//	t := receipts.New(c)
//	m := stanza.NewMessage(stanza.MessageChat, to, "hello")
//	if err := t.Send(ctx, m); err != nil { ... }
//	err := t.Wait(ctx, m.ID) // nil once delivered
//
// A receipt counts only when it comes from the recipient's bare JID or one
// of its resources (a message to a resource that went away is delivered to
// another one). An error bounced by the recipient or its server for the
// message ends the wait with that error. Its methods are safe for
// concurrent use.
type Tracker struct {
	c       *xmpp.Client
	mu      sync.Mutex
	pending map[string]*delivery
}

// delivery is a message waiting for its receipt.
type delivery struct {
	to      jid.JID       // bare JID whose receipt counts
	done    chan struct{} // closed once settled
	settled bool
	err     error // nil for a receipt, the bounce's error otherwise
}

// New returns a Tracker for messages sent through c and adds to c
// the message observers that watch for their receipts and bounces (see
// xmpp.Client.ObserveMessage: the messages still reach their owners).
func New(c *xmpp.Client) *Tracker {
	t := &Tracker{c: c, pending: make(map[string]*delivery)}
	c.ObserveMessage(xmpp.Route{Payload: stanza.Name{Space: NS, Local: "received"}}, t.handle)
	c.ObserveMessage(xmpp.Route{Type: string(stanza.MessageError)}, t.handle)
	return t
}

// Send requests a receipt for m (see Request, which may give m an id),
// starts tracking m.ID and sends m through the Client. It fails, sending
// nothing, if m.ID is already tracked, and with the error of Client.Send
// if sending fails. Every message sent must then be waited for with Wait,
// or forgotten with Forget: the Tracker remembers it until then.
func (t *Tracker) Send(ctx context.Context, m *stanza.Message) error {
	Request(m)
	to := m.To.Bare()
	if to.IsZero() {
		to = t.c.JID().Bare() // a message without to is for our own account
	}
	t.mu.Lock()
	if _, dup := t.pending[m.ID]; dup {
		t.mu.Unlock()
		return fmt.Errorf("receipts: message id %q is already tracked", m.ID)
	}
	t.pending[m.ID] = &delivery{to: to, done: make(chan struct{})}
	t.mu.Unlock()
	if err := t.c.Send(ctx, m); err != nil {
		t.Forget(m.ID)
		return err
	}
	return nil
}

// Wait blocks until the receipt of the message sent with id arrives
// (nil), an error comes back for it (that *stanza.Error), ctx ends
// (ctx.Err()), or the Client ends (its error, matching xmpp.ErrClosed).
// A receipt that arrived before Wait was called counts, even when ctx has
// ended already. Wait fails with
// ErrUnknownID if id is not tracked. Whatever it returns, the Tracker
// forgets id, so the next Wait for it gets ErrUnknownID.
func (t *Tracker) Wait(ctx context.Context, id string) error {
	t.mu.Lock()
	d := t.pending[id]
	t.mu.Unlock()
	if d == nil {
		return fmt.Errorf("%w: %q", ErrUnknownID, id)
	}
	defer t.Forget(id)
	select {
	case <-d.done: // settled already: that counts even if ctx has ended
		return d.err
	default:
	}
	select {
	case <-d.done:
		return d.err
	case <-ctx.Done():
		return ctx.Err()
	case <-t.c.Done():
		if err := t.c.Err(); err != nil {
			return err
		}
		return xmpp.ErrClosed
	}
}

// Forget stops tracking id; a receipt for it is then ignored.
func (t *Tracker) Forget(id string) {
	t.mu.Lock()
	delete(t.pending, id)
	t.mu.Unlock()
}

// handle settles the delivery a receipt or a bounce is about.
func (t *Tracker) handle(ctx context.Context, m *stanza.Message) {
	var id string
	var err error
	if m.Type == stanza.MessageError {
		if m.Error == nil {
			return // ParseMessage guarantees one; be safe all the same
		}
		id, err = m.ID, m.Error
	} else {
		var ok bool
		if id, ok = Received(m); !ok {
			return
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	d := t.pending[id]
	if d == nil || d.settled || m.From.Bare() != d.to {
		return // not ours, already settled, or not from the recipient
	}
	d.settled, d.err = true, err
	close(d.done)
}
