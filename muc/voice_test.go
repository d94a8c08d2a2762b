package muc_test

import (
	"context"
	"errors"
	"testing"

	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/muc"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestVoiceRequest: a visitor of a moderated room asks for voice
// (XEP-0045 §7.13), the moderator gets the request (§8.6) and approves
// it, and the visitor becomes a participant.
func TestVoiceRequest(t *testing.T) {
	xmpptest.ForEachServer(t, &xmpptest.ServerOptions{MUC: true}, func(t *testing.T, tg xmpptest.Target) {
		alice := connect(t, tg, 0, "alice", nil)
		bob := connect(t, tg, 1, "bob", nil)
		requests := make(chan muc.VoiceRequest, 4)
		alice.rooms.HandleVoiceRequest(func(_ context.Context, r *muc.Room, req muc.VoiceRequest) {
			requests <- req
		})
		ar := create(t, alice, tg, "quiet", map[string]string{
			"muc#roomconfig_moderatedroom": "1",
			"members_by_default":           "0", // ejabberd: newcomers are visitors
		})
		br, err := bob.rooms.Join(timeout(t), ar.JID(), "Bob", nil)
		if err != nil {
			t.Fatal(err)
		}
		if role := br.Self().Role; role != muc.RoleVisitor {
			t.Fatalf("bob entered the moderated room as %s", role)
		}
		if err := br.RequestVoice(timeout(t)); err != nil {
			t.Fatal(err)
		}
		var req muc.VoiceRequest
		select {
		case req = <-requests:
		case <-timeout(t).Done():
			t.Fatal("no voice request reached the moderator")
		}
		if req.Nick != "Bob" || req.Role != muc.RoleParticipant || (!req.JID.IsZero() && req.JID.Bare() != bob.c.JID().Bare()) {
			t.Errorf("voice request %+v", req)
		}
		if err := ar.ApproveVoice(timeout(t), req); err != nil {
			t.Fatal(err)
		}
		bob.until(t, "voice", func() bool {
			for _, e := range bob.events {
				if e.Kind == muc.EventRoleChanged && e.Self && e.Occupant.Role == muc.RoleParticipant {
					return true
				}
			}
			return false
		})
		if err := br.Send(timeout(t), "may I?"); err != nil {
			t.Fatal(err)
		}
		alice.message(t, "may I?")
	})
}

// TestVoiceRequestWithoutHandler: with no voice request handler, a voice
// request is an EventVoiceRequest; one that names nobody is dropped.
func TestVoiceRequestWithoutHandler(t *testing.T) {
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{MUC: true})
	alice := connect(t, srv, 0, "alice", nil)
	room := roomJID(t, srv, "asked")
	if _, err := alice.rooms.Join(timeout(t), room, "Alice", nil); err != nil {
		t.Fatal(err)
	}
	to := alice.c.JID().String()
	for _, s := range []string{
		`<message xmlns='jabber:client' from='asked@conference.localhost' to='` + to + `'><x xmlns='jabber:x:data' type='form'><field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#request</value></field><field var='muc#role'><value>participant</value></field></x></message>`,
		`<message xmlns='jabber:client' from='asked@conference.localhost' to='` + to + `'><x xmlns='jabber:x:data' type='form'><field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#request</value></field><field var='muc#jid'><value>@@</value></field><field var='muc#roomnick'><value>Eve</value></field></x></message>`,
		`<message xmlns='jabber:client' from='asked@conference.localhost' to='` + to + `'><x xmlns='jabber:x:data' type='form'><field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#request</value></field><field var='muc#roomnick'><value>Carol</value></field><field var='muc#jid'><value>carol@localhost/x</value></field></x></message>`,
	} {
		e, err := stanza.ParseElement(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Inject(alice.c.JID(), e); err != nil {
			t.Fatal(err)
		}
	}
	ev := alice.event(t, muc.EventVoiceRequest, "")
	if ev.Occupant.Nick != "Carol" || ev.Occupant.JID.String() != "carol@localhost/x" {
		t.Errorf("voice request event %+v", ev)
	}
	alice.mu.Lock()
	defer alice.mu.Unlock()
	for _, m := range alice.messages {
		t.Errorf("a voice request reached the message handler: %s", m.Element())
	}
}

// TestParseVoiceRequest: the approval form of XEP-0045 §8.6, its answer,
// and what is malformed.
func TestParseVoiceRequest(t *testing.T) {
	parse := func(s string) (muc.VoiceRequest, error) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			t.Fatal(err)
		}
		f, err := form.Parse(e)
		if err != nil {
			t.Fatal(err)
		}
		return muc.ParseVoiceRequest(f)
	}
	req, err := parse(`<x xmlns='jabber:x:data' type='form'><title>Voice request</title>
		<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#request</value></field>
		<field var='muc#role' type='list-single' label='Requested role'><value>participant</value></field>
		<field var='muc#jid' type='jid-single' label='User ID'><value>hag66@shakespeare.lit/pda</value></field>
		<field var='muc#roomnick' type='text-single' label='Room Nickname'><value>thirdwitch</value></field>
		<field var='muc#request_allow' type='boolean' label='Grant voice to this person?'><value>false</value></field></x>`)
	if err != nil || req.Nick != "thirdwitch" || req.JID.String() != "hag66@shakespeare.lit/pda" || req.Role != muc.RoleParticipant {
		t.Fatalf("%+v, %v", req, err)
	}
	sub := req.Approval(true)
	for v, want := range map[string]string{"FORM_TYPE": muc.FormRequest, "muc#role": "participant", "muc#jid": "hag66@shakespeare.lit/pda", "muc#roomnick": "thirdwitch", "muc#request_allow": "true"} {
		if fd := sub.Field(v); fd == nil || len(fd.Values) != 1 || fd.Values[0] != want {
			t.Errorf("approval field %s: %+v, want %s", v, fd, want)
		}
	}
	if ok, err := sub.Bool(muc.FieldRequestAllow); err != nil || !ok {
		t.Errorf("muc#request_allow %t, %v", ok, err)
	}
	for _, bad := range []string{
		`<x xmlns='jabber:x:data' type='form'><field var='FORM_TYPE' type='hidden'><value>urn:other</value></field><field var='muc#roomnick'><value>a</value></field></x>`,
		`<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>http://jabber.org/protocol/muc#request</value></field><field var='muc#roomnick'><value>a</value></field></x>`,
		`<x xmlns='jabber:x:data' type='form'><field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#request</value></field><field var='muc#roomnick'><value>a</value></field><field var='muc#role'><value>emperor</value></field></x>`,
		`<x xmlns='jabber:x:data' type='form'><field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#request</value></field></x>`,
	} {
		if _, err := parse(bad); !errors.Is(err, muc.ErrMalformed) {
			t.Errorf("%s: %v, want ErrMalformed", bad, err)
		}
	}
}
