package xmpptest_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/roster"
	"github.com/xmppkit/xmpp/sasl"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// overBOSH makes a Client connect to srv over its BOSH endpoint instead
// of net.Pipe.
func overBOSH(srv *xmpptest.Server) func(*xmpp.Options) {
	return func(o *xmpp.Options) {
		o.Dial, o.Addr = nil, srv.BOSHURL()
	}
}

// TestServerBOSHClient logs a Client in over BOSH and has it talk to one
// over net.Pipe: messages both ways, an IQ, the roster with its pushes,
// Sync; the hooks see the BOSH session's elements as they see any
// other's.
func TestServerBOSHClient(t *testing.T) {
	srv := startServer(t, nil)
	if u := srv.BOSHURL(); !strings.HasPrefix(u, "https://127.0.0.1:") || !strings.HasSuffix(u, xmpptest.BOSHPath) {
		t.Fatalf("BOSHURL() = %q", u)
	}
	mechs := make(chan string, 10)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Element.Name == (stanza.Name{Space: sasl.NS, Local: "auth"}) {
			mechs <- ev.Element.Attr("mechanism")
		}
		return xmpptest.Verdict{}
	})
	var r *roster.Roster
	msgs := make(chan *stanza.Message, 10)
	alice, err := login(t, srv, 0, "bosh", overBOSH(srv), func(c *xmpp.Client) {
		r = roster.New(c, nil) // it claims the roster pushes
		c.HandleMessage(xmpp.Route{}, func(_ context.Context, m *stanza.Message) { msgs <- m })
	})
	if err != nil {
		t.Fatal(err)
	}
	defer alice.Close()
	if got := <-mechs; got != sasl.SCRAMSHA256 {
		t.Errorf("mechanism %s over BOSH", got)
	}
	bob := mustLogin(t, srv, 1, "pipe")
	<-mechs
	bin := newInbox(bob)

	if err := srv.WaitSession(ctx(t), alice.JID()); err != nil {
		t.Fatal(err)
	}
	send(t, bob, stanza.NewMessage(stanza.MessageChat, alice.JID(), "to the browser"))
	select {
	case m := <-msgs:
		if m.Body() != "to the browser" || m.From != bob.JID() {
			t.Errorf("alice got %s", m.Element())
		}
	case <-time.After(waitTimeout):
		t.Fatal("alice received nothing")
	}
	send(t, alice, stanza.NewMessage(stanza.MessageChat, bob.JID(), "from the browser"))
	if m := bin.message(t); m.Body() != "from the browser" || m.From != alice.JID() {
		t.Errorf("bob got %s", m.Element())
	}
	if err := alice.Ping(ctx(t), bob.JID()); err != nil {
		t.Errorf("ping bob: %v", err)
	}

	if err := r.Load(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if err := r.Set(ctx(t), roster.Item{JID: bob.JID().Bare(), Name: "Bob"}); err != nil {
		t.Fatal(err)
	}
	if err := alice.Sync(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if it, ok := r.Item(bob.JID().Bare()); !ok || it.Name != "Bob" {
		t.Errorf("roster item %+v, %v", it, ok)
	}
	if len(msgs) != 0 {
		t.Errorf("%d more messages", len(msgs))
	}
}

// TestServerBOSHResumes is TestServerSMClientResumes over BOSH: Cut drops
// the BOSH session as a network failure would, the Client resumes in a
// new one, and nothing is lost.
func TestServerBOSHResumes(t *testing.T) {
	testClientResumes(t, overBOSH)
}

// TestServerBOSHLostResponse loses the HTTP response that carries one
// message to a Client over BOSH, after the Server has put it there: the
// Client sends its request again, the Server answers from its buffer,
// and every message arrives once, in order.
func TestServerBOSHLostResponse(t *testing.T) {
	srv := startServer(t, nil)
	var lost atomic.Int32
	xmpptest.LoseBOSHResponses(srv, func(body *stanza.Element) bool {
		for e := range body.Children() {
			if e.Name.Local == "message" && e.ChildText(stanza.NSClient, "body") == "lost once" {
				return lost.Add(1) == 1
			}
		}
		return false
	})
	alice, err := login(t, srv, 0, "bosh", overBOSH(srv))
	if err != nil {
		t.Fatal(err)
	}
	defer alice.Close()
	ain := newInbox(alice)
	bob := mustLogin(t, srv, 1, "pipe")
	bodies := []string{"before", "lost once", "after"}
	for _, body := range bodies {
		send(t, bob, stanza.NewMessage(stanza.MessageChat, alice.JID(), body))
	}
	for _, body := range bodies {
		if m := ain.message(t); m.Body() != body {
			t.Errorf("got %q, want %q", m.Body(), body)
		}
	}
	if n := lost.Load(); n != 1 {
		// Once: the request sent again is answered from the buffer.
		t.Errorf("the response was made %d times, want once", n)
	}
	if err := alice.Sync(ctx(t)); err != nil {
		t.Fatal(err)
	}
	ain.empty(t)
}

// TestServerBOSHCut cuts the BOSH session of a Client without stream
// management: its held request's connection drops, the sid is forgotten,
// and the Client ends with its session lost.
func TestServerBOSHCut(t *testing.T) {
	srv := startServer(t, nil)
	alice, err := login(t, srv, 0, "bosh", overBOSH(srv))
	if err != nil {
		t.Fatal(err)
	}
	defer alice.Close()
	if err := srv.Cut(alice.JID()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-alice.Done():
		t.Logf("ended with %v", alice.Err())
		if alice.Err() == nil {
			t.Error("ended without an error")
		}
	case <-time.After(waitTimeout):
		t.Fatal("the Client did not notice the Cut")
	}
}

// TestServerBOSHClose closes the Server under Clients connected over
// BOSH and under a request held for a session that never logged in: each
// learns of the system-shutdown, and no goroutine is left.
func TestServerBOSHClose(t *testing.T) {
	checkGoroutines(t)
	srv, err := xmpptest.NewServer(&xmpptest.ServerOptions{StreamManagement: true})
	if err != nil {
		t.Fatal(err)
	}
	var clients []*xmpp.Client
	for i := range 3 {
		via := overBOSH(srv)
		if i == 2 {
			via = nil // one over net.Pipe
		}
		c, err := login(t, srv, i, "", via)
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	raw := newRawBOSH(t, srv)
	raw.create("")
	held := make(chan *stanza.Element, 1)
	go func() {
		r, _, err := raw.try(raw.req(raw.rid+1, "", ""))
		if err != nil {
			t.Error(err)
		}
		held <- r
	}()

	t0 := time.Now()
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("Close took %v", time.Since(t0))
	for _, c := range clients {
		select {
		case <-c.Done():
			if !errors.Is(c.Err(), stanza.StreamSystemShutdown) {
				t.Errorf("%s ended with %v", c.JID(), c.Err())
			}
		case <-time.After(waitTimeout):
			t.Errorf("%s still running", c.JID())
		}
		c.Close()
	}
	if r := <-held; r == nil || r.Attr("condition") != "remote-stream-error" || r.Child(stanza.NSStream, "error") == nil {
		t.Errorf("held request answered with %v, want remote-stream-error", r)
	}
}
