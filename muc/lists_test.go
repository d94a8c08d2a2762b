package muc_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/muc"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// jidsOf returns the bare JIDs of items, sorted.
func jidsOf(items []muc.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.JID.Bare().String())
	}
	slices.Sort(out)
	return out
}

// nicksOf returns the nicks of items, sorted.
func nicksOf(items []muc.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Nick)
	}
	slices.Sort(out)
	return out
}

// wantList checks that r's list of affiliation aff holds exactly want.
func wantList(t *testing.T, r *muc.Room, aff muc.Affiliation, want ...jid.JID) {
	t.Helper()
	items, err := r.Affiliations(timeout(t), aff)
	if err != nil {
		t.Fatalf("%s list: %v", aff, err)
	}
	var w []string
	for _, j := range want {
		w = append(w, j.Bare().String())
	}
	slices.Sort(w)
	if got := jidsOf(items); !slices.Equal(got, w) {
		t.Errorf("%s list %v, want %v", aff, got, w)
	}
	for _, it := range items {
		if it.Affiliation != aff {
			t.Errorf("%s list item %+v", aff, it)
		}
	}
}

// TestAffiliationLists: the admin and owner lists of XEP-0045: the member
// list (§9.5), the ban list (§9.2), the moderator list (§9.8) and the
// voice list (§8.5), the admin list (§10.8) and the owner list (§10.5);
// membership, admin status and ownership granted and revoked (§9.3-9.4,
// §10.3-10.7), several at once; and the changes not allowed.
func TestAffiliationLists(t *testing.T) {
	xmpptest.ForEachServer(t, &xmpptest.ServerOptions{MUC: true}, func(t *testing.T, tg xmpptest.Target) {
		alice := connect(t, tg, 0, "alice", nil)
		bob := connect(t, tg, 1, "bob", nil)
		carol := connect(t, tg, 2, "carol", nil)
		dave := connect(t, tg, 3, "dave", nil)
		ar := create(t, alice, tg, "lists", nil)
		mallory := jid.MustParse("mallory@" + tg.Domain())
		a, b, c, d := alice.c.JID(), bob.c.JID(), carol.c.JID(), dave.c.JID()

		wantList(t, ar, muc.AffiliationOwner, a)
		wantList(t, ar, muc.AffiliationMember)
		// Membership, admin status, ownership, a ban.
		for _, g := range []struct {
			who jid.JID
			aff muc.Affiliation
		}{{b, muc.AffiliationMember}, {c, muc.AffiliationAdmin}, {d, muc.AffiliationOwner}, {mallory, muc.AffiliationOutcast}} {
			if err := ar.SetAffiliation(timeout(t), g.who, g.aff, "because"); err != nil {
				t.Fatalf("%s to %s: %v", g.aff, g.who, err)
			}
		}
		wantList(t, ar, muc.AffiliationMember, b)
		wantList(t, ar, muc.AffiliationAdmin, c)
		wantList(t, ar, muc.AffiliationOwner, a, d)
		wantList(t, ar, muc.AffiliationOutcast, mallory)

		// In the room: an admin is a moderator, a member a participant.
		cr, err := carol.rooms.Join(timeout(t), ar.JID(), "Carol", nil)
		if err != nil {
			t.Fatal(err)
		}
		if self := cr.Self(); self.Affiliation != muc.AffiliationAdmin || self.Role != muc.RoleModerator {
			t.Errorf("carol entered as %+v", self)
		}
		br, err := bob.rooms.Join(timeout(t), ar.JID(), "Bob", nil)
		if err != nil {
			t.Fatal(err)
		}
		if self := br.Self(); self.Affiliation != muc.AffiliationMember || self.Role != muc.RoleParticipant {
			t.Errorf("bob entered as %+v", self)
		}
		alice.event(t, muc.EventOccupantJoined, "Bob")
		mods, err := ar.Roles(timeout(t), muc.RoleModerator)
		if err != nil {
			t.Fatal(err)
		}
		if got := nicksOf(mods); !slices.Equal(got, []string{"Alice", "Carol"}) {
			t.Errorf("moderators %v", got)
		}
		voice, err := cr.Roles(timeout(t), muc.RoleParticipant)
		if err != nil {
			t.Fatal(err)
		}
		if got := nicksOf(voice); !slices.Equal(got, []string{"Bob"}) {
			t.Errorf("the admin's voice list %v", got)
		}
		// The admin may read the member and ban lists, not the owner
		// list's changes.
		wantList(t, cr, muc.AffiliationMember, b)
		wantList(t, cr, muc.AffiliationOutcast, mallory)

		// Refusals: a member may not read the lists, nor ban; an admin
		// may not make owners.
		if _, err := br.Affiliations(timeout(t), muc.AffiliationMember); !errors.Is(err, stanza.ErrForbidden) {
			t.Errorf("a member reads the member list: %v", err)
		}
		if err := br.Ban(timeout(t), d, ""); !errors.Is(err, stanza.ErrForbidden) && !errors.Is(err, stanza.ErrNotAllowed) {
			t.Errorf("a member bans: %v", err)
		}
		if err := cr.SetAffiliation(timeout(t), b, muc.AffiliationOwner, ""); !errors.Is(err, stanza.ErrForbidden) && !errors.Is(err, stanza.ErrNotAllowed) {
			t.Errorf("an admin makes an owner: %v", err)
		}
		wantList(t, ar, muc.AffiliationOwner, a, d)

		// A modified list in one request: membership revoked, admin
		// status revoked to membership, the ban lifted.
		if err := ar.SetAffiliations(timeout(t), []muc.Item{
			{JID: b.Bare(), Affiliation: muc.AffiliationNone},
			{JID: c.Bare(), Affiliation: muc.AffiliationMember},
			{JID: mallory, Affiliation: muc.AffiliationNone},
		}); err != nil {
			t.Fatal(err)
		}
		if tg.Name() == "prosody" {
			// Prosody 0.12 applies the first item of a request alone,
			// and answers as if it had applied them all.
			wantList(t, ar, muc.AffiliationMember)
			wantList(t, ar, muc.AffiliationAdmin, c)
			for _, it := range []muc.Item{{JID: c, Affiliation: muc.AffiliationMember}, {JID: mallory, Affiliation: muc.AffiliationNone}} {
				if err := ar.SetAffiliation(timeout(t), it.JID, it.Affiliation, ""); err != nil {
					t.Fatal(err)
				}
			}
		}
		wantList(t, ar, muc.AffiliationMember, c)
		wantList(t, ar, muc.AffiliationAdmin)
		wantList(t, ar, muc.AffiliationOutcast)
		// Carol learns she is a member now, no longer a moderator.
		carol.until(t, "the admin status revoked", func() bool {
			for _, e := range carol.events {
				if e.Kind == muc.EventAffiliationChanged && e.Self && e.Occupant.Affiliation == muc.AffiliationMember {
					return true
				}
			}
			return false
		})
		if self := cr.Self(); self.Role == muc.RoleModerator {
			t.Errorf("carol is still a moderator: %+v", self)
		}
		// Ownership revoked (to admin), then the admin status too.
		if err := ar.SetAffiliation(timeout(t), d, muc.AffiliationAdmin, ""); err != nil {
			t.Fatal(err)
		}
		wantList(t, ar, muc.AffiliationOwner, a)
		wantList(t, ar, muc.AffiliationAdmin, d)
		if err := ar.SetAffiliation(timeout(t), d, muc.AffiliationNone, ""); err != nil {
			t.Fatal(err)
		}
		wantList(t, ar, muc.AffiliationAdmin)
		// The last owner stays one.
		if err := ar.SetAffiliation(timeout(t), a, muc.AffiliationAdmin, ""); err == nil {
			t.Error("the last owner gave up ownership")
		}
	})
}

// TestJoinRefusals: the refusals of XEP-0045 §7.2 as typed errors: a
// locked room (item-not-found on Prosody until the owner configures it),
// a members-only room (registration-required), a banned user
// (forbidden), a full room (Max Users).
func TestJoinRefusals(t *testing.T) {
	xmpptest.ForEachServer(t, &xmpptest.ServerOptions{MUC: true}, func(t *testing.T, tg xmpptest.Target) {
		alice := connect(t, tg, 0, "alice", nil)
		bob := connect(t, tg, 1, "bob", nil)
		refused := func(what string, room jid.JID, o *occupant, reason error, cond stanza.Condition) {
			t.Helper()
			_, err := o.rooms.Join(timeout(t), room, "Someone", nil)
			var je *muc.JoinError
			if !errors.As(err, &je) || !errors.Is(err, reason) || je.Room != room || je.Stanza == nil {
				t.Errorf("%s: %v, want a *JoinError for %v", what, err, reason)
				return
			}
			if cond != "" && !errors.Is(err, cond) {
				t.Errorf("%s: %v, want %s", what, err, cond)
			}
			t.Logf("%s: %v", what, err)
		}

		// Locked.
		locked, err := alice.rooms.Join(timeout(t), roomJID(t, tg, "locked"), "Alice", &muc.JoinOptions{KeepLocked: true})
		if err != nil {
			t.Fatal(err)
		}
		if tg.Name() == "ejabberd" {
			// ejabberd 23.01 does not lock new rooms.
			br, err := bob.rooms.Join(timeout(t), locked.JID(), "Bob", nil)
			if err != nil {
				t.Fatalf("%s: joining a new room: %v", tg.Name(), err)
			}
			if err := br.Leave(timeout(t), ""); err != nil {
				t.Fatal(err)
			}
		} else {
			refused("a locked room", locked.JID(), bob, muc.ErrRoomLocked, stanza.ErrItemNotFound)
			configure(t, locked, nil)
		}

		// Members only.
		members := create(t, alice, tg, "membersonly", map[string]string{"muc#roomconfig_membersonly": "1"})
		refused("a members-only room", members.JID(), bob, muc.ErrMembersOnly, stanza.ErrRegistrationRequired)

		// Banned.
		banning := create(t, alice, tg, "banning", nil)
		if err := banning.Ban(timeout(t), bob.c.JID(), "no"); err != nil {
			t.Fatal(err)
		}
		refused("a banned user", banning.JID(), bob, muc.ErrBanned, stanza.ErrForbidden)

		// Full.
		full, err := alice.rooms.Join(timeout(t), roomJID(t, tg, "full"), "Alice", &muc.JoinOptions{KeepLocked: true})
		if err != nil {
			t.Fatal(err)
		}
		if missing := configure(t, full, map[string]string{"muc#roomconfig_maxusers": "1"}); len(missing) > 0 {
			t.Logf("%s: no occupant limit (%s)", tg.Name(), strings.Join(missing, ", "))
			return
		}
		// service-unavailable (XEP-0045), or resource-constraint
		// (ejabberd).
		refused("a full room", full.JID(), bob, muc.ErrRoomFull, "")
	})
}
