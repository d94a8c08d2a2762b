package avatar_test

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/xmppkit/xmpp/pep/avatar"
	"github.com/xmppkit/xmpp/stanza"
)

// FuzzParseMetadata feeds ParseMetadata metadata from the network: it
// must not panic, and what it accepts has valid ids and survives a round
// trip.
func FuzzParseMetadata(f *testing.F) {
	for _, s := range []string{
		xepMetadata, xepMultiple,
		`<metadata xmlns='urn:xmpp:avatar:metadata'/>`,
		`<metadata xmlns='urn:xmpp:avatar:metadata'><stop/></metadata>`,
		`<metadata xmlns='urn:xmpp:avatar:metadata'><info bytes='1' id='111F4B3C50D7B0DF729D299BC6F8E9EF9066971F' type='a' width='65536'/></metadata>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		md, err := avatar.ParseMetadata(e)
		if err != nil {
			return
		}
		for _, in := range md.Infos {
			if !avatar.IsHash(in.ID) || in.Type == "" || in.Bytes < 0 {
				t.Errorf("accepted %+v from %s", in, s)
			}
		}
		back, err := avatar.ParseMetadata(md.Element())
		if err != nil || !reflect.DeepEqual(back.Infos, md.Infos) || len(back.Pointers) != len(md.Pointers) {
			t.Errorf("round trip of %s: %+v, %v", s, back, err)
		}
	})
}

// FuzzParseData feeds ParseData avatar data: it must not panic, never
// return more than the limit, and what it decodes encodes back to the
// same bytes.
func FuzzParseData(f *testing.F) {
	for _, s := range []string{
		`<data xmlns='urn:xmpp:avatar:data'>qANQR1DBwU4DX7jmYZnncm</data>`,
		`<data xmlns='urn:xmpp:avatar:data'> YWJj&#xD;&#xA;ZGVm </data>`,
		`<data xmlns='urn:xmpp:avatar:data'>YQ==</data>`,
		`<data xmlns='urn:xmpp:avatar:data'>YQ=Q</data>`,
	} {
		f.Add(s, 4)
	}
	f.Fuzz(func(t *testing.T, s string, limit int) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		data, err := avatar.ParseData(e, limit)
		if err != nil {
			if !errors.Is(err, avatar.ErrMalformed) && !errors.Is(err, avatar.ErrTooLarge) {
				t.Errorf("an untyped error: %v", err)
			}
			return
		}
		if limit > 0 && len(data) > limit || len(data) > avatar.MaxBytes {
			t.Errorf("%d bytes past the limit %d", len(data), limit)
		}
		back, err := avatar.ParseData(avatar.DataElement(data), 0)
		if err != nil || !bytes.Equal(back, data) {
			t.Errorf("round trip: %v", err)
		}
	})
}

// FuzzParseVCardHash feeds ParseVCardHash presence elements: it must
// not panic, and what it accepts survives a round trip.
func FuzzParseVCardHash(f *testing.F) {
	for _, s := range []string{
		`<x xmlns='vcard-temp:x:update'><photo>01b87fcd030b72895ff8e88db57ec525450f000d</photo></x>`,
		`<x xmlns='vcard-temp:x:update'><photo/></x>`,
		`<x xmlns='vcard-temp:x:update'/>`,
		`<x xmlns='vcard-temp:x:update'><photo>x</photo><photo/></x>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		h, err := avatar.ParseVCardHash(e)
		if err != nil {
			return
		}
		if h.Hash != "" && (!h.Known || !avatar.IsHash(h.Hash)) {
			t.Errorf("accepted %+v from %s", h, s)
		}
		if back, err := avatar.ParseVCardHash(h.Element()); err != nil || back != h {
			t.Errorf("round trip of %+v: %+v, %v", h, back, err)
		}
	})
}
