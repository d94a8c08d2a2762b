package rsm_test

import (
	"reflect"
	"testing"

	"github.com/xmppkit/xmpp/rsm"
	"github.com/xmppkit/xmpp/stanza"
)

// FuzzParse checks that Parse never panics and that what it accepts
// encodes to an element that decodes to the same Set.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		xepLimit, xepPage, xepAfter, xepEmpty, xepBefore, xepLastPage, xepIndex, xepIndexed, xepCount,
		`<set xmlns='http://jabber.org/protocol/rsm'><max> 5 </max><first>a</first><x xmlns='y'/></set>`,
		`<set xmlns='http://jabber.org/protocol/rsm'><before>  </before><count>99999999999</count></set>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		e, err := stanza.ParseElement(in)
		if err != nil {
			return
		}
		s, err := rsm.Parse(e)
		if err != nil {
			return
		}
		back, err := rsm.Parse(s.Element())
		if err != nil {
			t.Fatalf("%s encodes to %s, which does not decode: %v", in, s.Element(), err)
		}
		if !reflect.DeepEqual(back, s) {
			t.Fatalf("%s decodes to %+v, encodes to %s, decodes to %+v", in, s, s.Element(), back)
		}
	})
}
