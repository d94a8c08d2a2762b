package stanza_test

import (
	"errors"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// elemFromXML decodes the element in s, failing the test on bad XML.
func elemFromXML(tb testing.TB, s string) *stanza.Element {
	tb.Helper()
	e, err := stanza.ParseElement(s)
	if err != nil {
		tb.Fatalf("bad test XML %q: %v", s, err)
	}
	return e
}

// stanzaRaceEnabled reports whether the test binary was built with -race.
func stanzaRaceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// sameStanza reports whether a and b hold the same values, comparing
// elements with Element.Equal.
func sameStanza(a, b stanza.Stanza) bool {
	if *a.StanzaHeader() != *b.StanzaHeader() {
		return false
	}
	switch a := a.(type) {
	case *stanza.Message:
		b, ok := b.(*stanza.Message)
		return ok && a.Type == b.Type && a.Thread == b.Thread &&
			slices.Equal(a.Subjects, b.Subjects) && slices.Equal(a.Bodies, b.Bodies) &&
			sameElems(a.Payloads, b.Payloads) && sameError(a.Error, b.Error)
	case *stanza.Presence:
		b, ok := b.(*stanza.Presence)
		return ok && a.Type == b.Type && a.Show == b.Show && a.Priority == b.Priority &&
			slices.Equal(a.Statuses, b.Statuses) &&
			sameElems(a.Payloads, b.Payloads) && sameError(a.Error, b.Error)
	case *stanza.IQ:
		b, ok := b.(*stanza.IQ)
		return ok && a.Type == b.Type && a.Payload.Equal(b.Payload) && sameError(a.Error, b.Error)
	}
	return false
}

func sameElems(a, b []*stanza.Element) bool {
	return slices.EqualFunc(a, b, (*stanza.Element).Equal)
}

func sameError(a, b *stanza.Error) bool {
	if a == nil || b == nil {
		return a == b
	}
	x, y := *a, *b
	x.App, y.App = nil, nil
	return x == y && a.App.Equal(b.App)
}

// decodeErr asserts that err is a *DecodeError whose message contains
// want and whose condition is cond.
func decodeErr(t *testing.T, err error, want string, cond stanza.Condition) {
	t.Helper()
	var de *stanza.DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("error = %v (%T), want a *stanza.DecodeError", err, err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error = %q, want it to contain %q", err, want)
	}
	if de.Condition != cond {
		t.Errorf("condition = %q, want %q", de.Condition, cond)
	}
}

func TestParseDispatch(t *testing.T) {
	for _, tc := range []struct {
		name, xml string
		want      string // %T of the result, "" for an error
	}{
		{"client message", `<message xmlns='jabber:client'/>`, "*stanza.Message"},
		{"server message", `<message xmlns='jabber:server'/>`, "*stanza.Message"},
		{"client presence", `<presence xmlns='jabber:client'/>`, "*stanza.Presence"},
		{"server presence", `<presence xmlns='jabber:server'/>`, "*stanza.Presence"},
		{"client iq", `<iq xmlns='jabber:client' type='result' id='1'/>`, "*stanza.IQ"},
		{"server iq", `<iq xmlns='jabber:server' type='result' id='1'/>`, "*stanza.IQ"},
		{"no namespace", `<message/>`, ""},
		{"other namespace", `<message xmlns='urn:example'/>`, ""},
		{"stream namespace", `<iq xmlns='http://etherx.jabber.org/streams' type='get' id='1'/>`, ""},
		{"unknown name", `<mesage xmlns='jabber:client'/>`, ""},
		{"stream features", `<features xmlns='http://etherx.jabber.org/streams'/>`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := stanza.Parse(elemFromXML(t, tc.xml))
			if tc.want == "" {
				decodeErr(t, err, "stanza: unexpected element {", stanza.ErrBadRequest)
				if s != nil {
					t.Errorf("stanza = %v, want nil", s)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := typeName(s); got != tc.want {
				t.Errorf("Parse returned %s, want %s", got, tc.want)
			}
		})
	}
}

func typeName(s stanza.Stanza) string {
	switch s.(type) {
	case *stanza.Message:
		return "*stanza.Message"
	case *stanza.Presence:
		return "*stanza.Presence"
	case *stanza.IQ:
		return "*stanza.IQ"
	}
	return "?"
}

func TestParseWrongKind(t *testing.T) {
	e := elemFromXML(t, `<presence xmlns='jabber:client'/>`)
	if _, err := stanza.ParseMessage(e); err == nil {
		t.Error("ParseMessage(presence) succeeded")
	}
	if _, err := stanza.ParseIQ(e); err == nil {
		t.Error("ParseIQ(presence) succeeded")
	}
	m := elemFromXML(t, `<message xmlns='jabber:client'/>`)
	_, err := stanza.ParsePresence(m)
	decodeErr(t, err, "stanza: presence: unexpected element {jabber:client}message", stanza.ErrBadRequest)
}

func TestDecodeError(t *testing.T) {
	inner := errors.New("jid: bad domain")
	for _, tc := range []struct {
		err  *stanza.DecodeError
		want string
	}{
		{&stanza.DecodeError{Kind: "iq", Reason: "missing id"}, "stanza: iq: missing id"},
		{&stanza.DecodeError{Reason: "unexpected element {a}b"}, "stanza: unexpected element {a}b"},
		{&stanza.DecodeError{Kind: "message", Reason: `bad to address "x"`, Err: inner},
			`stanza: message: bad to address "x": jid: bad domain`},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
	err := error(&stanza.DecodeError{Kind: "message", Reason: "r", Err: inner})
	if !errors.Is(err, inner) {
		t.Error("DecodeError does not unwrap to its cause")
	}
	if errors.Is(err, stanza.ErrBadRequest) {
		t.Error("a DecodeError matches ErrBadRequest: decode failures are not peer errors")
	}
}

// TestBadAddress checks that a bad to, from or by address fails with
// jid-malformed wrapping the jid package's error. It needs a jid.Parse that
// rejects something.
func TestBadAddress(t *testing.T) {
	const bad = "juliet@capulet.lit@montague.lit/x"
	_, jerr := jid.Parse(bad)
	if jerr == nil {
		t.Skipf("jid.Parse accepts %q: the jid package is still a skeleton", bad)
	}
	errCond := `<error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`
	for _, tc := range []struct{ name, xml, want string }{
		{"message to", `<message xmlns='jabber:client' to='` + bad + `'/>`, `stanza: message: bad to address "` + bad + `": `},
		{"presence from", `<presence xmlns='jabber:client' from='` + bad + `'/>`, `stanza: presence: bad from address`},
		{"iq to", `<iq xmlns='jabber:client' type='get' id='1' to='` + bad + `'><q xmlns='urn:x'/></iq>`, `stanza: iq: bad to address`},
		{"error by", `<iq xmlns='jabber:client' type='error' id='1'>` + strings.Replace(errCond, "<error ", "<error by='"+bad+"' ", 1) + `</iq>`,
			`stanza: iq: error: bad by address`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := stanza.Parse(elemFromXML(t, tc.xml))
			decodeErr(t, err, tc.want, stanza.ErrJIDMalformed)
			if err != nil && !strings.HasSuffix(err.Error(), jerr.Error()) {
				t.Errorf("error %q does not end with the jid error %q", err, jerr)
			}
			var de *stanza.DecodeError
			if errors.As(err, &de) && de.Err == nil {
				t.Error("DecodeError.Err is nil, want the jid error")
			}
		})
	}
}

func TestForeignStanzaNamespace(t *testing.T) {
	for _, tc := range []struct{ name, xml string }{
		{"client body in server message", `<message xmlns='jabber:server'><body xmlns='jabber:client'>hi</body></message>`},
		{"server status in client presence", `<presence xmlns='jabber:client'><status xmlns='jabber:server'>hi</status></presence>`},
		{"client error in server iq", `<iq xmlns='jabber:server' type='error' id='1'><error xmlns='jabber:client' type='cancel'/></iq>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := stanza.Parse(elemFromXML(t, tc.xml))
			decodeErr(t, err, " stanza", stanza.ErrBadRequest)
		})
	}
	// Children the stanza does not define are payloads, whatever their
	// namespace, and stay payloads when re-encoded in jabber:client.
	for _, x := range []string{
		`<iq xmlns='jabber:server' type='get' id='1'><query xmlns='jabber:client'/></iq>`,
		`<presence xmlns='jabber:server'><body/></presence>`,
		`<message xmlns='jabber:client'><show xmlns='jabber:server'/></message>`,
	} {
		s, err := stanza.Parse(elemFromXML(t, x))
		if err != nil {
			t.Errorf("Parse(%s) = %v", x, err)
			continue
		}
		if back, err := stanza.Parse(s.Element()); err != nil || !sameStanza(s, back) {
			t.Errorf("round trip of %s = %+v, %v", x, back, err)
		}
	}
}

func TestErrorReply(t *testing.T) {
	romeo, juliet := jid.MustParse("romeo@example.net/orchard"), jid.MustParse("juliet@example.com/balcony")
	h := stanza.Header{To: juliet, From: romeo, ID: "abc", Lang: "en"}
	payload := stanza.NewElement("urn:example", "query")
	se := stanza.NewError(stanza.ErrServiceUnavailable, "")
	for _, req := range []stanza.Stanza{
		&stanza.Message{Header: h, Type: stanza.MessageChat, Bodies: []stanza.Text{{Value: "hi"}}, Payloads: []*stanza.Element{payload}},
		&stanza.Presence{Header: h, Type: stanza.PresenceSubscribe, Payloads: []*stanza.Element{payload}},
		&stanza.IQ{Header: h, Type: stanza.IQGet, Payload: payload},
	} {
		t.Run(typeName(req), func(t *testing.T) {
			reply := stanza.ErrorReply(req, se)
			rh := reply.StanzaHeader()
			if rh.To != romeo || rh.From != juliet || rh.ID != "abc" {
				t.Errorf("reply header = %+v, want to/from swapped and id abc", *rh)
			}
			var typ string
			var got *stanza.Error
			switch r := reply.(type) {
			case *stanza.Message:
				typ, got = string(r.Type), r.Error
				if r.Bodies != nil || r.Payloads != nil {
					t.Error("message error reply echoes content")
				}
			case *stanza.Presence:
				typ, got = string(r.Type), r.Error
				if r.Payloads != nil {
					t.Error("presence error reply echoes payloads")
				}
			case *stanza.IQ:
				typ, got = string(r.Type), r.Error
				if r.Payload != nil {
					t.Error("iq error reply echoes the payload")
				}
			}
			if typ != "error" || got != se {
				t.Errorf("reply type %q error %v, want error %v", typ, got, se)
			}
			// The reply decodes again and keeps its error.
			back, err := stanza.Parse(reply.Element())
			if err != nil {
				t.Fatalf("reply does not decode: %v", err)
			}
			if !sameStanza(reply, back) {
				t.Errorf("reply round trip: got %+v, want %+v", back, reply)
			}
		})
	}
	if stanza.ErrorReply(nil, se) != nil {
		t.Error("ErrorReply(nil) != nil")
	}
}

func TestStanzaHeader(t *testing.T) {
	m := &stanza.Message{}
	var s stanza.Stanza = m
	s.StanzaHeader().ID = "x"
	if m.ID != "x" {
		t.Error("StanzaHeader does not give access to the stanza's own header")
	}
}

func TestRoundTrip(t *testing.T) {
	romeo, juliet := jid.MustParse("romeo@example.net/orchard"), jid.MustParse("juliet@example.com")
	h := stanza.Header{To: romeo, From: juliet, ID: "id1", Lang: "en"}
	ping := stanza.NewElement("urn:xmpp:ping", "ping")
	caps := stanza.NewElement("http://jabber.org/protocol/caps", "c", stanza.A("node", "n"), stanza.A("ver", "v"))
	app := stanza.NewElement("urn:example:errors", "too-many")
	for _, tc := range []struct {
		name string
		s    stanza.Stanza
	}{
		{"empty message", &stanza.Message{Type: stanza.MessageNormal}},
		{"full message", &stanza.Message{
			Header: h, Type: stanza.MessageGroupchat,
			Subjects: []stanza.Text{{Value: ""}, {Lang: "de", Value: "Thema"}},
			Bodies:   []stanza.Text{{Value: "hello"}, {Lang: "fr", Value: "bonjour"}},
			Thread:   stanza.Thread{ID: "t1", Parent: "t0"},
			Payloads: []*stanza.Element{ping, caps},
		}},
		{"error message", &stanza.Message{Header: h, Type: stanza.MessageError, Error: &stanza.Error{
			Type: stanza.ErrorWait, Condition: stanza.ErrResourceConstraint, Text: "slow down", TextLang: "en", By: juliet, App: app,
		}}},
		{"headline", &stanza.Message{Header: h, Type: stanza.MessageHeadline, Thread: stanza.Thread{ID: "t"}}},
		{"available presence", &stanza.Presence{
			Header: h, Show: stanza.ShowDND, Priority: -128,
			Statuses: []stanza.Text{{Value: "busy"}, {Lang: "de", Value: "beschäftigt"}},
			Payloads: []*stanza.Element{caps},
		}},
		{"priority 127", &stanza.Presence{Priority: 127}},
		{"unavailable presence", &stanza.Presence{Header: h, Type: stanza.PresenceUnavailable}},
		{"error presence", &stanza.Presence{Header: h, Type: stanza.PresenceError, Error: &stanza.Error{
			Type: stanza.ErrorModify, Condition: stanza.ErrGone, Redirect: "xmpp:romeo@example.org",
		}}},
		{"iq get", &stanza.IQ{Header: h, Type: stanza.IQSet, Payload: ping}},
		{"empty result", &stanza.IQ{Header: stanza.Header{ID: "r"}, Type: stanza.IQResult}},
		{"iq error with payload", &stanza.IQ{Header: h, Type: stanza.IQError, Payload: ping, Error: stanza.NewError(stanza.ErrRedirect, "")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.s.Element()
			if e.Name.Space != stanza.NSClient {
				t.Errorf("Element() namespace = %q, want %q", e.Name.Space, stanza.NSClient)
			}
			back, err := stanza.Parse(e)
			if err != nil {
				t.Fatalf("Parse(Element()) = %v", err)
			}
			if !sameStanza(tc.s, back) {
				t.Errorf("round trip:\n got %+v\nwant %+v", back, tc.s)
			}
		})
	}
}

func TestParseNil(t *testing.T) {
	if _, err := stanza.Parse(nil); err == nil {
		t.Error("Parse(nil) succeeded")
	}
	if _, err := stanza.ParseIQ(nil); err == nil {
		t.Error("ParseIQ(nil) succeeded")
	}
	if _, err := stanza.ParseMessage(nil); err == nil {
		t.Error("ParseMessage(nil) succeeded")
	}
	if _, err := stanza.ParsePresence(nil); err == nil {
		t.Error("ParsePresence(nil) succeeded")
	}
}
