package receipts_test

import (
	"testing"

	"github.com/xmppkit/xmpp/receipts"
	"github.com/xmppkit/xmpp/stanza"
)

// FuzzParseReceived checks that ParseReceived never panics, that what it
// accepts encodes to a payload that decodes to the same id, and that
// Received agrees with it on a message carrying the element.
func FuzzParseReceived(f *testing.F) {
	for _, s := range []string{
		`<received xmlns='urn:xmpp:receipts' id='richard2-4.1.247'/>`,
		`<received xmlns='urn:xmpp:receipts'/>`,
		`<received xmlns='urn:xmpp:receipts' id='a&amp;b'>text</received>`,
		`<received xmlns='urn:xmpp:receipts' id='x'><y/></received>`,
		`<request xmlns='urn:xmpp:receipts'/>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		m := &stanza.Message{Payloads: []*stanza.Element{e}}
		rid, ok := receipts.Received(m)
		_ = receipts.Requested(m)
		id, err := receipts.ParseReceived(e)
		if (err == nil) != ok || rid != id {
			t.Fatalf("ParseReceived = %q, %v but Received = %q, %v", id, err, rid, ok)
		}
		if err != nil {
			return
		}
		again, err := receipts.ParseReceived(receipts.ReceivedElement(id))
		if err != nil || again != id {
			t.Fatalf("%q encodes to %s, which decodes to %q, %v", id, receipts.ReceivedElement(id), again, err)
		}
	})
}
