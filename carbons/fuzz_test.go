package carbons_test

import (
	"testing"
	"time"

	"github.com/xmppkit/xmpp/carbons"
	"github.com/xmppkit/xmpp/forward"
	"github.com/xmppkit/xmpp/stanza"
)

// FuzzParse checks that Parse never panics, and that what it accepts
// encodes to a payload that decodes to the same value, the stamp
// truncated to milliseconds. The <forwarded/> alone is forward's to fuzz.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		xepReceived, xepSent, xepForwarded,
		`<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2024-02-29T12:00:00.123456+01:00' from='localhost'/><message xmlns='jabber:client' from='a@b/c' to='d@e' xml:lang='en'><body>x</body><body xml:lang='de'>y</body></message></forwarded></sent>`,
		`<received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' type='error' from='a@b'><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message></forwarded></received>`,
		`<received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='9999-12-31T23:59:59-01:00'/><message xmlns='jabber:client'/></forwarded></received>`,
		`<forwarded xmlns='urn:xmpp:forward:0'><presence xmlns='jabber:client'/></forwarded>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		cb, err := carbons.Parse(e)
		if err != nil {
			return
		}
		again, err := carbons.Parse(cb.Element())
		if err != nil || again.Direction != cb.Direction || !sameForwarded(cb.Forwarded, again.Forwarded) {
			t.Fatalf("%s encodes to %s, which decodes to %+v, %v", s, cb.Element(), again, err)
		}
	})
}

// sameForwarded reports whether b is what a decodes to once written.
func sameForwarded(a, b forward.Forwarded) bool {
	return a.Delay.Stamp.Truncate(time.Millisecond).Equal(b.Delay.Stamp) && a.Delay.From == b.Delay.From &&
		a.Delay.Reason == b.Delay.Reason && a.Message.Element().Equal(b.Message.Element())
}
