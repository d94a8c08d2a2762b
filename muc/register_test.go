package muc_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/muc"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestRegistration: registering with a room (XEP-0045 §7.10) and the
// reserved nick (§7.12). Prosody and the in-process server register with
// the room, and only users with an affiliation; ejabberd 23.01 does not
// (service-unavailable) but registers nicks with the service, for all its
// rooms, through the same form.
func TestRegistration(t *testing.T) {
	xmpptest.ForEachServer(t, &xmpptest.ServerOptions{MUC: true}, func(t *testing.T, tg xmpptest.Target) {
		alice := connect(t, tg, 0, "alice", nil)
		bob := connect(t, tg, 1, "bob", nil)
		carol := connect(t, tg, 2, "carol", nil)
		dave := connect(t, tg, 3, "dave", nil)
		ar, err := alice.rooms.Join(timeout(t), roomJID(t, tg, "registry"), "Alice", nil)
		if err != nil {
			t.Fatal(err)
		}
		room := ar.JID()

		// Without an affiliation.
		_, err = muc.GetRegistration(timeout(t), bob.c, room)
		at := room
		switch {
		case errors.Is(err, muc.ErrRegistrationUnsupported) && errors.Is(err, stanza.ErrServiceUnavailable):
			t.Logf("%s: no registration with a room (%v); registering with the service", tg.Name(), err)
			at = tg.MUC()
		case errors.Is(err, muc.ErrRegistrationClosed) && errors.Is(err, stanza.ErrRegistrationRequired):
			// As Prosody: members only.
		default:
			t.Fatalf("a user without affiliation asks for the form: %v", err)
		}
		if at == room {
			if err := ar.SetAffiliation(timeout(t), bob.c.JID(), muc.AffiliationMember, ""); err != nil {
				t.Fatal(err)
			}
			if err := ar.Ban(timeout(t), dave.c.JID(), ""); err != nil {
				t.Fatal(err)
			}
			if _, err := muc.GetRegistration(timeout(t), dave.c, room); !errors.Is(err, muc.ErrBanned) || !errors.Is(err, stanza.ErrForbidden) {
				t.Errorf("an outcast asks for the form: %v", err)
			}
		}

		// The form, filled in and submitted.
		reg, err := muc.GetRegistration(timeout(t), bob.c, at)
		if err != nil {
			t.Fatal(err)
		}
		if reg.Registered || reg.Form == nil || reg.Form.FormType() != muc.FormRegister || reg.Form.Field(muc.FieldRoomNick) == nil {
			t.Fatalf("registration %+v", reg)
		}
		if err := muc.RegisterNick(timeout(t), bob.c, at, "Bobby"); err != nil {
			t.Fatal(err)
		}
		reg, err = muc.GetRegistration(timeout(t), bob.c, at)
		if err != nil {
			t.Fatal(err)
		}
		if at == room && (!reg.Registered || reg.Nick != "Bobby") {
			// ejabberd's service answers with the form again, the nick
			// filled in.
			t.Errorf("after registering: %+v", reg)
		}
		if err := muc.RegisterNick(timeout(t), bob.c, at, "Bobby"); err != nil {
			t.Errorf("registering the same nick again: %v", err)
		}

		// The reserved nick.
		nick, err := muc.ReservedNick(timeout(t), bob.c, room)
		switch {
		case err == nil && nick == "Bobby":
		case tg.Name() == "ejabberd" && errors.Is(err, stanza.ErrItemNotFound):
			t.Logf("%s: no reserved nick discovery: %v", tg.Name(), err)
		default:
			t.Errorf("bob's reserved nick: %q, %v", nick, err)
		}
		if err == nil {
			if nick, err := muc.ReservedNick(timeout(t), alice.c, room); err != nil || nick != "" {
				t.Errorf("alice's reserved nick: %q, %v", nick, err)
			}
		}

		// Taken: by registration, and by a join.
		if at == room {
			if err := ar.SetAffiliation(timeout(t), carol.c.JID(), muc.AffiliationMember, ""); err != nil {
				t.Fatal(err)
			}
		}
		if err := muc.RegisterNick(timeout(t), carol.c, at, "Bobby"); !errors.Is(err, muc.ErrNickInUse) || !errors.Is(err, stanza.ErrConflict) {
			t.Errorf("registering a nick taken: %v", err)
		}
		if _, err := carol.rooms.Join(timeout(t), room, "Bobby", nil); !errors.Is(err, muc.ErrNickInUse) {
			t.Errorf("joining with a nick reserved: %v", err)
		}
		br, err := bob.rooms.Join(timeout(t), room, "Bobby", nil)
		if err != nil {
			t.Fatalf("joining with one's reserved nick: %v", err)
		}
		if err := muc.RegisterNick(timeout(t), carol.c, at, "Alice"); !errors.Is(err, muc.ErrNickInUse) && tg.Name() != "ejabberd" {
			// ejabberd registers a nick an occupant of one of its
			// rooms has.
			t.Errorf("registering the nick of another occupant: %v", err)
		}

		// Cancelled.
		if err := muc.Unregister(timeout(t), bob.c, at); err != nil {
			t.Fatal(err)
		}
		if at == room {
			if nick, err := muc.ReservedNick(timeout(t), bob.c, room); err != nil || nick != "" {
				t.Errorf("reserved nick after cancelling: %q, %v", nick, err)
			}
			members, err := ar.Affiliations(timeout(t), muc.AffiliationMember)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range members {
				if m.JID == bob.c.JID().Bare() {
					t.Errorf("still a member after cancelling: %+v", members)
				}
			}
		}
		if err := br.Leave(timeout(t), ""); err != nil {
			t.Fatal(err)
		}
		if err := muc.RegisterNick(timeout(t), carol.c, at, "Bobby"); err != nil {
			t.Errorf("the nick once free again: %v", err)
		}
	})
}

// TestParseRegistration: the answers a room gives, and what is malformed.
func TestParseRegistration(t *testing.T) {
	for s, want := range map[string]func(muc.Registration) bool{
		`<query xmlns='jabber:iq:register'><registered/><username>thirdwitch</username></query>`: func(r muc.Registration) bool {
			return r.Registered && r.Nick == "thirdwitch" && r.Form == nil
		},
		`<query xmlns='jabber:iq:register'><instructions>Visit the web</instructions><x xmlns='jabber:x:data' type='form'><field type='hidden' var='FORM_TYPE'><value>http://jabber.org/protocol/muc#register</value></field><field label='Desired Nickname' type='text-single' var='muc#register_roomnick'><required/></field></x><nick/></query>`: func(r muc.Registration) bool {
			return !r.Registered && r.Instructions == "Visit the web" && r.Form != nil && r.Form.FormType() == muc.FormRegister
		},
	} {
		e, err := stanza.ParseElement(s)
		if err != nil {
			t.Fatal(err)
		}
		r, err := muc.ParseRegistration(e)
		if err != nil || !want(r) {
			t.Errorf("%s: %+v, %v", s, r, err)
		}
		again, err := muc.ParseRegistration(r.Element())
		if err != nil || again.Registered != r.Registered || again.Nick != r.Nick || (again.Form == nil) != (r.Form == nil) {
			t.Errorf("%s: encoded and decoded: %+v, %v", s, again, err)
		}
	}
	for _, bad := range []string{
		`<query xmlns='jabber:iq:roster'/>`,
		`<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='form'/><x xmlns='jabber:x:data' type='form'/></query>`,
		`<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='nonsense'/></query>`,
	} {
		e, err := stanza.ParseElement(bad)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := muc.ParseRegistration(e); !errors.Is(err, muc.ErrMalformed) {
			t.Errorf("%s: %v, want ErrMalformed", bad, err)
		}
	}
}

// TestRegisterNickNeedsMore: a form that asks for more than a nick is not
// submitted half filled in.
func TestRegisterNickNeedsMore(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	c := connect(t, srv, 0, "alice", nil)
	srv.HandleIQ(stanza.IQGet, muc.NSRegister, "query", func(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		f := form.New(form.TypeForm, muc.FormRegister)
		f.Fields = append(f.Fields,
			form.Field{Var: muc.FieldRoomNick, Type: form.TextSingle, Required: true},
			form.Field{Var: "muc#register_first", Type: form.TextSingle, Required: true})
		return muc.Registration{Form: f}.Element(), nil
	})
	var submitted atomic.Bool
	srv.HandleIQ(stanza.IQSet, muc.NSRegister, "query", func(context.Context, *stanza.IQ) (*stanza.Element, error) {
		submitted.Store(true)
		return nil, nil
	})
	err := muc.RegisterNick(timeout(t), c.c, jid.MustParse(srv.Domain()), "Bobby")
	if !errors.Is(err, form.ErrRequired) || submitted.Load() {
		t.Errorf("got %v (submitted %t), want form.ErrRequired", err, submitted.Load())
	}
}
