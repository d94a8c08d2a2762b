package muc

import (
	"context"
	"errors"
	"time"

	"github.com/xmppkit/xmpp/stanza"
)

// SelfPing checks whether the room still counts this occupant in
// (XEP-0410): it pings its own occupant JID through the room. It reports
// false when the room says it does not know us (not-acceptable, or
// item-not-found), true when the ping went through or the room answered
// for us; an error when it cannot tell (a timeout, the room's server
// unreachable).
func (r *Room) SelfPing(ctx context.Context) (bool, error) {
	if err := r.joined(); err != nil {
		return false, err
	}
	to, err := r.occupantJID(r.Nick())
	if err != nil {
		return false, err
	}
	err = r.rs.c.Ping(ctx, to)
	var se *stanza.Error
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &se):
		switch se.Condition {
		case stanza.ErrNotAcceptable, stanza.ErrItemNotFound:
			return false, nil
		case stanza.ErrServiceUnavailable, stanza.ErrFeatureNotImplemented:
			return true, nil // the ping reached a client of ours, which declined it
		}
	}
	return false, err
}

// startSelfPing starts the goroutine that self-pings every joined room,
// once; it ends with the Client.
func (rs *Rooms) startSelfPing() {
	if rs.selfPing < 0 {
		return
	}
	rs.mu.Lock()
	if rs.pinging {
		rs.mu.Unlock()
		return
	}
	rs.pinging = true
	rs.mu.Unlock()
	go func() {
		t := time.NewTicker(rs.selfPing)
		defer t.Stop()
		for {
			select {
			case <-rs.c.Done():
				return
			case <-t.C:
			}
			rs.pingAll()
		}
	}()
}

// verify self-pings r once, off the dispatch goroutine, and joins it
// again if the room forgot us.
func (rs *Rooms) verify(r *Room) {
	select {
	case <-rs.c.Done():
		return
	default:
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// A rejoin in progress answers for itself: wait for it to end.
	for {
		r.mu.Lock()
		state := r.state
		r.mu.Unlock()
		if state == stateJoined || state == stateOut {
			break
		}
		select {
		case <-ctx.Done():
			return
		case <-rs.c.Done():
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
	in, err := r.SelfPing(ctx)
	if err != nil || in {
		return
	}
	rs.log.Warn("muc: the room took this occupant out with a replaced session; joining again", "room", r.jid)
	r.rejoin(ctx)
}

// pingAll self-pings each joined room and joins again those that forgot
// us.
func (rs *Rooms) pingAll() {
	for _, r := range rs.Joined() {
		r.mu.Lock()
		joined := r.state == stateJoined
		r.mu.Unlock()
		if !joined {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		in, err := r.SelfPing(ctx)
		cancel()
		if err != nil || in {
			continue
		}
		rs.log.Warn("muc: the room forgot this occupant; joining again", "room", r.jid)
		ctx, cancel = context.WithTimeout(context.Background(), 30*time.Second)
		r.rejoin(ctx)
		cancel()
	}
}
