package xmpptest_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestServerBOSHClient logs a Client in over BOSH and has it talk to one
// over net.Pipe (testClientOver).
func TestServerBOSHClient(t *testing.T) {
	testClientOver(t, "bosh", (*xmpptest.Server).BOSHURL, "https://127.0.0.1:", xmpptest.BOSHPath)
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
	expectShutdown(t, clients)
	if r := <-held; r == nil || r.Attr("condition") != "remote-stream-error" || r.Child(stanza.NSStream, "error") == nil {
		t.Errorf("held request answered with %v, want remote-stream-error", r)
	}
}
