package mam_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
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

// archivingServer is an in-process server whose fake archive keeps every
// message bob sends to alice, with the archive id "arch-N" that bob puts
// in it as the server's stanza-id (the in-process server stamps none
// itself), and which can be told to lose messages on their way to alice.
type archivingServer struct {
	*xmpptest.Server
	arch *fakeArchive

	mu   sync.Mutex
	lose map[string]bool // bodies the server loses on the way to alice
}

func newArchivingServer(t *testing.T) *archivingServer {
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	s := &archivingServer{Server: srv, arch: newFakeArchive(srv, 0), lose: map[string]bool{}}
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		e := ev.Element
		if e.Name.Local != "message" || e.Child(mam.NS, "result") != nil {
			return xmpptest.Verdict{}
		}
		m, err := stanza.ParseMessage(e)
		if err != nil || m.Body() == "" {
			return xmpptest.Verdict{}
		}
		switch ev.Dir {
		case xmpptest.ClientToServer:
			if id, ok := stanzaid.StanzaID(m, jid.MustParse("alice@localhost")); ok {
				s.arch.mu.Lock()
				s.arch.msgs = append(s.arch.msgs, archived{id: id, stamp: time.Now().UTC(), msg: m})
				s.arch.mu.Unlock()
			}
		case xmpptest.ServerToClient:
			s.mu.Lock()
			lost := s.lose[m.Body()]
			s.mu.Unlock()
			return xmpptest.Verdict{Drop: lost}
		}
		return xmpptest.Verdict{}
	})
	return s
}

// send makes bob send alice numbered messages, archived as arch-N.
func (s *archivingServer) send(t *testing.T, bob *xmpp.Client, to jid.JID, from, n int, lose bool) {
	t.Helper()
	for i := from; i < from+n; i++ {
		m := stanza.NewMessage(stanza.MessageChat, to, fmt.Sprintf("m%d", i))
		m.Payloads = append(m.Payloads, stanzaid.ID{ID: fmt.Sprintf("arch-%d", i), By: jid.MustParse("alice@localhost")}.Element())
		if lose {
			s.mu.Lock()
			s.lose[m.Body()] = true
			s.mu.Unlock()
		}
		if err := bob.Send(timeout(t), m); err != nil {
			t.Fatal(err)
		}
	}
}

// received is what alice's default handler got.
type received struct {
	body      string
	recovered bool
	delayed   bool
}

// catchUpClient logs alice in with CatchUp (and store, if not nil),
// recording what her default handler gets.
func catchUpClient(t *testing.T, srv *archivingServer, store mam.IDStore, events chan<- xmpp.Event) (*xmpp.Client, *mam.Querier, <-chan received) {
	t.Helper()
	a := srv.Account(0)
	got := make(chan received, 100)
	c := xmpp.New(a.JID(), &xmpp.Options{Password: a.Password, Resource: "res", Dial: srv.DialPipe, TLSConfig: srv.TLSConfig(),
		ReconnectMin: time.Millisecond, ResumeTimeout: 100 * time.Millisecond})
	t.Cleanup(func() { c.Close() })
	q := mam.New(c, &mam.Options{CatchUp: true, Store: store})
	c.HandleMessage(xmpp.Route{}, func(ctx context.Context, m *stanza.Message) {
		_, delayed := delay.Get(m)
		got <- received{m.Body(), xmpp.Recovered(ctx), delayed}
	})
	if events != nil {
		c.HandleEvent(func(_ context.Context, ev xmpp.Event) { events <- ev })
	}
	if err := c.Connect(timeout(t)); err != nil {
		t.Fatal(err)
	}
	return c, q, got
}

func expect(t *testing.T, got <-chan received, want ...received) {
	t.Helper()
	for i, w := range want {
		select {
		case g := <-got:
			if g != w {
				t.Fatalf("message %d: %+v, want %+v", i, g, w)
			}
		case <-timeout(t).Done():
			t.Fatalf("message %d: none, want %+v", i, w)
		}
	}
}

// expectAnyOrder is expect for messages whose live and recovered ones
// may interleave: each group keeps its own order.
func expectAnyOrder(t *testing.T, got <-chan received, want ...received) {
	t.Helper()
	var gotLive, gotRecovered, wantLive, wantRecovered []received
	for _, w := range want {
		if w.recovered {
			wantRecovered = append(wantRecovered, w)
		} else {
			wantLive = append(wantLive, w)
		}
	}
	for range want {
		select {
		case g := <-got:
			if g.recovered {
				gotRecovered = append(gotRecovered, g)
			} else {
				gotLive = append(gotLive, g)
			}
		case <-timeout(t).Done():
			t.Fatalf("got live %+v and recovered %+v; want live %+v and recovered %+v", gotLive, gotRecovered, wantLive, wantRecovered)
		}
	}
	if !slices.Equal(gotLive, wantLive) || !slices.Equal(gotRecovered, wantRecovered) {
		t.Fatalf("got live %+v and recovered %+v; want live %+v and recovered %+v", gotLive, gotRecovered, wantLive, wantRecovered)
	}
}

func live(from, n int) []received {
	var out []received
	for i := from; i < from+n; i++ {
		out = append(out, received{body: fmt.Sprintf("m%d", i)})
	}
	return out
}

func recovered(from, n int) []received {
	var out []received
	for i := from; i < from+n; i++ {
		out = append(out, received{body: fmt.Sprintf("m%d", i), recovered: true, delayed: true})
	}
	return out
}

// TestCatchUpAfterNewSession: messages the server accepted and then lost
// on the way to alice come back from the archive after her next new
// session, in order, marked recovered, before the new session's live
// messages; a copy the server delivers again is dropped.
func TestCatchUpAfterNewSession(t *testing.T) {
	srv := newArchivingServer(t)
	events := make(chan xmpp.Event, 10)
	alice, q, got := catchUpClient(t, srv, nil, events)
	bob := login(t, srv.Server, 1)

	srv.send(t, bob, alice.JID(), 1, 5, false)
	expect(t, got, live(1, 5)...)
	srv.send(t, bob, alice.JID(), 6, 5, true) // lost by the server
	if err := bob.Sync(timeout(t)); err != nil {
		t.Fatal(err)
	}
	// The session is lost too: alice's <resume/> goes unanswered.
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		return xmpptest.Verdict{Drop: ev.Dir == xmpptest.ServerToClient && ev.Element.Name.Local == "resumed"}
	})
	if err := srv.Cut(alice.JID()); err != nil {
		t.Fatal(err)
	}
	for ev := range events {
		if ev.Kind == xmpp.EventNewSession {
			break
		}
	}
	srv.mu.Lock()
	clear(srv.lose)
	srv.mu.Unlock()
	srv.send(t, bob, alice.JID(), 11, 2, false)
	expect(t, got, append(recovered(6, 5), live(11, 2)...)...)

	// The server delivers m7 again, with its archive id: dropped.
	again := stanza.NewMessage(stanza.MessageChat, alice.JID(), "m7")
	again.From = bob.JID()
	again.Payloads = append(again.Payloads, stanzaid.ID{ID: "arch-7", By: jid.MustParse("alice@localhost")}.Element())
	if err := srv.Inject(alice.JID(), again.Element()); err != nil {
		t.Fatal(err)
	}
	if err := alice.Sync(timeout(t)); err != nil {
		t.Fatal(err)
	}
	select {
	case g := <-got:
		t.Fatalf("after the catch-up: %+v", g)
	default:
	}
	st := q.CatchUpStats()
	if st.Runs != 1 || st.Recovered != 5 || st.Duplicates != 1 || st.Failed != 0 {
		t.Errorf("stats %+v; want 1 run, 5 recovered, 1 duplicate", st)
	}
}

// TestCatchUpAfterResumption: messages a server lost on the way to a
// session that it then resumed (ejabberd 23.01 can drop one routed during
// a resumption) come back from the archive once the session is resumed,
// before what the resumed stream brings.
func TestCatchUpAfterResumption(t *testing.T) {
	srv := newArchivingServer(t)
	events := make(chan xmpp.Event, 10)
	alice, q, got := catchUpClient(t, srv, nil, events)
	bob := login(t, srv.Server, 1)

	srv.send(t, bob, alice.JID(), 1, 3, false)
	expect(t, got, live(1, 3)...)
	srv.send(t, bob, alice.JID(), 4, 2, true) // lost by the server
	if err := bob.Sync(timeout(t)); err != nil {
		t.Fatal(err)
	}
	if err := srv.Cut(alice.JID()); err != nil {
		t.Fatal(err)
	}
	for ev := range events {
		if ev.Kind == xmpp.EventNewSession {
			t.Fatal("the session was not resumed")
		}
		if ev.Kind == xmpp.EventResumed {
			break
		}
	}
	// m4 and m5 stay lost: the in-process server counted them as sent
	// and resends them after <resumed/>, and that copy must be lost too
	// (it may reach the hook after EventResumed reached the test).
	srv.send(t, bob, alice.JID(), 6, 2, false)
	// The check after a resumption runs beside the resumed stream: what
	// it recovers comes in the archive's order, before or after the new
	// live messages.
	expectAnyOrder(t, got, append(recovered(4, 2), live(6, 2)...)...)
	if st := q.CatchUpStats(); st.Runs != 1 || st.Recovered != 2 || st.Failed != 0 {
		t.Errorf("stats %+v; want 1 run, 2 recovered", st)
	}
}

// TestCatchUpBeforeAnythingHandled: a message lost in the first
// resumption, before the Client handled any message, is recovered: the
// catch-up starts from where the archive ended at Connect (ejabberd 23.01
// lost the first message of a chaos run so), and what the archive held
// before Connect is not delivered.
func TestCatchUpBeforeAnythingHandled(t *testing.T) {
	for _, tc := range []struct {
		old     int
		refuses bool // the archive refuses the query for its end (Prosody 0.12.3 when empty)
	}{{0, false}, {3, false}, {0, true}} {
		old := tc.old
		t.Run(fmt.Sprintf("%d archived before, end query refused %t", old, tc.refuses), func(t *testing.T) {
			srv := newArchivingServer(t)
			if tc.refuses {
				srv.arch.failNext = 1
			}
			bob := login(t, srv.Server, 1)
			alice0 := jid.MustParse("alice@localhost/res")
			for i := range old {
				m := stanza.NewMessage(stanza.MessageChat, alice0, fmt.Sprintf("old%d", i))
				m.From = bob.JID()
				srv.arch.msgs = append(srv.arch.msgs, archived{id: fmt.Sprintf("old-%d", i), stamp: time.Now().UTC(), msg: m})
			}
			events := make(chan xmpp.Event, 10)
			alice, q, got := catchUpClient(t, srv, nil, events)
			// The catch-up's start is the archive's end when the
			// session starts: before anyone learns the session's
			// address from its presence.
			if err := alice.Sync(timeout(t)); err != nil {
				t.Fatal(err)
			}
			srv.send(t, bob, alice.JID(), 1, 2, true) // lost by the server
			if err := bob.Sync(timeout(t)); err != nil {
				t.Fatal(err)
			}
			if err := srv.Cut(alice.JID()); err != nil {
				t.Fatal(err)
			}
			expect(t, got, recovered(1, 2)...)
			srv.mu.Lock()
			clear(srv.lose)
			srv.mu.Unlock()
			srv.send(t, bob, alice.JID(), 3, 1, false)
			expect(t, got, live(3, 1)...)
			if st := q.CatchUpStats(); st.Recovered != 2 || st.Failed != 0 {
				t.Errorf("stats %+v; want 2 recovered", st)
			}
		})
	}
}

// TestCatchUpRetriesAFailedQuery:// TestCatchUpRetriesAFailedQuery: a catch-up whose query fails while the
// session goes on tries again, and recovers what was lost.
func TestCatchUpRetriesAFailedQuery(t *testing.T) {
	srv := newArchivingServer(t)
	events := make(chan xmpp.Event, 10)
	alice, q, got := catchUpClient(t, srv, nil, events)
	bob := login(t, srv.Server, 1)

	srv.send(t, bob, alice.JID(), 1, 2, false)
	expect(t, got, live(1, 2)...)
	srv.send(t, bob, alice.JID(), 3, 2, true) // lost by the server
	if err := bob.Sync(timeout(t)); err != nil {
		t.Fatal(err)
	}
	srv.arch.mu.Lock()
	srv.arch.failNext = 2
	srv.arch.mu.Unlock()
	if err := srv.Cut(alice.JID()); err != nil {
		t.Fatal(err)
	}
	expect(t, got, recovered(3, 2)...)
	if st := q.CatchUpStats(); st.Runs != 1 || st.Recovered != 2 || st.Failed != 0 {
		t.Errorf("stats %+v; want 1 run, 2 recovered, none failed", st)
	}
	if n := len(srv.arch.queries()); n != 5 {
		t.Errorf("%d queries; want the head at Connect, 2 failed, then the head and one page", n)
	}
}

// TestCatchUpTriedAgainLater: a catch-up whose every attempt failed
// while the session goes on is tried again later, from where it stopped,
// and recovers what was lost.
func TestCatchUpTriedAgainLater(t *testing.T) {
	srv := newArchivingServer(t)
	events := make(chan xmpp.Event, 10)
	alice, q, got := catchUpClient(t, srv, nil, events)
	mam.SetCatchUpRetryDelay(q, 10*time.Millisecond)
	bob := login(t, srv.Server, 1)

	srv.send(t, bob, alice.JID(), 1, 2, false)
	expect(t, got, live(1, 2)...)
	srv.send(t, bob, alice.JID(), 3, 2, true) // lost by the server
	if err := bob.Sync(timeout(t)); err != nil {
		t.Fatal(err)
	}
	srv.arch.mu.Lock()
	srv.arch.failNext = 3 // every attempt of the catch-up after the resumption
	srv.arch.mu.Unlock()
	if err := srv.Cut(alice.JID()); err != nil {
		t.Fatal(err)
	}
	expect(t, got, recovered(3, 2)...)
	if st := q.CatchUpStats(); st.Recovered != 2 || st.Failed != 1 {
		t.Errorf("stats %+v; want 2 recovered, 1 failed", st)
	}
}

// TestCatchUpFromStore: an application started again with the id it
// stored catches up from there at Connect.
func TestCatchUpFromStore(t *testing.T) {
	srv := newArchivingServer(t)
	store := mam.FileStore{Path: filepath.Join(t.TempDir(), "last-id")}
	alice, _, got := catchUpClient(t, srv, store, nil)
	bob := login(t, srv.Server, 1)
	srv.send(t, bob, alice.JID(), 1, 3, false)
	expect(t, got, live(1, 3)...)
	if id, err := store.Load(); err != nil || id != "arch-3" {
		t.Fatalf("stored %q, %v; want arch-3", id, err)
	}
	alice.Close()

	// While alice is away the server (which has no offline storage)
	// refuses what bob sends, but archives it.
	bare := jid.MustParse("alice@localhost/res")
	srv.send(t, bob, bare, 4, 3, false)
	if err := bob.Sync(timeout(t)); err != nil {
		t.Fatal(err)
	}
	alice2, q, got2 := catchUpClient(t, srv, store, nil)
	expect(t, got2, recovered(4, 3)...)
	if err := alice2.Sync(timeout(t)); err != nil {
		t.Fatal(err)
	}
	if st := q.CatchUpStats(); st.Runs != 1 || st.Recovered != 3 {
		t.Errorf("stats %+v", st)
	}
	if id, err := store.Load(); err != nil || id != "arch-6" {
		t.Errorf("stored %q, %v; want arch-6", id, err)
	}
}

// TestCatchUpSkipsOwnAndFailsCleanly: messages the account sent are not
// delivered; an id the archive no longer has fails the catch-up, which
// is counted and leaves the Client working.
func TestCatchUpSkipsOwnAndFailsCleanly(t *testing.T) {
	srv := newArchivingServer(t)
	store := mam.FileStore{Path: filepath.Join(t.TempDir(), "last-id")}
	if err := store.Save("arch-unknown"); err != nil {
		t.Fatal(err)
	}
	alice, q, got := catchUpClient(t, srv, store, nil)
	if err := alice.Sync(timeout(t)); err != nil {
		t.Fatal(err)
	}
	if st := q.CatchUpStats(); st.Failed != 1 || st.Recovered != 0 {
		t.Errorf("unknown id: stats %+v; want one failure", st)
	}
	bob := login(t, srv.Server, 1)
	srv.send(t, bob, alice.JID(), 1, 1, false)
	expect(t, got, live(1, 1)...)
	alice.Close()

	// The archive holds, after arch-1, a message alice sent from another
	// resource and one from bob that never reached her.
	srv.arch.mu.Lock()
	own := stanza.NewMessage(stanza.MessageChat, jid.MustParse("bob@localhost"), "mine")
	own.From = jid.MustParse("alice@localhost/other")
	srv.arch.msgs = append(srv.arch.msgs, archived{id: "arch-own", stamp: time.Now(), msg: own})
	srv.arch.mu.Unlock()
	srv.send(t, bob, jid.MustParse("alice@localhost/res"), 2, 1, false)
	if err := bob.Sync(timeout(t)); err != nil {
		t.Fatal(err)
	}
	_, q, got = catchUpClient(t, srv, store, nil)
	expect(t, got, recovered(2, 1)...)
	if err := srv.arch.srv.Inject(jid.MustParse("alice@localhost/res"), stanza.NewMessage(stanza.MessageChat, jid.MustParse("alice@localhost/res"), "end").Element()); err != nil {
		t.Fatal(err)
	}
	expect(t, got, received{body: "end"})
	if st := q.CatchUpStats(); st.Recovered != 1 || st.Failed != 0 {
		t.Errorf("stats %+v; want 1 recovered", st)
	}
}

// TestCatchUpStopsAtTheArchiveHead: a catch-up goes no further than the
// newest message the archive held when it started; what the archive
// gets meanwhile comes live. Here, as on a real server under steady
// traffic (see TestCatchUpIntegration), messages keep arriving faster
// than a catch-up pages through them: every query the archive answers
// brings 120 more, archived and delivered live. A catch-up that went on
// until the archive had nothing more would chase them, holding back
// every handler until the traffic stopped (here, after 5 queries; on
// ejabberd, each page took longer than the last, up to 12 s).
func TestCatchUpStopsAtTheArchiveHead(t *testing.T) {
	srv := newArchivingServer(t)
	alice, q, got := catchUpClient(t, srv, nil, nil)
	bob := login(t, srv.Server, 1)
	srv.send(t, bob, alice.JID(), 1, 5, false)
	expect(t, got, live(1, 5)...)
	const lost = 150 // more than a page
	srv.send(t, bob, alice.JID(), 6, lost, true)
	if err := bob.Sync(timeout(t)); err != nil {
		t.Fatal(err)
	}

	const perQuery, busyQueries = 120, 5
	queriesBefore := len(srv.arch.queries())
	next := 6 + lost
	srv.arch.mu.Lock()
	srv.arch.extra = func(to jid.JID, _ string) (before, _ []*stanza.Element) {
		// Called with srv.arch.mu held, once the query's results are
		// chosen: the next query sees these messages.
		if len(srv.arch.seen)-queriesBefore > busyQueries {
			return nil, nil
		}
		for range perQuery {
			m := stanza.NewMessage(stanza.MessageChat, alice.JID(), fmt.Sprintf("m%d", next))
			m.From = bob.JID()
			id := fmt.Sprintf("arch-%d", next)
			srv.arch.msgs = append(srv.arch.msgs, archived{id: id, stamp: time.Now().UTC(), msg: m})
			delivered := *m
			delivered.Payloads = append(slices.Clone(m.Payloads), stanzaid.ID{ID: id, By: jid.MustParse("alice@localhost")}.Element())
			before = append(before, delivered.Element())
			next++
		}
		return before, nil
	}
	srv.arch.mu.Unlock()

	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		return xmpptest.Verdict{Drop: ev.Dir == xmpptest.ServerToClient && ev.Element.Name.Local == "resumed"}
	})
	if err := srv.Cut(alice.JID()); err != nil {
		t.Fatal(err)
	}
	// The head query (its answer names m155) and two pages: the lost
	// messages recovered, then the 360 messages those three queries
	// brought, live, in order.
	expect(t, got, append(recovered(6, lost), live(6+lost, 3*perQuery)...)...)
	if err := alice.Sync(timeout(t)); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.arch.queries()) - queriesBefore; n != 3 {
		t.Errorf("the catch-up made %d queries; want 3", n)
	}
	if st := q.CatchUpStats(); st.Runs != 1 || st.Recovered != lost || st.Failed != 0 {
		t.Errorf("stats %+v; want 1 run, %d recovered", st, lost)
	}
}

// TestCatchUpOriginIDs: with CatchUp every message the Client sends
// carries an origin-id, and a message that comes again with the same
// origin-id from the same sender (a sender's resend after its server
// called the first copy unhandled: a new stanza-id, the same origin-id)
// is dropped; the same origin-id from someone else is another message.
func TestCatchUpOriginIDs(t *testing.T) {
	srv := newArchivingServer(t)
	sent := make(chan *stanza.Message, 10)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == xmpptest.ClientToServer && ev.Element.Name.Local == "message" && ev.JID.Localpart() == "alice" {
			if m, err := stanza.ParseMessage(ev.Element); err == nil {
				sent <- m
			}
		}
		return xmpptest.Verdict{}
	})
	alice, q, got := catchUpClient(t, srv, nil, nil)
	bob, carol := login(t, srv.Server, 1), login(t, srv.Server, 2)

	if err := alice.Send(timeout(t), stanza.NewMessage(stanza.MessageChat, bob.JID(), "hi")); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-sent:
		if _, ok := stanzaid.OriginID(m); !ok {
			t.Errorf("sent without an origin-id: %v", m.Element())
		}
	case <-timeout(t).Done():
		t.Fatal("nothing sent")
	}

	copyOf := func(from *xmpp.Client, body, origin, archiveID string) {
		t.Helper()
		m := stanza.NewMessage(stanza.MessageChat, alice.JID(), body)
		m.Payloads = append(m.Payloads, stanzaid.OriginIDElement(origin),
			stanzaid.ID{ID: archiveID, By: jid.MustParse("alice@localhost")}.Element())
		if err := from.Send(timeout(t), m); err != nil {
			t.Fatal(err)
		}
	}
	copyOf(bob, "m1", "o-1", "arch-1")
	copyOf(bob, "m1", "o-1", "arch-1-again")
	copyOf(carol, "m1 from carol", "o-1", "arch-2")
	expect(t, got, received{body: "m1"}, received{body: "m1 from carol"})
	if err := bob.Ping(timeout(t), alice.JID()); err != nil {
		t.Fatal(err)
	}
	select {
	case g := <-got:
		t.Fatalf("after the copies: %+v", g)
	default:
	}
	if st := q.CatchUpStats(); st.Duplicates != 1 {
		t.Errorf("stats %+v; want 1 duplicate", st)
	}
}

// TestCatchUpOneAtATime: resumptions that follow each other faster than
// the archive answers start one catch-up at a time, not one more per
// resumption: the checks asked for meanwhile are run once, after it.
func TestCatchUpOneAtATime(t *testing.T) {
	srv := newArchivingServer(t)
	events := make(chan xmpp.Event, 10)
	alice, q, got := catchUpClient(t, srv, nil, events)
	bob := login(t, srv.Server, 1)

	var mu sync.Mutex
	var slow bool
	inflight, peak := 0, 0
	entered := make(chan struct{}, 10)
	release := make(chan struct{})
	mam.SetHookQuerying(q, func(string) {
		mu.Lock()
		if !slow {
			mu.Unlock()
			return
		}
		inflight++
		peak = max(peak, inflight)
		mu.Unlock()
		entered <- struct{}{}
		<-release // the archive is slow
		mu.Lock()
		inflight--
		mu.Unlock()
	})

	srv.send(t, bob, alice.JID(), 1, 2, false)
	expect(t, got, live(1, 2)...)
	srv.send(t, bob, alice.JID(), 3, 2, true) // lost by the server
	if err := bob.Sync(timeout(t)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	slow = true
	mu.Unlock()
	resume := func() {
		t.Helper()
		if err := srv.Cut(alice.JID()); err != nil {
			t.Fatal(err)
		}
		for ev := range events {
			if ev.Kind == xmpp.EventNewSession {
				t.Fatal("the session was not resumed")
			}
			if ev.Kind == xmpp.EventResumed {
				return
			}
		}
	}
	resume()
	<-entered // the first check waits for the archive
	resume()
	resume()
	// The checks the two resumptions asked for wait for the first; a
	// round trip lets a second one start, if it were to.
	if err := alice.Sync(timeout(t)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	slow = false
	mu.Unlock()
	close(release)
	expect(t, got, recovered(3, 2)...)
	if err := alice.Sync(timeout(t)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if peak != 1 {
		t.Errorf("%d queries at once; want 1", peak)
	}
	if st := q.CatchUpStats(); st.Runs != 3 || st.Recovered != 2 || st.Failed != 0 {
		t.Errorf("stats %+v; want 3 runs, 2 recovered", st)
	}
}
