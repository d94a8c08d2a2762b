package lastactivity_test

import (
	"testing"

	"github.com/xmppkit/xmpp/lastactivity"
	"github.com/xmppkit/xmpp/stanza"
)

// FuzzParse checks that Parse never panics, that what it accepts is within
// range, and that it encodes to a payload that decodes to the same Info.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`<query xmlns='jabber:iq:last' seconds='903'>Heading Home</query>`,
		`<query xmlns='jabber:iq:last' seconds='123'/>`,
		`<query xmlns='jabber:iq:last' seconds='123456'/>`,
		`<query xmlns='jabber:iq:last'/>`,
		`<query xmlns='jabber:iq:last' seconds='-1'/>`,
		`<query xmlns='jabber:iq:last' seconds='3155760001'/>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		info, err := lastactivity.Parse(e)
		if err != nil {
			return
		}
		if info.Elapsed < 0 || info.Elapsed > lastactivity.MaxElapsed {
			t.Fatalf("Elapsed %v out of range", info.Elapsed)
		}
		again, err := lastactivity.Parse(info.Element())
		if err != nil || again != info {
			t.Fatalf("%+v encodes to %s, which decodes to %+v, %v", info, info.Element(), again, err)
		}
	})
}
