package xmpp

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestPresencePayload: a provider's payload goes on every available
// presence, fresh each time, never on other types; RefreshPresence and a
// new session send the last broadcast presence again with a fresh payload.
func TestPresencePayload(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	var gen atomic.Int32
	gen.Store(1)
	got := make(chan *stanza.Element, 100)
	events := make(chan Event, 8)
	alice := connectTest(t, srv, 0, func(o *Options) { o.ReconnectMin, o.ResumeTimeout = time.Millisecond, 200*time.Millisecond }, func(c *Client) {
		eventsTo(events)(c)
		c.AddPresencePayload(func() *stanza.Element {
			return stanza.NewElement("urn:example:gen", "gen", stanza.A("n", strconv.Itoa(int(gen.Load()))))
		})
		c.AddPresencePayload(func() *stanza.Element { return nil })
	})
	var mu sync.Mutex
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		mu.Lock()
		defer mu.Unlock()
		if ev.Dir == xmpptest.ClientToServer && ev.Element.Name.Local == "presence" {
			got <- ev.Element
		}
		return xmpptest.Verdict{}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	next := func(what string) *stanza.Element {
		t.Helper()
		select {
		case e := <-got:
			return e
		case <-ctx.Done():
			t.Fatalf("no %s", what)
			return nil
		}
	}
	genOf := func(e *stanza.Element) string {
		if g := e.Child("urn:example:gen", "gen"); g != nil {
			return g.Attr("n")
		}
		return ""
	}

	if err := alice.Send(ctx, stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})); err != nil {
		t.Fatal(err)
	}
	if e := next("initial presence"); genOf(e) != "1" || e.NumChildren() != 1 {
		t.Fatalf("initial presence %v; want one payload, gen 1", e)
	}
	gen.Store(2)
	bob := srv.Account(1).JID()
	if err := alice.Send(ctx, stanza.NewPresence(stanza.PresenceAvailable, bob)); err != nil {
		t.Fatal(err)
	}
	if e := next("directed presence"); genOf(e) != "2" {
		t.Fatalf("directed presence %v; want gen 2", e)
	}
	if err := alice.Send(ctx, stanza.NewPresence(stanza.PresenceSubscribe, bob)); err != nil {
		t.Fatal(err)
	}
	if e := next("subscribe"); genOf(e) != "" {
		t.Fatalf("subscribe carries %v", e)
	}

	gen.Store(3)
	alice.RefreshPresence()
	if e := next("refreshed presence"); genOf(e) != "3" || e.Attr("to") != "" {
		t.Fatalf("refreshed presence %v; want broadcast, gen 3", e)
	}

	// A new session (the server does not answer <resume/>) restores
	// the presence with a fresh payload.
	gen.Store(4)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		return xmpptest.Verdict{Drop: ev.Dir == xmpptest.ServerToClient && isSM(ev.Element, "resumed")}
	})
	if err := srv.Cut(alice.JID()); err != nil {
		t.Fatal(err)
	}
	for ev := nextEvent(t, events); ev.Kind != EventNewSession; ev = nextEvent(t, events) {
	}
	if e := next("restored presence"); genOf(e) != "4" || e.Attr("to") != "" {
		t.Fatalf("restored presence %v; want broadcast, gen 4", e)
	}

	// After unavailable presence, a refresh sends nothing.
	if err := alice.Send(ctx, stanza.NewPresence(stanza.PresenceUnavailable, jid.JID{})); err != nil {
		t.Fatal(err)
	}
	if e := next("unavailable"); genOf(e) != "" {
		t.Fatalf("unavailable carries %v", e)
	}
	alice.RefreshPresence()
	alice.Advertise("urn:example:late")
	if err := alice.Ping(ctx, jid.JID{}); err != nil {
		t.Fatal(err)
	}
	alice.Close()
	select {
	case e := <-got:
		t.Errorf("presence after unavailable: %v", e)
	default:
	}
}

// TestMessagePayload: a message provider's payload goes on every message
// but errors, once: a message the application annotated itself keeps its
// own, and a message sent again after a resumption keeps the payload it
// got the first time.
func TestMessagePayload(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	var n atomic.Int32
	got := make(chan *stanza.Element, 100)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == xmpptest.ClientToServer && ev.Element.Name.Local == "message" {
			got <- ev.Element
		}
		return xmpptest.Verdict{}
	})
	alice := connectTest(t, srv, 0, func(o *Options) { o.ReconnectMin = time.Millisecond }, func(c *Client) {
		c.AddMessagePayload(func(m *stanza.Element) *stanza.Element {
			if m.Child(stanza.NSClient, "body") == nil {
				return nil
			}
			return stanza.NewElement("urn:example:n", "n", stanza.A("v", strconv.Itoa(int(n.Add(1)))))
		})
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	bob := srv.Account(1).JID()
	next := func() *stanza.Element {
		t.Helper()
		select {
		case e := <-got:
			return e
		case <-ctx.Done():
			t.Fatal("no message")
			return nil
		}
	}
	nOf := func(e *stanza.Element) string {
		if c := e.Child("urn:example:n", "n"); c != nil {
			return c.Attr("v")
		}
		return ""
	}
	if err := alice.Send(ctx, stanza.NewMessage(stanza.MessageChat, bob, "one")); err != nil {
		t.Fatal(err)
	}
	if e := next(); nOf(e) != "1" {
		t.Fatalf("first message %v", e)
	}
	own := stanza.NewMessage(stanza.MessageChat, bob, "two")
	own.Payloads = append(own.Payloads, stanza.NewElement("urn:example:n", "n", stanza.A("v", "mine")))
	if err := alice.Send(ctx, own); err != nil {
		t.Fatal(err)
	}
	if e := next(); nOf(e) != "mine" || len(slices.Collect(e.Children())) != 2 {
		t.Fatalf("annotated message %v", e)
	}
	errMsg := stanza.NewMessage(stanza.MessageError, bob, "three")
	if err := alice.Send(ctx, errMsg); err != nil {
		t.Fatal(err)
	}
	if e := next(); nOf(e) != "" {
		t.Fatalf("error message %v", e)
	}
	if err := alice.Send(ctx, stanza.NewMessage(stanza.MessageChat, bob, "")); err != nil {
		t.Fatal(err)
	}
	if e := next(); nOf(e) != "" {
		t.Fatalf("provider returned nil, message %v", e)
	}

	// The server never takes "five" the first time; after the cut the
	// Client sends it again on the resumed stream, with the same payload.
	held := holdFirst(srv, func(e *stanza.Element) bool { return e.ChildText(stanza.NSClient, "body") == "five" })
	if err := alice.Send(ctx, stanza.NewMessage(stanza.MessageChat, bob, "five")); err != nil {
		t.Fatal(err)
	}
	first := nOf(next())
	<-held
	if err := srv.Cut(alice.JID()); err != nil {
		t.Fatal(err)
	}
	if again := next(); again.ChildText(stanza.NSClient, "body") != "five" || nOf(again) != first || first == "" {
		t.Fatalf("sent again: %v; first had n=%s", again, first)
	}
}
