package muc

import (
	"reflect"
	"testing"

	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/stanza"
)

// FuzzParseRoomPayloads feeds the decoders of the owner's configuration
// and destruction payloads, a room's information, its reserved nick
// answer, its registration answer and its voice requests the same bytes:
// none may panic, and what one accepts encodes to what it decodes again.
func FuzzParseRoomPayloads(f *testing.F) {
	for _, s := range []string{
		`<query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='form'><title>Configuration</title><field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roomconfig</value></field><field var='muc#roomconfig_roomname' type='text-single'/><field var='muc#roomconfig_maxusers' type='list-single'><value>20</value><option label='10'><value>10</value></option></field><field var='muc#roomconfig_membersonly' type='boolean'><value>1</value></field></x></query>`,
		`<query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'/></query>`,
		`<query xmlns='http://jabber.org/protocol/muc#owner'><destroy jid='coven@chat.shakespeare.lit'><password>cauldronburn</password><reason>Macbeth doth come.</reason></destroy></query>`,
		`<query xmlns='http://jabber.org/protocol/muc#owner'><destroy/><x xmlns='jabber:x:data' type='submit'/></query>`,
		`<query xmlns='http://jabber.org/protocol/disco#info'><identity category='conference' name='A Dark Cave' type='text'/><feature var='muc_passwordprotected'/><feature var='muc_hidden'/><x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roominfo</value></field><field var='muc#roominfo_contactjid'><value>crone1@shakespeare.lit</value></field><field var='muc#roominfo_occupants'><value>3</value></field><field var='muc#roomconfig_changesubject'/></x></query>`,
		`<query xmlns='http://jabber.org/protocol/disco#info' node='x-roomuser-item'><identity category='conference' name='thirdwitch' type='text'/></query>`,
		`<query xmlns='http://jabber.org/protocol/disco#info' node='x-roomuser-item'/>`,
		`<query xmlns='jabber:iq:register'><registered/><username>thirdwitch</username></query>`,
		`<query xmlns='jabber:iq:register'><instructions>x</instructions><x xmlns='jabber:x:data' type='form'><field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#register</value></field><field var='muc#register_roomnick' type='text-single'><required/></field></x></query>`,
		`<x xmlns='jabber:x:data' type='form'><field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#request</value></field><field var='muc#role' type='list-single'><value>participant</value></field><field var='muc#jid' type='jid-single'><value>hag66@shakespeare.lit/pda</value></field><field var='muc#roomnick' type='text-single'><value>thirdwitch</value></field><field var='muc#request_allow' type='boolean'><value>false</value></field></x>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		if oq, err := ParseOwnerQuery(e); err == nil {
			again, err := ParseOwnerQuery(oq.Element())
			if err != nil || !reflect.DeepEqual(again, oq) {
				t.Fatalf("muc#owner %s: encoded and decoded again: %+v, %v (was %+v)", s, again, err, oq)
			}
		}
		if info, err := disco.ParseInfo(e); err == nil {
			if ri, err := ParseRoomInfo(info); err == nil {
				back, err := disco.ParseInfo(info.Element())
				if err != nil {
					t.Fatal(err)
				}
				again, err := ParseRoomInfo(back)
				if err != nil || !reflect.DeepEqual(again, ri) {
					t.Fatalf("room info %s: %+v, %v (was %+v)", s, again, err, ri)
				}
			}
		}
		_, _ = parseReservedNick(e)
		if r, err := ParseRegistration(e); err == nil {
			again, err := ParseRegistration(r.Element())
			if err != nil || !reflect.DeepEqual(again, r) {
				t.Fatalf("registration %s: %+v, %v (was %+v)", s, again, err, r)
			}
		}
		if fm, err := form.Parse(e); err == nil {
			if req, err := ParseVoiceRequest(fm); err == nil {
				sub := req.Approval(true)
				back, err := form.Parse(sub.Element())
				if err != nil || back.FormType() != FormRequest {
					t.Fatalf("voice approval of %s: %s, %v", s, sub.Element(), err)
				}
				if allow, err := back.Bool(FieldRequestAllow); err != nil || !allow {
					t.Fatalf("voice approval of %s: allow %t, %v", s, allow, err)
				}
				if nick, _ := back.String(FieldRequestNick); nick != req.Nick {
					t.Fatalf("voice approval of %s: nick %q, want %q", s, nick, req.Nick)
				}
			}
		}
	})
}
