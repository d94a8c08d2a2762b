package blocking_test

import (
	"slices"
	"testing"

	"github.com/xmppkit/xmpp/blocking"
	"github.com/xmppkit/xmpp/stanza"
)

// Seeds: the payloads of the XEP-0191 examples, and a few bad ones.
var fuzzSeeds = []string{
	`<blocklist xmlns='urn:xmpp:blocking'/>`,
	`<blocklist xmlns='urn:xmpp:blocking'><item jid='romeo@montague.net'/><item jid='iago@shakespeare.lit'/></blocklist>`,
	`<block xmlns='urn:xmpp:blocking'><item jid='romeo@montague.net'/></block>`,
	`<unblock xmlns='urn:xmpp:blocking'><item jid='romeo@montague.net'/></unblock>`,
	`<unblock xmlns='urn:xmpp:blocking'/>`,
	`<block xmlns='urn:xmpp:blocking'/>`,
	`<block xmlns='urn:xmpp:blocking'><item jid='example.com/x'>t</item></block>`,
	`<blocklist xmlns='urn:xmpp:blocking'><item/><x xmlns='y'/></blocklist>`,
}

// FuzzParseBlocklist checks that ParseBlocklist never panics and that what
// it accepts encodes to an element it decodes to the same JIDs.
func FuzzParseBlocklist(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		got, err := blocking.ParseBlocklist(e)
		if err != nil {
			return
		}
		enc, err := blocking.BlocklistElement(got)
		if err != nil {
			t.Fatalf("encode %v: %v", got, err)
		}
		back, err := blocking.ParseBlocklist(enc)
		if err != nil || !slices.Equal(back, got) {
			t.Fatalf("round trip of %v: %v, %v", got, back, err)
		}
	})
}

// FuzzParseCommand checks that ParseCommand never panics and that what it
// accepts encodes to an element it decodes to the same command.
func FuzzParseCommand(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		got, err := blocking.ParseCommand(e)
		if err != nil {
			return
		}
		enc, err := got.Element()
		if err != nil {
			t.Fatalf("encode %+v: %v", got, err)
		}
		back, err := blocking.ParseCommand(enc)
		if err != nil || back.Op != got.Op || !slices.Equal(back.JIDs, got.JIDs) {
			t.Fatalf("round trip of %+v: %+v, %v", got, back, err)
		}
	})
}
