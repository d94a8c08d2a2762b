package mam_test

import (
	"errors"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/mam"
	"github.com/xmppkit/xmpp/rsm"
)

// Payloads from the examples of XEP-0313.
const (
	xepResult = `<result xmlns='urn:xmpp:mam:2' queryid='f27' id='28482-98726-73623'>
    <forwarded xmlns='urn:xmpp:forward:0'>
      <delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/>
      <message xmlns='jabber:client' to='juliet@capulet.lit/balcony' from='romeo@montague.lit/orchard' type='chat'>
        <body>Call me but love, and I'll be new baptized; Henceforth I never will be Romeo.</body>
      </message>
    </forwarded>
  </result>`
	xepMUCResult = `<result xmlns='urn:xmpp:mam:2' queryid='g27' id='78527-06716-51603'>
    <forwarded xmlns='urn:xmpp:forward:0'>
      <delay xmlns='urn:xmpp:delay' stamp='2002-10-13T23:58:37Z'/>
      <message xmlns="jabber:client" from='coven@chat.shakespeare.lit/firstwitch' id='162BEBB1-F6DB-4D9A-9BD8-CFDCC801A0B2' type='groupchat'>
        <body>Thrice the brinded cat hath mew'd.</body>
        <x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='owner' jid='crone1@shakespeare.lit' role='participant' /></x>
      </message>
    </forwarded>
  </result>`
	xepFin = `<fin xmlns='urn:xmpp:mam:2'>
    <set xmlns='http://jabber.org/protocol/rsm'>
      <first index='0'>28482-98726-73623</first>
      <last>09af3-cc343-b409f</last>
      <count>20</count>
    </set>
  </fin>`
	xepFinComplete = `<fin xmlns='urn:xmpp:mam:2' complete='true'>
    <set xmlns='http://jabber.org/protocol/rsm'>
      <first index='0'>23452-4534-1</first>
      <last>390-2342-22</last>
      <count>16</count>
    </set>
  </fin>`
)

func TestParseResult(t *testing.T) {
	r, err := mam.ParseResult(mustElement(t, xepResult))
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != "28482-98726-73623" || r.QueryID != "f27" || !r.Stamp.Equal(time.Date(2010, 7, 10, 23, 8, 25, 0, time.UTC)) {
		t.Errorf("ParseResult = %+v", r)
	}
	m := r.Message
	if m.From != jid.MustParse("romeo@montague.lit/orchard") || m.To != jid.MustParse("juliet@capulet.lit/balcony") ||
		m.Body() != "Call me but love, and I'll be new baptized; Henceforth I never will be Romeo." {
		t.Errorf("message %s", m.Element())
	}
	r, err = mam.ParseResult(mustElement(t, xepMUCResult))
	if err != nil || len(r.Message.Payloads) != 1 || r.Message.ID != "162BEBB1-F6DB-4D9A-9BD8-CFDCC801A0B2" {
		t.Errorf("MUC result %+v, %v", r, err)
	}
	// Without a delay the stamp is zero (XEP-0313 says SHOULD).
	r, err = mam.ParseResult(mustElement(t, `<result xmlns='urn:xmpp:mam:2' id='a'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client'/></forwarded></result>`))
	if err != nil || !r.Stamp.IsZero() || r.QueryID != "" {
		t.Errorf("without delay: %+v, %v", r, err)
	}
	// Round trip.
	back, err := mam.ParseResult(r.Element())
	if err != nil || back.ID != r.ID || !back.Message.Element().Equal(r.Message.Element()) {
		t.Errorf("round trip: %+v, %v", back, err)
	}
}

func TestParseResultErrors(t *testing.T) {
	for _, tc := range []struct{ name, in string }{
		{"wrong name", `<fin xmlns='urn:xmpp:mam:2'/>`},
		{"old namespace", `<result xmlns='urn:xmpp:mam:1' id='a'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client'/></forwarded></result>`},
		{"no id", `<result xmlns='urn:xmpp:mam:2'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client'/></forwarded></result>`},
		{"no forwarded", `<result xmlns='urn:xmpp:mam:2' id='a'/>`},
		{"two forwarded", `<result xmlns='urn:xmpp:mam:2' id='a'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client'/></forwarded><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client'/></forwarded></result>`},
		{"no message", `<result xmlns='urn:xmpp:mam:2' id='a'><forwarded xmlns='urn:xmpp:forward:0'/></result>`},
		{"two messages", `<result xmlns='urn:xmpp:mam:2' id='a'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client'/><message xmlns='jabber:client'/></forwarded></result>`},
		{"presence", `<result xmlns='urn:xmpp:mam:2' id='a'><forwarded xmlns='urn:xmpp:forward:0'><presence xmlns='jabber:client'/></forwarded></result>`},
		{"server namespace", `<result xmlns='urn:xmpp:mam:2' id='a'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:server'/></forwarded></result>`},
		{"bad message", `<result xmlns='urn:xmpp:mam:2' id='a'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' to='@@'/></forwarded></result>`},
		{"bad stamp", `<result xmlns='urn:xmpp:mam:2' id='a'><forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='yesterday'/><message xmlns='jabber:client'/></forwarded></result>`},
		{"no stamp", `<result xmlns='urn:xmpp:mam:2' id='a'><forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay'/><message xmlns='jabber:client'/></forwarded></result>`},
		{"two delays", `<result xmlns='urn:xmpp:mam:2' id='a'><forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/><message xmlns='jabber:client'/></forwarded></result>`},
		{"year out of range", `<result xmlns='urn:xmpp:mam:2' id='a'><forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='9999-12-31T23:59:59-01:00'/><message xmlns='jabber:client'/></forwarded></result>`},
		{"bad delay from", `<result xmlns='urn:xmpp:mam:2' id='a'><forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z' from='@'/><message xmlns='jabber:client'/></forwarded></result>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r, err := mam.ParseResult(mustElement(t, tc.in)); !errors.Is(err, mam.ErrMalformed) {
				t.Fatalf("ParseResult = %+v, %v; want ErrMalformed", r, err)
			}
		})
	}
	if _, err := mam.ParseResult(nil); !errors.Is(err, mam.ErrMalformed) {
		t.Fatalf("ParseResult(nil) = %v", err)
	}
}

func TestParseFin(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want mam.Fin
	}{
		{"xep", xepFin, mam.Fin{RSM: rsm.Set{First: "28482-98726-73623", FirstIndex: new(0), Last: "09af3-cc343-b409f", Count: new(20)}}},
		{"complete", xepFinComplete, mam.Fin{Complete: true, RSM: rsm.Set{First: "23452-4534-1", FirstIndex: new(0), Last: "390-2342-22", Count: new(16)}}},
		{"unstable", `<fin xmlns='urn:xmpp:mam:2' complete='1' stable='false'/>`, mam.Fin{Complete: true, Unstable: true}},
		{"explicit defaults", `<fin xmlns='urn:xmpp:mam:2' complete='0' stable='true'><x xmlns='y'/></fin>`, mam.Fin{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := mam.ParseFin(mustElement(t, tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if !sameFin(f, tc.want) {
				t.Fatalf("ParseFin = %+v; want %+v", f, tc.want)
			}
		})
	}
	for _, in := range []string{
		`<result xmlns='urn:xmpp:mam:2'/>`,
		`<fin xmlns='urn:xmpp:mam:1'/>`,
		`<fin xmlns='urn:xmpp:mam:2' complete='yes'/>`,
		`<fin xmlns='urn:xmpp:mam:2' stable='no'/>`,
		`<fin xmlns='urn:xmpp:mam:2'><set xmlns='http://jabber.org/protocol/rsm'/><set xmlns='http://jabber.org/protocol/rsm'/></fin>`,
		`<fin xmlns='urn:xmpp:mam:2'><set xmlns='http://jabber.org/protocol/rsm'><count>-1</count></set></fin>`,
		`<fin xmlns='urn:xmpp:mam:2'><first xmlns='http://jabber.org/protocol/rsm'>a</first></fin>`,
	} {
		if f, err := mam.ParseFin(mustElement(t, in)); !errors.Is(err, mam.ErrMalformed) {
			t.Errorf("ParseFin(%s) = %+v, %v; want ErrMalformed", in, f, err)
		}
	}
	if _, err := mam.ParseFin(mustElement(t, `<fin xmlns='urn:xmpp:mam:2'><set xmlns='http://jabber.org/protocol/rsm'><max>x</max></set></fin>`)); !errors.Is(err, rsm.ErrMalformed) {
		t.Errorf("a bad set's error does not wrap rsm.ErrMalformed: %v", err)
	}
}
