package chatstates_test

import (
	"errors"
	"testing"

	"github.com/xmppkit/xmpp/chatstates"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

func TestParse(t *testing.T) {
	for _, s := range []chatstates.State{chatstates.Active, chatstates.Composing, chatstates.Paused, chatstates.Inactive, chatstates.Gone} {
		got, err := chatstates.Parse(s.Element())
		if err != nil || got != s {
			t.Errorf("Parse(%s) = %q, %v", s.Element(), got, err)
		}
	}
	for _, in := range []string{
		`<typing xmlns='http://jabber.org/protocol/chatstates'/>`,
		`<composing xmlns='jabber:client'/>`,
		`<composing xmlns='http://jabber.org/protocol/chatstates'>now</composing>`,
		`<composing xmlns='http://jabber.org/protocol/chatstates'><x/></composing>`,
		`<Composing xmlns='http://jabber.org/protocol/chatstates'/>`,
	} {
		if s, err := chatstates.Parse(mustElement(t, in)); !errors.Is(err, chatstates.ErrMalformed) {
			t.Errorf("Parse(%s) = %q, %v; want ErrMalformed", in, s, err)
		}
	}
	if s, err := chatstates.Parse(mustElement(t, "<paused xmlns='http://jabber.org/protocol/chatstates'>\n</paused>")); err != nil || s != chatstates.Paused {
		t.Errorf("Parse with white space = %q, %v", s, err)
	}
	if _, err := chatstates.Parse(nil); !errors.Is(err, chatstates.ErrMalformed) {
		t.Errorf("Parse(nil) = %v", err)
	}
	if e := chatstates.State("typing").Element(); e != nil {
		t.Errorf("invalid state encodes as %s", e)
	}
}

func TestGet(t *testing.T) {
	msg := func(typ, children string) *stanza.Message {
		attr := ""
		if typ != "" {
			attr = ` type='` + typ + `'`
		}
		return mustMessage(t, `<message xmlns='jabber:client' from='romeo@shakespeare.lit/orchard' to='juliet@capulet.com'`+attr+`>`+children+`</message>`)
	}
	const (
		active   = `<active xmlns='http://jabber.org/protocol/chatstates'/>`
		gone     = `<gone xmlns='http://jabber.org/protocol/chatstates'/>`
		errChild = `<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`
	)
	for _, tc := range []struct {
		name string
		m    *stanza.Message
		want chatstates.State
	}{
		{"content message", msg("chat", `<body>Who's there?</body>`+active), chatstates.Active},
		{"standalone", msg("chat", `<thread>act2scene2chat1</thread><composing xmlns='http://jabber.org/protocol/chatstates'/>`), chatstates.Composing},
		{"normal type", msg("", active), chatstates.Active},
		{"groupchat", msg("groupchat", active), chatstates.Active},
		{"gone", msg("chat", gone), chatstates.Gone},
		{"gone in groupchat", msg("groupchat", gone), ""},
		{"error", msg("error", active+errChild), ""},
		{"two states", msg("chat", active+gone), ""},
		{"same state twice", msg("chat", active+active), ""},
		{"malformed", msg("chat", `<active xmlns='http://jabber.org/protocol/chatstates'>x</active>`), ""},
		{"unknown state", msg("chat", `<typing xmlns='http://jabber.org/protocol/chatstates'/>`), ""},
		{"none", msg("chat", `<body>hi</body>`), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, ok := chatstates.Get(tc.m)
			if s != tc.want || ok != (tc.want != "") {
				t.Errorf("Get = %q, %v; want %q", s, ok, tc.want)
			}
		})
	}
}

func TestSet(t *testing.T) {
	m := stanza.NewMessage(stanza.MessageChat, jid.MustParse("juliet@capulet.com"), "hi")
	m.Payloads = append(m.Payloads, stanza.NewElement("urn:xmpp:receipts", "request"))
	chatstates.Set(m, chatstates.Composing)
	chatstates.Set(m, chatstates.Active)
	if s, ok := chatstates.Get(m); !ok || s != chatstates.Active || len(m.Payloads) != 2 {
		t.Errorf("after Set twice: %s", m.Element())
	}
	chatstates.Set(m, "")
	if _, ok := chatstates.Get(m); ok || len(m.Payloads) != 1 || m.Payloads[0].Name.Local != "request" {
		t.Errorf("after Set(\"\"): %s", m.Element())
	}
	// Never in a message of type error.
	e := m.ErrorReply(stanza.NewError(stanza.ErrServiceUnavailable, ""))
	chatstates.Set(e, chatstates.Gone)
	if len(e.Payloads) != 0 {
		t.Errorf("Set on an error message: %s", e.Element())
	}
}

// TestNotification checks that a standalone notification has no body and
// nothing but its state.
func TestNotification(t *testing.T) {
	to := jid.MustParse("juliet@capulet.com")
	m := chatstates.Notification(to, chatstates.Paused)
	if m.Type != stanza.MessageChat || m.To != to || m.ID == "" || len(m.Bodies) != 0 || len(m.Subjects) != 0 || len(m.Payloads) != 1 {
		t.Fatalf("Notification = %s", m.Element())
	}
	want := `<message xmlns='jabber:client' to='juliet@capulet.com' id='` + m.ID + `' type='chat'><paused xmlns='http://jabber.org/protocol/chatstates'/></message>`
	if got := m.Element().String(); got != want {
		t.Errorf("Notification encodes as %s\nwant %s", got, want)
	}
}
