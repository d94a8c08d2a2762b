package correction_test

import (
	"errors"
	"testing"

	"github.com/xmppkit/xmpp/correction"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]string{
		`<replace xmlns='urn:xmpp:message-correct:0' id='bad1'/>`:                 "bad1",
		`<replace xmlns='urn:xmpp:message-correct:0' id='bad1'>ignored</replace>`: "bad1",
		`<replace xmlns='urn:xmpp:message-correct:0'/>`:                           "",
		`<replace xmlns='urn:xmpp:message-correct:0' id=''/>`:                     "",
		`<replace xmlns='urn:xmpp:message-correct:0' id='x'><y/></replace>`:       "",
		`<replace xmlns='urn:xmpp:message-correct:1' id='bad1'/>`:                 "",
		`<correct xmlns='urn:xmpp:message-correct:0' id='bad1'/>`:                 "",
	} {
		id, err := correction.Parse(mustElement(t, in))
		if want == "" && !errors.Is(err, correction.ErrMalformed) || want != "" && (err != nil || id != want) {
			t.Errorf("Parse(%s) = %q, %v; want %q", in, id, err, want)
		}
	}
	if _, err := correction.Parse(nil); !errors.Is(err, correction.ErrMalformed) {
		t.Errorf("Parse(nil) = %v", err)
	}
}

func TestGetSet(t *testing.T) {
	m := stanza.NewMessage(stanza.MessageChat, jid.MustParse("juliet@capulet.net/balcony"), "window")
	if id, ok := correction.Get(m); ok {
		t.Fatalf("Get of a new message = %q", id)
	}
	correction.Set(m, "first")
	correction.Set(m, "bad1")
	if id, ok := correction.Get(m); !ok || id != "bad1" || len(m.Payloads) != 1 {
		t.Errorf("after Set twice: Get = %q, %v; %s", id, ok, m.Element())
	}
	want := `<replace xmlns='urn:xmpp:message-correct:0' id='bad1'/>`
	if got := m.Payloads[0].String(); got != want {
		t.Errorf("payload %s, want %s", got, want)
	}
	two := mustMessage(t, `<message xmlns='jabber:client'><replace xmlns='urn:xmpp:message-correct:0' id='a'/><replace xmlns='urn:xmpp:message-correct:0' id='b'/></message>`)
	if id, ok := correction.Get(two); ok {
		t.Errorf("Get with two replace elements = %q", id)
	}
	bounced := mustMessage(t, `<message xmlns='jabber:client' type='error'><replace xmlns='urn:xmpp:message-correct:0' id='a'/>`+
		`<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>`)
	if id, ok := correction.Get(bounced); ok {
		t.Errorf("Get of an error = %q", id)
	}
}

// TestValid checks who may correct whom.
func TestValid(t *testing.T) {
	msg := func(typ stanza.MessageType, from, id, replaces string) *stanza.Message {
		m := &stanza.Message{Header: stanza.Header{ID: id}, Type: typ, Bodies: []stanza.Text{{Value: "x"}}}
		if from != "" {
			m.From = jid.MustParse(from)
		}
		if replaces != "" {
			correction.Set(m, replaces)
		}
		return m
	}
	const (
		romeo  = "romeo@montague.net/orchard"
		witch1 = "coven@chat.shakespeare.lit/firstwitch"
	)
	chat, group := stanza.MessageChat, stanza.MessageGroupchat
	for _, tc := range []struct {
		name                string
		original, corrected *stanza.Message
		want                bool
	}{
		{"same full JID", msg(chat, romeo, "bad1", ""), msg(chat, romeo, "good1", "bad1"), true},
		{"another resource of the sender", msg(chat, romeo, "bad1", ""), msg(chat, "romeo@montague.net/car", "good1", "bad1"), true},
		{"bare JID of the sender", msg(chat, romeo, "bad1", ""), msg(chat, "romeo@montague.net", "good1", "bad1"), true},
		{"normal messages", msg(stanza.MessageNormal, romeo, "bad1", ""), msg(stanza.MessageNormal, romeo, "good1", "bad1"), true},
		{"both from the own account", msg(chat, "", "bad1", ""), msg(chat, "", "good1", "bad1"), true},
		{"another account", msg(chat, romeo, "bad1", ""), msg(chat, "tybalt@capulet.net/sword", "good1", "bad1"), false},
		{"same localpart, other domain", msg(chat, romeo, "bad1", ""), msg(chat, "romeo@evil.example/orchard", "good1", "bad1"), false},
		{"own account corrects a contact", msg(chat, romeo, "bad1", ""), msg(chat, "", "good1", "bad1"), false},
		{"another id", msg(chat, romeo, "bad1", ""), msg(chat, romeo, "good1", "bad2"), false},
		{"not a correction", msg(chat, romeo, "bad1", ""), msg(chat, romeo, "good1", ""), false},
		{"original without id", msg(chat, romeo, "", ""), msg(chat, romeo, "good1", ""), false},
		{"corrects itself", msg(chat, romeo, "bad1", ""), msg(chat, romeo, "bad1", "bad1"), false},
		{"type changed", msg(chat, romeo, "bad1", ""), msg(stanza.MessageHeadline, romeo, "good1", "bad1"), false},
		{"same occupant", msg(group, witch1, "m1", ""), msg(group, witch1, "m2", "m1"), true},
		{"another occupant", msg(group, witch1, "m1", ""), msg(group, "coven@chat.shakespeare.lit/secondwitch", "m2", "m1"), false},
		{"the room itself", msg(group, witch1, "m1", ""), msg(group, "coven@chat.shakespeare.lit", "m2", "m1"), false},
		{"room messages", msg(group, "coven@chat.shakespeare.lit", "m1", ""), msg(group, "coven@chat.shakespeare.lit", "m2", "m1"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := correction.Valid(tc.original, tc.corrected); got != tc.want {
				t.Errorf("Valid = %v, want %v", got, tc.want)
			}
		})
	}
	errOrig := mustMessage(t, `<message xmlns='jabber:client' type='error' from='romeo@montague.net/orchard' id='bad1'>`+
		`<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>`)
	errCorr := mustMessage(t, `<message xmlns='jabber:client' type='error' from='romeo@montague.net/orchard' id='good1'>`+
		`<replace xmlns='urn:xmpp:message-correct:0' id='bad1'/>`+
		`<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>`)
	if correction.Valid(errOrig, errCorr) {
		t.Error("Valid for error messages")
	}
}
