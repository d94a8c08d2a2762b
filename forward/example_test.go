package forward_test

import (
	"fmt"
	"log"
	"time"

	"github.com/xmppkit/xmpp/delay"
	"github.com/xmppkit/xmpp/forward"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Parse reads the message an archive or another resource forwarded, and
// when it was first received.
func ExampleParse() {
	e, err := stanza.ParseElement(`<forwarded xmlns='urn:xmpp:forward:0'>` +
		`<delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/>` +
		`<message xmlns='jabber:client' from='juliet@capulet.lit/orchard' to='romeo@montague.lit' type='chat'>` +
		`<body>Yet I should kill thee with much cherishing.</body></message></forwarded>`)
	if err != nil {
		log.Fatal(err)
	}
	f, err := forward.Parse(e)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s at %s: %s\n", f.Message.From, f.Delay.Stamp, f.Message.Body())
	// Output: juliet@capulet.lit/orchard at 2010-07-10 23:08:25 +0000 UTC: Yet I should kill thee with much cherishing.
}

// Element forwards a message; the stamp is written to the millisecond.
func ExampleForwarded_Element() {
	m := &stanza.Message{
		Header: stanza.Header{From: jid.MustParse("juliet@capulet.lit/orchard"), To: jid.MustParse("romeo@montague.lit"), ID: "0202197"},
		Type:   stanza.MessageChat, Bodies: []stanza.Text{{Value: "hi"}},
	}
	f := forward.Forwarded{
		Delay:   delay.Delay{Stamp: time.Date(2010, 7, 10, 23, 8, 25, 123456789, time.UTC)},
		Message: m,
	}
	fmt.Println(f.Element())
	// Output: <forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25.123Z'/><message xmlns='jabber:client' to='romeo@montague.lit' from='juliet@capulet.lit/orchard' id='0202197' type='chat'><body>hi</body></message></forwarded>
}
