package hints_test

import (
	"testing"

	"github.com/xmppkit/xmpp/hints"
	"github.com/xmppkit/xmpp/stanza"
)

// FuzzParse checks that Parse never panics, that what it accepts encodes
// to an element that decodes to the same hint, and that Has agrees with
// it on a message carrying the element.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`<no-copy xmlns="urn:xmpp:hints"/>`,
		`<no-store xmlns="urn:xmpp:hints"/>`,
		`<no-permanent-store xmlns='urn:xmpp:hints'/>`,
		`<store xmlns='urn:xmpp:hints'/>`,
		`<store xmlns='urn:xmpp:hints'>x<y/></store>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		h, err := hints.Parse(e)
		m := &stanza.Message{Payloads: []*stanza.Element{e}}
		if err != nil {
			for _, h := range []hints.Hint{hints.NoPermanentStore, hints.NoStore, hints.NoCopy, hints.Store} {
				if hints.Has(m, h) {
					t.Fatalf("Parse failed (%v) but Has(%s)", err, h)
				}
			}
			return
		}
		if !hints.Has(m, h) {
			t.Fatalf("Parse = %q but not Has", h)
		}
		if again, err := hints.Parse(h.Element()); err != nil || again != h {
			t.Fatalf("%q encodes to %s, which decodes to %q, %v", h, h.Element(), again, err)
		}
	})
}
