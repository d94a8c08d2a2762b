package xmpp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// numbered returns n chat messages "0" to "n-1" from from to to, as the
// server would write them.
func numbered(from, to jid.JID, n int) []*stanza.Element {
	out := make([]*stanza.Element, n)
	for i := range out {
		out[i] = chat(from, to, strconv.Itoa(i))
	}
	return out
}

// expectNumbers receives "0" to "n-1" from got, in order, each once.
func expectNumbers(t *testing.T, got <-chan string, n int) {
	t.Helper()
	for i := range n {
		select {
		case b := <-got:
			if b != strconv.Itoa(i) {
				t.Fatalf("message %d is %q", i, b)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("message %d of %d never came", i, n)
		}
	}
}

// TestSlowHandlerBackPressure: a handler that blocks while far more
// stanzas arrive than the queue holds costs neither a stanza nor the
// connection. The reader stops reading at the bound; once the handler
// goes on, everything arrives, in order, exactly once.
func TestSlowHandlerBackPressure(t *testing.T) {
	for _, sm := range []bool{false, true} {
		t.Run(fmt.Sprintf("sm=%t", sm), func(t *testing.T) {
			checkGoroutines(t)
			srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: sm})
			const n = 300
			got := make(chan string, n)
			release := make(chan struct{})
			var events atomic.Int32
			c := connectTest(t, srv, 0, func(o *Options) { o.QueueStanzas = 8 }, func(c *Client) {
				c.HandleMessage(Route{}, func(ctx context.Context, m *stanza.Message) {
					if m.Body() == "0" {
						<-release
					}
					got <- m.Body()
				})
				c.HandleEvent(func(_ context.Context, ev Event) {
					if ev.Kind != EventConnected {
						events.Add(1)
					}
				})
			})
			bob := jid.MustParse("bob@localhost/x")
			for _, e := range numbered(bob, c.JID(), n) {
				if err := srv.Inject(c.JID(), e); err != nil {
					t.Fatal(err)
				}
			}
			// The reader stops: the queue holds its bound, no more.
			// The reader stops, for good once the queue is full (the
			// first stop may come before the dispatcher takes "0").
			waitPaused(t, c)
			if s := c.queue.len(); s > 8 {
				t.Errorf("%d stanzas queued, bound 8", s)
			}
			close(release)
			expectNumbers(t, got, n)
			if err := c.Sync(context.Background()); err != nil {
				t.Fatal(err)
			}
			if e := events.Load(); e != 0 {
				t.Errorf("%d connection events", e)
			}
			if c.Err() != nil {
				t.Errorf("client ended: %v", c.Err())
			}
		})
	}
}

// TestHandlerRequestDuringBackPressure: a handler that waits for an IQ
// answer while the queue is full gets it: the reader reads past the
// bound while a handler waits on the Client.
func TestHandlerRequestDuringBackPressure(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	const n = 100
	got := make(chan string, n)
	answered := make(chan error, 1)
	release := make(chan struct{})
	c := connectTest(t, srv, 0, func(o *Options) { o.QueueStanzas = 4 }, func(c *Client) {
		c.HandleMessage(Route{}, func(ctx context.Context, m *stanza.Message) {
			if m.Body() == "0" {
				<-release // the queue fills meanwhile
				// context.Background: the Client knows the call comes from
				// a handler by the goroutine it runs on.
				answered <- c.Ping(context.Background(), jid.JID{})
			}
			got <- m.Body()
		})
	})
	bob := jid.MustParse("bob@localhost/x")
	for _, e := range numbered(bob, c.JID(), n) {
		if err := srv.Inject(c.JID(), e); err != nil {
			t.Fatal(err)
		}
	}
	waitPaused(t, c)
	close(release)
	select {
	case err := <-answered:
		if err != nil {
			t.Fatalf("ping from the handler: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a handler's request never got its answer behind a full queue")
	}
	expectNumbers(t, got, n)
}

// TestQueueHardCap: a handler that waits on the Client while more than
// QueueHardCap bytes arrive behind it. Without stream management the
// Client ends the stream with policy-violation; with it, it drops the
// connection, resumes once the handler is done, and loses nothing.
func TestQueueHardCap(t *testing.T) {
	t.Run("no sm", func(t *testing.T) {
		checkGoroutines(t)
		srv := xmpptest.StartServer(t, nil)
		dropped := dropRequests(srv)
		errs := streamErrors(srv)
		c := connectTest(t, srv, 0, func(o *Options) { o.QueueStanzas, o.QueueBytes, o.QueueHardCap = 4, 1000, 4000 },
			func(c *Client) {
				c.HandleMessage(Route{}, func(ctx context.Context, m *stanza.Message) {
					if m.Body() == "0" {
						// An answer that never comes, with the handler's
						// context: it ends when the Client does.
						_, _ = c.Request(ctx, stanza.NewIQ(stanza.IQGet, c.JID().Domain(), stanza.NewElement("urn:x", "q")))
					}
				})
			})
		bob := jid.MustParse("bob@localhost/x")
		for _, e := range numbered(bob, c.JID(), 200) {
			if err := srv.Inject(c.JID(), e); errors.Is(err, xmpptest.ErrNoSession) {
				break // the Client has ended its stream: what the test wants
			} else if err != nil {
				t.Fatal(err)
			}
		}
		<-dropped
		waitDone(t, c)
		if !errors.Is(c.Err(), ErrDispatchOverflow) {
			t.Errorf("Err = %v, want ErrDispatchOverflow", c.Err())
		}
		se, err := stanza.ParseStreamError(next(t, errs, "the client's stream error"))
		if err != nil || se.Condition != stanza.StreamPolicyViolation {
			t.Errorf("server got %v (%v), want policy-violation", se, err)
		}
	})
	t.Run("sm", func(t *testing.T) {
		checkGoroutines(t)
		srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
		dropRequests(srv)
		const n = 200
		got := make(chan string, n)
		events := make(chan Event, 8)
		// The handler gives up waiting once the Client has dropped its
		// first connection.
		giveUp := make(chan struct{})
		var first atomic.Bool
		c := connectTest(t, srv, 0, func(o *Options) {
			o.QueueStanzas, o.QueueBytes, o.QueueHardCap = 4, 1000, 4000
			o.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
				conn, err := srv.DialPipe(ctx, network, addr)
				if err == nil && first.CompareAndSwap(false, true) {
					conn = &closeWatch{Conn: conn, closed: giveUp}
				}
				return conn, err
			}
		},
			func(c *Client) {
				eventsTo(events)(c)
				c.HandleMessage(Route{}, func(ctx context.Context, m *stanza.Message) {
					if m.Body() == "0" {
						ctx, cancel := context.WithCancel(ctx)
						go func() { <-giveUp; cancel() }()
						_, _ = c.Request(ctx, stanza.NewIQ(stanza.IQGet, c.JID().Domain(), stanza.NewElement("urn:x", "q")))
						cancel()
					}
					got <- m.Body()
				})
			})
		bob := jid.MustParse("bob@localhost/x")
		for _, e := range numbered(bob, c.JID(), n) {
			if err := srv.Inject(c.JID(), e); err != nil {
				t.Fatal(err)
			}
		}
		// Events come in order with the stanzas, after the handler.
		ev := nextEvent(t, events)
		if ev.Kind != EventDisconnected || !errors.Is(ev.Err, ErrDispatchOverflow) {
			t.Fatalf("event %v (%v), want disconnected by overflow", ev.Kind, ev.Err)
		}
		if ev := nextEvent(t, events); ev.Kind != EventResumed {
			t.Fatalf("event %v (%v), want resumed", ev.Kind, ev.Err)
		}
		expectNumbers(t, got, n)
	})
}

// nextEvent receives the next event, failing t after ten seconds.
func nextEvent(t *testing.T, events <-chan Event) Event {
	t.Helper()
	select {
	case ev := <-events:
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no connection event")
		return Event{}
	}
}

// closeWatch is a net.Conn that closes closed when it is closed.
type closeWatch struct {
	net.Conn
	once   sync.Once
	closed chan struct{}
}

func (c *closeWatch) Close() error {
	c.once.Do(func() { close(c.closed) })
	return c.Conn.Close()
}

// waitPaused waits until c's reader has stopped for room in a full queue.
func waitPaused(t *testing.T, c *Client) {
	t.Helper()
	for {
		select {
		case <-c.pauses:
		case <-time.After(10 * time.Second):
			t.Fatal("the reader never stopped")
		}
		if full, _ := c.queue.full(); full && c.paused.Load() {
			return
		}
	}
}
