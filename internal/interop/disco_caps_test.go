package interop_test

import (
	"crypto"
	"slices"
	"strings"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/internal/interop"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/presence"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/version"
	"github.com/xmppkit/xmpp/xmpptest"
)

// slixCapsNode is the caps node peer.py gives slixmpp.
const slixCapsNode = "https://slixmpp.lance.im"

// slixDiscoInfo is a disco#info answer as slixmpp read it (op
// disco_info): identities as [category, type, lang, name] (null for
// absent), features sorted, and the XEP-0115 SHA-1 ver slixmpp computes.
type slixDiscoInfo struct {
	Identities [][4]*string `json:"identities"`
	Features   []string     `json:"features"`
	Ver        string       `json:"ver"`
}

// identities returns the identities of info as the SDK's type.
func (info slixDiscoInfo) identities() []disco.Identity {
	s := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	var ids []disco.Identity
	for _, id := range info.Identities {
		ids = append(ids, disco.Identity{Category: s(id[0]), Type: s(id[1]), Lang: s(id[2]), Name: s(id[3])})
	}
	return ids
}

// TestDiscoCaps: service discovery (XEP-0030) and entity capabilities
// (XEP-0115) both ways. Each side asks the other's full JID for
// disco#info and computes the SHA-1 verification string of the answer,
// which must be the one the answering side computes for itself; and
// each side verifies the caps the other puts in its presence: the SDK's
// disco.Cache, and slixmpp's XEP-0115 plugin. The SDK answers with two
// identities in two languages, one named with non-ASCII text, and an
// XEP-0232 software information form with a multi-valued field given
// unsorted, so that both sides hash the whole of XEP-0115's string.
func TestDiscoCaps(t *testing.T) {
	interop.Servers(t, 2, func(t *testing.T, srv *xmpptest.RealServer) {
		ctx := testkit.Ctx(t)
		ids := []disco.Identity{
			{Category: "client", Type: "bot", Lang: "en", Name: "xmppkit interop"},
			{Category: "client", Type: "bot", Lang: "de", Name: "xmppkit-Interop, Grüße 🦊"},
		}
		sw := form.New(form.TypeResult, "urn:xmpp:dataforms:softwareinfo")
		for _, err := range []error{
			sw.SetString("software", "xmppkit"),
			sw.SetString("software_version", "0.0-interop"),
			sw.SetStrings("ip_version", "ipv6", "ipv4"),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		var (
			ds        *disco.Server
			cache     = disco.NewCache(nil)
			presences <-chan *stanza.Presence
		)
		bobBare := srv.Account(1).JID().Bare()
		alice := testkit.LoginTarget(t, srv, 0, "go", func(c *xmpp.Client) {
			ds = disco.Serve(c, &disco.ServeOptions{Identities: ids})
			if err := ds.AddForm(sw); err != nil {
				t.Fatal(err)
			}
			version.Serve(c, version.Info{Name: "xmppkit-interop", Version: "0.0"})
			cache.Handle(c) // before watchPresence: it has seen what the test reads
			presences = watchPresence(c)
			approveSlix(t, bobBare)(c)
		})
		if err := presence.Available(ctx, alice, "", "", 0); err != nil {
			t.Fatal(err)
		}
		bob := interop.Start(t, srv, srv.Account(1), "slix", nil)
		befriend(t, ctx, alice, presences, bob)

		// What the SDK says it is: the ver it computes for its own answer
		// and the one in the caps it advertises.
		sdkVer, err := disco.Ver(ds.Info(), crypto.SHA1)
		if err != nil {
			t.Fatalf("disco.Ver of the SDK's own information: %v", err)
		}
		capsElem, err := ds.Caps(disco.DefaultCapsNode)
		if err != nil {
			t.Fatal(err)
		}
		if v := capsElem.Attr("ver"); v != sdkVer {
			t.Errorf("disco.Server.Caps has ver %q; disco.Ver of Server.Info gives %q", v, sdkVer)
		}

		// What slixmpp says it is: it announces its caps (op update_caps
		// makes it compute them and send a presence with them).
		var slixVer string
		bob.MustCall(ctx, "update_caps", nil, &slixVer)
		if slixVer == "" {
			t.Fatal("slixmpp computed no caps ver for itself")
		}

		t.Run("sdk_asks_slixmpp", func(t *testing.T) {
			ctx := testkit.Ctx(t)
			info, err := disco.GetInfo(ctx, alice, bob.JID(), "")
			if err != nil {
				t.Fatalf("disco.GetInfo(%s): %v", bob.JID(), err)
			}
			if !info.HasIdentity("client", "bot") {
				t.Errorf("slixmpp's identities %+v lack client/bot", info.Identities)
			}
			for _, f := range []string{disco.NSInfo, disco.NSCaps, "http://jabber.org/protocol/commands", "jabber:iq:version", "urn:xmpp:time", "urn:xmpp:ping"} {
				if !info.HasFeature(f) {
					t.Errorf("slixmpp's features lack %s: %v", f, info.Features)
				}
			}
			ver, err := disco.Ver(info, crypto.SHA1)
			if err != nil {
				t.Fatalf("disco.Ver of slixmpp's answer %+v: %v", info, err)
			}
			if ver != slixVer {
				t.Errorf("the SDK computes ver %q for slixmpp's disco#info; slixmpp announces %q\n%+v", ver, slixVer, info)
			}
		})

		t.Run("slixmpp_asks_sdk", func(t *testing.T) {
			ctx := testkit.Ctx(t)
			var got slixDiscoInfo
			bob.MustCall(ctx, "disco_info", map[string]any{"to": alice.JID().String()}, &got)
			want := ds.Info()
			sortIDs := func(ids []disco.Identity) {
				slices.SortFunc(ids, func(a, b disco.Identity) int { return strings.Compare(a.Lang, b.Lang) })
			}
			gotIDs, wantIDs := got.identities(), slices.Clone(want.Identities)
			sortIDs(gotIDs)
			sortIDs(wantIDs)
			if !slices.Equal(gotIDs, wantIDs) {
				t.Errorf("slixmpp read the identities %+v; the SDK has %+v", gotIDs, wantIDs)
			}
			wantFeatures := slices.Sorted(slices.Values(want.Features))
			if !slices.Equal(got.Features, wantFeatures) {
				t.Errorf("slixmpp read the features %v; the SDK has %v", got.Features, wantFeatures)
			}
			if got.Ver != sdkVer {
				t.Errorf("slixmpp computes ver %q for the SDK's disco#info; the SDK computes and advertises %q", got.Ver, sdkVer)
			}
		})

		t.Run("sdk_verifies_slixmpp_caps", func(t *testing.T) {
			ctx := testkit.Ctx(t)
			p := waitPresence(t, presences, "slixmpp's presence with its caps", func(p *stanza.Presence) bool {
				return p.From.Equal(bob.JID()) && p.Type == stanza.PresenceAvailable && presenceCaps(p) != nil
			})
			c, err := disco.ParseCaps(presenceCaps(p))
			if err != nil {
				t.Fatalf("the caps in slixmpp's presence %s: %v", p.Element(), err)
			}
			if want := (disco.Caps{Hash: "sha-1", Node: slixCapsNode, Ver: slixVer}); c != want {
				t.Errorf("slixmpp's presence has caps %+v; want %+v", c, want)
			}
			if got, ok := cache.Caps(bob.JID()); !ok || got != c {
				t.Errorf("disco.Cache.Caps(%s) = %+v, %t; want %+v", bob.JID(), got, ok, c)
			}
			info, err := cache.Lookup(ctx, alice, bob.JID())
			if err != nil {
				t.Fatalf("disco.Cache.Lookup(%s), ver %q: %v", bob.JID(), c.Ver, err)
			}
			if !info.HasFeature(disco.NSCaps) || !info.HasIdentity("client", "bot") {
				t.Errorf("disco.Cache.Lookup(%s) = %+v; want slixmpp's information", bob.JID(), info)
			}
		})

		// slixmpp receives the caps the SDK's presence carries (disco.Serve
		// adds them to every available presence) and verifies them.
		t.Run("slixmpp_verifies_sdk_caps", func(t *testing.T) {
			ctx := testkit.Ctx(t)
			if err := presence.Available(ctx, alice, stanza.ShowChat, "caps, please", 0); err != nil {
				t.Fatal(err)
			}
			p, err := bob.Presence(ctx, func(p *stanza.Presence) bool {
				return p.From.Equal(alice.JID()) && p.Status() == "caps, please"
			})
			if err != nil {
				t.Fatalf("slixmpp received no presence from the SDK: %v", err)
			}
			ce := presenceCaps(p)
			if ce == nil {
				t.Fatalf("the SDK's presence carries no caps (XEP-0115 <c/>): %s", p.Element())
			}
			c, err := disco.ParseCaps(ce)
			if err != nil {
				t.Fatalf("the caps in the SDK's presence %s: %v", p.Element(), err)
			}
			if want := (disco.Caps{Hash: "sha-1", Node: disco.DefaultCapsNode, Ver: sdkVer}); c != want {
				t.Errorf("the SDK's presence has caps %+v; want %+v", c, want)
			}
			var verified *string
			bob.MustCall(ctx, "wait_caps", map[string]any{"to": alice.JID().String()}, &verified)
			if verified == nil || *verified != sdkVer {
				// Show what slixmpp computes for the node#ver answer.
				var atNode slixDiscoInfo
				err := bob.Call(ctx, "disco_info", map[string]any{"to": alice.JID().String(), "node": c.Node + "#" + c.Ver}, &atNode)
				t.Errorf("slixmpp verified ver %v for the SDK; want %q (its ver for the SDK's answer about %s#%s: %q, %v)",
					deref(verified), sdkVer, c.Node, c.Ver, atNode.Ver, err)
			}
		})
	})
}

// presenceCaps returns the XEP-0115 <c/> element of p, or nil.
func presenceCaps(p *stanza.Presence) *stanza.Element {
	for _, e := range p.Payloads {
		if e.Name == (stanza.Name{Space: disco.NSCaps, Local: "c"}) {
			return e
		}
	}
	return nil
}

// deref shows a string that may be absent.
func deref(s *string) string {
	if s == nil {
		return "<none>"
	}
	return *s
}
