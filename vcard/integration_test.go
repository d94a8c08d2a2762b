package vcard_test

import (
	"context"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pep"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/vcard"
	"github.com/xmppkit/xmpp/xmpptest"
)

// peer is a logged-in account receiving vCard4 updates.
type peer struct {
	c    *xmpp.Client
	ps   *pubsub.Client
	card chan pep.Update[vcard.Card4]
}

func login(t *testing.T, tg xmpptest.Target, i int) *peer {
	t.Helper()
	p := &peer{card: make(chan pep.Update[vcard.Card4], 8)}
	setup := func(c *xmpp.Client) {
		p.ps = pubsub.New(c, nil)
		disco.Serve(c, nil) // +notify goes out in the entity capabilities
		vcard.Handle4(p.ps, func(_ context.Context, u pep.Update[vcard.Card4]) { p.card <- u })
	}
	if srv, ok := tg.(*xmpptest.Server); ok {
		p.c = testkit.Login(t, srv, i, "vcard", setup)
	} else {
		p.c = testkit.LoginTarget(t, tg, i, "vcard", setup)
	}
	if err := p.c.Send(testkit.Ctx(t), stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestIntegrationVCardTemp: a vCard set with a photo comes back from
// the account's server to the account and to a contact, photo bytes
// and all; one the account did not set is the zero Card.
func TestIntegrationVCardTemp(t *testing.T) {
	xmpptest.ForEachServer(t, nil, func(t *testing.T, tg xmpptest.Target) {
		srv, inproc := xmpptest.InProcess(tg)
		if inproc {
			scriptVCards(srv) // it has no vCard storage of its own
		}
		alice, bob := login(t, tg, 0), login(t, tg, 1)
		ctx := testkit.Ctx(t)
		if card, err := vcard.Get(ctx, alice.c, jid.JID{}); err != nil || card.FN != "" || card.Photo != nil {
			t.Fatalf("Get before Set: %+v, %v", card, err)
		}
		img := []byte("\x89PNG\r\n\x1a\n" + "an avatar for the integration test")
		want := vcard.Card{
			FN:       "Alice Liddell",
			N:        vcard.Name{Family: "Liddell", Given: "Alice"},
			Nickname: "alice",
			Photo:    &vcard.Photo{Type: "image/png", Data: img},
			BDay:     "1852-05-04",
			URL:      "https://example.org/alice",
			Emails:   []vcard.Email{{Types: []string{"INTERNET", "PREF"}, Address: "alice@example.org"}},
			Tels:     []vcard.Tel{{Types: []string{"HOME", "VOICE"}, Number: "+44 1865 000000"}},
			Note:     "Curiouser and curiouser",
		}
		if err := vcard.Set(ctx, alice.c, want); err != nil {
			t.Fatal(err)
		}
		got, err := vcard.Get(ctx, alice.c, jid.JID{})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s gives back: %s", tg.Name(), got.Element())
		if got.FN != want.FN || got.N != want.N || got.Nickname != want.Nickname || got.PhotoHash() != want.PhotoHash() ||
			got.Photo.Type != "image/png" || got.BDay != want.BDay || got.URL != want.URL || len(got.Emails) != 1 ||
			got.Emails[0].Address != "alice@example.org" || len(got.Tels) != 1 || got.Tels[0].Number != want.Tels[0].Number || got.Note != want.Note {
			t.Errorf("Get after Set:\n got %s\nwant %s", got.Element(), want.Element())
		}
		// Prosody keeps vcard-temp in sync with the vCard4 PEP node;
		// ejabberd has no vCard4.
		v4, ok, err := vcard.Fetch4(ctx, alice.ps, jid.JID{})
		t.Logf("%s: vCard4 after a vcard-temp Set: %t, %v, %s", tg.Name(), ok, err, v4.Element())
		if tg.Name() == "prosody" && (!ok || err != nil || v4.FN != want.FN) {
			t.Errorf("Prosody did not sync the vCard4: %t, %v", ok, err)
		}

		// Elements the Card does not type: kept by the servers that
		// store the vCard as it is.
		extra := want
		extra.Extra = []*stanza.Element{
			testkit.MustElement(t, `<GEO xmlns='vcard-temp'><LAT>51.75</LAT><LON>-1.25</LON></GEO>`),
			testkit.MustElement(t, `<X-RABBIT xmlns='vcard-temp'>white</X-RABBIT>`),
		}
		if err := vcard.Set(ctx, alice.c, extra); err != nil {
			t.Fatal(err)
		}
		got, err = vcard.Get(ctx, alice.c, jid.JID{})
		if err != nil {
			t.Fatal(err)
		}
		// ejabberd keeps them, but not their order, nor that of GEO's
		// children; Prosody stores a vCard4 converted from the
		// vcard-temp, and drops them.
		var lat, rabbit string
		for _, x := range got.Extra {
			lat += x.ChildText(vcard.NS, "LAT")
			if x.Name.Local == "X-RABBIT" {
				rabbit = x.Text()
			}
		}
		kept := len(got.Extra) == 2 && lat == "51.75" && rabbit == "white"
		t.Logf("%s keeps untyped elements: %t: %d back", tg.Name(), kept, len(got.Extra))
		if kept != (tg.Name() != "prosody") {
			t.Errorf("%s: untyped elements kept: %t, got %s", tg.Name(), kept, got.Element())
		}

		if inproc {
			return // it does not answer for one account to another
		}
		testkit.Befriend(t, alice.c, bob.c)
		other, err := vcard.Get(ctx, bob.c, alice.c.JID().Bare())
		if err != nil || other.FN != want.FN || other.PhotoHash() != want.PhotoHash() {
			t.Errorf("bob's Get of alice's vCard: %+v, %v", other, err)
		}
	})
}

// TestIntegrationVCard4: a vCard4 published by alice reaches her
// contact bob, from her bare JID, and he reads it back from her PEP
// service; a withdrawal reaches him too.
func TestIntegrationVCard4(t *testing.T) {
	xmpptest.ForEachServer(t, &xmpptest.ServerOptions{PEP: true}, func(t *testing.T, tg xmpptest.Target) {
		alice, bob := login(t, tg, 0), login(t, tg, 1)
		testkit.Befriend(t, alice.c, bob.c)
		aj := alice.c.JID().Bare()
		card := vcard.Card4{
			FN:        "Alice Liddell",
			Nicknames: []string{"alice"},
			Photo:     "https://example.org/alice.png",
			BDay:      "1852-05-04",
			Emails:    []vcard.Entry{{Value: "alice@example.org", Types: []string{"home"}, Pref: 1}},
			Tels:      []vcard.Entry{{Value: "tel:+44-1865-000000", Types: []string{"cell"}}},
			URLs:      []vcard.Entry{{Value: "https://example.org/alice"}},
			Note:      "Curiouser and curiouser",
		}
		if err := vcard.Publish4(testkit.Ctx(t), alice.ps, card); err != nil {
			t.Fatal(err)
		}
		u := next(t, bob.card, aj)
		t.Logf("%s notifies: %s", tg.Name(), u.Value.Element())
		if u.Retracted || !u.Value.Element().Equal(card.Element()) {
			t.Errorf("bob got %s\nwant %s", u.Value.Element(), card.Element())
		}
		got, ok, err := vcard.Fetch4(testkit.Ctx(t), bob.ps, aj)
		if err != nil || !ok || !got.Element().Equal(card.Element()) {
			t.Errorf("bob's Fetch4: %s, %t, %v", got.Element(), ok, err)
		}
		if err := vcard.Publish4(testkit.Ctx(t), alice.ps, vcard.Card4{}); err != nil {
			t.Fatal(err)
		}
		if u := next(t, bob.card, aj); !u.Retracted {
			t.Errorf("bob got %+v; want the withdrawal", u)
		}
	})
}

// next returns the next update on ch from from, skipping others.
func next(t *testing.T, ch <-chan pep.Update[vcard.Card4], from jid.JID) pep.Update[vcard.Card4] {
	t.Helper()
	ctx := testkit.Ctx(t)
	for {
		select {
		case u := <-ch:
			if u.From == from {
				return u
			}
		case <-ctx.Done():
			t.Fatalf("no vCard4 from %s", from)
		}
	}
}
