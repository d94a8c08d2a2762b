package mam_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/mam"
	"github.com/xmppkit/xmpp/stanza"
)

func sameFin(a, b mam.Fin) bool { return reflect.DeepEqual(a, b) }

// sameResult reports whether b is what a decodes to once written: the
// stamp is written to the millisecond.
func sameResult(a, b mam.Result) bool {
	return a.ID == b.ID && a.QueryID == b.QueryID && a.Stamp.Truncate(time.Millisecond).Equal(b.Stamp) &&
		a.Message.Element().Equal(b.Message.Element())
}

// FuzzParseResult checks that ParseResult never panics and that what it
// accepts encodes to a payload that decodes to the same Result.
func FuzzParseResult(f *testing.F) {
	for _, s := range []string{
		xepResult, xepMUCResult,
		`<result xmlns='urn:xmpp:mam:2' id='a'><forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2024-02-29T12:00:00.123456+01:00' from='localhost'/><message xmlns='jabber:client' from='a@b/c' xml:lang='en'><body>x</body><body xml:lang='de'>y</body></message></forwarded><x xmlns='z'/></result>`,
		`<result xmlns='urn:xmpp:mam:2' id='a'><forwarded xmlns='urn:xmpp:forward:0'><iq xmlns='jabber:client' type='get' id='x'/></forwarded></result>`,
		`<result xmlns='urn:xmpp:mam:2' id='a'><forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='0000-01-01T00:00:00+00:01'/><message xmlns='jabber:client'/></forwarded></result>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		r, err := mam.ParseResult(e)
		if err != nil {
			return
		}
		back, err := mam.ParseResult(r.Element())
		if err != nil || !sameResult(r, back) {
			t.Fatalf("%s decodes to %+v, encodes to %s, decodes to %+v, %v", s, r, r.Element(), back, err)
		}
	})
}

// FuzzParseFin checks that ParseFin never panics and that what it accepts
// encodes to a payload that decodes to the same Fin.
func FuzzParseFin(f *testing.F) {
	for _, s := range []string{
		xepFin, xepFinComplete,
		`<fin xmlns='urn:xmpp:mam:2' complete='1' stable='0'><set xmlns='http://jabber.org/protocol/rsm'><count>0</count></set></fin>`,
		`<fin xmlns='urn:xmpp:mam:2' complete='true'><set xmlns='http://jabber.org/protocol/rsm'><before/><last>a</last></set></fin>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		fin, err := mam.ParseFin(e)
		if err != nil {
			return
		}
		back, err := mam.ParseFin(fin.Element())
		if err != nil || !sameFin(fin, back) {
			t.Fatalf("%s decodes to %+v, encodes to %s, decodes to %+v, %v", s, fin, fin.Element(), back, err)
		}
	})
}
