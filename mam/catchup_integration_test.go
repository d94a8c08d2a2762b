package mam_test

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/delay"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/mam"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stanzaid"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestCatchUpIntegration proves Options.CatchUp against the real
// servers: a server drops the recipient's session while messages are in
// flight, and the recipient ends with every message, each once, in
// order.
//
// bob sends alice numbered chat messages, one a millisecond at most,
// alternately to her bare and to her full JID, never more than
// catchUpWindow ahead of her handler (but for the messages of the drops
// below). alice connects through a proxy. At each drop, once alice has
// handled a given number of messages:
//
//  1. the proxy stalls her connection, and bob sends catchUpGap more
//     messages; Sync tells that the server has routed them. The server
//     writes them into a connection alice no longer reads (or has not
//     written them yet): either way they are unacknowledged in its
//     stream management queue.
//  2. alice's network goes down (her Client's dials wait) and the proxy
//     cuts the connection: the server keeps the session for resumption.
//     bob sends catchUpGap more, which the server queues for it.
//  3. bob pauses, and the test waits until alice's archive holds all he
//     sent (see awaitArchived: needed on ejabberd).
//  4. alice's network comes back. Her Client cannot resume: its
//     ResumeTimeout is so short that <resume/> is never even written
//     (stream.ErrResumeTimeout), so its next attempt binds a new session
//     with the same resource, which replaces the one the server kept:
//     what a client does that lost its stream management state (an
//     application killed and started again). bob goes on as soon as the
//     server has bound it (see awaitArchived again), so that messages
//     come while the new session announces itself and catches up.
//
// Then alice must have handled every message once, in order per
// addressee, some of them recovered; her archive must hold each once; bob
// must have had no error back.
//
// What the servers do with the messages of the dead session, read in
// their sources and checked here (redelivered, per drop):
//
//   - Prosody 0.12.3 (mod_smacks.lua): binding the resource again kicks
//     the hibernating session (conflict_resolve "kick_old");
//     pre-session-close revokes its resumption token, so
//     pre-resource-unbind runs handle_unacked_stanzas, which fires
//     delivery/failure for each message. That handler drops a message
//     with a stanza-id of the account silently if the session queried
//     its archive (session.mam_requested): the sessions after the first,
//     whose catch-up did. For the first session, the account's only one,
//     it fires message/offline/handle instead, and mod_offline, which
//     Prosody loads whatever modules_enabled says (autoload_modules in
//     core/modulemanager.lua), stores them. They come again when the new
//     session's presence arrives (before its first archive query, so
//     mod_mam does not hold back the broadcast), with <delay
//     from='localhost'/> and their stanza-id, after the catch-up has
//     delivered them: the filter drops them (CatchUpStats.Duplicates).
//     So does a message to the bare JID that arrives between the kick
//     and the presence. Prosody archives a message when it routes it, so
//     a catch-up finds whatever was routed before.
//   - ejabberd 23.01 (mod_stream_mgmt.erl, route_unacked_stanzas, run by
//     c2s_terminated once the new session replaced the pending one): with
//     resend_on_timeout at its default, false, a message mod_mam marked
//     mam_archived is dropped ("Dropping archived message stanza"); an
//     unarchived one would bounce. None comes again, none goes offline.
//
// So without the catch-up the messages of a dead session are lost on
// both servers (but for Prosody's first session); with it each comes
// once. ejabberd archives in the receiving session's process, so a
// replaced session may archive its backlog after the new session's
// catch-up looked; with its archive in Mnesia that lost messages under
// load (one run in two), with SQLite (the launcher's choice) 3 runs of 3
// under the race detector and four busy processes on two cores passed.
func TestCatchUpIntegration(t *testing.T) {
	xmpptest.ForEachServer(t, nil, func(t *testing.T, tg xmpptest.Target) {
		if tg.Name() == "xmpptest" {
			t.Skip("the in-process server keeps no archive; TestCatchUpAfterNewSession scripts one")
		}
		// Each scenario has its own pair of accounts: alice and bob,
		// then carol and dave.
		for i, drops := range []int{1, 3} {
			t.Run(fmt.Sprintf("%d drops", drops), func(t *testing.T) {
				catchUpScenario(t, tg, 2*i, 2*i+1, drops)
			})
		}
	})
}

const (
	// catchUpMinMessages is the least number of messages bob sends.
	catchUpMinMessages = 300
	// catchUpFirstDrop is the number of messages alice handles before
	// the first drop.
	catchUpFirstDrop = 60
	// catchUpLive is the number of messages alice handles after a
	// catch-up, before the next drop or the end.
	catchUpLive = 30
	// catchUpWindow bounds how far bob is ahead of alice's handler,
	// apart from the messages he sends during drops: so that a server
	// slower than a message a millisecond (ejabberd, whose archive gets
	// slower as it grows: about 400 messages a second at first, under
	// 100 past a thousand) is not buried under a backlog.
	catchUpWindow = 60
	// catchUpGap is the number of messages bob sends, at each drop, into
	// the stalled connection, and then again while alice reconnects.
	catchUpGap = 20
)

// counter is a count that goroutines wait for.
type counter struct {
	mu      sync.Mutex
	n       int
	changed chan struct{} // closed and replaced by add
}

func newCounter() *counter { return &counter{changed: make(chan struct{})} }

func (c *counter) add(d int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n += d
	close(c.changed)
	c.changed = make(chan struct{})
}

func (c *counter) get() int {
	n, _ := c.watch()
	return n
}

// watch returns the count and a channel closed when it changes.
func (c *counter) watch() (int, <-chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n, c.changed
}

// wait returns once the count is at least n, or ctx's error.
func (c *counter) wait(ctx context.Context, n int) error {
	for {
		got, changed := c.watch()
		if got >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("waiting for %d, at %d: %w", n, got, ctx.Err())
		}
	}
}

// flow decides when bob sends: no more than catchUpWindow messages
// ahead of alice's handler, plus the extra messages of the drops, and
// not while paused.
type flow struct {
	mu      sync.Mutex
	extra   int
	paused  bool
	parked  bool          // the sender waits because of the pause
	changed chan struct{} // closed and replaced on every change
}

func newFlow() *flow { return &flow{changed: make(chan struct{})} }

func (f *flow) changeLocked() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// allows reports whether message i may go, alice having handled h; if
// not, the channel is closed when that may change.
func (f *flow) allows(i, h int) (bool, <-chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.paused {
		if !f.parked {
			f.parked = true
			f.changeLocked()
		}
		return false, f.changed
	}
	return i < h+catchUpWindow+f.extra, f.changed
}

// boost lets bob send n more messages, whatever alice handled.
func (f *flow) boost(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.extra += n
	f.changeLocked()
}

// pause stops bob, and returns once he waits: the message he was
// sending, if any, went.
func (f *flow) pause(ctx context.Context) error {
	f.mu.Lock()
	f.paused = true
	f.changeLocked()
	for !f.parked {
		changed := f.changed
		f.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
		f.mu.Lock()
	}
	f.mu.Unlock()
	return nil
}

// resume lets bob send again, if paused.
func (f *flow) resume() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.paused {
		f.paused, f.parked = false, false
		f.changeLocked()
	}
}

// link is alice's network: while it is down her Client's dials wait.
type link struct {
	mu sync.Mutex
	up chan struct{} // closed while the link is up
}

func newLink() *link {
	l := &link{up: make(chan struct{})}
	close(l.up)
	return l
}

func (l *link) down() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.up = make(chan struct{})
}

func (l *link) restore() {
	l.mu.Lock()
	defer l.mu.Unlock()
	close(l.up)
}

func (l *link) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	l.mu.Lock()
	up := l.up
	l.mu.Unlock()
	select {
	case <-up:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}

// bindWatch is alice's XML trace: it resumes f when the server has bound
// a session.
type bindWatch struct{ f *flow }

func (w bindWatch) Write(p []byte) (int, error) {
	if l := string(p); strings.HasPrefix(l, "RECV <iq") && strings.Contains(l, "type='result'") && strings.Contains(l, "<bind ") {
		w.f.resume()
	}
	return len(p), nil
}

// handled is a message alice's handler got.
type handled struct {
	n         int
	recovered bool
}

// wired is a message that reached alice over the stream, not as an
// archive result: live, resent or from offline storage.
type wired struct {
	n       int
	id      string // its stanza-id by alice's account
	delayed string // its <delay/>, if any: from and reason
}

// catchUpRecord is what alice and bob saw, filled by their handlers.
type catchUpRecord struct {
	mu       sync.Mutex
	handled  []handled
	wire     []wired
	sessions int // EventNewSession
	resumed  int // EventResumed
	bounced  []string
}

// messageNumber returns the number of a message bob sent, "msg N".
func messageNumber(m *stanza.Message) (int, bool) {
	s, ok := strings.CutPrefix(m.Body(), "msg ")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// awaitArchived returns once the newest message in the archive of
// account i of tg is bob's message n, asking through a session of its
// own, without presence, which it closes before it returns (so that the
// server sees alice's sessions alone when hers is replaced).
//
// It is needed on ejabberd, which archives a message in the process of
// the session it is routed to (mod_mam's user_receive_packet), and tells
// a session that it is replaced by an ordinary message
// (ejabberd_c2s:route(Pid, replaced) in ejabberd_sm), queued behind the
// messages routed to it. The dead session's process thus archives its
// backlog before it ends and drops those messages as archived; a new
// session whose catch-up looked at the archive meanwhile never sees
// them. With alice reconnecting at once and bob sending on, a run lost
// 12 messages that way: in her archive, never delivered, never
// recovered (ejabberd's archive, a disc_only_copies bag in Mnesia, slows
// down as it grows, so that backlogs of tens of messages are common
// under load). A client cannot wait for the dead session's end; the
// test does, so as to test the rest. Prosody archives a message as it
// routes it: there the first query finds it.
func awaitArchived(t *testing.T, ctx context.Context, tg xmpptest.Target, i, n int) (queries int) {
	t.Helper()
	a := tg.Account(i)
	probe, err := xmpp.Dial(ctx, a.JID(), &xmpp.Options{Password: a.Password, Resource: "probe", Addr: tg.Addr(), TLSConfig: tg.TLSConfig()})
	if err != nil {
		t.Fatal(err)
	}
	defer probe.Close()
	m := mam.New(probe, nil)
	for {
		queries++
		p, err := m.Fetch(ctx, jid.JID{}, mam.Query{Reverse: true, Max: 1})
		if err != nil {
			t.Fatalf("waiting for message %d in the archive: %v", n, err)
		}
		if len(p.Results) == 1 {
			if got, ok := messageNumber(p.Results[0].Message); ok && got >= n {
				return queries
			}
		}
	}
}

// catchUpScenario runs the scenario of TestCatchUpIntegration with
// account recipient as alice, account sender as bob, and drops drops.
func catchUpScenario(t *testing.T, tg xmpptest.Target, recipient, sender, drops int) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	started := time.Now()
	proxy, through := xmpptest.ProxyAddr(t, tg.Addr())
	rec := &catchUpRecord{}
	handledCount, newSessions := newCounter(), newCounter()
	fl, network := newFlow(), newLink()

	a := tg.Account(recipient)
	alice := xmpp.New(a.JID(), &xmpp.Options{
		Password:  a.Password,
		Resource:  "laptop",
		Addr:      through,
		Dial:      network.dial,
		TLSConfig: tg.TLSConfig(),
		// Reconnect at once; never resume (see TestCatchUpIntegration).
		ReconnectMin:  5 * time.Millisecond,
		ReconnectMax:  50 * time.Millisecond,
		ResumeTimeout: time.Nanosecond,
		Trace:         bindWatch{fl},
	})
	t.Cleanup(func() { alice.Close() })
	q := mam.New(alice, &mam.Options{CatchUp: true})
	own := a.JID()
	// Added after mam.New, this interceptor sees every message the
	// Querier did not take as an archive result: what came over the
	// stream, duplicates included, before the catch-up's filter.
	alice.InterceptMessage(xmpp.Route{}, func(m *stanza.Message) bool {
		n, ok := messageNumber(m)
		if !ok {
			return false
		}
		w := wired{n: n}
		w.id, _ = stanzaid.StanzaID(m, own)
		if d, ok := delay.Get(m); ok {
			w.delayed = fmt.Sprintf("from %s %q", d.From, d.Reason)
		}
		rec.mu.Lock()
		rec.wire = append(rec.wire, w)
		rec.mu.Unlock()
		return false
	})
	alice.HandleMessage(xmpp.Route{}, func(ctx context.Context, m *stanza.Message) {
		n, ok := messageNumber(m)
		if !ok {
			return
		}
		rec.mu.Lock()
		rec.handled = append(rec.handled, handled{n, xmpp.Recovered(ctx)})
		rec.mu.Unlock()
		handledCount.add(1)
	})
	// Added after mam.New, this handler runs after the catch-up.
	alice.HandleEvent(func(_ context.Context, ev xmpp.Event) {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		switch ev.Kind {
		case xmpp.EventNewSession:
			rec.sessions++
			newSessions.add(1)
		case xmpp.EventResumed:
			rec.resumed++
		}
	})
	if err := alice.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	// Available, so that messages to her bare JID are routed to her; and
	// known to be so before bob sends: a message to her bare JID that
	// ejabberd routes before it has processed her presence goes to
	// offline storage, and comes after later ones (a CI run under load
	// delivered message 0 after message 6).
	if err := alice.Send(ctx, stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})); err != nil {
		t.Fatal(err)
	}
	if err := alice.Sync(ctx); err != nil {
		t.Fatal(err)
	}

	bob := loginTarget(t, tg, sender, "home", nil)
	bob.HandleMessage(xmpp.Route{}, func(_ context.Context, m *stanza.Message) {
		if m.Type == stanza.MessageError {
			rec.mu.Lock()
			rec.bounced = append(rec.bounced, m.Body())
			rec.mu.Unlock()
		}
	})
	full, err := own.WithResource("laptop")
	if err != nil {
		t.Fatal(err)
	}

	// bob sends, one message a millisecond at most, as fl allows, until
	// told to stop.
	sent := newCounter()
	stop := make(chan struct{})
	sendErr := make(chan error, 1)
	go func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			for {
				h, handledChanged := handledCount.watch()
				ok, flowChanged := fl.allows(i, h)
				if ok {
					break
				}
				select {
				case <-handledChanged:
				case <-flowChanged:
				case <-stop:
					sendErr <- nil
					return
				case <-ctx.Done():
					sendErr <- ctx.Err()
					return
				}
			}
			select {
			case <-stop:
				sendErr <- nil
				return
			default:
			}
			to := own
			if i%2 == 1 {
				to = full
			}
			if err := bob.Send(ctx, stanza.NewMessage(stanza.MessageChat, to, fmt.Sprintf("msg %d", i))); err != nil {
				sendErr <- fmt.Errorf("sending message %d: %w", i, err)
				return
			}
			sent.add(1)
			select {
			case <-tick.C:
			case <-ctx.Done():
				sendErr <- ctx.Err()
				return
			}
		}
	}()

	// stalled[d] are the first and the end of the messages bob sent
	// into the stalled connection at drop d: the server never delivered
	// them on the session that dropped.
	var stalled [][2]int
	var discarded []int64
	probes := 0
	next := catchUpFirstDrop // alice handles that many before a drop
	for d := range drops {
		if err := handledCount.wait(ctx, next); err != nil {
			t.Fatalf("drop %d: alice handling message %d: %v", d+1, next, err)
		}
		proxy.Stall()
		// The message being sent may have got through.
		from := sent.get() + 1
		fl.boost(catchUpGap)
		// Bob may be waiting for the flow (alice handled all she could
		// before the stall): then the boost lets exactly catchUpGap more
		// go, so wait for no more than that.
		if err := sent.wait(ctx, from-1+catchUpGap); err != nil {
			t.Fatalf("drop %d: bob sending: %v", d+1, err)
		}
		// The server has routed what bob sent so far: into the stalled
		// connection, or the session's queue.
		if err := bob.Sync(ctx); err != nil {
			t.Fatalf("drop %d: bob: %v", d+1, err)
		}
		stalled = append(stalled, [2]int{from, sent.get()})
		network.down()
		proxy.CutAll()
		discarded = append(discarded, proxy.Discarded())
		// More while alice is away: for the session the server keeps.
		more := sent.get() + catchUpGap
		fl.boost(catchUpGap)
		if err := sent.wait(ctx, more); err != nil {
			t.Fatalf("drop %d: bob sending: %v", d+1, err)
		}
		// bob waits from now until the server has bound alice's new
		// session, so that nothing goes to the dead one once she is
		// back, and alice comes back once all that went to the dead
		// one is archived (see awaitArchived).
		if err := fl.pause(ctx); err != nil {
			t.Fatalf("drop %d: pausing bob: %v", d+1, err)
		}
		probes += awaitArchived(t, ctx, tg, recipient, sent.get()-1)
		network.restore()
		if err := newSessions.wait(ctx, d+1); err != nil {
			t.Fatalf("drop %d: alice's new session: %v", d+1, err)
		}
		// The catch-up is done: what follows comes live.
		next = handledCount.get() + catchUpLive
	}
	if err := handledCount.wait(ctx, max(next, catchUpMinMessages)); err != nil {
		t.Fatalf("alice handling the last messages: %v", err)
	}
	close(stop)
	if err := <-sendErr; err != nil {
		t.Fatal(err)
	}
	total := sent.get()
	if err := bob.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := handledCount.wait(ctx, total); err != nil {
		rec.mu.Lock()
		got := make([]bool, total)
		for _, h := range rec.handled {
			got[h.n] = true
		}
		var missing []int
		for n, ok := range got {
			if !ok {
				missing = append(missing, n)
			}
		}
		rec.mu.Unlock()
		t.Fatalf("alice handling every message: %v; missing %s", err, ranges(missing))
	}
	// Whatever the server still had for alice (a late copy) comes
	// before the answer to this ping.
	if err := alice.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(started)

	rec.mu.Lock()
	defer rec.mu.Unlock()
	st := q.CatchUpStats()
	// Each message once, and in order per addressee: bob sends the
	// even ones to alice's bare JID and the odd ones to her full JID,
	// which a server routes by different paths (ejabberd 23.01 under load
	// delivered message 1 before message 0 once); RFC 6120's in-order
	// rule is per addressee.
	live, recovered := 0, 0
	seen := make(map[int]bool)
	last := [2]int{-1, -1}
	for i, h := range rec.handled {
		if seen[h.n] || h.n < last[h.n%2] {
			t.Fatalf("handled #%d is message %d (recovered %t), after %d to the same address: each message once, in order", i, h.n, h.recovered, last[h.n%2])
		}
		seen[h.n] = true
		last[h.n%2] = h.n
		if h.recovered {
			recovered++
		} else {
			live++
		}
	}
	if len(rec.handled) != total {
		t.Fatalf("alice handled %d messages; want %d", len(rec.handled), total)
	}
	copies := make([]int, total)
	delays := map[string]int{}
	var delayed []int
	noID := 0
	for _, w := range rec.wire {
		copies[w.n]++
		if w.delayed != "" {
			delayed = append(delayed, w.n)
			delays[w.delayed]++
		}
		if w.id == "" {
			noID++
		}
	}
	never, twice := 0, 0
	for _, c := range copies {
		switch {
		case c == 0:
			never++
		case c > 1:
			twice++
		}
	}
	// redelivered[d] counts the messages stalled at drop d that came
	// over the stream all the same, on a later session.
	redelivered := make([]int, drops)
	for d, r := range stalled {
		for n := r[0]; n < r[1]; n++ {
			if copies[n] > 0 {
				redelivered[d]++
			}
		}
	}
	t.Logf("%s, %d drops, %v: sent %d; alice handled %d live and %d recovered; catch-up %+v; %d new sessions, %d resumed",
		tg.Name(), drops, elapsed.Round(time.Millisecond), total, live, recovered, st, rec.sessions, rec.resumed)
	t.Logf("%s, %d drops: over the stream %d deliveries: %d messages never, %d twice; %d delayed (%v): %s",
		tg.Name(), drops, len(rec.wire), never, twice, len(delayed), delays, ranges(delayed))
	t.Logf("%s, %d drops: stalled %v, of which came over the stream later %v; bytes discarded by the stalls %v; %d archive probes",
		tg.Name(), drops, stalled, redelivered, discarded, probes)

	if rec.sessions != drops || rec.resumed != 0 {
		t.Errorf("%d new sessions and %d resumptions; want %d new sessions", rec.sessions, rec.resumed, drops)
	}
	if st.Failed != 0 || st.Runs != drops {
		t.Errorf("catch-up stats %+v; want %d runs, none failed", st, drops)
	}
	if st.Recovered != recovered {
		t.Errorf("catch-up stats say %d recovered; the handler got %d", st.Recovered, recovered)
	}
	// Everything came once: live, or recovered with the copies that came
	// over the stream dropped.
	if live+st.Duplicates != len(rec.wire) {
		t.Errorf("%d live and %d duplicates dropped; %d came over the stream", live, st.Duplicates, len(rec.wire))
	}
	// The stalled messages came from the archive, before any copy.
	if recovered < drops*catchUpGap {
		t.Errorf("%d recovered; want at least the %d stalled", recovered, drops*catchUpGap)
	}
	if noID != 0 {
		t.Errorf("%d messages came without a stanza-id of the account", noID)
	}
	// What the server did with the messages of the dead session is its
	// business (measured alone: Prosody stores the first dead session's
	// in offline storage and drops later ones, which had queried the
	// archive; ejabberd drops them; under load Prosody sometimes bounced
	// them to bob instead): reported, since the recipient's result is
	// checked above whatever the server did.
	if len(rec.bounced) != 0 {
		t.Logf("bob got %d errors back for messages alice had from the archive", len(rec.bounced))
	}
	for d, r := range stalled {
		t.Logf("drop %d: %d of the %d stalled messages came over the stream later", d+1, redelivered[d], r[1]-r[0])
	}

	// The archive holds each message once: the server did not archive
	// again what it dropped, stored offline or delivered from there.
	inArchive := make([]int, total)
	for r, err := range q.All(ctx, jid.JID{}, mam.Query{With: bob.JID().Bare(), Max: 100}) {
		if err != nil {
			t.Fatal(err)
		}
		if n, ok := messageNumber(r.Message); ok && n < total {
			inArchive[n]++
		}
	}
	for n, c := range inArchive {
		if c != 1 {
			t.Errorf("message %d is %d times in alice's archive", n, c)
		}
	}
}

// ranges abbreviates ns, such as [1 2 3 5], as "1-3 5".
func ranges(ns []int) string {
	var b strings.Builder
	for i := 0; i < len(ns); {
		j := i
		for j+1 < len(ns) && ns[j+1] == ns[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if j > i {
			fmt.Fprintf(&b, "%d-%d", ns[i], ns[j])
		} else {
			fmt.Fprintf(&b, "%d", ns[i])
		}
		i = j + 1
	}
	return b.String()
}
