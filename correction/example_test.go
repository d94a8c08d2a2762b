package correction_test

import (
	"fmt"
	"log"

	"github.com/xmppkit/xmpp/correction"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// A sender corrects a typo by sending the message again with Set.
func ExampleSet() {
	juliet := jid.MustParse("juliet@capulet.net/balcony")
	bad := stanza.NewMessage(stanza.MessageChat, juliet, "But soft, what light through yonder airlock breaks?")
	good := stanza.NewMessage(stanza.MessageChat, juliet, "But soft, what light through yonder window breaks?")
	correction.Set(good, bad.ID)
	id, _ := correction.Get(good)
	fmt.Println(id == bad.ID, good.ID != bad.ID)
	// Output: true true
}

// A receiver replaces a message only with a correction from its sender.
func ExampleValid() {
	parse := func(s string) *stanza.Message {
		e, err := stanza.ParseElement(s)
		if err != nil {
			log.Fatal(err)
		}
		m, err := stanza.ParseMessage(e)
		if err != nil {
			log.Fatal(err)
		}
		return m
	}
	original := parse(`<message xmlns='jabber:client' from='coven@chat.shakespeare.lit/firstwitch' id='m1' type='groupchat'>` +
		`<body>Thrice the brinded cat hath mew'd.</body></message>`)
	for _, s := range []string{
		`<message xmlns='jabber:client' from='coven@chat.shakespeare.lit/firstwitch' id='m2' type='groupchat'>` +
			`<body>Thrice the brinded cat hath mewed.</body><replace xmlns='urn:xmpp:message-correct:0' id='m1'/></message>`,
		`<message xmlns='jabber:client' from='coven@chat.shakespeare.lit/secondwitch' id='m3' type='groupchat'>` +
			`<body>Twice the brinded cat hath mew'd.</body><replace xmlns='urn:xmpp:message-correct:0' id='m1'/></message>`,
	} {
		c := parse(s)
		fmt.Printf("%s: %v\n", c.From.Resourcepart(), correction.Valid(original, c))
	}
	// Output:
	// firstwitch: true
	// secondwitch: false
}
