package pubsub_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// waitTimeout bounds every wait of these tests.
const waitTimeout = 15 * time.Second

// timeout returns a context that ends after waitTimeout or with t.
func timeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	t.Cleanup(cancel)
	return ctx
}

// peer is a logged-in Client with a pubsub Client recording every event
// it accepts.
type peer struct {
	c  *xmpp.Client
	ps *pubsub.Client

	mu      sync.Mutex
	events  []pubsub.Event
	changed chan struct{}
}

// connect logs account i of tg in with resource, attaching pubsub (setup,
// if not nil, runs before Connect) and recording its events.
func connect(t *testing.T, tg xmpptest.Target, i int, resource string, opts *pubsub.Options, setup func(*peer)) *peer {
	t.Helper()
	a := tg.Account(i)
	o := &xmpp.Options{Password: a.Password, Resource: resource, Addr: tg.Addr(), TLSConfig: tg.TLSConfig()}
	if os.Getenv("PUBSUB_TRACE") != "" {
		o.Trace = os.Stderr
	}
	if s, ok := tg.(*xmpptest.Server); ok {
		o.Dial = s.DialPipe
	}
	c := xmpp.New(a.JID(), o)
	t.Cleanup(func() { c.Close() })
	p := &peer{c: c, ps: pubsub.New(c, opts), changed: make(chan struct{}, 1)}
	p.ps.HandleEvent(p.record)
	if setup != nil {
		setup(p)
	}
	if err := c.Connect(timeout(t)); err != nil {
		t.Fatalf("%s: %v", a.User, err)
	}
	// Available: services send notifications to the bare JID, which
	// reach only available resources.
	if err := c.Send(timeout(t), stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})); err != nil {
		t.Fatal(err)
	}
	return p
}

// record is an EventHandlerFunc that keeps ev.
func (p *peer) record(_ context.Context, ev pubsub.Event) {
	p.mu.Lock()
	p.events = append(p.events, ev)
	p.mu.Unlock()
	select {
	case p.changed <- struct{}{}:
	default:
	}
}

// event waits for an event of kind about node that match accepts (nil:
// any), and returns it.
func (p *peer) event(t *testing.T, kind pubsub.EventKind, node string, match func(pubsub.Event) bool) pubsub.Event {
	t.Helper()
	ctx := timeout(t)
	for {
		p.mu.Lock()
		for i, ev := range p.events {
			if ev.Kind == kind && ev.Node == node && (match == nil || match(ev)) {
				p.events = append(p.events[:i:i], p.events[i+1:]...)
				p.mu.Unlock()
				return ev
			}
		}
		seen := fmt.Sprint(kinds(p.events))
		p.mu.Unlock()
		select {
		case <-p.changed:
		case <-ctx.Done():
			t.Fatalf("no %v event of %q; got %s", kind, node, seen)
		}
	}
}

func kinds(evs []pubsub.Event) []string {
	var out []string
	for _, ev := range evs {
		var ids []string
		for _, it := range ev.Items {
			ids = append(ids, it.ID)
		}
		out = append(out, fmt.Sprintf("%v(%s from %s: items %q retracted %q)", ev.Kind, ev.Node, ev.From, ids, ev.Retracted))
	}
	return out
}

// none checks that no event has been recorded since the last event call
// took one, once c's server has sent everything up to now.
func (p *peer) none(t *testing.T) {
	t.Helper()
	if err := p.c.Sync(timeout(t)); err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.events) > 0 {
		t.Errorf("unexpected events: %v", kinds(p.events))
	}
}

// payload is a test item payload.
func payload(text string) *stanza.Element {
	return stanza.NewElement("urn:xmppkit:test", "entry").AddText(text)
}
