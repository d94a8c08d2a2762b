package privacy_test

import (
	"slices"
	"testing"

	"github.com/xmppkit/xmpp/privacy"
	"github.com/xmppkit/xmpp/stanza"
)

// Seeds: the payloads of the XEP-0016 examples, and a few bad ones.
var fuzzSeeds = []string{
	`<query xmlns='jabber:iq:privacy'/>`,
	`<query xmlns='jabber:iq:privacy'><active name='private'/><default name='public'/><list name='public'/><list name='private'/><list name='special'/></query>`,
	`<query xmlns='jabber:iq:privacy'><list name='public'><item type='jid' value='tybalt@example.com' action='deny' order='1'/><item action='allow' order='2'/></list></query>`,
	`<query xmlns='jabber:iq:privacy'><list name='private'><item type='subscription' value='both' action='allow' order='10'/><item action='deny' order='15'/></list></query>`,
	`<query xmlns='jabber:iq:privacy'><list name='a'><item type='group' value='Enemies' action='deny' order='4'><message/><presence-in/></item></list></query>`,
	`<query xmlns='jabber:iq:privacy'><list name='public'/></query>`,
	`<query xmlns='jabber:iq:privacy'><active/></query>`,
	`<query xmlns='jabber:iq:privacy'><list name='a'><item action='deny' order='1'/><item action='deny' order='1'/></list></query>`,
}

// FuzzParseList checks that ParseList never panics and that what it
// accepts encodes to an element it decodes to the same list.
func FuzzParseList(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		l, err := privacy.ParseList(e)
		if err != nil {
			return
		}
		enc, err := l.Element()
		if err != nil {
			t.Fatalf("encode %+v: %v", l, err)
		}
		back, err := privacy.ParseList(enc)
		if err != nil || !equalLists(back, l) {
			t.Fatalf("round trip of %+v: %+v, %v", l, back, err)
		}
	})
}

// FuzzParseSummary checks that ParseSummary never panics and that what it
// accepts encodes to an element it decodes to the same summary.
func FuzzParseSummary(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		sum, err := privacy.ParseSummary(e)
		if err != nil {
			return
		}
		enc, err := sum.Element()
		if err != nil {
			t.Fatalf("encode %+v: %v", sum, err)
		}
		back, err := privacy.ParseSummary(enc)
		if err != nil || back.Active != sum.Active || back.Default != sum.Default || !slices.Equal(back.Lists, sum.Lists) {
			t.Fatalf("round trip of %+v: %+v, %v", sum, back, err)
		}
	})
}
