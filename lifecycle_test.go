package xmpp

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stream"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestEarlyStanzasReachHandlers: what a server sends the moment the
// session is up (offline messages, a roster push) reaches the handlers
// registered before Connect, and the ack counts exactly what they saw.
func TestEarlyStanzasReachHandlers(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	bob := jid.MustParse("bob@localhost/x")
	push := stanza.NewElement(stanza.NSClient, "iq", stanza.A("type", "set"), stanza.A("id", "push1")).AddChild(
		stanza.NewElement("jabber:iq:roster", "query").AddChild(stanza.NewElement("jabber:iq:roster", "item", stanza.A("jid", "carol@localhost"))))
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == xmpptest.ServerToClient && isSM(ev.Element, "enabled") {
			// Written right after <enabled/>, before Connect returns.
			for i := range 3 {
				_ = srv.Inject(ev.JID, chat(bob, ev.JID, strconv.Itoa(i)))
			}
			_ = srv.Inject(ev.JID, push)
		}
		return xmpptest.Verdict{}
	})
	acks := watch(srv, xmpptest.ClientToServer, func(e *stanza.Element) bool { return isSM(e, "a") })
	var seen []string
	c := connectTest(t, srv, 0, nil, func(c *Client) {
		c.HandleMessage(Route{}, func(_ context.Context, m *stanza.Message) { seen = append(seen, m.Body()) })
		c.HandleIQ(stanza.IQSet, "jabber:iq:roster", "query", func(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
			seen = append(seen, "push")
			return nil, nil
		})
	})
	if err := c.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := strconv.Quote(strings.Join(seen, " ")); got != `"0 1 2 push"` {
		t.Errorf("handlers saw %s", got)
	}
	// Five stanzas came after <enabled/>: the four above and Sync's answer.
	if err := srv.Inject(c.JID(), stanza.NewElement(nsSM, "r")); err != nil {
		t.Fatal(err)
	}
	for {
		a := next(t, acks, "<a h='5'/>")
		h, _ := strconv.Atoi(a.Attr("h"))
		if h == 5 {
			break
		}
		if h > 5 {
			t.Fatalf("acknowledged %d stanzas, 5 were handled", h)
		}
	}
}

// TestLifecycle: calls before Connect fail with ErrNotConnected, a failed
// Connect may be retried, a second Connect and a Connect after Close
// fail, and a Client closed unconnected leaves nothing behind.
func TestLifecycle(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	ctx := context.Background()

	closedEarly := New(srv.Account(0).JID(), testOptions(srv, 0))
	if err := closedEarly.Close(); err != nil || closedEarly.Err() != nil {
		t.Errorf("Close before Connect: %v, Err %v", err, closedEarly.Err())
	}
	if err := closedEarly.Connect(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("Connect after Close: %v", err)
	}

	// The first dial fails; the second succeeds.
	var dials atomic.Int32
	opts := testOptions(srv, 0)
	opts.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) == 1 {
			return nil, errRefused
		}
		return srv.DialPipe(ctx, network, addr)
	}
	c := New(srv.Account(0).JID(), opts)
	defer c.Close()
	if c.JID() != srv.Account(0).JID() {
		t.Errorf("JID before Connect = %s", c.JID())
	}
	if st := c.ConnectionState(); st.Connected || st.TLS != nil {
		t.Errorf("ConnectionState before Connect: %+v", st)
	}
	if err := c.Send(ctx, stanza.NewMessage(stanza.MessageChat, c.JID(), "x")); !errors.Is(err, ErrNotConnected) {
		t.Errorf("Send before Connect: %v", err)
	}
	if _, err := c.Request(ctx, stanza.NewIQ(stanza.IQGet, jid.JID{}, stanza.NewElement(nsPing, "ping"))); !errors.Is(err, ErrNotConnected) {
		t.Errorf("Request before Connect: %v", err)
	}
	if err := c.Sync(ctx); !errors.Is(err, ErrNotConnected) {
		t.Errorf("Sync before Connect: %v", err)
	}
	if err := c.Connect(ctx); !errors.Is(err, errRefused) {
		t.Fatalf("first Connect: %v", err)
	}
	if err := c.Connect(ctx); err != nil {
		t.Fatalf("Connect again: %v", err)
	}
	if err := c.Connect(ctx); err == nil {
		t.Error("a second Connect of a connected Client succeeded")
	}
	if err := c.Ping(ctx, jid.JID{}); err != nil {
		t.Error(err)
	}
	c.Close()
	if err := c.Connect(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("Connect after Close: %v", err)
	}
}

// TestSync: Sync returns once everything the server sent before it has
// been handled; from a handler it fails at once instead of waiting for
// itself, whatever the context.
func TestSync(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	var handled atomic.Int32
	fromHandler := make(chan error, 3)
	c := connectTest(t, srv, 0, nil, func(c *Client) {
		c.HandleMessage(Route{}, func(ctx context.Context, m *stanza.Message) {
			if m.Body() == "sync" {
				fromHandler <- c.Sync(ctx)
				fromHandler <- c.Sync(context.Background())
				// A goroutine of the handler's, with its context.
				errc := make(chan error)
				go func() { errc <- c.Sync(ctx) }()
				fromHandler <- <-errc
				return
			}
			handled.Add(1)
		})
	})
	bob := jid.MustParse("bob@localhost/x")
	const n = 50
	for _, e := range numbered(bob, c.JID(), n) {
		if err := srv.Inject(c.JID(), e); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if h := handled.Load(); h != n {
		t.Errorf("Sync returned with %d of %d messages handled", h, n)
	}
	if err := srv.Inject(c.JID(), chat(bob, c.JID(), "sync")); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		select {
		case err := <-fromHandler:
			if !errors.Is(err, ErrInHandler) {
				t.Errorf("Sync from a handler: %v, want ErrInHandler", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Sync from a handler waited")
		}
	}
	// Sync with a context that ends first.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Sync(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Sync with a cancelled context: %v", err)
	}
}

// TestCallbacksMayCallClient: event handlers may Send, Request and Close
// without deadlock, also while the Client reconnects (the old OnEvent ran
// on the reader, which a Send waiting for the new connection blocked).
func TestCallbacksMayCallClient(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	received := watch(srv, xmpptest.ClientToServer, func(e *stanza.Element) bool { return e.Name.Local == "message" })
	results := make(chan error, 4)
	c := connectTest(t, srv, 0, nil, func(c *Client) {
		c.HandleEvent(func(ctx context.Context, ev Event) {
			if ev.Kind == EventConnected {
				return
			}
			switch ev.Kind {
			case EventDisconnected:
				// Waits for the new connection.
				results <- c.Send(ctx, stanza.NewMessage(stanza.MessageChat, c.JID().Bare(), "sent while down"))
			case EventResumed:
				results <- c.Ping(ctx, jid.JID{})
				results <- c.Close()
			}
		})
	})
	if err := srv.Cut(c.JID()); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		select {
		case err := <-results:
			if err != nil {
				t.Error(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("an event handler's call never returned")
		}
	}
	waitDone(t, c)
	if c.Err() != nil {
		t.Errorf("Err after Close from an event handler: %v", c.Err())
	}
	if b := next(t, received, "the message sent while down").ChildText(stanza.NSClient, "body"); b != "sent while down" {
		t.Errorf("server got %q", b)
	}
}

// TestCloseWaitsForDispatcher: Close from another goroutine returns only
// once the running handler has returned, so that nothing of the Client
// runs after Close.
func TestCloseWaitsForDispatcher(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	started := make(chan struct{})
	cancelled := make(chan struct{})
	proceed := make(chan struct{})
	var finished atomic.Bool
	c := connectTest(t, srv, 0, nil, func(c *Client) {
		c.HandleMessage(Route{}, func(ctx context.Context, m *stanza.Message) {
			close(started)
			<-ctx.Done()
			close(cancelled)
			<-proceed
			finished.Store(true)
		})
	})
	if err := srv.Inject(c.JID(), chat(jid.MustParse("bob@localhost/x"), c.JID(), "hold")); err != nil {
		t.Fatal(err)
	}
	<-started
	closed := make(chan struct{})
	go func() { c.Close(); close(closed) }()
	<-cancelled
	// Once the connection is closed, Close has nothing left to wait for
	// but the handler: give a wrong Close the time to return.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.WaitNoSession(ctx, c.JID()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-closed:
		t.Fatal("Close returned while a handler was running")
	case <-time.After(200 * time.Millisecond):
	}
	close(proceed)
	<-closed
	if !finished.Load() {
		t.Error("Close returned before the handler did")
	}
}

// TestSendWakesAllWaiters: when one acknowledgement frees room for
// several stanzas, every Send waiting for room goes on, not only one.
func TestSendWakesAllWaiters(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	// The server's own acks are dropped; the test injects the one that
	// counts, marked to pass.
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		e := ev.Element
		return xmpptest.Verdict{Drop: ev.Dir == xmpptest.ServerToClient && isSM(e, "a") && e.Attr("test") == ""}
	})
	requests := watch(srv, xmpptest.ClientToServer, func(e *stanza.Element) bool { return isSM(e, "r") })
	c := dialTest(t, srv, 0, func(o *Options) { o.MaxUnacked, o.AckEvery, o.AckInterval = 4, 100, time.Hour })
	ctx := context.Background()
	for i := range 4 {
		if err := c.SendElement(ctx, msg(strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
	const waiters = 4
	errs := make(chan error, waiters)
	for i := range waiters {
		go func() { errs <- c.SendElement(ctx, msg("waiter "+strconv.Itoa(i))) }()
	}
	for range waiters { // each waiter asks for an ack before it waits
		next(t, requests, "<r/>")
	}
	if err := srv.Inject(c.JID(), smAck(4).SetAttr("test", "pass")); err != nil {
		t.Fatal(err)
	}
	for range waiters {
		select {
		case err := <-errs:
			if err != nil {
				t.Error(err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("a Send waited although the ack freed room for it")
		}
	}
}

// TestSecondStreamHeader: a stream header inside the stream ends it with
// invalid-xml instead of stalling the reader.
func TestSecondStreamHeader(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	errs := streamErrors(srv)
	c := dialTest(t, srv, 0, nil)
	header := "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0' from='localhost' id='again'>"
	if err := srv.InjectRaw(c.JID(), []byte(header)); err != nil {
		t.Fatal(err)
	}
	waitDone(t, c)
	if !errors.Is(c.Err(), stanza.StreamInvalidXML) {
		t.Errorf("Err = %v, want invalid-xml", c.Err())
	}
	se, err := stanza.ParseStreamError(next(t, errs, "the client's stream error"))
	if err != nil || se.Condition != stanza.StreamInvalidXML {
		t.Errorf("server got %v (%v), want invalid-xml", se, err)
	}
}

// TestResumeTimeout: a server that never answers <resume/> is given
// ResumeTimeout, then the Client starts a new session and reports what
// may be lost, instead of waiting the whole ConnectTimeout.
func TestResumeTimeout(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		return xmpptest.Verdict{Drop: ev.Dir == xmpptest.ServerToClient && isSM(ev.Element, "resumed")}
	})
	events := make(chan Event, 4)
	c := connectTest(t, srv, 0, func(o *Options) { o.ResumeTimeout = 200 * time.Millisecond }, eventsTo(events))
	if err := srv.Cut(c.JID()); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if ev := nextEvent(t, events); ev.Kind != EventDisconnected {
		t.Fatalf("event %v", ev.Kind)
	}
	ev := nextEvent(t, events)
	if ev.Kind != EventNewSession || !errors.Is(ev.Err, stream.ErrResumeTimeout) {
		t.Fatalf("event %v (%v), want a new session after the resume timeout", ev.Kind, ev.Err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("new session after %v", d)
	}
	if err := c.Ping(context.Background(), jid.JID{}); err != nil {
		t.Error(err)
	}
}

// TestResumeAskedTwice: a resumption that got no answer in time is asked
// for once more on a new connection before the session is given up; the
// second answer resumes it.
func TestResumeAskedTwice(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	var dropped atomic.Bool
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		drop := ev.Dir == xmpptest.ServerToClient && isSM(ev.Element, "resumed") && !dropped.Swap(true)
		return xmpptest.Verdict{Drop: drop}
	})
	events := make(chan Event, 4)
	c := connectTest(t, srv, 0, func(o *Options) { o.ResumeTimeout = 200 * time.Millisecond }, eventsTo(events))
	if err := srv.Cut(c.JID()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []EventKind{EventDisconnected, EventResumed} {
		if ev := nextEvent(t, events); ev.Kind != want {
			t.Fatalf("event %v (%v), want %v", ev.Kind, ev.Err, want)
		}
	}
	if !dropped.Load() {
		t.Error("the first <resumed/> was not dropped")
	}
	if err := c.Ping(context.Background(), jid.JID{}); err != nil {
		t.Error(err)
	}
}

// TestConflictAfterAbandonedResumption: a conflict stream error soon
// after a resumption was given up (the server may complete it late and
// so replace the session that followed) makes the Client connect again;
// a conflict with no such resumption before it ends the Client, as
// another client taking the resource does.
func TestConflictAfterAbandonedResumption(t *testing.T) {
	checkGoroutines(t)
	conflict := (&stanza.StreamError{Condition: stanza.StreamConflict, Text: "Replaced by new connection"}).Element()
	t.Run("after an abandoned resumption", func(t *testing.T) {
		srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
		remove := srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
			return xmpptest.Verdict{Drop: ev.Dir == xmpptest.ServerToClient && isSM(ev.Element, "resumed")}
		})
		events := make(chan Event, 8)
		c := connectTest(t, srv, 0, func(o *Options) { o.ResumeTimeout = 100 * time.Millisecond }, eventsTo(events))
		if err := srv.Cut(c.JID()); err != nil {
			t.Fatal(err)
		}
		for _, want := range []EventKind{EventDisconnected, EventNewSession} {
			if ev := nextEvent(t, events); ev.Kind != want {
				t.Fatalf("event %v (%v), want %v", ev.Kind, ev.Err, want)
			}
		}
		remove()
		if err := srv.Inject(c.JID(), conflict); err != nil {
			t.Fatal(err)
		}
		ev := nextEvent(t, events)
		if ev.Kind != EventDisconnected || !errors.Is(ev.Err, stanza.StreamConflict) {
			t.Fatalf("event %v (%v), want a disconnection for conflict", ev.Kind, ev.Err)
		}
		if ev := nextEvent(t, events); ev.Kind != EventResumed && ev.Kind != EventNewSession {
			t.Fatalf("event %v (%v), want the Client connected again", ev.Kind, ev.Err)
		}
		if err := c.Ping(context.Background(), jid.JID{}); err != nil {
			t.Error(err)
		}
	})
	t.Run("another client", func(t *testing.T) {
		srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
		c := connectTest(t, srv, 0, nil, nil)
		if err := srv.Inject(c.JID(), conflict); err != nil {
			t.Fatal(err)
		}
		select {
		case <-c.Done():
		case <-time.After(10 * time.Second):
			t.Fatal("the Client goes on after a conflict")
		}
		if !errors.Is(c.Err(), stanza.StreamConflict) {
			t.Errorf("Err = %v, want conflict", c.Err())
		}
	})
}

// TestIntegrationOfflineMessages: the messages a real server kept for an
// account while it was offline, and sends the moment its initial
// presence is in, reach a Client whose handler was registered before
// Connect, all of them, in order.
func TestIntegrationOfflineMessages(t *testing.T) {
	forEachServer(t, func(t *testing.T, srv *server, _ map[uint16][]string) {
		if srv.Name == "xmpptest" {
			t.Skip("the in-process server keeps no offline messages")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		alice := mustLogin(t, srv, 0, nil)
		bobBare := srv.Account(1).JID()
		const n = 20
		for i := range n {
			if err := alice.Send(ctx, stanza.NewMessage(stanza.MessageChat, bobBare, strconv.Itoa(i))); err != nil {
				t.Fatal(err)
			}
		}
		// The server has stored them once it answers alice's ping.
		if err := alice.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		got := make(chan string, n)
		bob := mustLogin(t, srv, 1, nil, func(c *Client) {
			c.HandleMessage(Route{}, func(_ context.Context, m *stanza.Message) { got <- m.Body() })
		})
		if err := bob.Send(ctx, stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})); err != nil {
			t.Fatal(err)
		}
		expectNumbers(t, got, n)
	})
}

// TestConnectionState: what was negotiated, before and after a
// resumption, and after Close.
func TestConnectionState(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	events := make(chan Event, 4)
	c := connectTest(t, srv, 0, nil, eventsTo(events))
	st := c.ConnectionState()
	if !st.Connected || st.JID != c.JID() || st.StreamID == "" || st.TLS == nil || st.TLS.Version < 0x0303 ||
		st.Mechanism != "SCRAM-SHA-256" || st.ChannelBinding != "" || !st.StreamManagement || !st.Resumable || st.Resumed ||
		st.Features.Child(nsSM, "sm") == nil {
		t.Errorf("after Connect: %+v", st)
	}
	if err := srv.Cut(c.JID()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []EventKind{EventDisconnected, EventResumed} {
		if ev := nextEvent(t, events); ev.Kind != want {
			t.Fatalf("event %v (%v), want %v", ev.Kind, ev.Err, want)
		}
	}
	st2 := c.ConnectionState()
	if !st2.Connected || !st2.Resumed || st2.StreamID == st.StreamID || st2.JID != st.JID || !st2.Resumable {
		t.Errorf("after resumption: %+v", st2)
	}
	c.Close()
	if c.ConnectionState().Connected {
		t.Error("connected after Close")
	}
}

// TestEventConnected: the first session brings one EventConnected,
// before any stanza; a resumption or a new session brings none.
func TestEventConnected(t *testing.T) {
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	seq := make(chan string, 20)
	alice := connectTest(t, srv, 0, func(o *Options) { o.ReconnectMin = time.Millisecond }, func(c *Client) {
		c.HandleEvent(func(_ context.Context, ev Event) { seq <- ev.Kind.String() })
		c.HandleMessage(Route{}, func(_ context.Context, m *stanza.Message) { seq <- "message " + m.Body() })
	})
	bob := dialTest(t, srv, 1, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	send := func(body string) {
		if err := bob.Send(ctx, stanza.NewMessage(stanza.MessageChat, alice.JID(), body)); err != nil {
			t.Fatal(err)
		}
	}
	send("one")
	var got []string
	next := func() {
		select {
		case s := <-seq:
			got = append(got, s)
		case <-ctx.Done():
			t.Fatalf("events and messages: %q", got)
		}
	}
	next()
	next()
	if err := srv.Cut(alice.JID()); err != nil {
		t.Fatal(err)
	}
	for len(got) < 4 {
		next()
	}
	if got[0] != "connected" || got[1] != "message one" || got[2] != "disconnected" || got[3] != "resumed" {
		t.Fatalf("events and messages: %q, want connected, message one, disconnected, resumed", got)
	}
}
