package stanzaid_test

import (
	"errors"
	"testing"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stanzaid"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want stanzaid.ID // zero ID: an error is expected
	}{
		{`<stanza-id xmlns='urn:xmpp:sid:0' id='de305d54-75b4-431b-adb2-eb6b9e546013' by='room@muc.example.com'/>`,
			stanzaid.ID{ID: "de305d54-75b4-431b-adb2-eb6b9e546013", By: jid.MustParse("room@muc.example.com")}},
		{`<stanza-id xmlns='urn:xmpp:sid:0' id='x' by='ALICE@localhost'/>`, stanzaid.ID{ID: "x", By: jid.MustParse("alice@localhost")}},
		{`<stanza-id xmlns='urn:xmpp:sid:0' id='x'/>`, stanzaid.ID{}},
		{`<stanza-id xmlns='urn:xmpp:sid:0' id='x' by=''/>`, stanzaid.ID{}},
		{`<stanza-id xmlns='urn:xmpp:sid:0' id='x' by='@localhost'/>`, stanzaid.ID{}},
		{`<stanza-id xmlns='urn:xmpp:sid:0' by='localhost'/>`, stanzaid.ID{}},
		{`<stanza-id xmlns='urn:xmpp:sid:0' id='' by='localhost'/>`, stanzaid.ID{}},
		{`<stanza-id xmlns='urn:xmpp:sid:0' id='x' by='localhost'>text</stanza-id>`, stanzaid.ID{}},
		{`<stanza-id xmlns='urn:xmpp:sid:0' id='x' by='localhost'><x/></stanza-id>`, stanzaid.ID{}},
		{`<stanza-id xmlns='urn:xmpp:sid:1' id='x' by='localhost'/>`, stanzaid.ID{}},
		{`<origin-id xmlns='urn:xmpp:sid:0' id='x'/>`, stanzaid.ID{}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			id, err := stanzaid.ParseStanzaID(mustElement(t, tc.in))
			if tc.want == (stanzaid.ID{}) {
				if !errors.Is(err, stanzaid.ErrMalformed) {
					t.Fatalf("ParseStanzaID = %+v, %v; want ErrMalformed", id, err)
				}
				return
			}
			if err != nil || id != tc.want {
				t.Fatalf("ParseStanzaID = %+v, %v; want %+v", id, err, tc.want)
			}
		})
	}
	for in, want := range map[string]string{
		`<origin-id xmlns='urn:xmpp:sid:0' id='de305d54'/>`:         "de305d54",
		`<origin-id xmlns='urn:xmpp:sid:0' id='x' by='ignored'/>`:   "x",
		`<origin-id xmlns='urn:xmpp:sid:0'/>`:                       "",
		`<origin-id xmlns='urn:xmpp:sid:0' id=''/>`:                 "",
		`<origin-id xmlns='urn:xmpp:sid:0' id='x'> </origin-id>`:    "",
		`<stanza-id xmlns='urn:xmpp:sid:0' id='x' by='localhost'/>`: "",
		`<origin-id xmlns='urn:xmpp:sid:0' id='x'><y/></origin-id>`: "",
	} {
		id, err := stanzaid.ParseOriginID(mustElement(t, in))
		if want == "" && !errors.Is(err, stanzaid.ErrMalformed) || want != "" && (err != nil || id != want) {
			t.Errorf("ParseOriginID(%s) = %q, %v; want %q", in, id, err, want)
		}
	}
	if _, err := stanzaid.ParseStanzaID(nil); !errors.Is(err, stanzaid.ErrMalformed) {
		t.Errorf("ParseStanzaID(nil) = %v", err)
	}
}

// TestStanzaID checks that StanzaID believes only the stanza-id of the
// entity it is asked about, and none when that entity appears twice.
func TestStanzaID(t *testing.T) {
	const own = "alice@localhost"
	msg := func(payloads string) *stanza.Message {
		return mustMessage(t, `<message xmlns='jabber:client' from='bob@localhost/home' to='alice@localhost/phone' type='chat'>`+
			`<body>hi</body>`+payloads+`</message>`)
	}
	sid := func(id, by string) string {
		return `<stanza-id xmlns='urn:xmpp:sid:0' id='` + id + `' by='` + by + `'/>`
	}
	for _, tc := range []struct {
		name     string
		payloads string
		by       string
		want     string // "": none
	}{
		{"own", sid("s1", own), own, "s1"},
		{"among others", sid("r1", "room@muc.localhost") + sid("s1", own) + sid("b1", "bob@localhost"), own, "s1"},
		{"others only", sid("r1", "room@muc.localhost") + sid("b1", "bob@localhost"), own, ""},
		{"room asked", sid("r1", "room@muc.localhost") + sid("s1", own), "room@muc.localhost", "r1"},
		{"full JID by is another entity", sid("s1", own+"/phone"), own, ""},
		{"by compared after normalization", sid("s1", "Alice@LOCALHOST"), own, "s1"},
		{"forged and real", sid("forged", own) + sid("s1", own), own, ""},
		{"malformed own ignored", `<stanza-id xmlns='urn:xmpp:sid:0' by='alice@localhost'/>` + sid("s1", own), own, "s1"},
		{"other namespace", `<stanza-id xmlns='urn:xmpp:sid:1' id='s1' by='alice@localhost'/>`, own, ""},
		{"none", ``, own, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, ok := stanzaid.StanzaID(msg(tc.payloads), jid.MustParse(tc.by))
			if ok != (tc.want != "") || id != tc.want {
				t.Errorf("StanzaID = %q, %v; want %q", id, ok, tc.want)
			}
		})
	}
	if id, ok := stanzaid.StanzaID(msg(sid("s1", own)), jid.JID{}); ok {
		t.Errorf("StanzaID(zero by) = %q", id)
	}
}

func TestOriginID(t *testing.T) {
	m := stanza.NewMessage(stanza.MessageGroupchat, jid.MustParse("room@muc.localhost"), "hi")
	if id, ok := stanzaid.OriginID(m); ok {
		t.Fatalf("OriginID of a new message = %q", id)
	}
	id := stanzaid.AddOriginID(m)
	if len(id) != 16 || id == m.ID {
		t.Errorf("AddOriginID = %q (message id %q); want a fresh stanza.NewID", id, m.ID)
	}
	if again := stanzaid.AddOriginID(m); again != id || len(m.Payloads) != 1 {
		t.Errorf("second AddOriginID = %q with %d payloads; want %q and 1", again, len(m.Payloads), id)
	}
	if got, ok := stanzaid.OriginID(m); !ok || got != id {
		t.Errorf("OriginID = %q, %v", got, ok)
	}
	want := `<origin-id xmlns='urn:xmpp:sid:0' id='` + id + `'/>`
	if got := m.Payloads[0].String(); got != want {
		t.Errorf("payload %s, want %s", got, want)
	}
	// A malformed origin-id is skipped.
	m = mustMessage(t, `<message xmlns='jabber:client'><origin-id xmlns='urn:xmpp:sid:0'/><origin-id xmlns='urn:xmpp:sid:0' id='o2'/></message>`)
	if got, ok := stanzaid.OriginID(m); !ok || got != "o2" {
		t.Errorf("OriginID after a malformed one = %q, %v", got, ok)
	}
}
