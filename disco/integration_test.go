package disco_test

import (
	"crypto"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/presence"
	"github.com/xmppkit/xmpp/xmpptest"
)

// serverFeatures are the features each server lists for its domain, as
// measured (with the modules the launchers enable), beyond disco#info,
// disco#items and ping, which all three list.
var serverFeatures = map[string][]string{
	"prosody": {
		"jabber:iq:version", "jabber:iq:last", "jabber:iq:register", "jabber:iq:roster", "jabber:iq:private",
		"urn:xmpp:time", "urn:xmpp:blocking", "urn:xmpp:carbons:2", "vcard-temp", "msgoffline",
		"http://jabber.org/protocol/commands",
	},
	"ejabberd": {
		"jabber:iq:version", "jabber:iq:last", "jabber:iq:register", "jabber:iq:privacy",
		"urn:xmpp:time", "urn:xmpp:blocking", "urn:xmpp:carbons:2", "vcard-temp", "msgoffline",
		"urn:xmpp:mam:2", "http://jabber.org/protocol/pubsub",
	},
	"xmpptest": {},
}

// TestServers asks each server about itself, its items and the account,
// then has two of our clients discover each other through it, with and
// without entity capabilities.
func TestServers(t *testing.T) {
	xmpptest.ForEachServer(t, nil, func(t *testing.T, tg xmpptest.Target) {
		alice, bob := loginTarget(t, tg, 0), loginTarget(t, tg, 1)
		domain := jid.MustParse(tg.Domain())

		t.Run("server info", func(t *testing.T) {
			info, err := disco.GetInfo(timeout(t), alice, domain, "")
			if err != nil {
				t.Fatal(err)
			}
			if !info.HasIdentity("server", "im") {
				t.Errorf("identities %+v, want server/im", info.Identities)
			}
			for _, f := range append([]string{disco.NSInfo, disco.NSItems, "urn:xmpp:ping"}, serverFeatures[tg.Name()]...) {
				if !info.HasFeature(f) {
					t.Errorf("feature %s missing from %v", f, info.Features)
				}
			}
			// MAM: Prosody lists it on the account only.
			if tg.Name() == "prosody" && info.HasFeature("urn:xmpp:mam:2") {
				t.Error("Prosody now lists MAM on the domain, not only on the account: update this check")
			}
			// ejabberd adds the XEP-0157 contact form.
			if hasForm := info.Form("http://jabber.org/network/serverinfo") != nil; hasForm != (tg.Name() == "ejabberd") {
				t.Errorf("serverinfo form present: %v", hasForm)
			}
			if _, err := disco.Ver(info, crypto.SHA1); err != nil {
				t.Errorf("the server's information cannot be hashed: %v", err)
			}
		})

		t.Run("account info", func(t *testing.T) {
			info, err := disco.GetInfo(timeout(t), alice, alice.JID().Bare(), "")
			if err != nil {
				t.Fatal(err)
			}
			if !info.HasIdentity("account", "registered") {
				t.Errorf("identities %+v, want account/registered", info.Identities)
			}
			real := tg.Name() != "xmpptest"
			if info.HasIdentity("pubsub", "pep") != real || info.HasFeature("urn:xmpp:mam:2") != real {
				t.Errorf("PEP identity or MAM feature where not expected: %+v", info)
			}
		})

		t.Run("server items", func(t *testing.T) {
			items, err := disco.GetItems(timeout(t), alice, domain, "")
			if err != nil {
				t.Fatal(err)
			}
			var want []disco.Item
			if !tg.MUC().IsZero() {
				want = append(want, disco.Item{JID: tg.MUC()})
			}
			if !tg.PubSub().IsZero() {
				want = append(want, disco.Item{JID: tg.PubSub()})
			}
			byJID := func(a, b disco.Item) int { return strings.Compare(a.JID.String(), b.JID.String()) }
			slices.SortFunc(items, byJID)
			slices.SortFunc(want, byJID)
			if !reflect.DeepEqual(items, want) {
				t.Errorf("items %+v, want %+v", items, want)
			}
			found, err := disco.FindServices(timeout(t), alice, domain, func(info disco.Info) bool {
				return info.HasIdentity("pubsub", "service")
			})
			wantPubsub := 0
			if !tg.PubSub().IsZero() {
				wantPubsub = 1
			}
			if err != nil || len(found) != wantPubsub {
				t.Errorf("FindServices(pubsub) = %v, %v; want %d", found, err, wantPubsub)
			}
			muc, err := disco.FindServices(timeout(t), alice, domain, func(info disco.Info) bool {
				return info.HasIdentity("conference", "text")
			})
			if err != nil || len(muc) != len(want)-wantPubsub || (len(muc) == 1 && muc[0] != tg.MUC()) {
				t.Errorf("FindServices(conference) = %v, %v; want %v", muc, err, tg.MUC())
			}
		})

		s := disco.Serve(bob, &disco.ServeOptions{CapsNode: capsNode, Identities: []disco.Identity{{Category: "client", Type: "bot", Name: "Bob"}}})
		sw := form.New(form.TypeResult, "urn:xmpp:dataforms:softwareinfo")
		_ = sw.SetString("software", "disco test")
		if err := s.AddForm(sw); err != nil {
			t.Fatal(err)
		}

		t.Run("client info", func(t *testing.T) {
			info, err := disco.GetInfo(timeout(t), alice, bob.JID(), "")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(info, s.Info()) {
				t.Errorf("GetInfo = %+v, want %+v", info, s.Info())
			}
			items, err := disco.GetItems(timeout(t), alice, bob.JID(), "")
			if err != nil || len(items) != 0 {
				t.Errorf("GetItems = %v, %v", items, err)
			}
		})

		t.Run("caps", func(t *testing.T) {
			cache := disco.NewCache(&disco.CacheOptions{MaxEntries: 10})
			cache.Handle(alice)
			aw, bw := watch(alice), watch(bob)
			subscribe(t, aw, bw)
			c, err := s.Caps(capsNode)
			if err != nil {
				t.Fatal(err)
			}
			if err := presence.Available(timeout(t), bob, "", "", 0, c); err != nil {
				t.Fatal(err)
			}
			caps := aw.withCaps(t, bob.JID())
			info, err := cache.Lookup(timeout(t), alice, bob.JID())
			if err != nil {
				t.Fatal(err)
			}
			want := s.Info()
			want.Node = capsNode + "#" + caps.Ver
			if !reflect.DeepEqual(info, want) || !slices.Contains(info.Features, disco.NSCaps) {
				t.Errorf("Lookup = %+v, want %+v", info, want)
			}
		})
	})
}
