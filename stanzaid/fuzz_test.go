package stanzaid_test

import (
	"testing"

	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stanzaid"
)

// FuzzParse checks that ParseStanzaID and ParseOriginID never panic, that
// what they accept encodes to an element that decodes to the same value,
// and that StanzaID and OriginID agree with them on a message carrying
// the element.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`<stanza-id xmlns='urn:xmpp:sid:0' id='de305d54-75b4-431b-adb2-eb6b9e546013' by='room@muc.example.com'/>`,
		`<stanza-id xmlns='urn:xmpp:sid:0' id='5f3dbc5e-e1d3-4077-a492-693f3769c7ad' by='room@muc.example.com'/>`,
		`<origin-id xmlns='urn:xmpp:sid:0' id='de305d54-75b4-431b-adb2-eb6b9e546013'/>`,
		`<stanza-id xmlns='urn:xmpp:sid:0' id='x' by='@'/>`,
		`<origin-id xmlns='urn:xmpp:sid:0' id='x'>text</origin-id>`,
		`<referenced-stanza xmlns='urn:xmpp:sid:0' id='xep359-stanza-id' by='muc.example.org'/>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		m := &stanza.Message{Payloads: []*stanza.Element{e}}
		if id, err := stanzaid.ParseStanzaID(e); err == nil {
			again, err := stanzaid.ParseStanzaID(id.Element())
			if err != nil || again != id {
				t.Fatalf("%+v encodes to %s, which decodes to %+v, %v", id, id.Element(), again, err)
			}
			if got, ok := stanzaid.StanzaID(m, id.By); !ok || got != id.ID {
				t.Fatalf("ParseStanzaID = %+v but StanzaID = %q, %v", id, got, ok)
			}
		}
		oid, err := stanzaid.ParseOriginID(e)
		got, ok := stanzaid.OriginID(m)
		if (err == nil) != ok || got != oid {
			t.Fatalf("ParseOriginID = %q, %v but OriginID = %q, %v", oid, err, got, ok)
		}
		if err == nil {
			if again, err := stanzaid.ParseOriginID(stanzaid.OriginIDElement(oid)); err != nil || again != oid {
				t.Fatalf("%q encodes to %s, which decodes to %q, %v", oid, stanzaid.OriginIDElement(oid), again, err)
			}
		}
	})
}
