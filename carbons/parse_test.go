package carbons_test

import (
	"errors"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/carbons"
	"github.com/xmppkit/xmpp/delay"
	"github.com/xmppkit/xmpp/forward"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// xepReceived is the payload of XEP-0280 example "Server sends carbon to
// Romeo's other clients".
const xepReceived = `<received xmlns='urn:xmpp:carbons:2'>
    <forwarded xmlns='urn:xmpp:forward:0'>
      <message xmlns='jabber:client'
               from='juliet@capulet.example/balcony'
               to='romeo@montague.example/garden'
               type='chat'>
        <body>What man art thou that, thus bescreen'd in night, so stumblest on my counsel?</body>
        <thread>0e3141cd80894871a68e6fe6b1ec56fa</thread>
      </message>
    </forwarded>
  </received>`

// xepSent is the payload of XEP-0280 example "Romeo's other
// Carbons-enabled clients receive a copy".
const xepSent = `<sent xmlns='urn:xmpp:carbons:2'>
    <forwarded xmlns='urn:xmpp:forward:0'>
      <message xmlns='jabber:client'
               to='juliet@capulet.example/balcony'
               from='romeo@montague.example/home'
               type='chat'>
        <body>Neither, fair saint, if either thee dislike.</body>
        <thread>0e3141cd80894871a68e6fe6b1ec56fa</thread>
      </message>
    </forwarded>
  </sent>`

// xepForwarded is the <forwarded/> of XEP-0297 example "Forwarding a
// message".
const xepForwarded = `<forwarded xmlns='urn:xmpp:forward:0'>
    <delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/>
    <message from='juliet@capulet.lit/orchard'
             id='0202197'
             to='romeo@montague.lit'
             type='chat'
             xmlns='jabber:client'>
      <body>Yet I should kill thee with much cherishing.</body>
      <mood xmlns='http://jabber.org/protocol/mood'>
        <amorous/>
      </mood>
    </message>
  </forwarded>`

func TestParseXEPExamples(t *testing.T) {
	cb, err := carbons.Parse(mustElement(t, xepReceived))
	if err != nil {
		t.Fatal(err)
	}
	m := cb.Message
	if cb.Direction != carbons.Received || !cb.Delay.IsZero() || m.From != jid.MustParse("juliet@capulet.example/balcony") ||
		m.To != jid.MustParse("romeo@montague.example/garden") || m.Type != stanza.MessageChat ||
		m.Thread.ID != "0e3141cd80894871a68e6fe6b1ec56fa" || m.Body() == "" {
		t.Errorf("received example: %v %+v", cb.Direction, m)
	}

	cb, err = carbons.Parse(mustElement(t, xepSent))
	if err != nil {
		t.Fatal(err)
	}
	if cb.Direction != carbons.Sent || cb.Message.From != jid.MustParse("romeo@montague.example/home") ||
		cb.Message.Body() != "Neither, fair saint, if either thee dislike." {
		t.Errorf("sent example: %v %+v", cb.Direction, cb.Message)
	}

	// The XEP-0297 example, as a carbon: the delay comes through.
	f, err := carbons.Parse(mustElement(t, `<received xmlns='urn:xmpp:carbons:2'>`+xepForwarded+`</received>`))
	if err != nil {
		t.Fatal(err)
	}
	if !f.Delay.Stamp.Equal(time.Date(2010, 7, 10, 23, 8, 25, 0, time.UTC)) || f.Message.ID != "0202197" ||
		len(f.Message.Payloads) != 1 || f.Message.Payloads[0].Name.Local != "mood" {
		t.Errorf("forwarded example: %+v %+v", f.Delay, f.Message)
	}
}

// TestRoundTrip encodes carbons and decodes them again. Stamps are
// written to the millisecond.
func TestRoundTrip(t *testing.T) {
	m := stanza.NewMessage(stanza.MessageChat, jid.MustParse("bob@localhost"), "hi")
	m.From = jid.MustParse("alice@localhost/phone")
	for _, cb := range []carbons.Carbon{
		{Direction: carbons.Sent, Forwarded: forward.Forwarded{Message: m}},
		{Direction: carbons.Received, Forwarded: forward.Forwarded{Message: m, Delay: delay.Delay{
			Stamp: time.Date(2024, 1, 2, 3, 4, 5, 6007008, time.FixedZone("x", 3600)), From: jid.MustParse("localhost")}}},
	} {
		e := cb.Element()
		again, err := carbons.Parse(e)
		if err != nil {
			t.Fatalf("Parse(%s): %v", e, err)
		}
		if again.Direction != cb.Direction || !again.Delay.Stamp.Equal(cb.Delay.Stamp.Truncate(time.Millisecond)) || again.Delay.From != cb.Delay.From ||
			!again.Message.Element().Equal(m.Element()) {
			t.Errorf("%s decodes to %+v", e, again)
		}
	}
	if e := (carbons.Carbon{Forwarded: forward.Forwarded{Message: m}}).Element(); e != nil {
		t.Errorf("carbon without direction encodes to %s", e)
	}
	if got := carbons.Direction(7).String(); got != "Direction(7)" {
		t.Errorf("String = %q", got)
	}
}

// TestParseErrors feeds Parse what it must refuse.
func TestParseErrors(t *testing.T) {
	const msg = `<message xmlns='jabber:client' from='a@b/c' to='d@e'/>`
	for _, tc := range []struct{ name, xml string }{
		{"wrong namespace", `<received xmlns='urn:xmpp:carbons:1'><forwarded xmlns='urn:xmpp:forward:0'>` + msg + `</forwarded></received>`},
		{"wrong name", `<private xmlns='urn:xmpp:carbons:2'/>`},
		{"no forwarded", `<sent xmlns='urn:xmpp:carbons:2'/>`},
		{"two forwarded", `<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>` + msg +
			`</forwarded><forwarded xmlns='urn:xmpp:forward:0'>` + msg + `</forwarded></sent>`},
		{"other forward element", `<sent xmlns='urn:xmpp:carbons:2'><x xmlns='urn:xmpp:forward:0'/></sent>`},
		{"forwarded without message", `<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'/></sent>`},
		{"forwarded message in no namespace", `<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='' to='a@b'/></forwarded></sent>`},
		{"forwarded message in forward namespace", `<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><message to='a@b'/></forwarded></sent>`},
		{"two messages", `<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>` + msg + msg + `</forwarded></sent>`},
		{"forwarded iq", `<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><iq xmlns='jabber:client' type='get' id='1'/></forwarded></sent>`},
		{"bad inner address", `<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' to='@b'/></forwarded></sent>`},
		{"inner error without error", `<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' type='error'/></forwarded></sent>`},
		{"two delays", `<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/>` + msg + `</forwarded></sent>`},
		{"delay without stamp", `<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay'/>` + msg + `</forwarded></sent>`},
		{"delay without zone", `<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25'/>` + msg + `</forwarded></sent>`},
		{"delay out of range", `<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='0000-01-01T00:00:00+01:00'/>` + msg + `</forwarded></sent>`},
		{"delay bad from", `<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z' from='@'/>` + msg + `</forwarded></sent>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cb, err := carbons.Parse(mustElement(t, tc.xml))
			if !errors.Is(err, carbons.ErrMalformed) {
				t.Errorf("Parse = %+v, %v; want ErrMalformed", cb, err)
			}
		})
	}
	if _, err := carbons.Parse(nil); !errors.Is(err, carbons.ErrMalformed) {
		t.Errorf("Parse(nil) = %v", err)
	}
	if _, err := carbons.Parse(mustElement(t, `<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:1'>`+msg+`</forwarded></sent>`)); !errors.Is(err, carbons.ErrMalformed) {
		t.Errorf("Parse of a forwarded in the wrong namespace = %v", err)
	}
	// Errors about the forwarded element and its delay wrap those of the
	// packages that decode them.
	_, err := carbons.Parse(mustElement(t, `<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='yesterday'/>`+msg+`</forwarded></sent>`))
	if !errors.Is(err, carbons.ErrMalformed) || !errors.Is(err, forward.ErrMalformed) || !errors.Is(err, delay.ErrMalformed) {
		t.Errorf("Parse with a bad delay = %v; want carbons, forward and delay ErrMalformed", err)
	}
	// Elements of other namespaces are ignored, for future extensions.
	cb, err := carbons.Parse(mustElement(t, `<sent xmlns='urn:xmpp:carbons:2'><x xmlns='urn:x'/><forwarded xmlns='urn:xmpp:forward:0'><y xmlns='urn:y'/>`+msg+`</forwarded></sent>`))
	if err != nil || cb.Message.To != jid.MustParse("d@e") {
		t.Errorf("Parse with extensions = %+v, %v", cb, err)
	}
}
