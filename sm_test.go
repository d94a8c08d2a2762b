package xmpp

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

func msg(body string) *stanza.Element {
	return stanza.NewMessage(stanza.MessageChat, jid.MustParse("bob@localhost/x"), body).Element()
}

func TestSMCountersWrap(t *testing.T) {
	s := newSMState()
	s.enable()
	s.acked = math.MaxUint32 - 1
	for i := range 4 {
		s.sent(msg(fmt.Sprint(i)))
	}
	// h wraps past 2^32: from 2^32-2, h=1 acknowledges three stanzas.
	if err := s.ack(1); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.pending(); n != 1 || s.unacked[0].ChildText(stanza.NSClient, "body") != "3" {
		t.Fatalf("%d left after ack", n)
	}
	if err := s.ack(2); err != nil {
		t.Fatal(err)
	}
	if err := s.ack(3); !errors.Is(err, errHandledTooHigh) {
		t.Fatalf("ack beyond what was sent: %v", err)
	}
	if err := s.ack(2); err != nil {
		t.Fatalf("repeated ack: %v", err)
	}
	// Inbound count wraps too.
	s.active = true
	s.in = math.MaxUint32
	s.handled()
	if s.h() != 0 {
		t.Errorf("inbound h = %d after wrapping", s.h())
	}
}

// smAck returns <a h='h'/>.
func smAck(h int) *stanza.Element {
	return stanza.NewElement(nsSM, "a", stanza.A("h", fmt.Sprint(h)))
}

func TestSMAcks(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	acks := watch(srv, xmpptest.ClientToServer, func(e *stanza.Element) bool { return isSM(e, "a") })
	sent := watch(srv, xmpptest.ClientToServer, func(e *stanza.Element) bool { return e.Name.Local == "message" })
	c := dialTest(t, srv, 0, func(o *Options) { o.AckEvery = 2 })
	bob := jid.MustParse("bob@localhost/x")
	for i := range 3 {
		if err := srv.Inject(c.JID(), chat(bob, c.JID(), fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.Inject(c.JID(), stanza.NewElement(nsSM, "r")); err != nil {
		t.Fatal(err)
	}
	// The server asks for acks on its own as well: earlier answers may
	// count fewer stanzas, none may count more.
	for {
		a := next(t, acks, "<a h='3'/>")
		if h := a.Attr("h"); h == "3" {
			break
		} else if h != "0" && h != "1" && h != "2" {
			t.Fatalf("client acknowledged %s", a)
		}
	}
	ctx := context.Background()
	for _, b := range []string{"x", "y"} {
		if err := c.SendElement(ctx, msg(b)); err != nil {
			t.Fatal(err)
		}
	}
	for _, b := range []string{"x", "y"} {
		if got := next(t, sent, b).ChildText(stanza.NSClient, "body"); got != b {
			t.Fatalf("server got %q, want %q", got, b)
		}
	}
	// AckEvery 2: the Client asked, the server answered h=2, before it
	// answered Sync's ping.
	if err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	// Only Sync's own ping, sent after the <r/>, waits for an ack.
	c.sm.mu.Lock()
	unacked := slices.Clone(c.sm.unacked)
	c.sm.mu.Unlock()
	if len(unacked) != 1 || unacked[0].Name.Local != "iq" {
		t.Errorf("unacknowledged: %v", unacked)
	}
}

func expect(t *testing.T, ch <-chan string, want string) {
	t.Helper()
	select {
	case g := <-ch:
		if g != want {
			t.Fatalf("got %q, want %q", g, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("waited for %q", want)
	}
}

// TestSMQueueBound: when the server acknowledges nothing, Send waits once
// MaxUnacked stanzas are outstanding, asks for an ack, and goes on when one
// comes.
func TestSMQueueBound(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	var hold atomic.Bool
	hold.Store(true)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		return xmpptest.Verdict{Drop: hold.Load() && ev.Dir == xmpptest.ServerToClient && isSM(ev.Element, "a")}
	})
	requests := watch(srv, xmpptest.ClientToServer, func(e *stanza.Element) bool { return isSM(e, "r") })
	c := dialTest(t, srv, 0, func(o *Options) { o.MaxUnacked, o.AckEvery = 2, 100 })
	for i := range 2 {
		if err := c.SendElement(context.Background(), msg(fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := c.SendElement(ctx, msg("blocked")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("third send with a full queue: %v", err)
	}
	next(t, requests, "a request for an ack")
	hold.Store(false)
	if err := srv.Inject(c.JID(), smAck(2)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.SendElement(ctx, msg("after ack")); err != nil {
		t.Fatal(err)
	}
}

func TestSMEnableRefused(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == xmpptest.ClientToServer && isSM(ev.Element, "enable") {
			failed := stanza.NewElement(nsSM, "failed").AddChild(stanza.NewElement(stanza.NSStanzas, "unexpected-request"))
			_ = srv.Inject(ev.JID, failed)
			return xmpptest.Verdict{Drop: true}
		}
		return xmpptest.Verdict{}
	})
	refusals := watch(srv, xmpptest.ServerToClient, func(e *stanza.Element) bool { return isSM(e, "failed") })
	c := dialTest(t, srv, 0, nil)
	next(t, refusals, "<failed/>")
	// Connect returned once <enable/> was answered.
	if on, _ := c.sm.status(); on {
		t.Error("stream management on after <failed/>")
	}
	if err := c.SendElement(context.Background(), msg("plain")); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.sm.pending(); n != 0 {
		t.Errorf("%d stanzas queued without stream management", n)
	}
}

// TestSMAckTooHigh: an ack for more than we sent is answered with a stream
// error; the session's counts are wrong, so it is not resumed: the Client
// starts a new session at once, and reports what the server had not
// acknowledged.
func TestSMAckTooHigh(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	sent := streamErrors(srv)
	resumes := watch(srv, xmpptest.ClientToServer, func(e *stanza.Element) bool { return isSM(e, "resume") })
	// The server acknowledges nothing, so what we send stays unacked.
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		e := ev.Element
		return xmpptest.Verdict{Drop: ev.Dir == xmpptest.ServerToClient && isSM(e, "a") && e.Attr("test") == ""}
	})
	events := make(chan Event, 8)
	c := connectTest(t, srv, 0, nil, eventsTo(events))
	if err := c.SendElement(context.Background(), msg("unacked")); err != nil {
		t.Fatal(err)
	}
	if err := srv.Inject(c.JID(), smAck(5).SetAttr("test", "pass")); err != nil {
		t.Fatal(err)
	}
	se, err := stanza.ParseStreamError(next(t, sent, "the client's stream error"))
	if err != nil || se.Condition != stanza.StreamUndefinedCondition || se.App == nil || se.App.Name.Local != "handled-count-too-high" {
		t.Errorf("server got %v (%v)", se, err)
	}
	if ev := nextEvent(t, events); ev.Kind != EventDisconnected || !errors.Is(ev.Err, errHandledTooHigh) {
		t.Errorf("event %v (%v), want disconnected", ev.Kind, ev.Err)
	}
	ev := nextEvent(t, events)
	if ev.Kind != EventNewSession || !errors.Is(ev.Err, errHandledTooHigh) {
		t.Fatalf("event %v (%v), want a new session", ev.Kind, ev.Err)
	}
	if len(ev.Lost) != 1 || ev.Lost[0].ChildText(stanza.NSClient, "body") != "unacked" {
		t.Errorf("lost %v, want the unacknowledged message", ev.Lost)
	}
	select {
	case e := <-resumes:
		t.Errorf("the Client tried to resume the session: %s", e)
	default:
	}
}

// holdFirst makes srv hold the first element from a client that match
// accepts until the session ends: the server never takes it (XEP-0198
// does not count it). held is told when that happens.
func holdFirst(srv *xmpptest.Server, match func(*stanza.Element) bool) (held <-chan struct{}) {
	ch := make(chan struct{})
	var once atomic.Bool
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == xmpptest.ClientToServer && match(ev.Element) && once.CompareAndSwap(false, true) {
			close(ch)
			return xmpptest.Verdict{Delay: time.Hour}
		}
		return xmpptest.Verdict{}
	})
	return ch
}

// TestResumeResendsWhatWasNotAcked: after a cut, the Client resumes and
// sends again exactly the stanzas the server had not taken, in order; the
// server learns how many of its stanzas the Client handled.
func TestResumeResendsWhatWasNotAcked(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	var mu sync.Mutex
	var kinds []EventKind
	alice := connectTest(t, srv, 0, nil, func(c *Client) {
		c.HandleEvent(func(_ context.Context, ev Event) {
			if ev.Kind != EventConnected {
				mu.Lock()
				kinds = append(kinds, ev.Kind)
				mu.Unlock()
			}
		})
	})
	bob := dialTest(t, srv, 1, nil)
	in := make(chan string, 4)
	alice.HandleMessage(Route{}, func(ctx context.Context, m *stanza.Message) { in <- m.Body() })
	bobGot := make(chan string, 8)
	bob.HandleMessage(Route{}, func(ctx context.Context, m *stanza.Message) { bobGot <- m.Body() })
	resumes := watch(srv, xmpptest.ClientToServer, func(e *stanza.Element) bool { return isSM(e, "resume") })
	// m-2 reaches the server, which never takes it; m-3 is not even read.
	held := holdFirst(srv, func(e *stanza.Element) bool { return e.ChildText(stanza.NSClient, "body") == "m-2" })

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, b := range []string{"in-1", "in-2"} {
		if err := bob.Send(ctx, stanza.NewMessage(stanza.MessageChat, alice.JID(), b)); err != nil {
			t.Fatal(err)
		}
		expect(t, in, b)
	}
	to := func(b string) *stanza.Element { return stanza.NewMessage(stanza.MessageChat, bob.JID(), b).Element() }
	for _, b := range []string{"m-1", "m-2"} {
		if err := alice.SendElement(ctx, to(b)); err != nil {
			t.Fatal(err)
		}
	}
	third := make(chan error, 1)
	go func() { third <- alice.SendElement(ctx, to("m-3")) }() // blocks: nobody reads
	<-held
	expect(t, bobGot, "m-1")
	if err := srv.Cut(alice.JID()); err != nil {
		t.Fatal(err)
	}
	if err := <-third; err != nil {
		t.Errorf("send cut short with stream management: %v", err)
	}
	expect(t, bobGot, "m-2")
	expect(t, bobGot, "m-3")
	if h := next(t, resumes, "<resume/>").Attr("h"); h != "2" {
		t.Errorf("resumed with h=%s, want 2", h)
	}
	// Nothing twice: a ping after the resent stanzas comes back first.
	if err := alice.Ping(ctx, jid.JID{}); err != nil {
		t.Fatal(err)
	}
	select {
	case b := <-bobGot:
		t.Errorf("bob got %q again", b)
	case <-time.After(100 * time.Millisecond):
	}
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(kinds) != "[disconnected resumed]" {
		t.Errorf("events %v", kinds)
	}
}

// TestResumeRefusedStartsNewSession: when the server cannot resume, the
// Client binds anew, sends its presence again, fails waiting requests and
// reports exactly the unacknowledged stanzas.
func TestResumeRefusedStartsNewSession(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	// The request reaches the server, which never takes it.
	held := holdFirst(srv, func(e *stanza.Element) bool { return isIQ(e, stanza.IQGet, "urn:x", "q") })
	// The resumption names a session the server does not know, and the
	// refusal says (XEP-0198 <failed h/>) that the server took the three
	// stanzas before the request.
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		switch e := ev.Element; {
		case ev.Dir == xmpptest.ClientToServer && isSM(e, "resume"):
			return xmpptest.Verdict{Replace: e.Copy().SetAttr("previd", "forgotten")}
		case ev.Dir == xmpptest.ServerToClient && isSM(e, "failed"):
			return xmpptest.Verdict{Replace: e.Copy().SetAttr("h", "3")}
		}
		return xmpptest.Verdict{}
	})
	presences := watch(srv, xmpptest.ClientToServer, func(e *stanza.Element) bool { return e.Name.Local == "presence" })
	events := make(chan Event, 4)
	c := connectTest(t, srv, 0, nil, eventsTo(events))
	p := stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})
	p.Statuses = []stanza.Text{{Value: "here"}}
	ctx := context.Background()
	for _, e := range []*stanza.Element{p.Element(), msg("m-1"), msg("m-2")} {
		if err := c.SendElement(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	reqErr := make(chan error, 1)
	go func() {
		_, err := c.Request(ctx, stanza.NewIQ(stanza.IQGet, jid.MustParse("bob@localhost/x"), stanza.NewElement("urn:x", "q")))
		reqErr <- err
	}()
	<-held
	if err := srv.Cut(c.JID()); err != nil {
		t.Fatal(err)
	}
	if ev := <-events; ev.Kind != EventDisconnected {
		t.Fatalf("first event %v", ev.Kind)
	}
	ev := <-events
	if ev.Kind != EventNewSession {
		t.Fatalf("second event %v", ev.Kind)
	}
	var lost []string
	for _, e := range ev.Lost {
		lost = append(lost, e.Name.Local+":"+e.ChildText(stanza.NSClient, "body"))
	}
	if fmt.Sprint(lost) != "[iq:]" {
		t.Errorf("lost %v, want only the request (h=3 in <failed/> covers m-2)", lost)
	}
	if err := <-reqErr; !errors.Is(err, ErrSessionLost) {
		t.Errorf("waiting request: %v", err)
	}
	for i := range 2 { // sent, then restored in the new session
		if got := next(t, presences, "presence").ChildText(stanza.NSClient, "status"); got != "here" {
			t.Errorf("presence %d has status %q", i, got)
		}
	}
}

// TestCloseDuringReconnect: Close ends a Client whose reconnection keeps
// failing, at once, with no goroutine left.
func TestCloseDuringReconnect(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	d := &dialCounter{srv: srv, n: 1} // every later dial is refused
	disconnected := make(chan struct{}, 1)
	c := connectTest(t, srv, 0, func(o *Options) {
		o.Dial = d.dial
		o.ReconnectMin, o.ReconnectMax = 50*time.Millisecond, time.Second
	}, func(c *Client) {
		c.HandleEvent(func(_ context.Context, ev Event) {
			if ev.Kind == EventConnected {
				return
			}
			if ev.Kind == EventDisconnected {
				select {
				case disconnected <- struct{}{}:
				default:
				}
			}
		})
	})
	if err := srv.Cut(c.JID()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-disconnected:
	case <-time.After(5 * time.Second):
		t.Fatal("no disconnection event")
	}
	start := time.Now()
	c.Close()
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close took %v while reconnecting", d)
	}
}

func TestBackoff(t *testing.T) {
	for n := range 12 {
		for range 100 {
			d := backoff(n, 100*time.Millisecond, 2*time.Second)
			ceil := min(100*time.Millisecond<<n, 2*time.Second)
			if d < 0 || d >= ceil {
				t.Fatalf("attempt %d: %v outside [0, %v)", n, d, ceil)
			}
		}
	}
}

// TestHandleEvent: event handlers run on the dispatch goroutine, may
// send and wait for an answer, and see EventNewSession before any stanza
// of the new session.
func TestHandleEvent(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	var enabled atomic.Int32
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		e := ev.Element
		switch {
		case ev.Dir == xmpptest.ClientToServer && isSM(e, "resume"):
			return xmpptest.Verdict{Replace: e.Copy().SetAttr("previd", "forgotten")}
		case ev.Dir == xmpptest.ServerToClient && isSM(e, "enabled") && enabled.Add(1) == 2:
			// The first stanza of the new session.
			_ = srv.Inject(ev.JID, chat(jid.MustParse("bob@localhost/x"), ev.JID, "first"))
		}
		return xmpptest.Verdict{}
	})
	c := dialTest(t, srv, 0, nil)
	seen := make(chan string, 8)
	c.HandleEvent(func(ctx context.Context, ev Event) {
		if ev.Kind == EventConnected {
			return
		}
		if ev.Kind == EventDisconnected {
			// A request now may be answered by the new session, or
			// fail with ErrSessionLost: the race is the caller's.
			seen <- ev.Kind.String()
			return
		}
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		seen <- fmt.Sprintf("%s, ping %v", ev.Kind, c.Ping(pctx, jid.JID{}))
	})
	c.HandleMessage(Route{}, func(ctx context.Context, m *stanza.Message) { seen <- "message " + m.Body() })
	if err := srv.Cut(c.JID()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"disconnected", "new session, ping <nil>", "message first"} {
		expect(t, seen, want)
	}
}

// TestAckAfterNewSessionCountsNewStream: an <r/> answered while a
// reconnection starts a new session is answered with the new stream's
// count, not the old one's (which the server would take as acknowledging
// stanzas it never sent, and end the stream).
func TestAckAfterNewSessionCountsNewStream(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	acks := watch(srv, xmpptest.ClientToServer, func(e *stanza.Element) bool { return isSM(e, "a") })
	c := dialTest(t, srv, 0, nil)
	if err := c.Ping(context.Background(), jid.JID{}); err != nil { // one stanza from the server
		t.Fatal(err)
	}
	// The server asks for acks on its own: let those answers pass.
	for quiet := false; !quiet; {
		select {
		case <-acks:
		case <-time.After(100 * time.Millisecond):
			quiet = true
		}
	}
	// A reconnection holds the write lock while it installs a new session
	// (simulated: the counts are reset as install does); the server's
	// <r/> of the old stream is answered meanwhile.
	c.wmu <- struct{}{}
	done := make(chan struct{})
	go func() { c.sendAck(); close(done) }()
	time.Sleep(20 * time.Millisecond) // sendAck waits for the lock
	c.sm.disable()
	c.sm.enable()
	c.sm.enabledBy(stanza.NewElement(nsSM, "enabled"))
	<-c.wmu
	<-done
	if a := next(t, acks, "<a/>"); a.Attr("h") != "0" {
		t.Errorf("acknowledged h=%s on the new stream, want 0", a.Attr("h"))
	}
}

// TestDialWaitsForStreamManagement: Dial returns once <enable/> is
// answered, so that the Client it returns can already resume; a server
// that never answers fails Dial at its context's end.
func TestDialWaitsForStreamManagement(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	var delay atomic.Int64
	delay.Store(int64(200 * time.Millisecond))
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == xmpptest.ServerToClient && isSM(ev.Element, "enabled") {
			return xmpptest.Verdict{Delay: time.Duration(delay.Load())}
		}
		return xmpptest.Verdict{}
	})
	c := dialTest(t, srv, 0, nil)
	if !c.sm.resumable() {
		t.Error("Dial returned before <enabled/>")
	}
	delay.Store(int64(time.Hour))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	opts := testOptions(srv, 1)
	if _, err := Dial(ctx, srv.Account(1).JID(), opts); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Dial with <enabled/> never coming: %v", err)
	}
}

// TestBreakBeforeEnabledStartsNewSession: a connection that breaks after a
// new session sent <enable/> but before the server answered cannot be
// resumed; the Client reconnects with another new session instead of
// ending.
func TestBreakBeforeEnabledStartsNewSession(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	var enabled atomic.Int32
	held := make(chan jid.JID, 1)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		e := ev.Element
		switch {
		case ev.Dir == xmpptest.ClientToServer && isSM(e, "resume"):
			return xmpptest.Verdict{Replace: e.Copy().SetAttr("previd", "forgotten")}
		case ev.Dir == xmpptest.ServerToClient && isSM(e, "enabled") && enabled.Add(1) == 2:
			held <- ev.JID // the new session's answer: never written
			return xmpptest.Verdict{Delay: time.Hour}
		}
		return xmpptest.Verdict{}
	})
	events := make(chan EventKind, 8)
	c := connectTest(t, srv, 0, nil, func(c *Client) {
		c.HandleEvent(func(_ context.Context, ev Event) {
			if ev.Kind != EventConnected {
				events <- ev.Kind
			}
		})
	})
	if err := srv.Cut(c.JID()); err != nil {
		t.Fatal(err)
	}
	j := <-held
	if err := srv.Cut(j); err != nil {
		t.Fatal(err)
	}
	var kinds []EventKind
	for len(kinds) < 4 {
		select {
		case k := <-events:
			kinds = append(kinds, k)
		case <-c.Done():
			t.Fatalf("Client ended: %v (events %v)", c.Err(), kinds)
		case <-time.After(5 * time.Second):
			t.Fatalf("events %v", kinds)
		}
	}
	if fmt.Sprint(kinds) != "[disconnected new session disconnected new session]" {
		t.Errorf("events %v", kinds)
	}
	// The Ping goes out once the third connection is up.
	if err := c.Ping(context.Background(), jid.JID{}); err != nil {
		t.Fatal(err)
	}
}

// TestNotWellFormedFromServerCarriesOn: a server that says it could not
// read our stream, or that a stanza was too big (as Prosody 0.12.3
// wrongly does after some resumptions), does not end a stream-managed
// Client: it reconnects and carries on. Other stream errors still end it.
func TestNotWellFormedFromServerCarriesOn(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	events := make(chan EventKind, 8)
	c := connectTest(t, srv, 0, nil, func(c *Client) {
		c.HandleEvent(func(_ context.Context, ev Event) {
			if ev.Kind != EventConnected {
				events <- ev.Kind
			}
		})
	})
	streamErr := func(cond string) []byte {
		return []byte("<stream:error><" + cond + " xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>")
	}
	for _, cond := range []string{"not-well-formed", "invalid-xml", "policy-violation"} {
		if err := srv.InjectRaw(c.JID(), streamErr(cond)); err != nil {
			t.Fatal(err)
		}
		for _, want := range []EventKind{EventDisconnected, EventResumed} {
			select {
			case k := <-events:
				if k != want {
					t.Fatalf("%s: event %v, want %v", cond, k, want)
				}
			case <-c.Done():
				t.Fatalf("%s: Client ended: %v", cond, c.Err())
			case <-time.After(5 * time.Second):
				t.Fatalf("%s: no %v event", cond, want)
			}
		}
		if err := c.Ping(context.Background(), jid.JID{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.InjectRaw(c.JID(), streamErr("conflict")); err != nil {
		t.Fatal(err)
	}
	waitDone(t, c)
	if !errors.Is(c.Err(), stanza.StreamConflict) {
		t.Errorf("Err = %v, want conflict", c.Err())
	}
}

// TestAckRequestUnanswered: a server that keeps the connection open but
// stops answering <r/> costs that connection after PingTimeout, instead
// of letting the unacknowledged queue fill until every Send blocks; the
// session is resumed and what was sent arrives once.
func TestAckRequestUnanswered(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	var deaf atomic.Bool
	deaf.Store(true)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		r := ev.Dir == xmpptest.ClientToServer && ev.Element.Name == stanza.Name{Space: "urn:xmpp:sm:3", Local: "r"}
		return xmpptest.Verdict{Drop: r && deaf.Load()}
	})
	got := make(chan string, 4)
	bob := connectTest(t, srv, 1, nil, func(c *Client) {
		c.HandleMessage(Route{}, func(_ context.Context, m *stanza.Message) { got <- m.Body() })
	})
	events := make(chan Event, 8)
	alice := connectTest(t, srv, 0, func(o *Options) {
		o.AckInterval = 20 * time.Millisecond
		o.PingTimeout = 300 * time.Millisecond
		o.ReconnectMin = 5 * time.Millisecond
	}, func(c *Client) {
		c.HandleEvent(func(_ context.Context, ev Event) {
			if ev.Kind != EventConnected {
				events <- ev
			}
		})
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := alice.Send(ctx, stanza.NewMessage(stanza.MessageChat, bob.JID(), "unacknowledged")); err != nil {
		t.Fatal(err)
	}
	for _, want := range []EventKind{EventDisconnected, EventResumed} {
		select {
		case ev := <-events:
			if ev.Kind != want || (want == EventDisconnected && !errors.Is(ev.Err, ErrDeadConnection)) {
				t.Fatalf("event %v (%v), want %v", ev.Kind, ev.Err, want)
			}
			deaf.Store(false)
		case <-ctx.Done():
			t.Fatalf("no %v: the unanswered ack request went unnoticed", want)
		}
	}
	if err := alice.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := bob.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if b := <-got; b != "unacknowledged" {
		t.Errorf("bob got %q", b)
	}
	select {
	case b := <-got:
		t.Errorf("bob got %q again", b)
	default:
	}
}
