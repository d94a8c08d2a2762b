package vcard_test

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/vcard"
	"github.com/xmppkit/xmpp/xmpptest"
)

// stpeter is XEP-0054's example 2 (Server Returns vCard).
const stpeter = `<vCard xmlns='vcard-temp'>
    <FN>Peter Saint-Andre</FN>
    <N><FAMILY>Saint-Andre</FAMILY><GIVEN>Peter</GIVEN><MIDDLE/></N>
    <NICKNAME>stpeter</NICKNAME>
    <URL>http://www.xmpp.org/xsf/people/stpeter.shtml</URL>
    <BDAY>1966-08-06</BDAY>
    <ORG><ORGNAME>XMPP Standards Foundation</ORGNAME><ORGUNIT/></ORG>
    <TITLE>Executive Director</TITLE>
    <ROLE>Patron Saint</ROLE>
    <TEL><WORK/><VOICE/><NUMBER>303-308-3282</NUMBER></TEL>
    <TEL><WORK/><FAX/><NUMBER/></TEL>
    <ADR>
      <WORK/>
      <EXTADD>Suite 600</EXTADD>
      <STREET>1899 Wynkoop Street</STREET>
      <LOCALITY>Denver</LOCALITY>
      <REGION>CO</REGION>
      <PCODE>80202</PCODE>
      <CTRY>USA</CTRY>
    </ADR>
    <EMAIL><INTERNET/><PREF/><USERID>stpeter@jabber.org</USERID></EMAIL>
    <JABBERID>stpeter@jabber.org</JABBERID>
    <DESC>
      More information about me is located on my
      personal website: http://www.saint-andre.com/
    </DESC>
  </vCard>`

func mustParse(t *testing.T, s string) vcard.Card {
	t.Helper()
	c, err := vcard.Parse(testkit.MustElement(t, s))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return c
}

// roundTrip checks that c encodes to what decodes to c again.
func roundTrip(t *testing.T, c vcard.Card) {
	t.Helper()
	back, err := vcard.Parse(c.Element())
	if err != nil {
		t.Fatalf("Parse(Element()): %v", err)
	}
	if !back.Element().Equal(c.Element()) || !reflect.DeepEqual(strip(back), strip(c)) {
		t.Errorf("round trip:\n got %s\nwant %s", back.Element(), c.Element())
	}
}

// strip is c without Extra, whose elements compare with Equal.
func strip(c vcard.Card) vcard.Card { c.Extra = nil; return c }

func TestParseXEP0054(t *testing.T) {
	c := mustParse(t, stpeter)
	want := vcard.Card{
		FN:       "Peter Saint-Andre",
		N:        vcard.Name{Family: "Saint-Andre", Given: "Peter"},
		Nickname: "stpeter",
		URL:      "http://www.xmpp.org/xsf/people/stpeter.shtml",
		BDay:     "1966-08-06",
		Org:      vcard.Org{Name: "XMPP Standards Foundation", Units: []string{""}},
		Title:    "Executive Director",
		Role:     "Patron Saint",
		Tels:     []vcard.Tel{{Types: []string{"WORK", "VOICE"}, Number: "303-308-3282"}, {Types: []string{"WORK", "FAX"}}},
		Addresses: []vcard.Address{{Types: []string{"WORK"}, ExtAdd: "Suite 600", Street: "1899 Wynkoop Street",
			Locality: "Denver", Region: "CO", PCode: "80202", Country: "USA"}},
		Emails:   []vcard.Email{{Types: []string{"INTERNET", "PREF"}, Address: "stpeter@jabber.org"}},
		JabberID: "stpeter@jabber.org",
		Desc:     "More information about me is located on my\n      personal website: http://www.saint-andre.com/",
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Parse:\n got %+v\nwant %+v", c, want)
	}
	roundTrip(t, c)
	if e := (vcard.Card{}).Element(); e.String() != `<vCard xmlns='vcard-temp'/>` {
		t.Errorf("the zero Card: %s", e)
	}
}

// TestExtraKept: what the typed fields cannot hold exactly comes back
// unchanged from a read-modify-write.
func TestExtraKept(t *testing.T) {
	in := `<vCard xmlns='vcard-temp'>
		<FN>Juliet</FN><FN>Juliet Capulet</FN>
		<LOGO><EXTVAL>https://capulet.lit/logo.png</EXTVAL></LOGO>
		<GEO><LAT>45.44</LAT><LON>10.99</LON></GEO>
		<TEL><HOME/><SATELLITE/><NUMBER>1</NUMBER></TEL>
		<TEL><CELL/><NUMBER>2</NUMBER></TEL>
		<URL lang='it'>https://capulet.lit/</URL>
		<x xmlns='urn:example:private'><secret>balcony</secret></x>
		<N><GIVEN>Juliet</GIVEN><NICKNAME>no</NICKNAME></N>
	</vCard>`
	c := mustParse(t, in)
	if c.FN != "Juliet" || len(c.Tels) != 1 || c.Tels[0].Number != "2" || c.URL != "" || c.N != (vcard.Name{}) {
		t.Errorf("typed fields: %+v", c)
	}
	var names []string
	for _, x := range c.Extra {
		names = append(names, x.Name.Local)
	}
	if got := strings.Join(names, " "); got != "FN LOGO GEO TEL URL x N" {
		t.Errorf("Extra: %s", got)
	}
	c.Nickname = "Jules"
	back := mustParse(t, c.Element().String())
	if back.Nickname != "Jules" || len(back.Extra) != len(c.Extra) {
		t.Fatalf("after a change: %+v", back)
	}
	for i := range c.Extra {
		if !back.Extra[i].Equal(c.Extra[i]) {
			t.Errorf("Extra[%d]: %s, want %s", i, back.Extra[i], c.Extra[i])
		}
	}
	roundTrip(t, c)
}

func TestPhoto(t *testing.T) {
	img := bytes.Repeat([]byte{0x89, 'P', 'N', 'G', 0, 1, 2}, 100)
	b64 := base64.StdEncoding.EncodeToString(img)
	// Wrapped at 76 characters with CR LF and indented, as RFC 2045 and
	// a pretty printer would.
	var wrapped strings.Builder
	for i := 0; i < len(b64); i += 76 {
		wrapped.WriteString("\r\n    " + b64[i:min(i+76, len(b64))])
	}
	c := mustParse(t, `<vCard xmlns='vcard-temp'><PHOTO><TYPE>image/png</TYPE><BINVAL>`+wrapped.String()+"\n  </BINVAL></PHOTO></vCard>")
	if c.Photo == nil || c.Photo.Type != "image/png" || !bytes.Equal(c.Photo.Data, img) {
		t.Fatalf("photo: %+v", c.Photo)
	}
	if h := c.PhotoHash(); h != fmt.Sprintf("%x", sha1.Sum(img)) {
		t.Errorf("PhotoHash: %s", h)
	}
	roundTrip(t, c)
	unpadded := mustParse(t, `<vCard xmlns='vcard-temp'><PHOTO><BINVAL>`+strings.TrimRight(base64.StdEncoding.EncodeToString([]byte("ab")), "=")+`</BINVAL></PHOTO></vCard>`)
	if string(unpadded.Photo.Data) != "ab" {
		t.Errorf("unpadded base64: %q", unpadded.Photo.Data)
	}
	ext := mustParse(t, `<vCard xmlns='vcard-temp'><PHOTO><EXTVAL>https://example.org/me.png</EXTVAL></PHOTO></vCard>`)
	if ext.Photo.URL != "https://example.org/me.png" || ext.PhotoHash() != "" {
		t.Errorf("EXTVAL: %+v", ext.Photo)
	}
	if (vcard.Card{}).PhotoHash() != "" {
		t.Error("a Card without photo has a hash")
	}
}

func TestPhotoRefused(t *testing.T) {
	at := base64.StdEncoding.EncodeToString(make([]byte, vcard.MaxPhotoBytes))
	if c, err := vcard.Parse(testkit.MustElement(t, `<vCard xmlns='vcard-temp'><PHOTO><BINVAL>`+at+`</BINVAL></PHOTO></vCard>`)); err != nil || len(c.Photo.Data) != vcard.MaxPhotoBytes {
		t.Errorf("a photo of MaxPhotoBytes: %v", err)
	}
	over := base64.StdEncoding.EncodeToString(make([]byte, vcard.MaxPhotoBytes+1))
	// Counted before decoding: characters that are not base64 do not
	// change the verdict.
	overBad := strings.Repeat("!", len(over))
	for _, s := range []string{over, overBad} {
		_, err := vcard.Parse(testkit.MustElement(t, `<vCard xmlns='vcard-temp'><PHOTO><BINVAL>`+s+`</BINVAL></PHOTO></vCard>`))
		if !errors.Is(err, vcard.ErrPhotoTooLarge) || errors.Is(err, vcard.ErrMalformed) {
			t.Errorf("a photo of MaxPhotoBytes+1: %v", err)
		}
	}
	for _, s := range []string{"!!!!", "QUJD=A==", "A"} {
		_, err := vcard.Parse(testkit.MustElement(t, `<vCard xmlns='vcard-temp'><PHOTO><BINVAL>`+s+`</BINVAL></PHOTO></vCard>`))
		var ce base64.CorruptInputError
		if !errors.Is(err, vcard.ErrMalformed) || !errors.As(err, &ce) {
			t.Errorf("BINVAL %q: %v", s, err)
		}
	}
	for _, s := range []string{`<vcard xmlns='vcard-temp'/>`, `<vCard xmlns='urn:ietf:params:xml:ns:vcard-4.0'/>`} {
		if _, err := vcard.Parse(testkit.MustElement(t, s)); !errors.Is(err, vcard.ErrMalformed) {
			t.Errorf("Parse(%s): %v", s, err)
		}
	}
}

// store is a fake vcard-temp service of the in-process server: one vCard
// per account, item-not-found before the first Set.
type store struct {
	mu    sync.Mutex
	cards map[string]*stanza.Element
	sets  int
}

func serveVCards(srv *xmpptest.Server) *store {
	s := &store{cards: make(map[string]*stanza.Element)}
	srv.HandleIQ(stanza.IQGet, vcard.NS, "vCard", func(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if e := s.cards[iq.From.Bare().String()]; e != nil {
			return e, nil
		}
		return nil, stanza.NewError(stanza.ErrItemNotFound, "")
	})
	srv.HandleIQ(stanza.IQSet, vcard.NS, "vCard", func(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.sets++
		s.cards[iq.From.Bare().String()] = iq.Payload
		return nil, nil
	})
	return s
}

// TestGetSet: Get and Set against a scripted server: no vCard yet is
// the zero Card, what Set stores Get returns, SetPhoto keeps the rest,
// and a photo over the limit is never sent.
func TestGetSet(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	st := serveVCards(srv)
	c := testkit.Login(t, srv, 0, "")
	ctx := testkit.Ctx(t)
	if card, err := vcard.Get(ctx, c, jid.JID{}); err != nil || !reflect.DeepEqual(card, vcard.Card{}) {
		t.Fatalf("Get before Set: %+v, %v", card, err)
	}
	want := mustParse(t, stpeter)
	if err := vcard.Set(ctx, c, want); err != nil {
		t.Fatal(err)
	}
	got, err := vcard.Get(ctx, c, jid.JID{})
	if err != nil || !got.Element().Equal(want.Element()) {
		t.Fatalf("Get: %v\n got %s\nwant %s", err, got.Element(), want.Element())
	}
	card, err := vcard.SetPhoto(ctx, c, &vcard.Photo{Type: "image/png", Data: []byte("png")})
	if err != nil || card.FN != want.FN || card.PhotoHash() != fmt.Sprintf("%x", sha1.Sum([]byte("png"))) {
		t.Fatalf("SetPhoto: %+v, %v", card, err)
	}
	got, err = vcard.Get(ctx, c, jid.JID{})
	if err != nil || got.FN != want.FN || got.Photo == nil || string(got.Photo.Data) != "png" {
		t.Errorf("after SetPhoto: %+v, %v", got, err)
	}
	sets := st.sets
	err = vcard.Set(ctx, c, vcard.Card{Photo: &vcard.Photo{Data: make([]byte, vcard.MaxPhotoBytes+1)}})
	if !errors.Is(err, vcard.ErrPhotoTooLarge) || st.sets != sets {
		t.Errorf("Set of a photo too large: %v (%d sets)", err, st.sets-sets)
	}
}

// TestGetRefused: a stanza error other than item-not-found comes back
// as the *stanza.Error.
func TestGetRefused(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	c := testkit.Login(t, srv, 0, "")
	_, err := vcard.Get(testkit.Ctx(t), c, srv.Account(1).JID())
	var se *stanza.Error
	if !errors.Is(err, stanza.ErrServiceUnavailable) || !errors.As(err, &se) {
		t.Errorf("Get of an account whose server has no vCards: %v", err)
	}
}
