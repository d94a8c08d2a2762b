package forward_test

import (
	"errors"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/delay"
	"github.com/xmppkit/xmpp/forward"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

func mustElement(t testing.TB, s string) *stanza.Element {
	t.Helper()
	e, err := stanza.ParseElement(s)
	if err != nil {
		t.Fatalf("ParseElement(%s): %v", s, err)
	}
	return e
}

func TestParseSamples(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
	}
	for _, tc := range []struct {
		name     string
		xml      string
		delay    delay.Delay
		from, to string
		body     string
		payloads int
	}{
		{"xep-0297", xepForwarded, delay.Delay{Stamp: utc(2010, 7, 10, 23, 8, 25, 0)}, "juliet@capulet.lit/orchard", "romeo@montague.lit",
			"Yet I should kill thee with much cherishing.", 1},
		{"xep-0280", xepCarbon, delay.Delay{}, "juliet@capulet.example/balcony", "romeo@montague.example/garden",
			"What man art thou that, thus bescreen'd in night, so stumblest on my counsel?", 0},
		{"xep-0313 muc", xepMUCResult, delay.Delay{Stamp: utc(2002, 10, 13, 23, 58, 37, 0)}, "coven@chat.shakespeare.lit/firstwitch", "",
			"Thrice the brinded cat hath mew'd.", 1},
		{"prosody carbon", prosodyCarbon, delay.Delay{}, "bob@localhost/home", "alice@localhost/one", "hello one", 1},
		{"prosody sent carbon", prosodySentCarbon, delay.Delay{}, "alice@localhost/one", "bob@localhost/home", "hello bob", 1},
		{"prosody mam", prosodyMAM, delay.Delay{Stamp: utc(2026, 12, 5, 17, 12, 54, 0)}, "bob@localhost/home", "alice@localhost", "message 01 from bob", 0},
		{"prosody forged mam", prosodyForgedMAM, delay.Delay{Stamp: utc(2024, 3, 1, 12, 0, 0, 0)}, "bob@localhost/home", "alice@localhost", "I owe you 100 euros", 0},
		{"ejabberd carbon", ejabberdCarbon, delay.Delay{}, "bob@localhost/home", "alice@localhost/one", "hello one", 2},
		{"ejabberd sent carbon", ejabberdSentCarbon, delay.Delay{}, "alice@localhost/one", "bob@localhost/home", "hello bob", 2},
		{"ejabberd mam", ejabberdMAM, delay.Delay{Stamp: utc(2026, 12, 5, 17, 12, 57, 51366000), From: jid.MustParse("localhost")},
			"bob@localhost/home", "alice@localhost", "message 01 from bob", 2},
		{"ejabberd forged mam", ejabberdForgedMAM, delay.Delay{Stamp: utc(2024, 3, 1, 12, 0, 0, 0)}, "bob@localhost/home", "alice@localhost", "I owe you 100 euros", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := forward.Parse(mustElement(t, tc.xml))
			if err != nil {
				t.Fatal(err)
			}
			m := f.Message
			if !f.Delay.Stamp.Equal(tc.delay.Stamp) || f.Delay.From != tc.delay.From || f.Delay.Reason != "" {
				t.Errorf("delay %+v; want %+v", f.Delay, tc.delay)
			}
			if !f.Delay.IsZero() && f.Delay.Stamp.Location() != time.UTC {
				t.Errorf("stamp %v not in UTC", f.Delay.Stamp)
			}
			var to jid.JID
			if tc.to != "" {
				to = jid.MustParse(tc.to)
			}
			if m.From != jid.MustParse(tc.from) || m.To != to || m.Body() != tc.body || len(m.Payloads) != tc.payloads {
				t.Errorf("message %s", m.Element())
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range malformed {
		t.Run(tc.name, func(t *testing.T) {
			if f, err := forward.Parse(mustElement(t, tc.xml)); !errors.Is(err, forward.ErrMalformed) {
				t.Fatalf("Parse = %+v, %v; want ErrMalformed", f, err)
			}
		})
	}
	if _, err := forward.Parse(nil); !errors.Is(err, forward.ErrMalformed) {
		t.Errorf("Parse(nil) = %v", err)
	}
	// An error about the delay is delay's too.
	_, err := forward.Parse(mustElement(t, `<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='never'/>`+msg+`</forwarded>`))
	if !errors.Is(err, forward.ErrMalformed) || !errors.Is(err, delay.ErrMalformed) {
		t.Errorf("bad delay: %v; want forward.ErrMalformed and delay.ErrMalformed", err)
	}
}

// Elements in other namespaces are extensions, ignored wherever they are;
// so is the delay's position and the reason it gives.
func TestParseExtensions(t *testing.T) {
	f, err := forward.Parse(mustElement(t, `<forwarded xmlns='urn:xmpp:forward:0'><x xmlns='urn:x'/>`+msg+
		`<delay xmlns='urn:xmpp:delay' stamp='2024-02-29T12:00:00.5+01:00' from='localhost'> Offline Storage </delay><y xmlns='urn:y'><message xmlns='jabber:client'/></y></forwarded>`))
	if err != nil {
		t.Fatal(err)
	}
	if f.Message.To != jid.MustParse("d@e") || f.Delay.Reason != "Offline Storage" ||
		!f.Delay.Stamp.Equal(time.Date(2024, 2, 29, 11, 0, 0, 5e8, time.UTC)) {
		t.Errorf("Parse = %+v %s", f.Delay, f.Message.Element())
	}
}

func TestElement(t *testing.T) {
	m := &stanza.Message{
		Header: stanza.Header{From: jid.MustParse("alice@localhost/phone"), To: jid.MustParse("bob@localhost"), ID: "m1"},
		Type:   stanza.MessageChat, Bodies: []stanza.Text{{Value: "hi"}},
	}
	for _, tc := range []struct {
		f    forward.Forwarded
		want string
	}{
		{forward.Forwarded{Message: m},
			`<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' to='bob@localhost' from='alice@localhost/phone' id='m1' type='chat'><body>hi</body></message></forwarded>`},
		{forward.Forwarded{Message: m, Delay: delay.Delay{Stamp: time.Date(2024, 1, 2, 3, 4, 5, 6789012, time.FixedZone("x", 3600)), From: jid.MustParse("localhost")}},
			`<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2024-01-02T02:04:05.006Z' from='localhost'/><message xmlns='jabber:client' to='bob@localhost' from='alice@localhost/phone' id='m1' type='chat'><body>hi</body></message></forwarded>`},
	} {
		e := tc.f.Element()
		if got := e.String(); got != tc.want {
			t.Errorf("Element = %s\nwant      %s", got, tc.want)
		}
		back, err := forward.Parse(e)
		if err != nil || !back.Delay.Stamp.Equal(tc.f.Delay.Stamp.Truncate(time.Millisecond)) || back.Delay.From != tc.f.Delay.From ||
			!back.Message.Element().Equal(m.Element()) {
			t.Errorf("%s decodes to %+v, %v", e, back, err)
		}
	}
	if got := (forward.Forwarded{}).Element().String(); got != `<forwarded xmlns='urn:xmpp:forward:0'/>` {
		t.Errorf("zero Forwarded encodes as %s", got)
	}
}
