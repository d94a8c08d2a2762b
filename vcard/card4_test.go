package vcard_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/vcard"
)

// stpeter4 is XEP-0292's example (Server Returns vCard), with the
// properties this package types and some it keeps whole.
const stpeter4 = `<vcard xmlns="urn:ietf:params:xml:ns:vcard-4.0">
      <fn><text>Peter Saint-Andre</text></fn>
      <n><surname>Saint-Andre</surname><given>Peter</given><middle></middle></n>
      <nickname><text>stpeter</text></nickname>
      <nickname><text>psa</text></nickname>
      <photo><uri>http://me.stpeter.im/images/stpeter_oscon.jpg</uri></photo>
      <bday><date>1966-08-06</date></bday>
      <tel>
        <parameters>
          <type><text>work</text><text>voice</text></type>
          <pref><integer>1</integer></pref>
        </parameters>
        <uri>tel:+1-303-308-3282</uri>
      </tel>
      <tel>
        <parameters><type><text>home</text><text>voice</text></type></parameters>
        <uri>tel:+1-303-555-1212</uri>
      </tel>
      <url><uri>https://stpeter.im/</uri></url>
      <note>
        <text>
        More information about me is located on my
        personal website: https://stpeter.im/
        </text>
      </note>
      <lang>
        <parameters><pref>1</pref></parameters>
        <language-tag>en</language-tag>
      </lang>
      <email>
        <parameters><type><text>work</text></type></parameters>
        <text>psaintan@cisco.com</text>
      </email>
      <email><text>stpeter@jabber.org</text></email>
      <impp>
        <parameters><type><text>home</text></type></parameters>
        <uri>xmpp:stpeter@jabber.org</uri>
      </impp>
    </vcard>`

func TestParse4(t *testing.T) {
	c, err := vcard.Parse4(testkit.MustElement(t, stpeter4))
	if err != nil {
		t.Fatal(err)
	}
	want := vcard.Card4{
		FN:        "Peter Saint-Andre",
		Nicknames: []string{"stpeter", "psa"},
		Photo:     "http://me.stpeter.im/images/stpeter_oscon.jpg",
		BDay:      "1966-08-06",
		Tels: []vcard.Entry{{Value: "tel:+1-303-308-3282", Types: []string{"work", "voice"}, Pref: 1},
			{Value: "tel:+1-303-555-1212", Types: []string{"home", "voice"}}},
		URLs:   []vcard.Entry{{Value: "https://stpeter.im/"}},
		Note:   "More information about me is located on my\n        personal website: https://stpeter.im/",
		Emails: []vcard.Entry{{Value: "psaintan@cisco.com", Types: []string{"work"}}, {Value: "stpeter@jabber.org"}},
	}
	extra := c.Extra
	c.Extra = nil
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Parse4:\n got %+v\nwant %+v", c, want)
	}
	var names []string
	for _, x := range extra {
		names = append(names, x.Name.Local)
	}
	// lang's pref is not an integer element, as RFC 6351 has it: kept whole.
	if got := strings.Join(names, " "); got != "n lang impp" {
		t.Errorf("Extra: %s", got)
	}
	c.Extra = extra
	roundTrip4(t, c)
	if e := (vcard.Card4{}).Element(); e.String() != `<vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'/>` {
		t.Errorf("the zero Card4: %s", e)
	}
}

func roundTrip4(t *testing.T, c vcard.Card4) {
	t.Helper()
	back, err := vcard.Parse4(c.Element())
	if err != nil {
		t.Fatalf("Parse4(Element()): %v", err)
	}
	if !back.Element().Equal(c.Element()) {
		t.Errorf("round trip:\n got %s\nwant %s", back.Element(), c.Element())
	}
	bx, cx := back.Extra, c.Extra
	back.Extra, c.Extra = nil, nil
	if !reflect.DeepEqual(back, c) || len(bx) != len(cx) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, c)
	}
}

// TestParse4Kept: properties with what Card4 cannot hold are kept whole.
func TestParse4Kept(t *testing.T) {
	c, err := vcard.Parse4(testkit.MustElement(t, `<vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'>
		<tel><text>+1 303 555 1212</text></tel>
		<email><parameters><label><text>x</text></label></parameters><text>a@b</text></email>
		<url><parameters><pref><integer>0</integer></pref></parameters><uri>https://a/</uri></url>
		<fn><text>A</text></fn><fn><text>B</text></fn>
		<bday><date-time>1966-08-06T10:00:00Z</date-time></bday>
	</vcard>`))
	if err != nil || c.FN != "A" || len(c.Tels)+len(c.Emails)+len(c.URLs) != 0 || c.BDay != "" || len(c.Extra) != 5 {
		t.Errorf("Parse4: %+v, %v", c, err)
	}
	roundTrip4(t, c)
}

func TestParse4Refused(t *testing.T) {
	huge := "data:image/png;base64," + strings.Repeat("A", vcard.MaxPhotoBytes*4/3+2048)
	_, err := vcard.Parse4(testkit.MustElement(t, `<vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'><photo><uri>`+huge+`</uri></photo></vcard>`))
	if !errors.Is(err, vcard.ErrPhotoTooLarge) {
		t.Errorf("a photo URI too long: %v", err)
	}
	for _, s := range []string{`<vCard xmlns='vcard-temp'/>`, `<vcards xmlns='urn:ietf:params:xml:ns:vcard-4.0'/>`} {
		if _, err := vcard.Parse4(testkit.MustElement(t, s)); !errors.Is(err, vcard.ErrMalformed) {
			t.Errorf("Parse4(%s): %v", s, err)
		}
	}
}

// TestParse4Prosody: the vCard4 Prosody 0.12 makes from a vcard-temp
// (mod_vcard_legacy) puts parameters after the value and writes empty
// types; both read as RFC 6351's order would.
func TestParse4Prosody(t *testing.T) {
	c, err := vcard.Parse4(testkit.MustElement(t, `<vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'><fn><text>Alice Liddell</text></fn><nickname><text>alice</text></nickname><bday><date>1852-05-04</date></bday><url><uri>https://example.org/alice</uri></url><note><text>Curiouser and curiouser</text></note><n><surname>Liddell</surname><given>Alice</given><additional/><prefix/><suffix/></n><tel><uri>tel:+44 1865 000000</uri><parameters><type><text>home</text></type></parameters></tel><email><text>alice@example.org</text><parameters><type/></parameters></email></vcard>`))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Tels) != 1 || c.Tels[0].Value != "tel:+44 1865 000000" || !reflect.DeepEqual(c.Tels[0].Types, []string{"home"}) ||
		len(c.Emails) != 1 || c.Emails[0].Value != "alice@example.org" || len(c.Emails[0].Types) != 0 || len(c.Extra) != 1 {
		t.Errorf("Parse4: %+v", c)
	}
	roundTrip4(t, c)
}
