package hints_test

import (
	"fmt"

	"github.com/xmppkit/xmpp/hints"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// A monitoring bot's alerts are worthless later: ask servers not to
// store them.
func ExampleAdd() {
	m := stanza.NewMessage(stanza.MessageChat, jid.MustParse("ops@example.org"), "disk 91% full")
	hints.Add(m, hints.NoStore)
	fmt.Println(hints.Has(m, hints.NoStore), hints.Has(m, hints.NoCopy))
	fmt.Println(m.Payloads[0])
	// Output:
	// true false
	// <no-store xmlns='urn:xmpp:hints'/>
}
