package forward_test

import (
	"errors"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/forward"
	"github.com/xmppkit/xmpp/stanza"
)

func addSeeds(f *testing.F) {
	for _, s := range samples {
		f.Add(s)
	}
	for _, tc := range malformed {
		f.Add(tc.xml)
	}
}

// FuzzParse checks that Parse never panics, that its errors wrap
// ErrMalformed, and that what it accepts encodes to an element that
// decodes to the same value, the stamp truncated to milliseconds.
func FuzzParse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		fw, err := forward.Parse(e)
		if err != nil {
			if !errors.Is(err, forward.ErrMalformed) {
				t.Fatalf("Parse(%s): %v does not wrap ErrMalformed", s, err)
			}
			return
		}
		if fw.Message == nil {
			t.Fatalf("Parse(%s) accepted no message", s)
		}
		back, err := forward.Parse(fw.Element())
		if err != nil || !back.Delay.Stamp.Equal(fw.Delay.Stamp.Truncate(time.Millisecond)) || back.Delay.From != fw.Delay.From ||
			back.Delay.Reason != fw.Delay.Reason || !back.Message.Element().Equal(fw.Message.Element()) {
			t.Fatalf("%s decodes to %+v, encodes to %s, decodes to %+v, %v", s, fw, fw.Element(), back, err)
		}
	})
}
