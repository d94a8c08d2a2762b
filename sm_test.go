package xmpp

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
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

// smServer answers <enable/> on a fake server and returns the resumption id.
func smServer(fs *fakeServer, resumable bool) {
	e := fs.read()
	if e == nil || e.Name.Local != "enable" {
		fs.t.Errorf("expected <enable/>, got %v", e)
		return
	}
	en := stanza.NewElement(nsSM, "enabled", stanza.A("id", "sess-1"))
	if resumable {
		en.SetAttr("resume", "true")
	}
	fs.send(en.String())
}

// readStanzas reads n stanzas from the client, answering nothing, and
// returns their bodies; nonzas are collected apart.
func readStanzas(fs *fakeServer, n int) (bodies []string, nonzas []*stanza.Element) {
	for len(bodies) < n {
		e := fs.read()
		if e == nil {
			return
		}
		if e.Name.Space == nsSM {
			nonzas = append(nonzas, e)
			continue
		}
		bodies = append(bodies, e.ChildText(stanza.NSClient, "body"))
	}
	return
}

func TestSMAcks(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{sm: true}
	got := make(chan string, 10)
	c, wait := dialTest(t, fs, func(fs *fakeServer) {
		smServer(fs, true)
		for i := range 3 {
			fs.send(fmt.Sprintf("<message from='bob@localhost/x'><body>%d</body></message>", i))
		}
		fs.send("<r xmlns='urn:xmpp:sm:3'/>")
		for {
			e := fs.read()
			if e == nil {
				return
			}
			if e.Name.Local == "a" {
				got <- "a h=" + e.Attr("h")
				break
			}
		}
		bodies, _ := readStanzas(fs, 2)
		got <- fmt.Sprint(bodies)
		fs.send("<a xmlns='urn:xmpp:sm:3' h='2'/>")
		fs.readUntilEnd()
	})
	defer wait()
	defer c.Close()
	expect(t, got, "a h=3")
	ctx := context.Background()
	c.SendElement(ctx, msg("x"))
	c.SendElement(ctx, msg("y"))
	expect(t, got, "[x y]")
	waitFor(t, func() bool { n, _ := c.sm.pending(); return n == 0 }, "ack applied")
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

// waitFor polls cond for up to five seconds; the condition depends on the
// Client's reader, which runs on its own.
func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSMQueueBound: when the server acknowledges nothing, Send waits once
// MaxUnacked stanzas are outstanding, asks for an ack, and goes on when one
// comes.
func TestSMQueueBound(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{sm: true}
	sawRequest := make(chan struct{})
	ackNow := make(chan struct{})
	opts, wait := dialFake(t, fs, func(fs *fakeServer) {
		smServer(fs, true)
		for {
			e, err := fs.dec.ReadElement()
			if err != nil {
				return
			}
			if e.Name.Local == "r" {
				select {
				case <-sawRequest:
				default:
					close(sawRequest)
				}
				<-ackNow
				fs.send("<a xmlns='urn:xmpp:sm:3' h='2'/>")
			}
		}
	})
	defer wait()
	opts.MaxUnacked = 2
	opts.AckEvery = 100
	c, err := Dial(context.Background(), alice, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	waitFor(t, c.sm.resumable, "<enabled/>")
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
	<-sawRequest
	close(ackNow)
	if err := c.SendElement(context.Background(), msg("after ack")); err != nil {
		t.Fatal(err)
	}
}

func TestSMEnableRefused(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{sm: true}
	c, wait := dialTest(t, fs, func(fs *fakeServer) {
		fs.read() // <enable/>
		fs.send("<failed xmlns='urn:xmpp:sm:3'><unexpected-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>")
		fs.readUntilEnd()
	})
	defer wait()
	defer c.Close()
	waitFor(t, func() bool { c.sm.mu.Lock(); defer c.sm.mu.Unlock(); return !c.sm.enabled }, "stream management off")
	if err := c.SendElement(context.Background(), msg("plain")); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.sm.pending(); n != 0 {
		t.Errorf("%d stanzas queued without stream management", n)
	}
}

// TestSMAckTooHigh: an ack for more than we sent is answered with a stream
// error, and the connection is dropped (and resumed, if it can be).
func TestSMAckTooHigh(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{sm: true}
	var got *stanza.StreamError
	var events []Event
	var mu sync.Mutex
	opts, wait := dialFake(t, fs, func(fs *fakeServer) {
		smServer(fs, true)
		fs.send("<a xmlns='urn:xmpp:sm:3' h='5'/>")
		for {
			e, err := fs.dec.ReadElement()
			if err != nil {
				return
			}
			if se, err := stanza.ParseStreamError(e); err == nil {
				got = se
			}
		}
	})
	opts.OnEvent = func(ev Event) { mu.Lock(); events = append(events, ev); mu.Unlock() }
	c, err := Dial(context.Background(), alice, opts)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(events) > 0 }, "a disconnection event")
	c.Close()
	wait()
	if got == nil || got.Condition != stanza.StreamUndefinedCondition || got.App == nil || got.App.Name.Local != "handled-count-too-high" {
		t.Errorf("server got %v", got)
	}
	if events[0].Kind != EventDisconnected || !errors.Is(events[0].Err, errHandledTooHigh) {
		t.Errorf("event %+v", events[0])
	}
}

// TestResumeResendsWhatWasNotAcked: after a cut, the Client resumes and
// sends again exactly the stanzas the server had not received, in order;
// the server learns how many of its stanzas the Client handled.
func TestResumeResendsWhatWasNotAcked(t *testing.T) {
	checkGoroutines(t)
	first := &fakeServer{sm: true}
	var resumeH string
	second := &fakeServer{sm: true, resume: func(e *stanza.Element) *stanza.Element {
		resumeH = e.Attr("h")
		if e.Attr("previd") != "sess-1" {
			return nil
		}
		return stanza.NewElement(nsSM, "resumed", stanza.A("previd", "sess-1"), stanza.A("h", "2"))
	}}
	got := make(chan string, 10)
	sent := make(chan struct{})
	opts, wait := dialFakeSeq(t, []*fakeServer{first, second}, []func(*fakeServer){
		func(fs *fakeServer) {
			smServer(fs, true)
			fs.waitReady()
			fs.send("<message from='bob@localhost/x'><body>in-1</body></message>")
			fs.send("<message from='bob@localhost/x'><body>in-2</body></message>")
			<-sent
			bodies, _ := readStanzas(fs, 3)
			got <- fmt.Sprint(bodies)
			fs.send("<a xmlns='urn:xmpp:sm:3' h='1'/>")
			fs.conn.Close() // cut: m-2 arrived but was never acknowledged
		},
		func(fs *fakeServer) {
			bodies, _ := readStanzas(fs, 1)
			got <- fmt.Sprint(bodies)
			fs.readUntilEnd()
		},
	})
	var mu sync.Mutex
	var kinds []EventKind
	opts.OnEvent = func(ev Event) { mu.Lock(); kinds = append(kinds, ev.Kind); mu.Unlock() }
	c, err := Dial(context.Background(), alice, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	in := make(chan string, 2)
	c.HandleMessage(func(ctx context.Context, m *stanza.Message) { in <- m.Body() })
	close(first.ready)
	waitFor(t, c.sm.resumable, "<enabled/>")
	expect(t, in, "in-1")
	expect(t, in, "in-2")
	close(sent)
	for _, b := range []string{"m-1", "m-2", "m-3"} {
		if err := c.SendElement(context.Background(), msg(b)); err != nil {
			t.Fatal(err)
		}
	}
	expect(t, got, "[m-1 m-2 m-3]")
	expect(t, got, "[m-3]")
	c.Close()
	wait()
	if resumeH != "2" {
		t.Errorf("resumed with h=%s, want 2", resumeH)
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
	first := &fakeServer{sm: true}
	second := &fakeServer{sm: true} // refuses resumption
	second.resume = func(e *stanza.Element) *stanza.Element {
		// Refuse, but say that m-2 had arrived (XEP-0198 <failed h/>).
		second.failedH = "3"
		return nil
	}
	got := make(chan string, 10)
	opts, wait := dialFakeSeq(t, []*fakeServer{first, second}, []func(*fakeServer){
		func(fs *fakeServer) {
			smServer(fs, true)
			bodies, _ := readStanzas(fs, 4) // presence, m-1, m-2, the request
			fs.send("<a xmlns='urn:xmpp:sm:3' h='2'/>")
			got <- fmt.Sprint(len(bodies))
			fs.conn.Close()
		},
		func(fs *fakeServer) {
			smServer(fs, true)
			e := fs.read() // the presence, restored
			if e != nil {
				got <- e.Name.Local + ":" + e.ChildText(stanza.NSClient, "status")
			}
			fs.readUntilEnd()
		},
	})
	events := make(chan Event, 4)
	opts.OnEvent = func(ev Event) { events <- ev }
	c, err := Dial(context.Background(), alice, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	waitFor(t, c.sm.resumable, "<enabled/>")
	p := stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})
	p.Statuses = []stanza.Text{{Value: "here"}}
	ctx := context.Background()
	c.Send(ctx, p)
	c.SendElement(ctx, msg("m-1"))
	c.SendElement(ctx, msg("m-2"))
	reqErr := make(chan error, 1)
	go func() {
		_, err := c.Request(ctx, stanza.NewIQ(stanza.IQGet, jid.MustParse("bob@localhost/x"), stanza.NewElement("urn:x", "q")))
		reqErr <- err
	}()
	expect(t, got, "4")
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
	expect(t, got, "presence:here")
	c.Close()
	wait()
}

// TestCloseDuringReconnect: Close ends a Client whose reconnection keeps
// failing, at once, with no goroutine left.
func TestCloseDuringReconnect(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{sm: true}
	opts, wait := dialFake(t, fs, func(fs *fakeServer) {
		smServer(fs, true)
		_, _ = fs.dec.ReadElement() // until the cut
	})
	opts.ReconnectMin = 50 * time.Millisecond
	opts.ReconnectMax = time.Second
	disconnected := make(chan struct{}, 1)
	opts.OnEvent = func(ev Event) {
		if ev.Kind == EventDisconnected {
			select {
			case disconnected <- struct{}{}:
			default:
			}
		}
	}
	c, err := Dial(context.Background(), alice, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	waitFor(t, c.sm.resumable, "<enabled/>")
	fs.conn.Close() // cut; every later dial is refused
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
	wait()
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
