package xmpp

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// The flood tests send thousands of chat messages as fast as Send allows
// to a Client whose handler takes 2 ms a message, far slower than they
// arrive. The dispatch queue's back-pressure (the reader stops reading
// while the queue is full) must hold them all up without losing,
// repeating or reordering one, without a reconnection, and in bounded
// memory.

const (
	// floodMessages is how many messages the flood sends.
	floodMessages = 5000
	// floodWork is what each message costs Bob's handler: real work,
	// simulated, not a wait for anything.
	floodWork = 2 * time.Millisecond
	// floodDeadline bounds a whole flood, generously: servers that
	// archive every message have been seen to fall to 25-50 messages/s.
	floodDeadline = 3 * time.Minute
	// floodHeapBound is a generous bound on the heap a flood may add.
	floodHeapBound = 64 << 20
)

// TestIntegrationFlood proves that a handler slower than the sender
// costs nothing but time: with default Options, 5000 messages sent as
// fast as Send allows to a handler taking 2 ms each all arrive, in order,
// exactly once, with no connection event on either Client. It logs the
// throughput and Bob's peak heap growth per server (the three run in
// parallel in one process, so the heap figure is shared).
func TestIntegrationFlood(t *testing.T) {
	forEachServer(t, func(t *testing.T, srv *server, _ map[uint16][]string) {
		runFlood(t, srv, floodMessages, -1)
	}, floodStarts)
}

// floodStarts runs ejabberd without its message archive for the floods.
// With mod_mam, ejabberd 23.01 took about 35 of Alice's messages a second
// and delivered about 25 a second to Bob, at 136% CPU on a 2-core
// machine: 5000 messages would take over three minutes, which measures
// its archive, not the Client (without it: 423 messages a second).
// Prosody archives every message too, and keeps pace at 5000.
var floodStarts = map[string]func(testing.TB) *server{
	"ejabberd": func(tb testing.TB) *server {
		return realServer(xmpptest.StartEjabberd(tb, &xmpptest.RealServerOptions{NoArchive: true}))
	},
}

// TestIntegrationFloodWithRequest proves that a handler may wait on the
// server in the middle of a flood: at message 2500 Bob's handler pings
// the server, while the queue behind it is full and the server keeps
// sending; the ping is answered (no deadlock) and the flood ends as in
// TestIntegrationFlood.
func TestIntegrationFloodWithRequest(t *testing.T) {
	forEachServer(t, func(t *testing.T, srv *server, _ map[uint16][]string) {
		runFlood(t, srv, floodMessages, floodMessages/2)
	}, floodStarts)
}

// TestIntegrationFloodHeapBound proves that the memory a flood costs is
// bounded by the queue, not by the number of messages: floods of 1000 and
// 5000 messages, one after the other (not in parallel with other
// servers), both stay under floodHeapBound, and their peaks are logged
// side by side. They go through Prosody, out of process, so that the
// heap measured is the Clients' alone: the in-process server's queue for
// Bob would be in the same heap.
func TestIntegrationFloodHeapBound(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test; run without -short")
	}
	for _, n := range []int{1000, floodMessages} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			checkGoroutines(t)
			srv := realServer(xmpptest.StartProsody(t, nil))
			st := runFlood(t, srv, n, -1)
			if st.heapGrowth > floodHeapBound {
				t.Errorf("peak heap grew by %.1f MiB, bound %d MiB", mib(st.heapGrowth), floodHeapBound>>20)
			}
		})
	}
}

// floodStats is what one flood measured.
type floodStats struct {
	elapsed    time.Duration // from the first Send to the last message handled
	heapGrowth int64         // peak HeapInuse during the flood minus before it
}

// runFlood floods Bob (account 1 of srv) with n numbered messages from
// Alice (account 0) and checks that they all arrive, in order, once, with
// no connection event and no Client ended. With pingAt >= 0, Bob's
// handler pings the server when it gets message pingAt.
func runFlood(t *testing.T, srv *server, n, pingAt int) floodStats {
	recv := newFloodReceiver(n)
	var bobEvents, aliceEvents eventLog
	pinged := make(chan pingResult, 1)
	bob := mustLogin(t, srv, 1, nil, func(c *Client) {
		c.HandleEvent(bobEvents.handle)
		c.HandleMessage(Route{}, func(ctx context.Context, m *stanza.Message) {
			time.Sleep(floodWork) // the handler's cost, not a wait
			if i, ok := recv.record(m.Body()); ok && i == pingAt {
				pinged <- pingFromHandler(ctx, c)
			}
		})
	})
	alice := mustLogin(t, srv, 0, nil, func(c *Client) { c.HandleEvent(aliceEvents.handle) })

	if pingAt >= 0 {
		defer checkPing(t, pinged) // also when the flood fails
	}
	ctx, cancel := context.WithTimeout(context.Background(), floodDeadline)
	defer cancel()
	base := heapInuse()
	peakHeap := sampleHeap(50 * time.Millisecond)
	defer peakHeap()
	start := time.Now()
	s := sendNumbered(ctx, alice, bob.JID(), n)
	defer func() { cancel(); <-s.done }() // no sender left behind, even on failure
	waitFlood(t, ctx, recv, bob, s, start)
	elapsed := time.Since(start)
	peak := peakHeap()
	// Anything sent after the last number (a duplicate) arrives before
	// the answer to this round trip is handled.
	if err := bob.Sync(ctx); err != nil {
		t.Errorf("sync after the flood: %v", err)
	}

	st := floodStats{elapsed: elapsed, heapGrowth: int64(peak) - int64(base)}
	t.Logf("%s: %d messages in %v: %.0f messages/s; peak heap growth %.1f MiB",
		srv.Name, n, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), mib(st.heapGrowth))
	recv.check(t)
	bobEvents.check(t, "bob")
	aliceEvents.check(t, "alice")
	for _, c := range []*Client{alice, bob} {
		select {
		case <-c.Done():
			t.Errorf("%s: client ended: %v", c.JID(), c.Err())
		default:
		}
	}
	return st
}

// sender sends numbered messages from a goroutine.
type sender struct {
	done chan struct{} // closed when the goroutine is done
	took time.Duration // set before done closes
	err  error         // the first error, set before done closes
}

// sendNumbered sends n chat messages "0" to "n-1" from c to to, one
// after another as fast as Send allows, in a goroutine that stops at
// the first error (at the latest when ctx ends).
func sendNumbered(ctx context.Context, c *Client, to jid.JID, n int) *sender {
	s := &sender{done: make(chan struct{})}
	go func() {
		defer close(s.done)
		start := time.Now()
		defer func() { s.took = time.Since(start) }()
		for i := range n {
			if err := c.Send(ctx, stanza.NewMessage(stanza.MessageChat, to, strconv.Itoa(i))); err != nil {
				s.err = fmt.Errorf("send %d: %w", i, err)
				return
			}
		}
	}()
	return s
}

// waitFlood waits until every message has arrived, failing t if Bob's
// Client ends, the sender fails, or ctx ends first.
func waitFlood(t *testing.T, ctx context.Context, recv *floodReceiver, bob *Client, s *sender, start time.Time) {
	t.Helper()
	sent := s.done
	for {
		select {
		case <-recv.all:
			return
		case <-sent:
			if s.err != nil {
				t.Fatalf("after %v: %v (%d messages handled)", s.took, s.err, recv.handled())
			}
			t.Logf("the sender was done after %v; %d messages handled by then", s.took.Round(time.Millisecond), recv.handled())
			sent = nil
		case <-bob.Done():
			t.Fatalf("bob's client ended after %v, %d messages handled: %v", time.Since(start), recv.handled(), bob.Err())
		case <-ctx.Done():
			t.Fatalf("after %v, %d of %d messages handled", time.Since(start), recv.handled(), recv.n)
		}
	}
}

// floodReceiver records the numbered bodies Bob's handler gets.
type floodReceiver struct {
	n   int
	all chan struct{} // closed once n messages have arrived

	mu    sync.Mutex
	count int      // messages handled
	wrong []string // the first few that were not the next number
}

func newFloodReceiver(n int) *floodReceiver {
	return &floodReceiver{n: n, all: make(chan struct{})}
}

// record notes body, the count-th message, and returns its number; ok
// is false if it is not the number expected next.
func (r *floodReceiver) record(body string) (i int, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	i = r.count
	r.count++
	if r.count == r.n {
		close(r.all)
	}
	if body != strconv.Itoa(i) {
		if len(r.wrong) < 10 {
			r.wrong = append(r.wrong, fmt.Sprintf("message %d is %q", i, body))
		}
		return i, false
	}
	return i, true
}

// handled returns the number of messages handled so far.
func (r *floodReceiver) handled() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.count
}

// check fails t unless exactly "0" to "n-1" arrived, in order.
func (r *floodReceiver) check(t *testing.T) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.count != r.n || len(r.wrong) > 0 {
		t.Errorf("%d messages handled, want %d; out of order, repeated or foreign: %v", r.count, r.n, r.wrong)
	}
}

// pingResult is how a ping from Bob's handler went.
type pingResult struct {
	queued int  // stanzas waiting behind the handler when it pinged
	paused bool // the reader was stopped for room then
	took   time.Duration
	err    error
}

// pingFromHandler pings the server with the handler's context, bounded
// so that a deadlock fails the test instead of hanging it.
func pingFromHandler(ctx context.Context, c *Client) pingResult {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	p := pingResult{queued: c.queue.len(), paused: c.paused.Load()}
	start := time.Now()
	p.err = c.Ping(ctx, jid.JID{})
	p.took = time.Since(start)
	return p
}

// checkPing fails t unless the handler's ping was answered.
func checkPing(t *testing.T, pinged <-chan pingResult) {
	select {
	case p := <-pinged:
		if p.err != nil {
			t.Errorf("ping from the handler after %v: %v", p.took, p.err)
			return
		}
		t.Logf("ping from the handler in the middle of the flood answered in %v (%d stanzas queued behind it, reader paused: %t)",
			p.took.Round(time.Microsecond), p.queued, p.paused)
	default:
		t.Error("the handler never pinged, or its ping had not returned")
	}
}

// eventLog records a Client's connection events.
type eventLog struct {
	mu     sync.Mutex
	events []string
}

// handle is an EventHandlerFunc.
func (l *eventLog) handle(_ context.Context, ev Event) {
	if ev.Kind == EventConnected {
		return
	}
	l.mu.Lock()
	l.events = append(l.events, fmt.Sprintf("%v (%v)", ev.Kind, ev.Err))
	l.mu.Unlock()
}

// check fails t if any event was recorded.
func (l *eventLog) check(t *testing.T, who string) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.events) > 0 {
		t.Errorf("%s: %d connection events: %v", who, len(l.events), l.events)
	}
}

// heapInuse returns HeapInuse after a garbage collection.
func heapInuse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// sampleHeap samples HeapInuse every interval from a goroutine (a
// measurement: it waits for nothing). The function it returns stops the
// sampling and returns the peak seen; it may be called again.
func sampleHeap(interval time.Duration) func() uint64 {
	stop := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		tick := time.NewTicker(interval)
		defer tick.Stop()
		var m runtime.MemStats
		var highest uint64
		for {
			select {
			case <-tick.C:
				runtime.ReadMemStats(&m)
				if m.HeapInuse > highest {
					highest = m.HeapInuse
				}
			case <-stop:
				peak <- highest
				return
			}
		}
	}()
	return sync.OnceValue(func() uint64 {
		close(stop)
		return <-peak
	})
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// BenchmarkFlood measures messages from Alice to Bob through the
// in-process server, Bob's handler doing nothing: the whole path
// (Alice's encoding and stream management, the server's routing, Bob's
// decoding, queue and dispatch), over each transport in one run:
// net.Pipe ("pipe"), TLS over loopback TCP ("tcp") and XMPP over
// WebSocket on TLS over loopback ("websocket", which adds the server's
// bridge between WebSocket messages and its byte stream). Alice keeps at
// most floodWindow messages in flight, well within the in-process
// server's queue for Bob (it ends a session with 1024 stanzas waiting);
// the last window's delivery, after the loop, is not timed. Allocations
// are those of both Clients and the server.
func BenchmarkFlood(b *testing.B) {
	for _, tr := range []struct {
		name string
		addr func(*xmpptest.Server) string // "" for net.Pipe
	}{
		{"pipe", func(*xmpptest.Server) string { return "" }},
		{"tcp", (*xmpptest.Server).Addr},
		{"websocket", (*xmpptest.Server).WebSocketURL},
	} {
		b.Run(tr.name, func(b *testing.B) {
			srv := xmpptest.StartServer(b, &xmpptest.ServerOptions{StreamManagement: true})
			opts := func(i int) *Options {
				o := testOptions(srv, i)
				if addr := tr.addr(srv); addr != "" {
					o.Dial, o.Addr = nil, addr
				}
				return o
			}
			flood(b, srv, opts)
		})
	}
}

// flood is BenchmarkFlood over the transport opts gives.
func flood(b *testing.B, srv *xmpptest.Server, opts func(i int) *Options) {
	// One token per message in flight: Alice puts one in before she
	// sends, Bob's handler takes one out.
	inFlight := make(chan struct{}, floodWindow)
	bob := benchClient(b, srv, 1, opts(1), func(c *Client) {
		c.HandleMessage(Route{}, func(context.Context, *stanza.Message) { <-inFlight })
	})
	alice := benchClient(b, srv, 0, opts(0), nil)
	ctx := context.Background()
	m := stanza.NewMessage(stanza.MessageChat, bob.JID(), "flood")
	b.ReportAllocs()
	for b.Loop() {
		inFlight <- struct{}{}
		if err := alice.Send(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	for range floodWindow { // once all are in, the last messages have arrived
		select {
		case inFlight <- struct{}{}:
		case <-bob.Done():
			b.Fatalf("bob's client ended: %v", bob.Err())
		}
	}
}

// floodWindow is how many messages BenchmarkFlood keeps in flight.
const floodWindow = 256

// benchClient is connectTest for a benchmark, with opts for account i.
func benchClient(b *testing.B, srv *xmpptest.Server, i int, opts *Options, register func(*Client)) *Client {
	b.Helper()
	c := New(srv.Account(i).JID(), opts)
	b.Cleanup(func() { c.Close() })
	if register != nil {
		register(c)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Connect(ctx); err != nil {
		b.Fatalf("login as %s: %v", srv.Account(i).User, err)
	}
	return c
}
