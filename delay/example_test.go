package delay_test

import (
	"fmt"
	"log"
	"time"

	"github.com/xmppkit/xmpp/delay"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Get tells when a message delivered from offline storage was sent.
func ExampleGet() {
	e, err := stanza.ParseElement(`<message xmlns='jabber:client' from='romeo@montague.net/orchard' to='juliet@capulet.com' type='chat'>` +
		`<body>O blessed, blessed night!</body>` +
		`<delay xmlns='urn:xmpp:delay' from='capulet.com' stamp='2002-09-10T23:08:25+02:00'>Offline Storage</delay></message>`)
	if err != nil {
		log.Fatal(err)
	}
	m, err := stanza.ParseMessage(e)
	if err != nil {
		log.Fatal(err)
	}
	if d, ok := delay.Get(m); ok {
		fmt.Printf("sent %s, delayed by %s: %s\n", d.Stamp, d.From, d.Reason)
	}
	// Output: sent 2002-09-10 21:08:25 +0000 UTC, delayed by capulet.com: Offline Storage
}

// A bot that relays a message later says when it was first received.
func ExampleDelay_Element() {
	m := stanza.NewMessage(stanza.MessageChat, jid.MustParse("juliet@capulet.com"), "relayed")
	d := delay.Delay{Stamp: time.Date(2024, 2, 29, 12, 30, 0, 0, time.UTC), From: jid.MustParse("relay.example")}
	m.Payloads = append(m.Payloads, d.Element())
	fmt.Println(m.Payloads[0])
	// Output: <delay xmlns='urn:xmpp:delay' stamp='2024-02-29T12:30:00.000Z' from='relay.example'/>
}
