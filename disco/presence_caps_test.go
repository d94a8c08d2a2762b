package disco_test

import (
	"crypto"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/presence"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// capsOf returns the caps annotations of p.
func capsOf(p *stanza.Presence) []disco.Caps {
	var out []disco.Caps
	for _, e := range p.Payloads {
		if c, err := disco.ParseCaps(e); err == nil {
			out = append(out, c)
		}
	}
	return out
}

// TestCapsInPresence: with disco.Serve attached, every available presence
// carries the current caps, and a change of features or forms announces
// the new ver without the application sending anything.
func TestCapsInPresence(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, bob, carol := login(t, srv, 0), login(t, srv, 1), login(t, srv, 2)
	s := disco.Serve(alice, nil)
	aw, bw, cw := watch(alice), watch(bob), watch(carol)
	subscribe(t, aw, bw)

	current := func() string {
		v, err := disco.Ver(s.Info(), crypto.SHA1)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	waitVer := func(what, ver string) {
		t.Helper()
		bw.wait(t, what, func(p *stanza.Presence) bool {
			cs := capsOf(p)
			return p.From == alice.JID() && p.Type == stanza.PresenceAvailable && len(cs) == 1 &&
				cs[0].Ver == ver && cs[0].Node == disco.DefaultCapsNode && cs[0].Hash == "sha-1"
		})
	}
	// subscribe consumed the initial presence; send it again.
	if err := presence.Available(timeout(t), alice, "", "", 0); err != nil {
		t.Fatal(err)
	}
	waitVer("available presence with caps", current())
	if !s.Info().HasFeature(disco.NSCaps) {
		t.Errorf("caps feature not advertised")
	}

	// A new feature: the presence goes out again with the new ver, which
	// resolves to the new information.
	alice.Advertise("urn:example:new")
	ver := current()
	waitVer("presence with the new feature's ver", ver)
	info, err := disco.GetInfo(timeout(t), bob, alice.JID(), disco.DefaultCapsNode+"#"+ver)
	if err != nil || !info.HasFeature("urn:example:new") {
		t.Fatalf("caps node info = %+v, %v", info, err)
	}

	// A new form does the same.
	sw := form.New(form.TypeResult, "urn:xmpp:dataforms:softwareinfo")
	if err := sw.SetString("software", "test"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddForm(sw); err != nil {
		t.Fatal(err)
	}
	waitVer("presence with the new form's ver", current())

	// Directed presence carries caps too.
	if err := alice.Send(timeout(t), stanza.NewPresence(stanza.PresenceAvailable, carol.JID())); err != nil {
		t.Fatal(err)
	}
	p := cw.wait(t, "directed presence", func(p *stanza.Presence) bool { return p.From == alice.JID() })
	if cs := capsOf(p); len(cs) != 1 || cs[0].Ver != current() {
		t.Errorf("directed presence caps = %+v", cs)
	}

	// An annotation the application adds itself is kept, not doubled.
	own := disco.Caps{Hash: "sha-1", Node: "https://example.org/own", Ver: "abc="}
	if err := presence.Available(timeout(t), alice, "", "", 0, own.Element()); err != nil {
		t.Fatal(err)
	}
	p = bw.wait(t, "presence with the application's caps", func(p *stanza.Presence) bool {
		return p.From == alice.JID() && slices.Contains(capsOf(p), own)
	})
	if cs := capsOf(p); len(cs) != 1 {
		t.Errorf("caps = %+v, want the application's only", cs)
	}
	// Unavailable presence carries none.
	if err := presence.Unavailable(timeout(t), alice, ""); err != nil {
		t.Fatal(err)
	}
	p = bw.wait(t, "unavailable", func(p *stanza.Presence) bool {
		return p.From == alice.JID() && p.Type == stanza.PresenceUnavailable
	})
	if cs := capsOf(p); len(cs) != 0 {
		t.Errorf("unavailable presence caps = %+v", cs)
	}
}

// TestCapsRefreshNeverOvertakesUnavailable: a feature advertised just
// before the application goes unavailable never makes the Client
// available again: the last presence it sends is the application's.
func TestCapsRefreshNeverOvertakesUnavailable(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice := login(t, srv, 0)
	disco.Serve(alice, nil)
	var mu sync.Mutex
	var sent []string // types of alice's broadcast presence, in order
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == xmpptest.ClientToServer && ev.JID == alice.JID() && ev.Element.Name.Local == "presence" && ev.Element.Attr("to") == "" {
			mu.Lock()
			sent = append(sent, ev.Element.Attr("type"))
			mu.Unlock()
		}
		return xmpptest.Verdict{}
	})
	for i := range 50 {
		if err := presence.Available(timeout(t), alice, "", "", 0); err != nil {
			t.Fatal(err)
		}
		alice.Advertise(fmt.Sprintf("urn:example:f%d", i))
		if err := presence.Unavailable(timeout(t), alice, ""); err != nil {
			t.Fatal(err)
		}
	}
	// Close waits for the refreshes in flight; the server has read what
	// alice wrote once her stream has ended.
	alice.Close()
	if err := srv.WaitNoSession(timeout(t), alice.JID()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if n := len(sent); n < 100 || sent[n-1] != "unavailable" {
		t.Fatalf("alice sent %d broadcast presences, the last of type %q; want at least 100, the last unavailable", n, sent[n-1])
	}
	t.Logf("%d broadcast presences, %d of them refreshes", len(sent), len(sent)-100)
}
