package markers_test

import (
	"testing"

	"github.com/xmppkit/xmpp/markers"
	"github.com/xmppkit/xmpp/stanza"
)

// FuzzParse checks that Parse never panics, that what it accepts encodes
// to an element that decodes to the same marker, and that Get agrees
// with it on a chat message carrying the element.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`<displayed xmlns='urn:xmpp:chat-markers:0' id='the-msg-1'/>`,
		`<displayed xmlns='urn:xmpp:chat-markers:0' id='39K7ZYIp'/>`,
		`<received xmlns='urn:xmpp:chat-markers:0' id='message-1'/>`,
		`<acknowledged xmlns='urn:xmpp:chat-markers:0' id='message-1'/>`,
		`<markable xmlns='urn:xmpp:chat-markers:0'/>`,
		`<displayed xmlns='urn:xmpp:chat-markers:0'><x/></displayed>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		m := &stanza.Message{Type: stanza.MessageChat, Header: stanza.Header{ID: "x"}, Payloads: []*stanza.Element{e}}
		_ = markers.IsMarkable(m)
		mk, err := markers.Parse(e)
		got, ok := markers.Get(m)
		if (err == nil) != ok || got != mk {
			t.Fatalf("Parse = %+v, %v but Get = %+v, %v", mk, err, got, ok)
		}
		if err != nil {
			return
		}
		if again, err := markers.Parse(mk.Element()); err != nil || again != mk {
			t.Fatalf("%+v encodes to %s, which decodes to %+v, %v", mk, mk.Element(), again, err)
		}
	})
}
