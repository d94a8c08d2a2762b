package markers_test

import (
	"errors"
	"testing"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/markers"
	"github.com/xmppkit/xmpp/stanza"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want markers.Marker // zero: an error is expected
	}{
		{`<displayed xmlns='urn:xmpp:chat-markers:0' id='the-msg-1'/>`, markers.Marker{Kind: markers.Displayed, ID: "the-msg-1"}},
		{`<received xmlns='urn:xmpp:chat-markers:0' id='m'/>`, markers.Marker{Kind: markers.Received, ID: "m"}},
		{`<acknowledged xmlns='urn:xmpp:chat-markers:0' id='m'/>`, markers.Marker{Kind: markers.Acknowledged, ID: "m"}},
		{`<displayed xmlns='urn:xmpp:chat-markers:0' id='m'>text</displayed>`, markers.Marker{Kind: markers.Displayed, ID: "m"}},
		{`<displayed xmlns='urn:xmpp:chat-markers:0'/>`, markers.Marker{}},
		{`<displayed xmlns='urn:xmpp:chat-markers:0' id=''/>`, markers.Marker{}},
		{`<displayed xmlns='urn:xmpp:chat-markers:0' id='m'><x/></displayed>`, markers.Marker{}},
		{`<markable xmlns='urn:xmpp:chat-markers:0'/>`, markers.Marker{}},
		{`<read xmlns='urn:xmpp:chat-markers:0' id='m'/>`, markers.Marker{}},
		{`<displayed xmlns='urn:xmpp:chat-markers:1' id='m'/>`, markers.Marker{}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			mk, err := markers.Parse(mustElement(t, tc.in))
			if tc.want == (markers.Marker{}) {
				if !errors.Is(err, markers.ErrMalformed) {
					t.Fatalf("Parse = %+v, %v; want ErrMalformed", mk, err)
				}
				return
			}
			if err != nil || mk != tc.want {
				t.Fatalf("Parse = %+v, %v; want %+v", mk, err, tc.want)
			}
		})
	}
	if _, err := markers.Parse(nil); !errors.Is(err, markers.ErrMalformed) {
		t.Errorf("Parse(nil) = %v", err)
	}
	if e := (markers.Marker{Kind: "read", ID: "m"}).Element(); e != nil {
		t.Errorf("invalid kind encodes as %s", e)
	}
}

// TestTypes checks that markers count in messages of every type but
// error, and requests only in chat and groupchat messages.
func TestTypes(t *testing.T) {
	const payloads = `<markable xmlns='urn:xmpp:chat-markers:0'/><displayed xmlns='urn:xmpp:chat-markers:0' id='m0'/>`
	for typ, want := range map[string]struct{ marker, markable bool }{
		"chat": {true, true}, "groupchat": {true, true}, "": {true, false}, "normal": {true, false},
		"headline": {true, false}, "error": {false, false},
	} {
		attr := ""
		if typ != "" {
			attr = ` type='` + typ + `'`
		}
		errChild := ""
		if typ == "error" {
			errChild = `<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`
		}
		m := mustMessage(t, `<message xmlns='jabber:client' from='romeo@montague.lit/orchard' id='m1'`+attr+`>`+payloads+errChild+`</message>`)
		mk, ok := markers.Get(m)
		if ok != want.marker || ok && mk != (markers.Marker{Kind: markers.Displayed, ID: "m0"}) {
			t.Errorf("type %q: Get = %+v, %v; want %v", typ, mk, ok, want.marker)
		}
		if got := markers.IsMarkable(m); got != want.markable {
			t.Errorf("type %q: IsMarkable = %v; want %v", typ, got, want.markable)
		}
	}
}

// TestGetUntyped reads a marker as slixmpp 1.8's send_marker writes it
// (captured from a real exchange through Prosody): a message without a
// type attribute. Get used to refuse it, as not of type chat.
func TestGetUntyped(t *testing.T) {
	m := mustMessage(t, `<message xmlns='jabber:client' to='alice@localhost/go' from='bob@localhost/slix' `+
		`id='dfff9176730e469e9c8c710a83dfeb0b' xml:lang='en'>`+
		`<displayed xmlns='urn:xmpp:chat-markers:0' id='dd-M97m5d50LLSYR'/></message>`)
	if mk, ok := markers.Get(m); !ok || mk != (markers.Marker{Kind: markers.Displayed, ID: "dd-M97m5d50LLSYR"}) {
		t.Errorf("Get = %+v, %v; want the displayed marker", mk, ok)
	}
}

func TestGet(t *testing.T) {
	for _, tc := range []struct {
		name     string
		payloads string
		want     markers.Marker
	}{
		{"displayed", `<displayed xmlns='urn:xmpp:chat-markers:0' id='m0'/>`, markers.Marker{Kind: markers.Displayed, ID: "m0"}},
		{"beside markable", `<markable xmlns='urn:xmpp:chat-markers:0'/><received xmlns='urn:xmpp:chat-markers:0' id='m0'/>`,
			markers.Marker{Kind: markers.Received, ID: "m0"}},
		{"two markers", `<received xmlns='urn:xmpp:chat-markers:0' id='m0'/><displayed xmlns='urn:xmpp:chat-markers:0' id='m0'/>`, markers.Marker{}},
		{"malformed", `<displayed xmlns='urn:xmpp:chat-markers:0'/>`, markers.Marker{}},
		{"unknown element", `<read xmlns='urn:xmpp:chat-markers:0' id='m0'/>`, markers.Marker{}},
		{"none", `<body>hi</body>`, markers.Marker{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := mustMessage(t, `<message xmlns='jabber:client' type='chat'>`+tc.payloads+`</message>`)
			mk, ok := markers.Get(m)
			if mk != tc.want || ok != (tc.want != markers.Marker{}) {
				t.Errorf("Get = %+v, %v; want %+v", mk, ok, tc.want)
			}
		})
	}
}

func TestMarkable(t *testing.T) {
	m := &stanza.Message{Header: stanza.Header{To: jid.MustParse("juliet@capulet.lit")}, Type: stanza.MessageChat,
		Bodies: []stanza.Text{{Value: "Hi. How are you?"}}}
	if markers.IsMarkable(m) {
		t.Fatal("new message is markable")
	}
	markers.AddMarkable(m)
	id := m.ID
	markers.AddMarkable(m)
	if id == "" || m.ID != id || len(m.Payloads) != 1 || !markers.IsMarkable(m) {
		t.Errorf("after AddMarkable twice: %s", m.Element())
	}
	// A markable message without an id cannot be answered.
	m.ID = ""
	if markers.IsMarkable(m) {
		t.Error("IsMarkable without an id")
	}
}

func TestReply(t *testing.T) {
	m := mustMessage(t, `<message xmlns='jabber:client' to='juliet@capulet.lit/balcony' from='romeo@montague.lit/orchard' id='the-msg-1' type='chat'>`+
		`<body>Hi. How are you?</body><thread>t1</thread><markable xmlns='urn:xmpp:chat-markers:0'/></message>`)
	r := markers.Reply(m, markers.Displayed)
	want := `<message xmlns='jabber:client' to='romeo@montague.lit' id='` + r.ID + `' type='chat'><thread>t1</thread>` +
		`<displayed xmlns='urn:xmpp:chat-markers:0' id='the-msg-1'/></message>`
	if got := r.Element().String(); got != want || r.ID == "" || r.ID == m.ID {
		t.Errorf("Reply = %s\nwant    %s", got, want)
	}
	if markers.IsMarkable(r) {
		t.Error("a marker asks for a marker")
	}
	// A room client names the room's id instead.
	markers.Set(r, markers.Marker{Kind: markers.Displayed, ID: "39K7ZYIp"})
	if mk, ok := markers.Get(r); !ok || mk.ID != "39K7ZYIp" || len(r.Payloads) != 1 {
		t.Errorf("after Set: %s", r.Element())
	}
	markers.Set(r, markers.Marker{})
	if len(r.Payloads) != 0 {
		t.Errorf("Set(zero) left %s", r.Element())
	}
}
