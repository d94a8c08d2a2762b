package presence_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/presence"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stream"
	"github.com/xmppkit/xmpp/xmpptest"
)

// waitTimeout bounds every wait for something to arrive.
const waitTimeout = 10 * time.Second

// ctx returns a context for one step of t.
func ctx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
	t.Cleanup(cancel)
	return ctx
}

// peer is one logged-in resource with a Tracker, what its Tracker
// reports, and the subscription presences it receives.
type peer struct {
	c       *xmpp.Client
	tr      *presence.Tracker
	changes chan presence.Change
	changed chan struct{} // one slot: the Tracker reported a change since the last receive
	subs    chan *stanza.Presence
	all     chan *stanza.Presence // every presence, for the record
}

// connect logs in as account i of tg with the resource res, through dial
// if not nil (the in-process Server's DialPipe), starts a Tracker and
// closes the Client when the test ends. It sends no presence.
func connect(t *testing.T, tg xmpptest.Target, dial stream.DialFunc, i int, res string) *peer {
	t.Helper()
	return connectWith(t, tg, dial, i, res, nil)
}

// connectWith is connect with the Options changed by change, if not nil.
func connectWith(t *testing.T, tg xmpptest.Target, dial stream.DialFunc, i int, res string, change func(*xmpp.Options)) *peer {
	t.Helper()
	a := tg.Account(i)
	opts := &xmpp.Options{
		Password:          a.Password,
		Resource:          res,
		Addr:              tg.Addr(),
		Dial:              dial,
		TLSConfig:         tg.TLSConfig(),
		KeepaliveInterval: -1,
		PingInterval:      -1,
		CloseTimeout:      time.Second,
	}
	if change != nil {
		change(opts)
	}
	c, err := xmpp.Dial(ctx(t), a.JID(), opts)
	if err != nil {
		t.Fatalf("%s: login as %s/%s: %v", tg.Name(), a.User, res, err)
	}
	t.Cleanup(func() { c.Close() })
	p := &peer{
		c:       c,
		tr:      presence.New(c),
		changes: make(chan presence.Change, 1000),
		changed: make(chan struct{}, 1),
		subs:    make(chan *stanza.Presence, 100),
		all:     make(chan *stanza.Presence, 1000),
	}
	p.tr.OnChange(func(ch presence.Change) { p.changes <- ch })
	// The Tracker records a change before it reports it, so a wait that
	// checks its state, then receives from changed, misses none.
	p.tr.OnChange(func(presence.Change) {
		select {
		case p.changed <- struct{}{}:
		default:
		}
	})
	c.HandlePresence(xmpp.Route{}, func(_ context.Context, pr *stanza.Presence) {
		switch pr.Type {
		case stanza.PresenceSubscribe, stanza.PresenceSubscribed, stanza.PresenceUnsubscribe, stanza.PresenceUnsubscribed:
			p.subs <- pr
		}
		select {
		case p.all <- pr:
		default:
		}
	})
	return p
}

// login is connect to the in-process Server srv over net.Pipe.
func login(t *testing.T, srv *xmpptest.Server, i int, res string) *peer {
	t.Helper()
	return connect(t, srv, srv.DialPipe, i, res)
}

// bare returns the peer's bare JID.
func (p *peer) bare() jid.JID { return p.c.JID().Bare() }

// next returns the next change p's Tracker reports.
func (p *peer) next(t *testing.T) presence.Change {
	t.Helper()
	select {
	case ch := <-p.changes:
		return ch
	case <-time.After(waitTimeout):
		t.Fatalf("%s: no change reported", p.c.JID())
		return presence.Change{}
	}
}

// expect checks that the next change p's Tracker reports is of kind
// from from, and returns it.
func (p *peer) expect(t *testing.T, kind presence.ChangeKind, from jid.JID) presence.Change {
	t.Helper()
	ch := p.next(t)
	if ch.Kind != kind || ch.JID != from {
		t.Fatalf("%s: got %s, want %s from %s", p.c.JID(), changeString(ch), kind, from)
	}
	return ch
}

// until consumes the changes p's Tracker reports until cond holds.
func (p *peer) until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(waitTimeout)
	for !cond() {
		select {
		case <-p.changes:
		case <-deadline:
			t.Fatalf("%s: timed out waiting for %s", p.c.JID(), what)
		}
	}
}

// quiet checks that p's Tracker reports no change within d.
func (p *peer) quiet(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case ch := <-p.changes:
		t.Fatalf("%s: unexpected %s", p.c.JID(), changeString(ch))
	case <-time.After(d):
	}
}

// sub waits for a subscription presence of type typ from from, skipping
// others.
func (p *peer) sub(t *testing.T, typ stanza.PresenceType, from jid.JID) {
	t.Helper()
	deadline := time.After(waitTimeout)
	for {
		select {
		case pr := <-p.subs:
			if pr.Type == typ && pr.From.Bare() == from {
				return
			}
		case <-deadline:
			t.Fatalf("%s: no %s from %s", p.c.JID(), typ, from)
		}
	}
}

// send sends a raw presence of type typ to to.
func (p *peer) send(t *testing.T, typ stanza.PresenceType, to jid.JID) {
	t.Helper()
	if err := p.c.Send(ctx(t), stanza.NewPresence(typ, to)); err != nil {
		t.Fatalf("%s: send %s: %v", p.c.JID(), typ, err)
	}
}

// mutual subscribes a and b to each other's presence with raw presence
// stanzas (RFC 6121 section 3.1): each request is answered once it
// arrives, and each side waits until its Tracker has the other's
// presence, which the server sends on approval. (The approval itself
// goes only to interested resources, those that fetched the roster, on
// Prosody; these do not.) Both must be available.
func mutual(t *testing.T, a, b *peer) {
	t.Helper()
	for _, pair := range [][2]*peer{{a, b}, {b, a}} {
		x, y := pair[0], pair[1]
		x.send(t, stanza.PresenceSubscribe, y.bare())
		y.sub(t, stanza.PresenceSubscribe, x.bare())
		y.send(t, stanza.PresenceSubscribed, x.bare())
		x.await(t, "the presence of "+y.c.JID().String(), func() bool {
			_, ok := x.tr.Resource(y.c.JID())
			return ok
		})
	}
}

// await waits until cond, which reads p's Tracker, holds, without
// consuming the changes reported: it checks cond again after each change
// the Tracker reports. (A round trip of p's, Client.Sync, would not do:
// what p awaits follows another Client's stanza, which a real server may
// route to p after it answered p's ping.)
func (p *peer) await(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(waitTimeout)
	for !cond() {
		select {
		case <-p.changed:
		case <-deadline:
			t.Fatalf("%s: timed out waiting for %s", p.c.JID(), what)
		}
	}
}

// available sends broadcast presence from p, failing t on error.
func (p *peer) available(t *testing.T, show stanza.Show, status string, priority int8) {
	t.Helper()
	if err := presence.Available(ctx(t), p.c, show, status, priority); err != nil {
		t.Fatalf("%s: available: %v", p.c.JID(), err)
	}
}

// jids returns the addresses of rs, in order.
func jids(rs []presence.Resource) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.JID.String()
	}
	return out
}

// changeString describes ch for failure messages.
func changeString(ch presence.Change) string {
	switch ch.Kind {
	case presence.ChangeAvailable:
		return fmt.Sprintf("available from %s (show %q, status %q, priority %d)", ch.JID, ch.Resource.Show, ch.Resource.Status, ch.Resource.Priority)
	case presence.ChangeError:
		return fmt.Sprintf("error from %s: %v", ch.JID, ch.Err)
	}
	return fmt.Sprintf("%s from %s", ch.Kind, ch.JID)
}

// drain returns the presences p has received so far, as XML.
func (p *peer) drain() []string {
	var out []string
	for {
		select {
		case pr := <-p.all:
			out = append(out, pr.Element().String())
		default:
			return out
		}
	}
}
