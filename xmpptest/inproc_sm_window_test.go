package xmpptest_test

import (
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// holdOnce returns a hook that holds back, once, the element in
// direction dir whose body is body, signalling seen when it does. The
// delay is long: only the end of the session cuts it short.
func holdOnce(dir xmpptest.Direction, body string, seen chan<- struct{}) func(xmpptest.ElementEvent) xmpptest.Verdict {
	var done atomic.Bool
	return func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir != dir || ev.Element.Name.Local != "message" {
			return xmpptest.Verdict{}
		}
		m, err := stanza.ParseMessage(ev.Element)
		if err != nil || m.Body() != body || done.Swap(true) {
			return xmpptest.Verdict{}
		}
		close(seen)
		return xmpptest.Verdict{Delay: time.Hour}
	}
}

// TestServerSMTakeOverDuringWrite resumes a session while its old
// writer holds a stanza back (a delay hook, as a slow write would): the
// stanza, taken from the queue but not yet counted, must be written on
// the new connection, not lost with the old one.
func TestServerSMTakeOverDuringWrite(t *testing.T) {
	srv := smServer(t, 0)
	bob1 := &smClient{rawClient: dialRaw(t, srv)}
	bob1.authenticate("bob")
	bobJID := bob1.bind()
	id := bob1.enable()
	alice := dialRaw(t, srv)
	alice.login()

	seen := make(chan struct{})
	defer srv.OnElement(holdOnce(xmpptest.ServerToClient, "held", seen))()
	alice.write(stanza.NewMessage(stanza.MessageChat, bobJID, "held").Element())
	<-seen // bob1's writer holds "held"
	alice.write(stanza.NewMessage(stanza.MessageChat, bobJID, "after").Element())

	bob2 := &smClient{rawClient: dialRaw(t, srv)}
	bob2.authenticate("bob")
	bob2.write(stanza.NewElement(nsSM, "resume", stanza.A("previd", id), stanza.A("h", "0")))
	if e := bob2.next(); e.Name.Local != "resumed" {
		t.Fatalf("got %s, want <resumed/>", e)
	}
	for _, want := range []string{"held", "after"} {
		if got := bob2.body(); got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
}

// TestServerSMCutDuringRead cuts a session while its reader holds back a
// stanza it has read (a delay hook): the <resumed/> h must not count a
// stanza the Server never routed, so that the client sends it again, and
// it then arrives once.
func TestServerSMCutDuringRead(t *testing.T) {
	srv := smServer(t, 0)
	bob1 := &smClient{rawClient: dialRaw(t, srv)}
	bob1.authenticate("bob")
	bobJID := bob1.bind()
	id := bob1.enable()
	alice := dialRaw(t, srv)
	aliceJID := alice.login()

	seen := make(chan struct{})
	defer srv.OnElement(holdOnce(xmpptest.ClientToServer, "held", seen))()
	held := stanza.NewMessage(stanza.MessageChat, aliceJID, "held").Element()
	bob1.write(held)
	<-seen // bob1's reader holds "held"
	if err := srv.Cut(bobJID); err != nil {
		t.Fatal(err)
	}

	bob2 := &smClient{rawClient: dialRaw(t, srv)}
	bob2.authenticate("bob")
	bob2.write(stanza.NewElement(nsSM, "resume", stanza.A("previd", id), stanza.A("h", "0")))
	e := bob2.next()
	if e.Name.Local != "resumed" {
		t.Fatalf("got %s, want <resumed/>", e)
	}
	h, _ := strconv.Atoi(e.Attr("h"))
	if h == 0 {
		bob2.write(held) // not handled: the client sends it again
	}
	bob2.write(stanza.NewMessage(stanza.MessageChat, aliceJID, "marker").Element())
	for _, want := range []string{"held", "marker"} {
		if m, err := stanza.ParseMessage(alice.read()); err != nil || m.Body() != want {
			t.Fatalf("alice got %v %v, want %q (resumed h=%d)", m, err, want, h)
		}
	}
}
