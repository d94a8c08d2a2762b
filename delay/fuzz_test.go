package delay_test

import (
	"testing"
	"time"

	"github.com/xmppkit/xmpp/delay"
	"github.com/xmppkit/xmpp/stanza"
)

// FuzzParse checks that Parse never panics, that what it accepts is in
// UTC and encodes to an element that decodes to the same value (the stamp
// truncated to milliseconds), and that Get agrees with it on a message
// carrying the element.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`<delay xmlns='urn:xmpp:delay' from='capulet.com' stamp='2002-09-10T23:08:25Z'>Offline Storage</delay>`,
		`<delay xmlns='urn:xmpp:delay' from='juliet@capulet.com/balcony' stamp='2002-09-10T23:41:07Z'/>`,
		`<delay xmlns='urn:xmpp:delay' from='coven@macbeth.shakespeare.lit' stamp='2002-09-10T23:05:37Z'/>`,
		`<delay xmlns='urn:xmpp:delay' stamp='2024-02-29T00:30:00.123456789123-14:00'/>`,
		`<delay xmlns='urn:xmpp:delay' stamp='0000-01-01T00:00:00+01:00'/>`,
		`<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'><x/></delay>`,
		`<delay xmlns='urn:xmpp:delay'/>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		d, err := delay.Parse(e)
		got, ok := delay.Get(&stanza.Message{Payloads: []*stanza.Element{e}})
		if (err == nil) != ok || !same(got, d) {
			t.Fatalf("Parse = %+v, %v but Get = %+v, %v", d, err, got, ok)
		}
		if err != nil || d.IsZero() { // 0001-01-01T00:00:00Z alone decodes as the zero Delay
			return
		}
		if d.Stamp.Location().String() != "UTC" {
			t.Fatalf("stamp %v not in UTC", d.Stamp)
		}
		again, err := delay.Parse(d.Element())
		written := d
		written.Stamp = d.Stamp.Truncate(time.Millisecond)
		if err != nil || !same(again, written) {
			t.Fatalf("%+v encodes to %s, which decodes to %+v, %v", d, d.Element(), again, err)
		}
	})
}

func same(a, b delay.Delay) bool {
	return a.Stamp.Equal(b.Stamp) && a.From == b.From && a.Reason == b.Reason
}
