package disco_test

import (
	"crypto"
	"reflect"
	"testing"

	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/stanza"
)

// FuzzParseInfo checks that ParseInfo never panics, that what it accepts
// encodes to a payload that decodes to the same Info, and that Ver does
// not panic on it.
func FuzzParseInfo(f *testing.F) {
	for _, s := range []string{
		complexXML,
		`<query xmlns='http://jabber.org/protocol/disco#info'><identity category='server' type='im' name='shakespeare.lit'/><feature var='http://jabber.org/protocol/disco#info'/></query>`,
		`<query xmlns='http://jabber.org/protocol/disco#info' node='n'><identity category='a' type='b' xml:lang='en'/><identity category='a' type='b' xml:lang='de'/></query>`,
		`<query xmlns='http://jabber.org/protocol/disco#info'><identity category='a' type='b'/><identity category='a' type='b'/></query>`,
		`<query xmlns='http://jabber.org/protocol/disco#info'><identity category='a' type='b'/><feature var='f'/><feature var='f'/></query>`,
		`<query xmlns='http://jabber.org/protocol/disco#info'><identity category='a' type='b'/><x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE'><value>a</value><value>b</value></field></x></query>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		info, err := disco.ParseInfo(e)
		if err != nil {
			return
		}
		again, err := disco.ParseInfo(info.Element())
		if err != nil || !reflect.DeepEqual(again, info) {
			t.Fatalf("%+v encodes to %s, which decodes to %+v, %v", info, info.Element(), again, err)
		}
		v1, err1 := disco.Ver(info, crypto.SHA1)
		v2, err2 := disco.Ver(again, crypto.SHA1)
		if v1 != v2 || (err1 == nil) != (err2 == nil) {
			t.Fatalf("Ver differs after a round trip: %q, %v; %q, %v", v1, err1, v2, err2)
		}
	})
}

// FuzzParseItems checks that ParseItems never panics and that what it
// accepts survives a round trip.
func FuzzParseItems(f *testing.F) {
	for _, s := range []string{
		`<query xmlns='http://jabber.org/protocol/disco#items'><item jid='people.shakespeare.lit' name='Directory of Characters'/><item jid='catalog.shakespeare.lit' node='books'/></query>`,
		`<query xmlns='http://jabber.org/protocol/disco#items' node='music'/>`,
		`<query xmlns='http://jabber.org/protocol/disco#items'><item/></query>`,
		`<query xmlns='http://jabber.org/protocol/disco#items'><item jid='a@b/c'/><set xmlns='http://jabber.org/protocol/rsm'/></query>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		items, err := disco.ParseItems(e)
		if err != nil {
			return
		}
		again, err := disco.ParseItems(disco.ItemsElement(e.Attr("node"), items))
		if err != nil || len(again) != len(items) || (len(items) > 0 && !reflect.DeepEqual(again, items)) {
			t.Fatalf("%+v round-trips to %+v, %v", items, again, err)
		}
	})
}

// FuzzParseCaps checks that ParseCaps never panics and round-trips.
func FuzzParseCaps(f *testing.F) {
	f.Add(`<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='http://code.google.com/p/exodus' ver='QgayPKawpkPSDYmwT/WM94uAlu0='/>`)
	f.Add(`<c xmlns='http://jabber.org/protocol/caps' node='n' ver='1.0' ext='a b'/>`)
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		c, err := disco.ParseCaps(e)
		if err != nil {
			return
		}
		if again, err := disco.ParseCaps(c.Element()); err != nil || again != c {
			t.Fatalf("%+v round-trips to %+v, %v", c, again, err)
		}
	})
}
