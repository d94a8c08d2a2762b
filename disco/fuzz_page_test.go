package disco_test

import (
	"reflect"
	"testing"

	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/stanza"
)

// FuzzParseItemsPage checks that ParseItemsPage never panics and that
// what it accepts encodes to a payload that decodes to the same page.
func FuzzParseItemsPage(f *testing.F) {
	for _, s := range []string{
		`<query xmlns='http://jabber.org/protocol/disco#items'><item jid='a@b' name='A'/><set xmlns='http://jabber.org/protocol/rsm'><first index='0'>a</first><last>a</last><count>9</count></set></query>`,
		`<query xmlns='http://jabber.org/protocol/disco#items'><set xmlns='http://jabber.org/protocol/rsm'><count>5</count></set></query>`,
		`<query xmlns='http://jabber.org/protocol/disco#items' node='n'><item jid='a@b' node='x'/></query>`,
		`<query xmlns='http://jabber.org/protocol/disco#items'><set xmlns='http://jabber.org/protocol/rsm'/><set xmlns='http://jabber.org/protocol/rsm'/></query>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		p, err := disco.ParseItemsPage(e)
		if err != nil {
			return
		}
		again, err := disco.ParseItemsPage(p.Element(e.Attr("node")))
		if err != nil || !reflect.DeepEqual(again, p) {
			t.Fatalf("%+v encodes to %s, which decodes to %+v, %v", p, p.Element(""), again, err)
		}
	})
}
