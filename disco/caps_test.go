package disco_test

import (
	"context"
	"crypto"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/presence"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// capsNode is the caps node of our test software.
const capsNode = "https://example.org/disco-test"

// watcher collects the presence stanzas a Client receives, after its
// Cache (if any) has seen them: handlers run in order.
type watcher struct {
	c  *xmpp.Client
	ch chan *stanza.Presence
}

func watch(c *xmpp.Client) *watcher {
	w := &watcher{c: c, ch: make(chan *stanza.Presence, 100)}
	c.HandlePresence(xmpp.Route{}, func(_ context.Context, p *stanza.Presence) {
		select {
		case w.ch <- p:
		default:
		}
	})
	return w
}

// wait returns the next presence for which ok holds, skipping others.
func (w *watcher) wait(t *testing.T, what string, ok func(*stanza.Presence) bool) *stanza.Presence {
	t.Helper()
	deadline := time.After(waitTimeout)
	for {
		select {
		case p := <-w.ch:
			if ok(p) {
				return p
			}
		case <-deadline:
			t.Fatalf("%s: no %s", w.c.JID(), what)
			return nil
		}
	}
}

// withCaps waits for an available presence from from with a caps
// annotation.
func (w *watcher) withCaps(t *testing.T, from jid.JID) disco.Caps {
	t.Helper()
	p := w.wait(t, "presence with caps from "+from.String(), func(p *stanza.Presence) bool {
		return p.From == from && p.Type == stanza.PresenceAvailable && slices.ContainsFunc(p.Payloads, func(e *stanza.Element) bool { return e.Name.Space == disco.NSCaps })
	})
	for _, e := range p.Payloads {
		if c, err := disco.ParseCaps(e); err == nil {
			return c
		}
	}
	t.Fatal("unparsable caps")
	return disco.Caps{}
}

// send sends raw presence of type typ from w's Client to to.
func (w *watcher) send(t *testing.T, typ stanza.PresenceType, to jid.JID) {
	t.Helper()
	if err := w.c.Send(timeout(t), stanza.NewPresence(typ, to)); err != nil {
		t.Fatal(err)
	}
}

// subscribe makes a and b subscribe to each other's presence with raw
// presence stanzas (RFC 6121 section 3.1), after both sent initial
// presence.
func subscribe(t *testing.T, a, b *watcher) {
	t.Helper()
	for _, w := range []*watcher{a, b} {
		if err := presence.Available(timeout(t), w.c, "", "", 0); err != nil {
			t.Fatal(err)
		}
	}
	for _, pair := range [][2]*watcher{{a, b}, {b, a}} {
		x, y := pair[0], pair[1]
		x.send(t, stanza.PresenceSubscribe, y.c.JID().Bare())
		y.wait(t, "subscribe from "+x.c.JID().Bare().String(), func(p *stanza.Presence) bool {
			return p.Type == stanza.PresenceSubscribe && p.From.Bare() == x.c.JID().Bare()
		})
		y.send(t, stanza.PresenceSubscribed, x.c.JID().Bare())
		// The approval makes the server send y's presence to x.
		x.wait(t, "presence of "+y.c.JID().String(), func(p *stanza.Presence) bool {
			return p.Type == stanza.PresenceAvailable && p.From == y.c.JID()
		})
	}
}

// countInfo counts the disco#info requests to the caps node that reach to.
func countInfo(srv *xmpptest.Server, to jid.JID) *atomic.Int32 {
	var n atomic.Int32
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == xmpptest.ServerToClient && ev.JID == to && ev.Element.Attr("type") == "get" {
			if q := ev.Element.Child(disco.NSInfo, "query"); q != nil && strings.HasPrefix(q.Attr("node"), capsNode+"#") {
				n.Add(1)
			}
		}
		return xmpptest.Verdict{}
	})
	return &n
}

// capsPair starts alice (serving disco, with caps in her presence) and
// bob (with a Cache), mutually subscribed; bob has seen alice's caps.
func capsPair(t *testing.T, srv *xmpptest.Server) (alice *xmpp.Client, s *disco.Server, bob *watcher, cache *disco.Cache, caps disco.Caps) {
	t.Helper()
	alice = login(t, srv, 0)
	bobc := login(t, srv, 1)
	cache = disco.NewCache(nil)
	cache.Handle(bobc)
	bob = watch(bobc)
	aw := watch(alice)
	subscribe(t, aw, bob)

	s = disco.Serve(alice, &disco.ServeOptions{CapsNode: capsNode, Identities: []disco.Identity{{Category: "client", Type: "bot", Name: "Alice's bot"}}})
	alice.Advertise("urn:example:alice")
	c, err := s.Caps(capsNode)
	if err != nil {
		t.Fatal(err)
	}
	if err := presence.Available(timeout(t), alice, "", "", 0, c); err != nil {
		t.Fatal(err)
	}
	caps = bob.withCaps(t, alice.JID())
	return alice, s, bob, cache, caps
}

// TestCaps: bob's Cache resolves alice's caps once, verifies them, and
// answers later lookups from memory.
func TestCaps(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, s, bob, cache, caps := capsPair(t, srv)
	n := countInfo(srv, alice.JID())

	want := s.Info()
	if v, _ := disco.Ver(want, crypto.SHA1); caps.Hash != "sha-1" || caps.Node != capsNode || caps.Ver != v {
		t.Fatalf("caps %+v; want sha-1, %s, %s", caps, capsNode, v)
	}
	if !want.HasFeature(disco.NSCaps) {
		t.Errorf("Caps did not advertise %s", disco.NSCaps)
	}
	if got, ok := cache.Caps(alice.JID()); !ok || got != caps {
		t.Errorf("Cache.Caps = %+v, %v", got, ok)
	}
	for range 3 {
		info, err := cache.Lookup(timeout(t), bob.c, alice.JID())
		want.Node = capsNode + "#" + caps.Ver
		if err != nil || !reflect.DeepEqual(info, want) {
			t.Fatalf("Lookup = %+v, %v; want %+v", info, err, want)
		}
		// The caller's copy is its own.
		info.Features[0] = "changed"
	}
	if n.Load() != 1 {
		t.Errorf("%d requests to alice, want 1", n.Load())
	}

	// A changed feature set changes ver; the old ver no longer resolves.
	alice.Advertise("urn:example:new")
	c2, err := s.Caps(capsNode)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := disco.ParseCaps(c2); c.Ver == caps.Ver {
		t.Fatal("ver did not change with the features")
	}
	if _, err := disco.GetInfo(timeout(t), bob.c, alice.JID(), capsNode+"#"+caps.Ver); !errors.Is(err, stanza.ErrItemNotFound) {
		t.Errorf("old ver: %v, want item-not-found", err)
	}

	// Unavailable presence forgets alice.
	if err := presence.Unavailable(timeout(t), alice, ""); err != nil {
		t.Fatal(err)
	}
	bob.wait(t, "unavailable from alice", func(p *stanza.Presence) bool {
		return p.From == alice.JID() && p.Type == stanza.PresenceUnavailable
	})
	if _, err := cache.Lookup(timeout(t), bob.c, alice.JID()); !errors.Is(err, disco.ErrNoCaps) {
		t.Errorf("Lookup after unavailable = %v, want ErrNoCaps", err)
	}
}

// TestCapsMismatch: an answer changed in flight does not hash to the ver:
// Lookup reports ErrVerMismatch and caches nothing.
func TestCapsMismatch(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, s, bob, cache, _ := capsPair(t, srv)
	n := countInfo(srv, alice.JID())
	remove := srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		q := ev.Element.Child(disco.NSInfo, "query")
		if ev.Dir != xmpptest.ServerToClient || ev.JID != bob.c.JID() || ev.Element.Attr("type") != "result" || q == nil {
			return xmpptest.Verdict{}
		}
		r := ev.Element.Copy()
		r.Child(disco.NSInfo, "query").AddChild(stanza.NewElement(disco.NSInfo, "feature", stanza.A("var", "urn:example:injected")))
		return xmpptest.Verdict{Replace: r}
	})
	for i := range 2 {
		if info, err := cache.Lookup(timeout(t), bob.c, alice.JID()); !errors.Is(err, disco.ErrVerMismatch) {
			t.Fatalf("Lookup %d = %+v, %v; want ErrVerMismatch", i, info, err)
		}
	}
	if n.Load() != 2 {
		t.Errorf("%d requests, want 2: a mismatch must not be cached", n.Load())
	}
	remove()
	info, err := cache.Lookup(timeout(t), bob.c, alice.JID())
	if err != nil || info.HasFeature("urn:example:injected") || !reflect.DeepEqual(info.Features, s.Info().Features) {
		t.Fatalf("Lookup after the fault = %+v, %v", info, err)
	}
}

// TestCapsShared: concurrent lookups of one ver share one request.
func TestCapsShared(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, _, bob, cache, _ := capsPair(t, srv)
	n := countInfo(srv, alice.JID())
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == xmpptest.ServerToClient && ev.JID == bob.c.JID() && ev.Element.Attr("type") == "result" && ev.Element.Child(disco.NSInfo, "query") != nil {
			return xmpptest.Verdict{Delay: 200 * time.Millisecond}
		}
		return xmpptest.Verdict{}
	})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := cache.Lookup(timeout(t), bob.c, alice.JID()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n.Load() != 1 {
		t.Errorf("%d requests for 8 concurrent lookups, want 1", n.Load())
	}
}

// TestCapsPoisoning: carol announces alice's ver in directed presence to
// bob, but her information is not alice's: first plainly different, then
// crafted so that its string (with '<' inside a feature) is alice's. The
// ver is never cached from carol's answers: bob's first lookup of alice
// still asks alice.
func TestCapsPoisoning(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, s, bob, cache, caps := capsPair(t, srv)
	carol := login(t, srv, 2)
	cs := disco.Serve(carol, &disco.ServeOptions{CapsNode: capsNode, Identities: []disco.Identity{{Category: "client", Type: "pc", Name: "Carol"}}})
	toAlice := countInfo(srv, alice.JID())

	// Carol answers for alice's caps node: first with her own
	// information, then with a crafted one: alice's identities and all of
	// alice's features joined by '<' into one feature. The spec's string
	// of the crafted one is alice's, so its hash matches; Ver refuses the
	// ambiguity.
	real := s.Info()
	crafted := disco.Info{Identities: real.Identities, Features: []string{strings.Join(real.Features, "<")}}
	var answer atomic.Pointer[disco.Info]
	own := cs.Info()
	answer.Store(&own)
	cs.HandleNode(capsNode+"#"+caps.Ver, func(context.Context, jid.JID) (disco.Info, []disco.Item, error) {
		return *answer.Load(), nil, nil
	})

	p := stanza.NewPresence(stanza.PresenceAvailable, bob.c.JID())
	p.Payloads = []*stanza.Element{caps.Element()}
	if err := carol.Send(timeout(t), p); err != nil {
		t.Fatal(err)
	}
	bob.withCaps(t, carol.JID())
	if _, err := cache.Lookup(timeout(t), bob.c, carol.JID()); !errors.Is(err, disco.ErrVerMismatch) {
		t.Fatalf("Lookup(carol) = %v, want ErrVerMismatch", err)
	}
	answer.Store(&crafted)
	if _, err := cache.Lookup(timeout(t), bob.c, carol.JID()); !errors.Is(err, disco.ErrNotHashable) {
		t.Fatalf("Lookup(carol, crafted) = %v, want ErrNotHashable", err)
	}

	if toAlice.Load() != 0 {
		t.Fatalf("%d requests to alice before looking her up", toAlice.Load())
	}
	info, err := cache.Lookup(timeout(t), bob.c, alice.JID())
	if err != nil || !reflect.DeepEqual(info.Identities, real.Identities) || !reflect.DeepEqual(info.Features, real.Features) {
		t.Fatalf("Lookup(alice) = %+v, %v", info, err)
	}
	if toAlice.Load() != 1 {
		t.Errorf("%d requests to alice, want 1: the ver was cached from carol", toAlice.Load())
	}
	// Now that the ver is verified, carol's claim resolves to alice's
	// true information, which is what the ver means (XEP-0115 section 5.4).
	if info, err := cache.Lookup(timeout(t), bob.c, carol.JID()); err != nil || !reflect.DeepEqual(info.Features, real.Features) {
		t.Errorf("Lookup(carol) after alice = %+v, %v", info, err)
	}
}

// An annotation with an unsupported hash is resolved but not cached.
func TestCapsUnsupportedHash(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, bob := login(t, srv, 0), login(t, srv, 1)
	cache := disco.NewCache(nil)
	cache.Handle(bob)
	bw := watch(bob)
	s := disco.Serve(alice, &disco.ServeOptions{NoCaps: true})
	c, err := s.Caps(capsNode)
	if err != nil {
		t.Fatal(err)
	}
	caps, _ := disco.ParseCaps(c)
	n := countInfo(srv, alice.JID())
	caps.Hash = "md5"
	p := stanza.NewPresence(stanza.PresenceAvailable, bob.JID())
	p.Payloads = []*stanza.Element{caps.Element()}
	if err := alice.Send(timeout(t), p); err != nil {
		t.Fatal(err)
	}
	bw.withCaps(t, alice.JID())
	for range 2 {
		if info, err := cache.Lookup(timeout(t), bob, alice.JID()); err != nil || !info.HasIdentity("client", "pc") {
			t.Fatalf("Lookup = %+v, %v", info, err)
		}
	}
	if n.Load() != 2 {
		t.Errorf("%d requests, want 2 (not cached)", n.Load())
	}
}

// TestCapsPoisonedShare: while carol's lying answer for alice's ver is in
// flight, a lookup of alice joins that request; when it fails, the lookup
// asks alice herself instead of failing with carol's error.
func TestCapsPoisonedShare(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, s, bob, cache, caps := capsPair(t, srv)
	carol := login(t, srv, 2)
	cs := disco.Serve(carol, &disco.ServeOptions{NoCaps: true})
	asked := make(chan struct{})
	release := make(chan struct{})
	cs.HandleNode(capsNode+"#"+caps.Ver, func(context.Context, jid.JID) (disco.Info, []disco.Item, error) {
		close(asked)
		<-release
		return cs.Info(), nil, nil
	})
	p := stanza.NewPresence(stanza.PresenceAvailable, bob.c.JID())
	p.Payloads = []*stanza.Element{caps.Element()}
	if err := carol.Send(timeout(t), p); err != nil {
		t.Fatal(err)
	}
	bob.withCaps(t, carol.JID())

	carolErr := make(chan error, 1)
	go func() {
		_, err := cache.Lookup(timeout(t), bob.c, carol.JID())
		carolErr <- err
	}()
	<-asked
	aliceDone := make(chan error, 1)
	var got disco.Info
	go func() {
		var err error
		got, err = cache.Lookup(timeout(t), bob.c, alice.JID())
		aliceDone <- err
	}()
	// Once alice's lookup has joined carol's request, let carol answer.
	deadline := time.Now().Add(waitTimeout)
	for disco.SharedWaiters(cache) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the lookup of alice did not join the request to carol")
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	if err := <-carolErr; !errors.Is(err, disco.ErrVerMismatch) {
		t.Fatalf("Lookup(carol) = %v, want ErrVerMismatch", err)
	}
	if err := <-aliceDone; err != nil || !reflect.DeepEqual(got.Features, s.Info().Features) {
		t.Fatalf("Lookup(alice) = %+v, %v", got, err)
	}
}
