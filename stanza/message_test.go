package stanza_test

import (
	"slices"
	"testing"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// benchMessageXML is the message of the allocation budget: RFC 6120's
// example with a chat state.
const benchMessageXML = `<message xmlns='jabber:client' to='romeo@example.net/orchard' from='juliet@example.com/balcony' id='ktx72v49' type='chat' xml:lang='en'><body>Art thou not Romeo, and a Montague?</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>`

func TestParseMessage(t *testing.T) {
	active := stanza.NewElement("http://jabber.org/protocol/chatstates", "active")
	m, err := stanza.ParseMessage(elemFromXML(t, benchMessageXML))
	if err != nil {
		t.Fatal(err)
	}
	want := &stanza.Message{
		Header: stanza.Header{
			To:   jid.MustParse("romeo@example.net/orchard"),
			From: jid.MustParse("juliet@example.com/balcony"),
			ID:   "ktx72v49",
			Lang: "en",
		},
		Type:     stanza.MessageChat,
		Bodies:   []stanza.Text{{Value: "Art thou not Romeo, and a Montague?"}},
		Payloads: []*stanza.Element{active},
	}
	if !sameStanza(m, want) {
		t.Errorf("got %+v\nwant %+v", m, want)
	}
}

func TestParseMessageType(t *testing.T) {
	for _, tc := range []struct {
		attr string
		want stanza.MessageType
	}{
		{"", stanza.MessageNormal},
		{` type='normal'`, stanza.MessageNormal},
		{` type='chat'`, stanza.MessageChat},
		{` type='groupchat'`, stanza.MessageGroupchat},
		{` type='headline'`, stanza.MessageHeadline},
		// RFC 6121 section 5.2.2: an unknown type MUST be taken as normal.
		{` type='bogus'`, stanza.MessageNormal},
		{` type='Chat'`, stanza.MessageNormal},
		{` type=''`, stanza.MessageNormal},
	} {
		t.Run(tc.attr, func(t *testing.T) {
			m, err := stanza.ParseMessage(elemFromXML(t, `<message xmlns='jabber:client'`+tc.attr+`/>`))
			if err != nil {
				t.Fatal(err)
			}
			if m.Type != tc.want {
				t.Errorf("Type = %q, want %q", m.Type, tc.want)
			}
		})
	}
}

func TestParseMessageChildren(t *testing.T) {
	m, err := stanza.ParseMessage(elemFromXML(t, `<message xmlns='jabber:server' xml:lang='en'>
		<subject/>
		<x xmlns='jabber:x:oob'><url>u</url></x>
		<body xml:lang='de'>Hallo</body>
		<body>Hello</body>
		<thread parent='p1'>t1</thread>
		<subject xml:lang='fr'>Sujet</subject>
		<foo/>
		<request xmlns='urn:xmpp:receipts'/>
	</message>`))
	if err != nil {
		t.Fatal(err)
	}
	if want := []stanza.Text{{Lang: "de", Value: "Hallo"}, {Value: "Hello"}}; !slices.Equal(m.Bodies, want) {
		t.Errorf("Bodies = %+v, want %+v", m.Bodies, want)
	}
	if want := []stanza.Text{{}, {Lang: "fr", Value: "Sujet"}}; !slices.Equal(m.Subjects, want) {
		t.Errorf("Subjects = %+v, want %+v", m.Subjects, want)
	}
	if want := (stanza.Thread{ID: "t1", Parent: "p1"}); m.Thread != want {
		t.Errorf("Thread = %+v, want %+v", m.Thread, want)
	}
	// Unknown children in the stanza namespace are payloads too.
	var names []string
	for _, p := range m.Payloads {
		names = append(names, p.Name.Local)
	}
	if want := []string{"x", "foo", "request"}; !slices.Equal(names, want) {
		t.Errorf("payloads = %v, want %v", names, want)
	}
	if m.Error != nil {
		t.Errorf("Error = %v, want nil", m.Error)
	}
}

func TestParseMessageErrors(t *testing.T) {
	const ns = `xmlns='jabber:client'`
	const errEl = `<error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`
	for _, tc := range []struct{ name, xml, want string }{
		{"two bodies without lang", `<message ` + ns + `><body>a</body><body>b</body></message>`,
			`stanza: message: more than one body with xml:lang ""`},
		{"two bodies same lang", `<message ` + ns + `><body xml:lang='en'>a</body><body xml:lang='en'>b</body></message>`,
			`stanza: message: more than one body with xml:lang "en"`},
		{"body lang differs in case only", `<message ` + ns + `><body xml:lang='en'>a</body><body xml:lang='EN'>b</body></message>`,
			`more than one body with xml:lang "EN"`},
		{"inherited lang duplicates explicit", `<message ` + ns + ` xml:lang='en'><body>a</body><body xml:lang='en'>b</body></message>`,
			`more than one body with xml:lang "en"`},
		{"empty lang is inherited", `<message ` + ns + ` xml:lang='en'><body xml:lang=''>a</body><body xml:lang='en'>b</body></message>`,
			`more than one body with xml:lang "en"`},
		{"two subjects", `<message ` + ns + `><subject>a</subject><subject>b</subject></message>`,
			`stanza: message: more than one subject with xml:lang ""`},
		{"two threads", `<message ` + ns + `><thread>a</thread><thread>b</thread></message>`,
			`stanza: message: more than one thread`},
		{"error without error child", `<message ` + ns + ` type='error'><body>x</body></message>`,
			`stanza: message: type error without an error child`},
		{"error child in chat", `<message ` + ns + ` type='chat'>` + errEl + `</message>`,
			`stanza: message: error child in a stanza not of type error`},
		{"two error children", `<message ` + ns + ` type='error'>` + errEl + errEl + `</message>`,
			`stanza: message: more than one error child`},
		{"bad error", `<message ` + ns + ` type='error'><error><gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>`,
			`stanza: message: error: missing type`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := stanza.ParseMessage(elemFromXML(t, tc.xml))
			decodeErr(t, err, tc.want, stanza.ErrBadRequest)
			if m != nil {
				t.Errorf("message = %+v, want nil", m)
			}
		})
	}
}

func TestMessageBodyLang(t *testing.T) {
	for _, tc := range []struct {
		name       string
		lang       string
		bodies     []stanza.Text
		body       string
		lookup     string
		lookupWant string
		lookupOK   bool
	}{
		{name: "none", lookup: "en"},
		{name: "no lang anywhere", bodies: []stanza.Text{{Value: "a"}}, body: "a", lookup: "", lookupWant: "a", lookupOK: true},
		{name: "inherits stanza lang", lang: "en", bodies: []stanza.Text{{Lang: "de", Value: "b"}, {Value: "a"}},
			body: "a", lookup: "EN", lookupWant: "a", lookupOK: true},
		{name: "explicit stanza lang", lang: "en", bodies: []stanza.Text{{Lang: "de", Value: "b"}, {Lang: "en", Value: "a"}},
			body: "a", lookup: "de", lookupWant: "b", lookupOK: true},
		{name: "first when no match", lang: "en", bodies: []stanza.Text{{Lang: "de", Value: "b"}, {Lang: "fr", Value: "c"}},
			body: "b", lookup: "en"},
		{name: "region is another language", bodies: []stanza.Text{{Lang: "en-GB", Value: "a"}}, body: "a", lookup: "en"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &stanza.Message{Header: stanza.Header{Lang: tc.lang}, Bodies: tc.bodies}
			if got := m.Body(); got != tc.body {
				t.Errorf("Body() = %q, want %q", got, tc.body)
			}
			got, ok := m.BodyLang(tc.lookup)
			if got != tc.lookupWant || ok != tc.lookupOK {
				t.Errorf("BodyLang(%q) = %q, %v, want %q, %v", tc.lookup, got, ok, tc.lookupWant, tc.lookupOK)
			}
			// Subjects follow the same rules.
			m.Subjects, m.Bodies = m.Bodies, nil
			if got := m.Subject(); got != tc.body {
				t.Errorf("Subject() = %q, want %q", got, tc.body)
			}
			got, ok = m.SubjectLang(tc.lookup)
			if got != tc.lookupWant || ok != tc.lookupOK {
				t.Errorf("SubjectLang(%q) = %q, %v, want %q, %v", tc.lookup, got, ok, tc.lookupWant, tc.lookupOK)
			}
		})
	}
}

func TestNewMessage(t *testing.T) {
	to := jid.MustParse("romeo@example.net")
	m := stanza.NewMessage(stanza.MessageChat, to, "hi")
	if m.To != to || m.Type != stanza.MessageChat || m.Body() != "hi" || len(m.Bodies) != 1 || m.ID == "" {
		t.Errorf("NewMessage = %+v", m)
	}
	if m2 := stanza.NewMessage(stanza.MessageChat, to, "hi"); m2.ID == m.ID {
		t.Errorf("two messages share the id %q", m.ID)
	}
	if m := stanza.NewMessage(stanza.MessageNormal, to, ""); m.Bodies != nil {
		t.Errorf("empty body gives Bodies %+v, want nil", m.Bodies)
	}
}

func TestMessageElement(t *testing.T) {
	m := &stanza.Message{Header: stanza.Header{ID: "1"}, Type: stanza.MessageNormal, Bodies: []stanza.Text{{Value: "hi"}}}
	e := m.Element()
	if _, ok := e.LookupAttr("", "type"); ok {
		t.Error("normal message encodes its type; it is the default")
	}
	m.Type = ""
	if _, ok := m.Element().LookupAttr("", "type"); ok {
		t.Error("message of zero type encodes a type")
	}
	want := elemFromXML(t, `<message xmlns='jabber:client' id='1'><body>hi</body></message>`)
	if !e.Equal(want) {
		t.Errorf("Element() = %+v, want %+v", e, want)
	}
}

func TestParseMessageAllocs(t *testing.T) {
	if stanzaRaceEnabled() {
		t.Skip("allocation counts differ under the race detector")
	}
	e := elemFromXML(t, benchMessageXML)
	var err error
	allocs := testing.AllocsPerRun(100, func() {
		_, err = stanza.ParseMessage(e)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ParseMessage: %v allocations", allocs)
	if allocs > 4 {
		t.Errorf("ParseMessage made %v allocations, want at most 4", allocs)
	}
}

func BenchmarkParseMessage(b *testing.B) {
	e := elemFromXML(b, benchMessageXML)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := stanza.ParseMessage(e); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMessageElement(b *testing.B) {
	m, err := stanza.ParseMessage(elemFromXML(b, benchMessageXML))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = m.Element()
	}
}
