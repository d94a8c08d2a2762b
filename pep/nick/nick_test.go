package nick_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/xmppkit/xmpp/pep/nick"
	"github.com/xmppkit/xmpp/stanza"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		bad  bool
	}{
		{`<nick xmlns='http://jabber.org/protocol/nick'>Ishmael</nick>`, "Ishmael", false},
		{`<nick xmlns='http://jabber.org/protocol/nick'>  Call me Ishmael  </nick>`, "Call me Ishmael", false},
		{`<nick xmlns='http://jabber.org/protocol/nick'/>`, "", false},
		{`<nick xmlns='http://jabber.org/protocol/nick'>a&#x9;b</nick>`, "", true},
		{`<nick xmlns='http://jabber.org/protocol/nick'>` + strings.Repeat("n", nick.MaxLen+1) + `</nick>`, "", true},
		{`<name xmlns='http://jabber.org/protocol/nick'>x</name>`, "", true},
	} {
		e, err := stanza.ParseElement(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := nick.Parse(e)
		if tc.bad != errors.Is(err, nick.ErrMalformed) || got != tc.want {
			t.Errorf("Parse(%.60s) = %q, %v", tc.in, got, err)
		}
	}
	p := stanza.NewPresence(stanza.PresenceSubscribe, stanza.Presence{}.To)
	p.Payloads = append(p.Payloads, nick.Element("Ishmael"))
	if n, ok := nick.Get(p.Payloads); !ok || n != "Ishmael" {
		t.Errorf("Get: %q, %t", n, ok)
	}
	if _, ok := nick.Get(nil); ok {
		t.Error("Get found a nickname in nothing")
	}
}

func FuzzParse(f *testing.F) {
	f.Add(`<nick xmlns='http://jabber.org/protocol/nick'>Ishmael</nick>`)
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		n, err := nick.Parse(e)
		if err != nil {
			return
		}
		back, err := nick.Parse(nick.Element(n))
		if err != nil || back != n {
			t.Errorf("round trip of %q: %q, %v", n, back, err)
		}
	})
}
