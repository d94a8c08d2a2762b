package xmpp

import (
	"context"
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
