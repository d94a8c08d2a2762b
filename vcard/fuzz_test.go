package vcard_test

import (
	"encoding/base64"
	"reflect"
	"testing"

	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/vcard"
)

// FuzzParse feeds Parse vcard-temp vCards from the network: it must not
// panic, and a Card it accepts encodes to an element that decodes to the
// same Card, and encodes the same again.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		stpeter,
		`<vCard xmlns='vcard-temp'/>`,
		`<vCard xmlns='vcard-temp'><PHOTO><TYPE>image/png</TYPE><BINVAL>` + base64.StdEncoding.EncodeToString([]byte("png")) + `</BINVAL></PHOTO></vCard>`,
		`<vCard xmlns='vcard-temp'><FN/><FN>x</FN><N/><N><GIVEN>a</GIVEN></N><ORG/><ORG><ORGUNIT/></ORG></vCard>`,
		`<vCard xmlns='vcard-temp'><TEL><HOME/><HOME/><NUMBER>1</NUMBER></TEL><EMAIL a='b'><USERID/></EMAIL><x xmlns='y'/></vCard>`,
		`<vCard xmlns='vcard-temp'><PHOTO><BINVAL>!!</BINVAL></PHOTO></vCard>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		c, err := vcard.Parse(e)
		if err != nil {
			return
		}
		enc := c.Element()
		back, err := vcard.Parse(enc)
		if err != nil {
			t.Fatalf("Parse(Element()) of %s: %v", enc, err)
		}
		if !back.Element().Equal(enc) {
			t.Errorf("encoded twice:\n%s\n%s", enc, back.Element())
		}
		back.Extra, c.Extra = nil, nil
		if !reflect.DeepEqual(back, c) {
			t.Errorf("round trip of %s:\n got %+v\nwant %+v", s, back, c)
		}
	})
}

// FuzzParse4 does the same for vCard4.
func FuzzParse4(f *testing.F) {
	for _, s := range []string{
		stpeter4,
		`<vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'/>`,
		`<vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'><fn><text/></fn><fn><text>x</text></fn><nickname><text/></nickname></vcard>`,
		`<vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'><tel><parameters><type><parameters/></type></parameters><uri>tel:1</uri></tel></vcard>`,
		`<vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'><email><parameters><pref><integer>101</integer></pref></parameters><text>a</text></email></vcard>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		c, err := vcard.Parse4(e)
		if err != nil {
			return
		}
		enc := c.Element()
		back, err := vcard.Parse4(enc)
		if err != nil {
			t.Fatalf("Parse4(Element()) of %s: %v", enc, err)
		}
		if !back.Element().Equal(enc) {
			t.Errorf("encoded twice:\n%s\n%s", enc, back.Element())
		}
		back.Extra, c.Extra = nil, nil
		if !reflect.DeepEqual(back, c) {
			t.Errorf("round trip of %s:\n got %+v\nwant %+v", s, back, c)
		}
	})
}
