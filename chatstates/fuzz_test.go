package chatstates_test

import (
	"testing"

	"github.com/xmppkit/xmpp/chatstates"
	"github.com/xmppkit/xmpp/stanza"
)

// FuzzParse checks that Parse never panics, that what it accepts encodes
// to an element that decodes to the same state, and that Get agrees with
// it on a chat message carrying the element.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`<active xmlns='http://jabber.org/protocol/chatstates'/>`,
		`<composing xmlns='http://jabber.org/protocol/chatstates'/>`,
		`<paused xmlns='http://jabber.org/protocol/chatstates'/>`,
		`<inactive xmlns='http://jabber.org/protocol/chatstates'/>`,
		`<gone xmlns='http://jabber.org/protocol/chatstates'/>`,
		`<active xmlns='http://jabber.org/protocol/chatstates'>x<y/></active>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		st, err := chatstates.Parse(e)
		got, ok := chatstates.Get(&stanza.Message{Type: stanza.MessageChat, Payloads: []*stanza.Element{e}})
		if (err == nil) != ok || got != st {
			t.Fatalf("Parse = %q, %v but Get = %q, %v", st, err, got, ok)
		}
		if err != nil {
			return
		}
		if again, err := chatstates.Parse(st.Element()); err != nil || again != st {
			t.Fatalf("%q encodes to %s, which decodes to %q, %v", st, st.Element(), again, err)
		}
	})
}
