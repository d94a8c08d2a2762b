package nick_test

import (
	"fmt"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pep/nick"
	"github.com/xmppkit/xmpp/stanza"
)

// A subscription request that says who asks, and how a receiver shows
// it: the nickname beside the address, never instead of it.
func ExampleGet() {
	req := stanza.NewPresence(stanza.PresenceSubscribe, jid.MustParse("juliet@example.com"))
	req.From = jid.MustParse("romeo@example.net")
	req.Payloads = append(req.Payloads, nick.Element("Romeo"))

	if n, ok := nick.Get(req.Payloads); ok {
		fmt.Printf("%s (%s) asks to see your presence\n", n, req.From)
	}
	// Output:
	// Romeo (romeo@example.net) asks to see your presence
}
