// Package chaos_test holds the chaos test: two Clients exchange numbered
// messages while their connections are cut at random, against Prosody,
// ejabberd and the in-process server, with everything the SDK offers for
// reliability attached (stream management, reconnection, archive
// catch-up). It lives apart from the root package's tests because it
// attaches the mam package, which the root package's own tests cannot
// import.
package chaos_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/mam"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// peer is one side of the chaos test: a Client behind its own
// fault-injection proxy, with what it received and what it was told.
type peer struct {
	name  string
	c     *xmpp.Client
	mam   *mam.Querier
	proxy *xmpptest.Proxy

	mu         sync.Mutex
	got        []int       // numbers received from the other side, in order
	gotAt      []time.Time // when each of got arrived
	sentAt     []time.Time // when each number was given to Send
	recovered  int         // of which delivered from the archive
	lost       []int       // numbers reported lost by EventNewSession
	downAt     time.Time
	resumes    []time.Duration
	resumedAt  []time.Time // when each resumption completed
	newSess    int
	newSessWhy []string      // the Err of each EventNewSession
	arrivedCh  chan struct{} // signalled on every message
	log        []string      // messages and events in order, to explain a failure
	down       bool          // between EventDisconnected and reconnection
	up         chan struct{} // signalled on reconnection
}

// waitUp waits until the Client is connected (not reconnecting), so that
// the next cut hits a working connection rather than a reconnection in
// progress.
func (p *peer) waitUp(ctx context.Context) {
	for {
		p.mu.Lock()
		down := p.down
		p.mu.Unlock()
		if !down {
			return
		}
		select {
		case <-p.up:
		case <-ctx.Done():
			return
		}
	}
}

func (p *peer) onEvent(ev xmpp.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.log = append(p.log, "event:"+ev.Kind.String())
	switch ev.Kind {
	case xmpp.EventDisconnected:
		p.downAt = time.Now()
		p.down = true
	case xmpp.EventResumed:
		p.resumes = append(p.resumes, time.Since(p.downAt))
		p.resumedAt = append(p.resumedAt, time.Now())
		p.down = false
		notify(p.up)
	case xmpp.EventNewSession:
		p.newSess++
		p.newSessWhy = append(p.newSessWhy, fmt.Sprint(ev.Err))
		p.down = false
		notify(p.up)
		for _, e := range ev.Lost {
			if e.Name.Local != "message" {
				continue
			}
			if n, ok := number(e.ChildText(stanza.NSClient, "body"), p.name); ok {
				p.lost = append(p.lost, n)
			}
		}
		// A report settles numbers as an arrival does: wake the wait.
		notify(p.arrivedCh)
	}
}

func notify(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// number reads "<sender>-<n>".
func number(body, sender string) (int, bool) {
	rest, ok := strings.CutPrefix(body, sender+"-")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil
}

// env returns the integer in the environment variable name, or def.
func env(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

// TestChaos: two Clients exchange numbered messages in both directions
// while proxies cut their connections at random points, at least 20
// times. Afterwards every message arrived exactly once and in order per
// sender, or was reported lost to its sender by a new session (which
// says such a message may or may not have arrived); nothing is missing
// without a report, nothing arrives twice. What a server acknowledged
// and then lost with a session comes back from its archive (mam
// catch-up).
//
// CHAOS_MESSAGES sets the total (default 4000); CHAOS_LOAD=n runs n
// busy goroutines beside it with GOMAXPROCS raised above the cores, to
// starve the Clients and the servers of CPU; CHAOS_SLOW=µs makes the
// receiving handlers that slow per message; CHAOS_TRANSPORTS=websocket
// (or bosh, or both, comma-separated) runs it over those transports too,
// besides TCP. The default is TCP alone: over WebSocket on a loaded
// machine, ejabberd 23.01 resends a resumed session's unacknowledged
// stanzas after newer ones, and its resumptions (and the archive's
// answers) slow down until the run does not settle in its time.
func TestChaos(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real servers; run without -short")
	}
	total := env("CHAOS_MESSAGES", 4000)
	if n := env("CHAOS_LOAD", 0); n > 0 {
		prev := runtime.GOMAXPROCS(runtime.NumCPU() * 4)
		t.Cleanup(func() { runtime.GOMAXPROCS(prev) })
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				x := 0
				for {
					select {
					case <-stop:
						return
					default:
					}
					for i := range 100000 {
						x += i
					}
				}
			}()
		}
		t.Cleanup(func() { close(stop); wg.Wait() })
		t.Logf("under load: %d busy goroutines, GOMAXPROCS %d", n, runtime.GOMAXPROCS(0))
	}
	slow := time.Duration(env("CHAOS_SLOW", 0)) * time.Microsecond
	trs := xmpptest.TCP
	for _, name := range strings.Split(os.Getenv("CHAOS_TRANSPORTS"), ",") {
		switch strings.TrimSpace(name) {
		case "websocket":
			trs |= xmpptest.WebSocket
		case "bosh":
			trs |= xmpptest.BOSH
		}
	}
	xmpptest.ForEachServerOver(t, &xmpptest.ServerOptions{StreamManagement: true}, trs, func(t *testing.T, srv xmpptest.Target) {
		run(t, srv, total/2, slow)
	})
}

func run(t *testing.T, srv xmpptest.Target, perSide int, slow time.Duration) {
	peers := [2]*peer{{name: "a"}, {name: "b"}}
	for i, p := range peers {
		p.arrivedCh = make(chan struct{}, 1)
		p.up = make(chan struct{}, 1)
		var through string
		p.proxy, through = xmpptest.ProxyAddr(t, srv.Addr())
		from := peers[1-i].name
		a := srv.Account(i)
		c := xmpp.New(a.JID(), &xmpp.Options{
			Password:     a.Password,
			TLSConfig:    srv.TLSConfig(),
			Addr:         through,
			Resource:     "chaos",
			ReconnectMin: 5 * time.Millisecond,
			ReconnectMax: 200 * time.Millisecond,
		})
		p.c = c
		p.mam = mam.New(c, &mam.Options{CatchUp: true, Logger: slog.New(slog.NewTextHandler(logWriter{t, p.name}, &slog.HandlerOptions{Level: slog.LevelWarn}))})
		c.HandleEvent(func(_ context.Context, ev xmpp.Event) { p.onEvent(ev) })
		c.HandleMessage(xmpp.Route{}, func(ctx context.Context, m *stanza.Message) {
			n, ok := number(m.Body(), from)
			if !ok {
				return
			}
			// The application's work on a message, as CPU time: a
			// busy handler, not a wait.
			for start := time.Now(); time.Since(start) < slow; {
			}
			p.mu.Lock()
			p.got = append(p.got, n)
			p.gotAt = append(p.gotAt, time.Now())
			if xmpp.Recovered(ctx) {
				p.recovered++
				p.log = append(p.log, "recovered:"+strconv.Itoa(n))
			} else {
				p.log = append(p.log, strconv.Itoa(n))
			}
			p.mu.Unlock()
			notify(p.arrivedCh)
		})
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := c.Connect(ctx)
		cancel()
		if err != nil {
			t.Fatalf("%s: login: %v", srv.Name(), err)
		}
	}
	defer func() {
		for _, p := range peers {
			p.c.Close()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	// Each Client's catch-up starts from the archive's end when its
	// session started (mam notes it on EventConnected): a real peer
	// learns a session's full JID only from the presence sent after
	// that; these senders know it at once, so they wait for it.
	for _, p := range peers {
		if err := p.c.Sync(ctx); err != nil {
			t.Fatalf("%s: sync: %v", p.name, err)
		}
	}

	// Senders, paced so that the cuts fall throughout the exchange.
	var wg sync.WaitGroup
	sendDone := make(chan struct{})
	var sendErr atomic.Value
	for i, p := range peers {
		to := peers[1-i].c.JID()
		wg.Add(1)
		go func() {
			defer wg.Done()
			tick := time.NewTicker(time.Millisecond)
			defer tick.Stop()
			for n := range perSide {
				<-tick.C
				m := stanza.NewMessage(stanza.MessageChat, to, fmt.Sprintf("%s-%d", p.name, n))
				p.mu.Lock()
				p.sentAt = append(p.sentAt, time.Now())
				p.mu.Unlock()
				if err := p.c.Send(ctx, m); err != nil {
					sendErr.Store(fmt.Errorf("%s: send %d: %w", p.name, n, err))
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(sendDone) }()

	// Cut the sender's and the receiver's connections in turn, at random
	// moments, until the senders are done (and at least 20 times). Each
	// cut waits until that Client has reconnected from the previous one.
	cuts := 0
	for done := false; (!done || cuts < 20) && cuts < 400; {
		select {
		case <-sendDone:
			done = true
		case <-time.After(time.Duration(40+cuts*7%60) * time.Millisecond):
		}
		p := peers[cuts%2]
		p.waitUp(ctx)
		p.proxy.CutAll()
		cuts++
	}
	<-sendDone
	if err, _ := sendErr.Load().(error); err != nil {
		t.Fatal(err)
	}

	// Settled: every number arrived (once or more) or was reported lost.
	settled := func() bool {
		for i, p := range peers {
			other := peers[1-i]
			done := make(map[int]bool, perSide)
			other.mu.Lock()
			for _, n := range other.got {
				done[n] = true
			}
			other.mu.Unlock()
			p.mu.Lock()
			for _, n := range p.lost {
				done[n] = true
			}
			p.mu.Unlock()
			if len(done) < perSide {
				return false
			}
		}
		return true
	}
	for !settled() {
		select {
		case <-peers[0].arrivedCh:
		case <-peers[1].arrivedCh:
		case <-ctx.Done():
			t.Errorf("%s: messages still missing when the time ran out", srv.Name())
			goto count
		}
	}
	// Whatever a server would deliver twice comes now, if at all: both
	// Clients handle everything their server has sent them.
	for _, p := range peers {
		// A session the server drops meanwhile (ejabberd refused a
		// last resumption once) ends a Sync: the new one is synced.
		err := p.c.Sync(ctx)
		for errors.Is(err, xmpp.ErrSessionLost) && ctx.Err() == nil {
			err = p.c.Sync(ctx)
		}
		if err != nil {
			t.Errorf("%s: sync: %v", p.name, err)
		}
	}

count:
	for i, p := range peers {
		recv := peers[1-i]
		recv.mu.Lock()
		got := slices.Clone(recv.got)
		gotAt := slices.Clone(recv.gotAt)
		resumedAt := slices.Clone(recv.resumedAt)
		recovered := recv.recovered
		recvNew := recv.newSess
		recv.mu.Unlock()
		p.mu.Lock()
		sentAt := slices.Clone(p.sentAt)
		resumedAt = append(resumedAt, p.resumedAt...)
		lost := slices.Clone(p.lost)
		resumes := slices.Clone(p.resumes)
		newSess := p.newSess
		why := slices.Clone(p.newSessWhy)
		p.mu.Unlock()
		if len(why) > 0 {
			t.Logf("%s: %s: new sessions after %q", srv.Name(), p.name, why)
		}
		// A message is out of order if a later one of the same sender
		// arrived before it. ejabberd may do that to a message it routes
		// while the sender's or the recipient's session is being resumed
		// (see docs/reliability.md); nothing else may, and no server may
		// otherwise.
		dups, disorder, acrossResumption := 0, 0, 0
		seen := make(map[int]bool)
		highest := -1
		for j, n := range got {
			if seen[n] {
				dups++
				continue
			}
			seen[n] = true
			if n > highest {
				highest = n
				continue
			}
			if srv.Name() == "ejabberd" && resumedBetween(resumedAt, sentAt[n], gotAt[j]) {
				acrossResumption++
				continue
			}
			disorder++
			if disorder > 5 {
				continue
			}
			recv.mu.Lock()
			for k, l := range recv.log {
				if strings.HasSuffix(l, ":"+strconv.Itoa(n)) || l == strconv.Itoa(n) {
					t.Logf("%s received, around %d: %v", recv.name, n, recv.log[max(0, k-8):min(len(recv.log), k+4)])
				}
			}
			recv.mu.Unlock()
		}
		lostSet := make(map[int]bool)
		arrivedLost := 0
		for _, n := range lost {
			lostSet[n] = true
			if seen[n] {
				arrivedLost++
			}
		}
		var missing []int
		for n := range perSide {
			if !seen[n] && !lostSet[n] {
				missing = append(missing, n)
			}
		}
		slices.Sort(resumes)
		median := time.Duration(0)
		if len(resumes) > 0 {
			median = resumes[len(resumes)/2]
		}
		st := recv.mam.CatchUpStats()
		t.Logf("%s: %s→%s: %d sent, %d received (%d recovered from the archive in %d catch-ups, %d failed; %d duplicates dropped by %s), %d duplicates, %d out of order (and %d reordered by the server across a resumption), %d reported lost (%d of them arrived), %d missing; %s: %d resumptions (median %v), %d new sessions; %s: %d new sessions; %d cuts in all",
			srv.Name(), p.name, recv.name, perSide, len(got), recovered, st.Runs, st.Failed, st.Duplicates, recv.name,
			dups, disorder, acrossResumption, len(lost), arrivedLost, len(missing), p.name, len(resumes), median, newSess, recv.name, recvNew, cuts)
		if dups > 0 || disorder > 0 || len(missing) > 0 {
			t.Errorf("%s: %s→%s: duplicates %d, out of order %d, missing %v", srv.Name(), p.name, recv.name, dups, disorder, head(missing))
			recv.mu.Lock()
			t.Logf("%s: what %s handled, in order: %s", srv.Name(), recv.name, timeline(recv.log))
			recv.mu.Unlock()
		}
		if newSess == 0 && len(lost) > 0 {
			t.Errorf("%s: %s→%s: %d reported lost without a new session", srv.Name(), p.name, recv.name, len(lost))
		}
	}
}

// logWriter writes a Querier's log lines into the test's log.
type logWriter struct {
	t    *testing.T
	name string
}

func (w logWriter) Write(b []byte) (int, error) {
	w.t.Logf("%s: %s", w.name, strings.TrimSpace(string(b)))
	return len(b), nil
}

// resumedBetween reports whether one of the times at falls between from
// and to.
func resumedBetween(at []time.Time, from, to time.Time) bool {
	return slices.ContainsFunc(at, func(t time.Time) bool { return !t.Before(from) && !t.After(to) })
}

// timeline compresses a peer's log for a failure report: runs of
// consecutive numbers as ranges, events and recoveries as they came.
func timeline(log []string) string {
	var b strings.Builder
	start, prev := -1, -1
	flush := func() {
		if start >= 0 {
			if start == prev {
				fmt.Fprintf(&b, " %d", start)
			} else {
				fmt.Fprintf(&b, " %d-%d", start, prev)
			}
		}
		start, prev = -1, -1
	}
	for _, e := range log {
		n, err := strconv.Atoi(e)
		if err == nil && start >= 0 && n == prev+1 {
			prev = n
			continue
		}
		flush()
		if err == nil {
			start, prev = n, n
			continue
		}
		fmt.Fprintf(&b, " [%s]", e)
	}
	flush()
	return b.String()
}

func head(s []int) []int {
	if len(s) > 10 {
		return s[:10]
	}
	return s
}
