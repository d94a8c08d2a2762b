package version_test

import (
	"testing"

	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/version"
)

// FuzzParse checks that Parse never panics and that what it accepts
// encodes to a payload that decodes to the same Info.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`<query xmlns='jabber:iq:version'><name>Exodus</name><version>0.7.0.4</version><os>Windows-XP 5.01.2600</os></query>`,
		`<query xmlns='jabber:iq:version'/>`,
		`<query xmlns='jabber:iq:version'><name>ejabberd</name><version>23.01</version></query>`,
		`<query xmlns='jabber:iq:version'><name>n</name><version>1</version><x xmlns='urn:x'/></query>`,
		`<query xmlns='jabber:iq:version'><name>n</name><name/><version>1</version></query>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		info, err := version.Parse(e)
		if err != nil {
			return
		}
		again, err := version.Parse(info.Element())
		if err != nil || again != info {
			t.Fatalf("%+v encodes to %s, which decodes to %+v, %v", info, info.Element(), again, err)
		}
	})
}
