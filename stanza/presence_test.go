package stanza_test

import (
	"errors"
	"slices"
	"strconv"
	"testing"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

func TestParsePresence(t *testing.T) {
	p, err := stanza.ParsePresence(elemFromXML(t, `<presence xmlns='jabber:client' from='juliet@example.com/balcony' id='p1' xml:lang='en'>
		<show> dnd </show>
		<status>busy</status>
		<status xml:lang='de'>beschäftigt</status>
		<priority>-5</priority>
		<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='n' ver='v'/>
	</presence>`))
	if err != nil {
		t.Fatal(err)
	}
	want := &stanza.Presence{
		Header:   stanza.Header{From: jid.MustParse("juliet@example.com/balcony"), ID: "p1", Lang: "en"},
		Show:     stanza.ShowDND,
		Statuses: []stanza.Text{{Value: "busy"}, {Lang: "de", Value: "beschäftigt"}},
		Priority: -5,
		Payloads: []*stanza.Element{elemFromXML(t, `<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='n' ver='v'/>`)},
	}
	if !sameStanza(p, want) {
		t.Errorf("got %+v\nwant %+v", p, want)
	}
	if p.Status() != "busy" {
		t.Errorf("Status() = %q, want busy", p.Status())
	}
	if s, ok := p.StatusLang("DE"); !ok || s != "beschäftigt" {
		t.Errorf("StatusLang(DE) = %q, %v", s, ok)
	}
	if _, ok := p.StatusLang("fr"); ok {
		t.Error("StatusLang(fr) found a status")
	}
}

func TestParsePresenceTypes(t *testing.T) {
	for _, typ := range []stanza.PresenceType{
		stanza.PresenceAvailable, stanza.PresenceUnavailable, stanza.PresenceSubscribe,
		stanza.PresenceSubscribed, stanza.PresenceUnsubscribe, stanza.PresenceUnsubscribed,
		stanza.PresenceProbe,
	} {
		t.Run(string(typ), func(t *testing.T) {
			attr := ""
			if typ != "" {
				attr = ` type='` + string(typ) + `'`
			}
			p, err := stanza.ParsePresence(elemFromXML(t, `<presence xmlns='jabber:client'`+attr+`/>`))
			if err != nil {
				t.Fatal(err)
			}
			if p.Type != typ {
				t.Errorf("Type = %q, want %q", p.Type, typ)
			}
		})
	}
}

func TestParsePresenceEmptyType(t *testing.T) {
	// An empty type attribute is read as no type: available.
	p, err := stanza.ParsePresence(elemFromXML(t, `<presence xmlns='jabber:client' type=''/>`))
	if err != nil || p.Type != stanza.PresenceAvailable {
		t.Errorf("ParsePresence(type='') = %+v, %v; want available", p, err)
	}
}

func TestParseShowAndPriority(t *testing.T) {
	for _, tc := range []struct {
		child    string
		show     stanza.Show
		priority int8
	}{
		{"", "", 0},
		{"<show>away</show>", stanza.ShowAway, 0},
		{"<show>chat</show>", stanza.ShowChat, 0},
		{"<show>dnd</show>", stanza.ShowDND, 0},
		{"<show>xa</show>", stanza.ShowXA, 0},
		{"<show/>", "", 0},
		{"<priority>0</priority>", "", 0},
		{"<priority>127</priority>", "", 127},
		{"<priority>-128</priority>", "", -128},
		{"<priority>+1</priority>", "", 1},
		{"<priority>\n 7\t</priority>", "", 7},
		{"<priority>007</priority>", "", 7},
	} {
		t.Run(tc.child, func(t *testing.T) {
			p, err := stanza.ParsePresence(elemFromXML(t, `<presence xmlns='jabber:client'>`+tc.child+`</presence>`))
			if err != nil {
				t.Fatal(err)
			}
			if p.Show != tc.show || p.Priority != tc.priority {
				t.Errorf("show %q priority %d, want %q %d", p.Show, p.Priority, tc.show, tc.priority)
			}
		})
	}
}

func TestParsePresenceErrors(t *testing.T) {
	const ns = `xmlns='jabber:client'`
	const errEl = `<error type='auth'><forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`
	for _, tc := range []struct {
		name, xml, want string
		cause           error
	}{
		{"unknown type", `<presence ` + ns + ` type='available'/>`, `stanza: presence: unknown type "available"`, nil},
		{"unknown show", `<presence ` + ns + `><show>busy</show></presence>`, `stanza: presence: unknown show "busy"`, nil},
		{"two shows", `<presence ` + ns + `><show>away</show><show>xa</show></presence>`, `stanza: presence: more than one show`, nil},
		{"priority too big", `<presence ` + ns + `><priority>128</priority></presence>`,
			`stanza: presence: bad priority "128": value out of range`, strconv.ErrRange},
		{"priority too small", `<presence ` + ns + `><priority>-129</priority></presence>`, `bad priority "-129"`, strconv.ErrRange},
		{"priority huge", `<presence ` + ns + `><priority>99999999999999999999</priority></presence>`, `bad priority`, strconv.ErrRange},
		{"priority not a number", `<presence ` + ns + `><priority>high</priority></presence>`,
			`stanza: presence: bad priority "high": invalid syntax`, strconv.ErrSyntax},
		{"priority empty", `<presence ` + ns + `><priority/></presence>`, `bad priority ""`, strconv.ErrSyntax},
		{"priority decimal", `<presence ` + ns + `><priority>1.5</priority></presence>`, `bad priority "1.5"`, strconv.ErrSyntax},
		{"two priorities", `<presence ` + ns + `><priority>1</priority><priority>1</priority></presence>`,
			`stanza: presence: more than one priority`, nil},
		{"two statuses same lang", `<presence ` + ns + ` xml:lang='en'><status>a</status><status xml:lang='en'>b</status></presence>`,
			`stanza: presence: more than one status with xml:lang "en"`, nil},
		{"error without error child", `<presence ` + ns + ` type='error'/>`, `type error without an error child`, nil},
		{"error child in available", `<presence ` + ns + `>` + errEl + `</presence>`, `error child in a stanza not of type error`, nil},
		{"two error children", `<presence ` + ns + ` type='error'>` + errEl + errEl + `</presence>`, `more than one error child`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := stanza.ParsePresence(elemFromXML(t, tc.xml))
			decodeErr(t, err, tc.want, stanza.ErrBadRequest)
			if tc.cause != nil && !errors.Is(err, tc.cause) {
				t.Errorf("error %v does not wrap %v", err, tc.cause)
			}
			if p != nil {
				t.Errorf("presence = %+v, want nil", p)
			}
		})
	}
}

func TestPresenceElement(t *testing.T) {
	p := &stanza.Presence{Show: stanza.ShowAway, Priority: 0, Statuses: []stanza.Text{{Lang: "en", Value: "out"}}}
	want := elemFromXML(t, `<presence xmlns='jabber:client'><show>away</show><status xml:lang='en'>out</status></presence>`)
	if e := p.Element(); !e.Equal(want) {
		t.Errorf("Element() = %+v, want %+v", e, want)
	}
	p.Priority = -1
	if got := p.Element().ChildText(stanza.NSClient, "priority"); got != "-1" {
		t.Errorf("priority encodes as %q, want -1", got)
	}
}

func TestNewPresence(t *testing.T) {
	to := jid.MustParse("romeo@example.net")
	p := stanza.NewPresence(stanza.PresenceSubscribe, to)
	if p.To != to || p.Type != stanza.PresenceSubscribe || p.ID == "" {
		t.Errorf("NewPresence = %+v", p)
	}
	if b := stanza.NewPresence(stanza.PresenceAvailable, jid.JID{}); !b.To.IsZero() || b.Type != "" {
		t.Errorf("broadcast presence = %+v", b)
	}
	if got := slices.Collect(p.Element().Children()); len(got) != 0 {
		t.Errorf("subscribe presence has children %v", got)
	}
}
