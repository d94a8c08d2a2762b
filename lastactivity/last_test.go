package lastactivity_test

import (
	"errors"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/lastactivity"
	"github.com/xmppkit/xmpp/stanza"
)

func TestParse(t *testing.T) {
	tests := []struct {
		xml  string
		want lastactivity.Info
	}{
		{`<query xmlns='jabber:iq:last' seconds='903'>Heading Home</query>`, lastactivity.Info{Elapsed: 903 * time.Second, Status: "Heading Home"}},
		{`<query xmlns='jabber:iq:last' seconds='123'/>`, lastactivity.Info{Elapsed: 123 * time.Second}},
		{`<query xmlns='jabber:iq:last' seconds='123456'/>`, lastactivity.Info{Elapsed: 123456 * time.Second}},
		{`<query xmlns='jabber:iq:last' seconds='0'/>`, lastactivity.Info{}},
		{`<query xmlns='jabber:iq:last' seconds='007'/>`, lastactivity.Info{Elapsed: 7 * time.Second}},
		{`<query xmlns='jabber:iq:last' seconds='3155760000'/>`, lastactivity.Info{Elapsed: lastactivity.MaxElapsed}},
		{`<query xmlns='jabber:iq:last' seconds='1'>a &amp; b</query>`, lastactivity.Info{Elapsed: time.Second, Status: "a & b"}},
		{`<query xmlns='jabber:iq:last' seconds='1' xmlns:x='urn:x' x:seconds='-5'/>`, lastactivity.Info{Elapsed: time.Second}},
	}
	for _, tt := range tests {
		e, err := stanza.ParseElement(tt.xml)
		if err != nil {
			t.Fatal(err)
		}
		got, err := lastactivity.Parse(e)
		if err != nil || got != tt.want {
			t.Errorf("Parse(%s) = %+v, %v; want %+v", tt.xml, got, err, tt.want)
		}
	}
}

func TestParseMalformed(t *testing.T) {
	for _, xml := range []string{
		`<query xmlns='jabber:iq:last'/>`,
		`<query xmlns='jabber:iq:last'>Heading Home</query>`,
		`<query xmlns='jabber:iq:last' seconds=''/>`,
		`<query xmlns='jabber:iq:last' seconds='-1'/>`,
		`<query xmlns='jabber:iq:last' seconds='+1'/>`,
		`<query xmlns='jabber:iq:last' seconds='1.5'/>`,
		`<query xmlns='jabber:iq:last' seconds='1e3'/>`,
		`<query xmlns='jabber:iq:last' seconds=' 1'/>`,
		`<query xmlns='jabber:iq:last' seconds='1 '/>`,
		`<query xmlns='jabber:iq:last' seconds='0x10'/>`,
		`<query xmlns='jabber:iq:last' seconds='١'/>`,
		`<query xmlns='jabber:iq:last' seconds='3155760001'/>`,
		`<query xmlns='jabber:iq:last' seconds='9223372036854775808'/>`,
		`<query xmlns='jabber:iq:last' seconds='99999999999999999999999999999'/>`,
		`<query xmlns='jabber:iq:last' xmlns:x='urn:x' x:seconds='5'/>`,
		`<query xmlns='jabber:iq:last' seconds='5'><status>away</status></query>`,
		`<query xmlns='jabber:iq:version' seconds='5'/>`,
		`<last xmlns='jabber:iq:last' seconds='5'/>`,
	} {
		e, err := stanza.ParseElement(xml)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := lastactivity.Parse(e); !errors.Is(err, lastactivity.ErrMalformed) || got != (lastactivity.Info{}) {
			t.Errorf("Parse(%s) = %+v, %v; want the zero Info and ErrMalformed", xml, got, err)
		}
	}
	if _, err := lastactivity.Parse(nil); !errors.Is(err, lastactivity.ErrMalformed) {
		t.Errorf("Parse(nil) = %v", err)
	}
}

func TestElement(t *testing.T) {
	tests := []struct {
		info lastactivity.Info
		want string
	}{
		{lastactivity.Info{Elapsed: 903 * time.Second, Status: "Heading Home"}, `<query xmlns='jabber:iq:last' seconds='903'>Heading Home</query>`},
		{lastactivity.Info{Elapsed: 1999 * time.Millisecond}, `<query xmlns='jabber:iq:last' seconds='1'/>`},
		{lastactivity.Info{Elapsed: -time.Hour}, `<query xmlns='jabber:iq:last' seconds='0'/>`},
		{lastactivity.Info{}, `<query xmlns='jabber:iq:last' seconds='0'/>`},
	}
	for _, tt := range tests {
		want, err := stanza.ParseElement(tt.want)
		if err != nil {
			t.Fatal(err)
		}
		if got := tt.info.Element(); !got.Equal(want) {
			t.Errorf("%+v encodes as %s, want %s", tt.info, got, want)
		}
	}
}
