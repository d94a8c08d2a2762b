package entitytime_test

import (
	"testing"
	"time"

	"github.com/xmppkit/xmpp/entitytime"
	"github.com/xmppkit/xmpp/stanza"
)

// FuzzParse feeds Parse arbitrary tzo and utc values and whole payloads.
// It checks that Parse never panics and that what it accepts encodes to a
// payload that decodes to the same instant, truncated to milliseconds, in
// the same offset.
func FuzzParse(f *testing.F) {
	f.Add("-06:00", "2006-12-19T17:58:35Z", "")
	f.Add("Z", "1969-07-21T02:56:15Z", "")
	f.Add("+05:45", "2023-01-02T03:04:05.123456789012Z", "")
	f.Add("+14:00", "2006-02-30T17:58:35+00:00", "")
	f.Add("", "", `<time xmlns='urn:xmpp:time'><tzo>-06:00</tzo><utc>2006-12-19T17:58:35Z</utc></time>`)
	f.Add("", "", `<time xmlns='urn:xmpp:time'><tzo>Z</tzo><tzo>Z</tzo><utc>2006-12-19T17:58:35Z</utc></time>`)
	f.Fuzz(func(t *testing.T, tzo, utc, xml string) {
		e := payload(tzo, utc)
		if xml != "" {
			var err error
			if e, err = stanza.ParseElement(xml); err != nil {
				return
			}
		}
		got, err := entitytime.Parse(e)
		if err != nil {
			return
		}
		again, err := entitytime.Parse(entitytime.Element(got))
		_, off1 := got.Zone()
		_, off2 := again.Zone()
		if err != nil || !again.Equal(got.Truncate(time.Millisecond)) || off1 != off2 {
			t.Fatalf("%v encodes to %s, which decodes to %v, %v", got, entitytime.Element(got), again, err)
		}
		if got.Year() < -1 || got.UTC().Year() > 9999 {
			t.Fatalf("year of %v out of range", got)
		}
	})
}
