package correction_test

import (
	"testing"

	"github.com/xmppkit/xmpp/correction"
	"github.com/xmppkit/xmpp/stanza"
)

// FuzzParse checks that Parse never panics, that what it accepts encodes
// to an element that decodes to the same id, and that Get agrees with it
// on a message carrying the element.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`<replace id='bad1' xmlns='urn:xmpp:message-correct:0'/>`,
		`<replace xmlns='urn:xmpp:message-correct:0' id='a&amp;b'>text</replace>`,
		`<replace xmlns='urn:xmpp:message-correct:0'><x/></replace>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		id, err := correction.Parse(e)
		got, ok := correction.Get(&stanza.Message{Payloads: []*stanza.Element{e}})
		if (err == nil) != ok || got != id {
			t.Fatalf("Parse = %q, %v but Get = %q, %v", id, err, got, ok)
		}
		if err != nil {
			return
		}
		if again, err := correction.Parse(correction.ReplaceElement(id)); err != nil || again != id {
			t.Fatalf("%q encodes to %s, which decodes to %q, %v", id, correction.ReplaceElement(id), again, err)
		}
	})
}

// FuzzValid checks that Valid never accepts a correction from another
// account, or from another occupant of a room.
func FuzzValid(f *testing.F) {
	f.Add(`<message xmlns='jabber:client' from='a@b/c' id='1' type='chat'/>`,
		`<message xmlns='jabber:client' from='a@b/d' id='2' type='chat'><replace xmlns='urn:xmpp:message-correct:0' id='1'/></message>`)
	f.Add(`<message xmlns='jabber:client' from='r@muc/n' id='1' type='groupchat'/>`,
		`<message xmlns='jabber:client' from='r@muc/m' id='2' type='groupchat'><replace xmlns='urn:xmpp:message-correct:0' id='1'/></message>`)
	f.Fuzz(func(t *testing.T, a, b string) {
		ea, err := stanza.ParseElement(a)
		if err != nil {
			return
		}
		eb, err := stanza.ParseElement(b)
		if err != nil {
			return
		}
		orig, err := stanza.ParseMessage(ea)
		if err != nil {
			return
		}
		corr, err := stanza.ParseMessage(eb)
		if err != nil {
			return
		}
		if !correction.Valid(orig, corr) {
			return
		}
		id, _ := correction.Get(corr)
		if orig.From.Bare() != corr.From.Bare() || orig.Type == stanza.MessageGroupchat && orig.From != corr.From ||
			id != orig.ID || orig.Type != corr.Type || orig.Type == stanza.MessageError {
			t.Fatalf("Valid accepted %s as a correction of %s", eb, ea)
		}
	})
}
