package xmpptest_test

import (
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

const nsSM = "urn:xmpp:sm:3"

// smClient is a rawClient that speaks stream management: it counts the
// stanzas it receives and answers the server's <r/>.
type smClient struct {
	*rawClient
	h uint32 // stanzas received since <enabled/> or <resumed/>
}

// enable asks for stream management with resumption and returns the id.
func (c *smClient) enable() string {
	c.t.Helper()
	c.write(stanza.NewElement(nsSM, "enable", stanza.A("resume", "true")))
	e := c.read()
	if max, err := strconv.Atoi(e.Attr("max")); e.Name.Local != "enabled" || e.Attr("resume") != "true" || e.Attr("id") == "" || err != nil || max < 1 {
		c.t.Fatalf("got %s, want <enabled/> with resumption", e)
	}
	return e.Attr("id")
}

// next returns the next element that is not an ack request, answering
// those on the way, and counts stanzas.
func (c *smClient) next() *stanza.Element {
	c.t.Helper()
	for {
		e := c.read()
		switch {
		case e.Name == stanza.Name{Space: nsSM, Local: "r"}:
			// The server may have closed the stream meanwhile (after
			// an error it was told of later): a failed answer is for
			// the next read to report.
			_ = c.enc.Encode(stanza.NewElement(nsSM, "a", stanza.A("h", strconv.FormatUint(uint64(c.h), 10))))
			continue
		case e.Name.Space == stanza.NSClient:
			c.h++
		}
		return e
	}
}

// body returns the body of the next element, which must be a message.
func (c *smClient) body() string {
	c.t.Helper()
	e := c.next()
	m, err := stanza.ParseMessage(e)
	if err != nil {
		c.t.Fatalf("got %s, want a message", e)
	}
	return m.Body()
}

func smFailedWith(t *testing.T, e *stanza.Element, c stanza.Condition) {
	t.Helper()
	if e.Name != (stanza.Name{Space: nsSM, Local: "failed"}) || e.Child(stanza.NSStanzas, string(c)) == nil {
		t.Errorf("got %s, want <failed/> with %s", e, c)
	}
}

func smServer(t *testing.T, timeout time.Duration) *xmpptest.Server {
	return startServer(t, &xmpptest.ServerOptions{StreamManagement: true, ResumeTimeout: timeout})
}

// TestServerSMAcks checks enabling stream management and acks both ways.
func TestServerSMAcks(t *testing.T) {
	srv := smServer(t, 0)
	bob := &smClient{rawClient: dialRaw(t, srv)}
	if f := bob.authenticate("bob"); f.Child(nsSM, "sm") == nil {
		t.Fatalf("no stream management in %s", f)
	}
	bob.write(stanza.NewElement(nsSM, "enable"))
	smFailedWith(t, bob.read(), stanza.ErrUnexpectedRequest) // before bind
	bobJID := bob.bind()
	bob.write(stanza.NewElement(nsSM, "enable", stanza.A("resume", "true")))
	if e := bob.read(); e.Attr("max") != "60" {
		t.Errorf("got %s, want max='60' (the default ResumeTimeout)", e)
	}
	bob.write(stanza.NewElement(nsSM, "enable"))
	smFailedWith(t, bob.read(), stanza.ErrUnexpectedRequest) // twice

	alice := dialRaw(t, srv)
	aliceJID := alice.login()
	for i := range 3 {
		alice.write(stanza.NewMessage(stanza.MessageChat, bobJID, strconv.Itoa(i)).Element())
	}
	for i := range 3 {
		if got := bob.body(); got != strconv.Itoa(i) {
			t.Errorf("got %q, want %d", got, i)
		}
	}
	// The server asks for an ack once its queue is empty.
	bob.write(stanza.NewMessage(stanza.MessageChat, aliceJID, "x").Element())
	bob.write(stanza.NewMessage(stanza.MessageChat, aliceJID, "y").Element())
	bob.write(stanza.NewElement(nsSM, "r"))
	if a := bob.next(); a.Name.Local != "a" || a.Attr("h") != "2" {
		t.Errorf("got %s, want <a h='2'/>", a)
	}
	bob.write(stanza.NewElement(nsSM, "a", stanza.A("h", "1000")))
	e := bob.next()
	se, err := stanza.ParseStreamError(e)
	if err != nil || se.Condition != stanza.StreamUndefinedCondition || se.App == nil || se.App.Name.Local != "handled-count-too-high" || se.App.Attr("send-count") != "3" {
		t.Errorf("got %s, want handled-count-too-high with send-count 3", e)
	}
}

// TestServerSMResume breaks a stream-managed session and resumes it on a
// new connection: what the client had not acknowledged, and what came
// while it was away, arrives in order.
func TestServerSMResume(t *testing.T) {
	srv := smServer(t, 0)
	bob1 := &smClient{rawClient: dialRaw(t, srv)}
	bob1.authenticate("bob")
	bobJID := bob1.bind()
	id := bob1.enable()
	alice := dialRaw(t, srv)
	aliceJID := alice.login()

	alice.write(stanza.NewMessage(stanza.MessageChat, bobJID, "one").Element())
	alice.write(stanza.NewMessage(stanza.MessageChat, bobJID, "two").Element())
	if got := bob1.body(); got != "one" {
		t.Fatalf("got %q", got)
	}
	// "two" is on its way, or written and lost with the connection.
	if err := srv.Cut(bobJID); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(srv.Sessions(), bobJID) {
		t.Error("the session was dropped instead of waiting for resumption")
	}
	alice.write(stanza.NewMessage(stanza.MessageChat, bobJID, "three").Element())
	// A marker to alice herself proves "three" was routed before the
	// resumption.
	alice.write(stanza.NewMessage(stanza.MessageChat, aliceJID, "marker").Element())
	if m, _ := stanza.ParseMessage(alice.read()); m == nil || m.Body() != "marker" {
		t.Fatal("no marker")
	}

	bob2 := &smClient{rawClient: dialRaw(t, srv)}
	bob2.authenticate("bob")
	bob2.write(stanza.NewElement(nsSM, "resume", stanza.A("previd", id), stanza.A("h", strconv.FormatUint(uint64(bob1.h), 10))))
	if e := bob2.next(); e.Name.Local != "resumed" || e.Attr("previd") != id || e.Attr("h") != "0" {
		t.Fatalf("got %s, want <resumed h='0'/>", e)
	}
	for _, want := range []string{"two", "three"} {
		if got := bob2.body(); got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	// The session goes on with the same address and counters.
	bob2.write(stanza.NewMessage(stanza.MessageChat, aliceJID, "back").Element())
	if m, _ := stanza.ParseMessage(alice.read()); m == nil || m.Body() != "back" || m.From != bobJID {
		t.Errorf("alice got %v", m)
	}
	bob2.write(stanza.NewElement(nsSM, "r"))
	if a := bob2.next(); a.Name.Local != "a" || a.Attr("h") != "1" {
		t.Errorf("got %s, want <a h='1'/>", a)
	}
	if got := srv.Sessions(); !slices.Contains(got, bobJID) || len(got) != 2 {
		t.Errorf("sessions %v", got)
	}
}

// TestServerSMResumeFailures checks resumptions that must fail: unknown
// id, another account's session, a session ended cleanly.
func TestServerSMResumeFailures(t *testing.T) {
	srv := smServer(t, 0)
	bob := &smClient{rawClient: dialRaw(t, srv)}
	bob.authenticate("bob")
	bobJID := bob.bind()
	id := bob.enable()
	if err := srv.Cut(bobJID); err != nil {
		t.Fatal(err)
	}

	resume := func(user, previd string) *smClient {
		t.Helper()
		c := &smClient{rawClient: dialRaw(t, srv)}
		c.authenticate(user)
		c.write(stanza.NewElement(nsSM, "resume", stanza.A("previd", previd), stanza.A("h", "0")))
		return c
	}
	c := resume("bob", "no-such-id")
	smFailedWith(t, c.read(), stanza.ErrItemNotFound)
	if j := c.bind(); j.Bare() != bobJID.Bare() { // a new session instead
		t.Errorf("bound %s", j)
	}
	smFailedWith(t, resume("carol", id).read(), stanza.ErrItemNotFound)

	// A clean close ends the session: no resumption.
	dave := &smClient{rawClient: dialRaw(t, srv)}
	dave.authenticate("dave")
	daveJID := dave.bind()
	daveID := dave.enable()
	if err := dave.enc.WriteEnd(); err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitNoSession(ctx(t), daveJID); err != nil {
		t.Fatal(err)
	}
	smFailedWith(t, resume("dave", daveID).read(), stanza.ErrItemNotFound)
}

// TestServerSMTakeOver resumes a session whose old connection the server
// still thinks alive: the old connection is closed.
func TestServerSMTakeOver(t *testing.T) {
	srv := smServer(t, 0)
	bob1 := &smClient{rawClient: dialRaw(t, srv)}
	bob1.authenticate("bob")
	bob1.bind()
	id := bob1.enable()
	bob2 := &smClient{rawClient: dialRaw(t, srv)}
	bob2.authenticate("bob")
	bob2.write(stanza.NewElement(nsSM, "resume", stanza.A("previd", id), stanza.A("h", "0")))
	if e := bob2.next(); e.Name.Local != "resumed" {
		t.Fatalf("got %s", e)
	}
	if _, err := bob1.dec.ReadElement(); err == nil {
		t.Error("the old connection is still open")
	}
}

// TestServerSMExpiry lets a broken session wait in vain: the request it
// never answered gets service-unavailable, and it ends.
func TestServerSMExpiry(t *testing.T) {
	srv := smServer(t, 50*time.Millisecond)
	bob := &smClient{rawClient: dialRaw(t, srv)}
	bob.authenticate("bob")
	bobJID := bob.bind()
	bob.enable()
	alice := dialRaw(t, srv)
	alice.login()
	ping := stanza.NewIQ(stanza.IQGet, bobJID, stanza.NewElement("urn:xmpp:ping", "ping"))
	alice.write(ping.Element())
	if e := bob.next(); e.Attr("id") != ping.ID {
		t.Fatalf("bob got %s", e)
	}
	if err := srv.Cut(bobJID); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	iq, err := stanza.ParseIQ(alice.read())
	if err != nil || iq.ID != ping.ID || !errors.Is(iq.Error, stanza.ErrServiceUnavailable) || iq.From != bobJID {
		t.Errorf("alice got %v %v, want service-unavailable from %s", iq, err, bobJID)
	}
	if d := time.Since(t0); d > 5*time.Second {
		t.Errorf("expiry took %v", d)
	}
	if err := srv.WaitNoSession(ctx(t), bobJID); err != nil {
		t.Error(err)
	}
}
