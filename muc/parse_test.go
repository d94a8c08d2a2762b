package muc

import (
	"errors"
	"slices"
	"testing"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

func mustParse(t testing.TB, s string) *stanza.Element {
	t.Helper()
	e, err := stanza.ParseElement(s)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestParseUserX reads the payloads of XEP-0045's examples: a kick with
// actor and reason, a nick change, a destruction, an invitation.
func TestParseUserX(t *testing.T) {
	kick := mustParse(t, `<x xmlns='http://jabber.org/protocol/muc#user'>
	  <item affiliation='none' role='none' jid='pistol@shakespeare.lit/harfleur'>
	    <actor nick='Fluellen'/><reason>Avaunt, you cullion!</reason>
	  </item>
	  <status code='110'/><status code='307'/>
	</x>`)
	x, err := ParseUserX(kick)
	if err != nil {
		t.Fatal(err)
	}
	it := x.Items[0]
	if it.Role != RoleNone || it.Affiliation != AffiliationNone || it.JID != jid.MustParse("pistol@shakespeare.lit/harfleur") ||
		it.Actor == nil || it.Actor.Nick != "Fluellen" || it.Reason != "Avaunt, you cullion!" {
		t.Errorf("kick item %+v", it)
	}
	if !x.HasStatus(StatusSelf) || !x.HasStatus(StatusKicked) || x.HasStatus(StatusBanned) {
		t.Errorf("status %v", x.Status)
	}

	nick := mustParse(t, `<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='member' nick='oldhag' role='participant'/><status code='303'/></x>`)
	if x, err := ParseUserX(nick); err != nil || x.Items[0].Nick != "oldhag" || !x.HasStatus(StatusNickChanged) {
		t.Errorf("nick change %+v %v", x, err)
	}

	destroy := mustParse(t, `<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='none'/>
	  <destroy jid='coven@chat.shakespeare.lit'><reason>Macbeth doth come.</reason></destroy></x>`)
	if x, err := ParseUserX(destroy); err != nil || x.Destroy == nil || x.Destroy.Alternate != jid.MustParse("coven@chat.shakespeare.lit") || x.Destroy.Reason != "Macbeth doth come." {
		t.Errorf("destroy %+v %v", x, err)
	}

	invite := mustParse(t, `<x xmlns='http://jabber.org/protocol/muc#user'>
	  <invite from='crone1@shakespeare.lit/desktop'><reason>Hey Hecate!</reason><continue thread='e0ffe42b'/></invite>
	  <password>cauldronburn</password></x>`)
	x, err = ParseUserX(invite)
	if err != nil || len(x.Invites) != 1 || x.Password != "cauldronburn" {
		t.Fatalf("invite %+v %v", x, err)
	}
	if inv := x.Invites[0]; inv.From != jid.MustParse("crone1@shakespeare.lit/desktop") || inv.Reason != "Hey Hecate!" || !inv.Continue || inv.Thread != "e0ffe42b" {
		t.Errorf("invite %+v", inv)
	}

	// Encoding and decoding again gives the same.
	for _, e := range []*stanza.Element{kick, nick, destroy, invite} {
		x, _ := ParseUserX(e)
		y, err := ParseUserX(x.Element())
		if err != nil || !equalUserX(x, y) {
			t.Errorf("round trip of %s: %+v, %v", e, y, err)
		}
	}
}

func equalUserX(a, b UserX) bool {
	if !slices.Equal(a.Status, b.Status) || len(a.Items) != len(b.Items) || a.Password != b.Password ||
		len(a.Invites) != len(b.Invites) || len(a.Declines) != len(b.Declines) || (a.Destroy == nil) != (b.Destroy == nil) {
		return false
	}
	for i := range a.Items {
		x, y := a.Items[i], b.Items[i]
		if x.Role != y.Role || x.Affiliation != y.Affiliation || x.JID != y.JID || x.Nick != y.Nick || x.Reason != y.Reason || (x.Actor == nil) != (y.Actor == nil) {
			return false
		}
		if x.Actor != nil && *x.Actor != *y.Actor {
			return false
		}
	}
	for i := range a.Invites {
		if a.Invites[i] != b.Invites[i] {
			return false
		}
	}
	return a.Destroy == nil || *a.Destroy == *b.Destroy
}

// TestParseBadPayloads: what breaks XEP-0045 is an error wrapping
// ErrMalformed, never a panic or a half-filled value.
func TestParseBadPayloads(t *testing.T) {
	for _, s := range []string{
		`<x xmlns='http://jabber.org/protocol/muc#user'><item role='god'/></x>`,
		`<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='king'/></x>`,
		`<x xmlns='http://jabber.org/protocol/muc#user'><item jid='@bad'/></x>`,
		`<x xmlns='http://jabber.org/protocol/muc#user'><item><actor jid='a@b@c'/></item></x>`,
		`<x xmlns='http://jabber.org/protocol/muc#user'><status code='abc'/></x>`,
		`<x xmlns='http://jabber.org/protocol/muc#user'><status code='7'/></x>`,
		`<x xmlns='http://jabber.org/protocol/muc#user'><invite from='@'/></x>`,
		`<x xmlns='http://jabber.org/protocol/muc#user'><destroy jid='/x'/></x>`,
		`<x xmlns='http://jabber.org/protocol/muc'/>`,
	} {
		if _, err := ParseUserX(mustParse(t, s)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", s, err)
		}
	}
	if _, err := ParseAdminItems(mustParse(t, `<query xmlns='http://jabber.org/protocol/muc#admin'><item affiliation='x'/></query>`)); !errors.Is(err, ErrMalformed) {
		t.Errorf("admin: %v", err)
	}
	for _, s := range []string{
		`<x xmlns='jabber:x:conference'/>`,
		`<x xmlns='jabber:x:conference' jid='conference.example'/>`,
		`<x xmlns='jabber:x:conference' jid='room@conference.example/nick'/>`,
	} {
		if _, err := ParseDirectInvite(mustParse(t, s), jid.JID{}); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", s, err)
		}
	}
}

// TestParseAdminItemsAndDirectInvite reads a member list and a XEP-0249
// invitation, and encodes them back.
func TestParseAdminItemsAndDirectInvite(t *testing.T) {
	items, err := ParseAdminItems(mustParse(t, `<query xmlns='http://jabber.org/protocol/muc#admin'>
	  <item affiliation='member' jid='hag66@shakespeare.lit' nick='thirdwitch'/>
	  <item affiliation='member' jid='hecate@shakespeare.lit'><reason>x</reason></item></query>`))
	if err != nil || len(items) != 2 || items[0].Nick != "thirdwitch" || items[1].JID != jid.MustParse("hecate@shakespeare.lit") || items[1].Reason != "x" {
		t.Fatalf("%+v %v", items, err)
	}
	again, err := ParseAdminItems(adminQuery(items...))
	if err != nil || len(again) != 2 || again[0] != items[0] || again[1] != items[1] {
		t.Errorf("round trip %+v %v", again, err)
	}
	from := jid.MustParse("crone1@shakespeare.lit/desktop")
	inv, err := ParseDirectInvite(mustParse(t, `<x xmlns='jabber:x:conference' jid='darkcave@macbeth.shakespeare.lit' password='cauldronburn' reason='Hey Hecate!' continue='true' thread='e0ffe42b'/>`), from)
	want := Invite{Room: jid.MustParse("darkcave@macbeth.shakespeare.lit"), From: from, Reason: "Hey Hecate!", Password: "cauldronburn", Continue: true, Thread: "e0ffe42b", Direct: true}
	if err != nil || inv != want {
		t.Errorf("%+v %v", inv, err)
	}
	if back, err := ParseDirectInvite(directInviteElement(inv), from); err != nil || back != want {
		t.Errorf("round trip %+v %v", back, err)
	}
}
