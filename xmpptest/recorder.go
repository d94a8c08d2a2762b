package xmpptest

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/xmppkit/xmpp/stanza"
)

// Syncer is what a Recorder needs of a Client: *xmpp.Client's Sync,
// which returns once everything the server sent before the call has been
// handled.
type Syncer interface {
	Sync(ctx context.Context) error
}

// Recorder collects the messages and presence a Client receives, so that
// a test can wait for what it expects, with a context and no sleep, and
// check that something did not arrive. Register its Message and Presence
// methods as observers before the Client connects:
//
//	rec := xmpptest.NewRecorder(c)
//	c.ObserveMessage(xmpp.Route{}, rec.Message)
//	c.ObservePresence(xmpp.Route{}, rec.Presence)
//
// Observers see every stanza, claimed or not, before its owner. A
// Recorder keeps everything it is given for its life (it is meant for
// tests). Its methods are safe for concurrent use.
type Recorder struct {
	c Syncer

	mu       sync.Mutex
	messages []*stanza.Message
	presence []*stanza.Presence
	msgRead  int           // messages before it were returned by a wait
	presRead int           // presence likewise
	arrived  chan struct{} // closed and replaced when a stanza arrives
}

// NewRecorder returns an empty Recorder for the Client c.
func NewRecorder(c Syncer) *Recorder {
	return &Recorder{c: c, arrived: make(chan struct{})}
}

// Message records m; it is a message handler (xmpp.MessageHandlerFunc).
func (r *Recorder) Message(_ context.Context, m *stanza.Message) {
	r.mu.Lock()
	r.messages = append(r.messages, m)
	r.wakeLocked()
	r.mu.Unlock()
}

// Presence records p; it is a presence handler
// (xmpp.PresenceHandlerFunc).
func (r *Recorder) Presence(_ context.Context, p *stanza.Presence) {
	r.mu.Lock()
	r.presence = append(r.presence, p)
	r.wakeLocked()
	r.mu.Unlock()
}

func (r *Recorder) wakeLocked() {
	close(r.arrived)
	r.arrived = make(chan struct{})
}

// Messages returns every message recorded so far, in arrival order.
func (r *Recorder) Messages() []*stanza.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.messages)
}

// Presences returns every presence recorded so far, in arrival order.
func (r *Recorder) Presences() []*stanza.Presence {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.presence)
}

// WaitMessage returns the first message that match accepts (nil accepts
// any) among those that arrived after the one the previous WaitMessage
// returned, waiting for it until ctx ends. Successive calls thus read the
// messages as a stream.
func (r *Recorder) WaitMessage(ctx context.Context, match func(*stanza.Message) bool) (*stanza.Message, error) {
	return wait(ctx, r, &r.messages, &r.msgRead, match, "message")
}

// WaitPresence is WaitMessage for presence.
func (r *Recorder) WaitPresence(ctx context.Context, match func(*stanza.Presence) bool) (*stanza.Presence, error) {
	return wait(ctx, r, &r.presence, &r.presRead, match, "presence")
}

func wait[S any](ctx context.Context, r *Recorder, list *[]S, read *int, match func(S) bool, what string) (S, error) {
	for {
		r.mu.Lock()
		for i := *read; i < len(*list); i++ {
			if s := (*list)[i]; match == nil || match(s) {
				*read = i + 1
				r.mu.Unlock()
				return s, nil
			}
		}
		arrived := r.arrived
		r.mu.Unlock()
		select {
		case <-arrived:
		case <-ctx.Done():
			var zero S
			return zero, fmt.Errorf("xmpptest: waiting for a %s: %w", what, context.Cause(ctx))
		}
	}
}

// Settle waits until everything the server sent before the call has been
// recorded (the Client's Sync): after it, what has not been recorded was
// not sent before the call.
func (r *Recorder) Settle(ctx context.Context) error {
	return r.c.Sync(ctx)
}

// NoMessage settles the Recorder and returns an error naming the first
// message recorded so far that match accepts, or nil if there is none:
// the way to check that something was not received, without sleeping.
// The caller makes sure that what it expects not to see would have been
// sent before the call (for example after a request's answer arrived).
func (r *Recorder) NoMessage(ctx context.Context, match func(*stanza.Message) bool) error {
	if err := r.Settle(ctx); err != nil {
		return err
	}
	for _, m := range r.Messages() {
		if match == nil || match(m) {
			return fmt.Errorf("xmpptest: unexpected message from %s (id %q)", m.From, m.ID)
		}
	}
	return nil
}
