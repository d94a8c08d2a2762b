package muc_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/muc"
	"github.com/xmppkit/xmpp/rsm"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// configure submits r's configuration form with the values given, by
// field var, leaving out the fields the room's form does not have (each
// server has its own set), and returns those.
func configure(t *testing.T, r *muc.Room, values map[string]string) (missing []string) {
	t.Helper()
	cfg, err := r.Config(timeout(t))
	if err != nil {
		t.Fatal(err)
	}
	sub := cfg.Submit()
	for v, s := range values {
		fd := cfg.Field(v)
		switch {
		case fd == nil:
			missing = append(missing, v)
			continue
		case fd.Type == form.Boolean:
			err = sub.SetBool(v, s == "1")
		default:
			err = sub.SetString(v, s)
		}
		if err != nil {
			t.Fatalf("%s=%s: %v", v, s, err)
		}
	}
	if err := r.Configure(timeout(t), sub); err != nil {
		t.Fatal(err)
	}
	return missing
}

// create makes the room name on tg, alice its owner, configured with
// values before anyone else may enter.
func create(t *testing.T, alice *occupant, tg xmpptest.Target, name string, values map[string]string) *muc.Room {
	t.Helper()
	r, err := alice.rooms.Join(timeout(t), roomJID(t, tg, name), "Alice", &muc.JoinOptions{KeepLocked: true})
	if err != nil {
		t.Fatal(err)
	}
	configure(t, r, values)
	return r
}

// TestDiscovery: the service's rooms, listed whole and by pages (XEP-0045
// §6.3, XEP-0059), and a room's information (§6.4).
func TestDiscovery(t *testing.T) {
	xmpptest.ForEachServer(t, &xmpptest.ServerOptions{MUC: true}, func(t *testing.T, tg xmpptest.Target) {
		alice := connect(t, tg, 0, "alice", nil)
		bob := connect(t, tg, 1, "bob", nil)
		const n = 5
		for i := range n {
			create(t, alice, tg, fmt.Sprintf("listed%d", i), map[string]string{
				"muc#roomconfig_publicroom": "1", "muc#roomconfig_moderatedroom": "0", "muc#roomconfig_roomname": fmt.Sprint("Room ", i),
				"muc#roomconfig_roomdesc": fmt.Sprint("Room number ", i),
			})
		}
		create(t, alice, tg, "unlisted", map[string]string{"muc#roomconfig_publicroom": "0"})
		svc := tg.MUC()

		// Every room, by pages of two.
		var names []string
		for it, err := range muc.AllRooms(timeout(t), bob.c, svc, 2) {
			if err != nil {
				t.Fatal(err)
			}
			if it.JID.Domainpart() != svc.Domainpart() || it.JID.Resourcepart() != "" {
				t.Errorf("listed %s", it.JID)
			}
			names = append(names, it.Name)
		}
		if len(names) != n {
			t.Fatalf("listed %q, want %d rooms", names, n)
		}
		for _, name := range names {
			if !strings.HasPrefix(name, "Room ") { // ejabberd adds " (occupants)"
				t.Errorf("room name %q", name)
			}
		}

		// One page.
		p, err := muc.ListRooms(timeout(t), bob.c, svc, rsm.Set{Max: new(2)})
		if err != nil {
			t.Fatal(err)
		}
		if p.Set == nil {
			// Prosody 0.12 does not page: everything at once.
			t.Logf("%s does not page its rooms", tg.Name())
			if len(p.Items) != n {
				t.Errorf("unpaged list of %d rooms", len(p.Items))
			}
		} else {
			want := n
			if tg.Name() == "ejabberd" {
				want++ // ejabberd 23.01 counts the hidden room it does not list
			}
			if len(p.Items) != 2 || p.Set.Count == nil || *p.Set.Count != want || p.Set.Last == "" {
				t.Errorf("first page %+v, set %+v (count %v)", p.Items, p.Set, deref(p.Set.Count))
			}
			next, err := muc.ListRooms(timeout(t), bob.c, svc, rsm.Set{Max: new(2), After: p.Set.Last})
			if err != nil {
				t.Fatal(err)
			}
			if len(next.Items) != 2 || next.Items[0].JID == p.Items[0].JID || next.Items[0].JID == p.Items[1].JID {
				t.Errorf("second page %+v after %+v", next.Items, p.Items)
			}
			count, err := muc.ListRooms(timeout(t), bob.c, svc, rsm.Set{Max: new(0)})
			if err != nil {
				t.Fatal(err)
			}
			if len(count.Items) != 0 || count.Set == nil || count.Set.Count == nil || *count.Set.Count != want {
				t.Errorf("count only: %+v, %+v", count.Items, count.Set)
			}
		}

		// A room's information.
		room := roomJID(t, tg, "listed0")
		info, err := muc.GetRoomInfo(timeout(t), bob.c, room)
		if err != nil {
			t.Fatal(err)
		}
		if info.Name != "Room 0" || info.Description != "Room number 0" || info.Occupants != 1 ||
			!info.Public || info.MembersOnly || info.PasswordProtected || info.Moderated || !info.SemiAnonymous ||
			!info.Has(muc.FeatureOpen) || !info.Has(muc.NS) {
			t.Errorf("room info %+v", info)
		}
		secret := create(t, alice, tg, "secret", map[string]string{
			"muc#roomconfig_membersonly": "1", "muc#roomconfig_moderatedroom": "1", "muc#roomconfig_persistentroom": "1",
			"muc#roomconfig_passwordprotectedroom": "1", "muc#roomconfig_roomsecret": "sesame", "muc#roomconfig_whois": "anyone",
			"muc#roomconfig_publicroom": "0", "muc#roomconfig_lang": "fr",
		})
		info, err = muc.GetRoomInfo(timeout(t), bob.c, secret.JID())
		if err != nil {
			t.Fatal(err)
		}
		if !info.MembersOnly || !info.Moderated || !info.Persistent || !info.PasswordProtected || !info.NonAnonymous ||
			info.SemiAnonymous || info.Public || !info.Has(muc.FeatureHidden) {
			t.Errorf("configured room info %+v", info)
		}
		if info.Lang != "" && info.Lang != "fr" { // the in-process server has no language
			t.Errorf("language %q", info.Lang)
		}
		// The same through the room joined.
		if got, err := muc.ParseRoomInfo(alice.roomInfo(t, secret)); err != nil || !got.MembersOnly {
			t.Errorf("the joined room's info: %+v, %v", got, err)
		}
		// No such room.
		if _, err := muc.GetRoomInfo(timeout(t), bob.c, roomJID(t, tg, "nowhere")); !errors.Is(err, stanza.ErrItemNotFound) {
			t.Errorf("info of a room that does not exist: %v", err)
		}
	})
}

// roomInfo returns the disco#info the room gave after a join, asked again
// after a configuration.
func (o *occupant) roomInfo(t *testing.T, r *muc.Room) disco.Info {
	t.Helper()
	info, err := disco.GetInfo(timeout(t), o.c, r.JID(), "")
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// TestParseRoomInfo: the muc#roominfo fields, and what is malformed.
func TestParseRoomInfo(t *testing.T) {
	parse := func(s string) (muc.RoomInfo, error) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			t.Fatal(err)
		}
		info, err := disco.ParseInfo(e)
		if err != nil {
			t.Fatal(err)
		}
		return muc.ParseRoomInfo(info)
	}
	ri, err := parse(`<query xmlns='http://jabber.org/protocol/disco#info'>
		<identity category='conference' name='A Dark Cave' type='text'/>
		<feature var='http://jabber.org/protocol/muc'/><feature var='muc_passwordprotected'/><feature var='muc_hidden'/>
		<feature var='muc_temporary'/><feature var='muc_open'/><feature var='muc_unmoderated'/><feature var='muc_nonanonymous'/>
		<x xmlns='jabber:x:data' type='result'>
		<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roominfo</value></field>
		<field var='muc#roominfo_description' label='Description'><value>The place for all good witches!</value></field>
		<field var='muc#roominfo_contactjid' label='Contact Addresses'><value>crone1@shakespeare.lit</value></field>
		<field var='muc#roominfo_subject' label='Current Discussion Topic'><value>Spells</value></field>
		<field var='muc#roomconfig_changesubject' label='Subject can be modified'><value>true</value></field>
		<field var='muc#roominfo_occupants' label='Number of occupants'><value>3</value></field>
		<field var='muc#roominfo_ldapgroup' label='Associated LDAP Group'><value>cn=witches,dc=shakespeare,dc=lit</value></field>
		<field var='muc#roominfo_lang' label='Language of discussion'><value>en</value></field>
		<field var='muc#roominfo_logs' label='URL for discussion logs'><value>http://www.shakespeare.lit/chatlogs/coven/</value></field>
		<field var='muc#maxhistoryfetch' label='Maximum Number of History Messages Returned by Room'><value>50</value></field>
		<field var='muc#roomconfig_pubsub' label='Associated pubsub node'><value>xmpp:pubsub.shakespeare.lit?;node=the-coven-node</value></field>
		</x></query>`)
	if err != nil {
		t.Fatal(err)
	}
	if ri.Name != "A Dark Cave" || ri.Description != "The place for all good witches!" || len(ri.Contacts) != 1 ||
		ri.Contacts[0] != jid.MustParse("crone1@shakespeare.lit") || ri.Subject != "Spells" || !ri.SubjectMod ||
		ri.Occupants != 3 || ri.LDAPGroup != "cn=witches,dc=shakespeare,dc=lit" || ri.Lang != "en" ||
		ri.Logs != "http://www.shakespeare.lit/chatlogs/coven/" || ri.MaxHistoryFetch != 50 ||
		ri.PubSub != "xmpp:pubsub.shakespeare.lit?;node=the-coven-node" || !ri.PasswordProtected || !ri.NonAnonymous ||
		ri.Public || ri.MembersOnly || ri.Moderated || ri.Persistent || ri.SemiAnonymous {
		t.Errorf("%+v", ri)
	}
	ri, err = parse(`<query xmlns='http://jabber.org/protocol/disco#info'><identity category='conference' type='text'/></query>`)
	if err != nil || ri.Occupants != -1 || ri.MaxHistoryFetch != -1 || ri.Name != "" {
		t.Errorf("bare room info %+v, %v", ri, err)
	}
	for _, bad := range []string{
		`<query xmlns='http://jabber.org/protocol/disco#info'><identity category='client' type='pc'/></query>`,
		`<query xmlns='http://jabber.org/protocol/disco#info'><identity category='conference' type='text'/><x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roominfo</value></field><field var='muc#roominfo_occupants'><value>many</value></field></x></query>`,
		`<query xmlns='http://jabber.org/protocol/disco#info'><identity category='conference' type='text'/><x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roominfo</value></field><field var='muc#roominfo_occupants'><value>-1</value></field></x></query>`,
		`<query xmlns='http://jabber.org/protocol/disco#info'><identity category='conference' type='text'/><x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roominfo</value></field><field var='muc#roominfo_contactjid'><value>@bad</value></field></x></query>`,
		`<query xmlns='http://jabber.org/protocol/disco#info'><identity category='conference' type='text'/><x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roominfo</value></field><field var='muc#roominfo_subjectmod'><value>maybe</value></field></x></query>`,
	} {
		if _, err := parse(bad); !errors.Is(err, muc.ErrMalformed) {
			t.Errorf("%s: %v, want ErrMalformed", bad, err)
		}
	}
}

func deref(n *int) any {
	if n == nil {
		return nil
	}
	return *n
}
