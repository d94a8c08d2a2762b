package stanzaid_test

import (
	"fmt"
	"log"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stanzaid"
)

// StanzaID believes only the entity it is asked about. Here bob forged a
// stanza-id in the name of alice's account and sent it through a server
// that strips such forgeries, which then added its own; the room's id is
// ignored, as this is not a groupchat message from that room.
func ExampleStanzaID() {
	e, err := stanza.ParseElement(`<message xmlns='jabber:client' from='bob@localhost/home' to='alice@localhost/phone' type='chat'>` +
		`<body>hi</body>` +
		`<stanza-id xmlns='urn:xmpp:sid:0' id='from-the-room' by='room@conference.localhost'/>` +
		`<stanza-id xmlns='urn:xmpp:sid:0' id='1795624528071632' by='alice@localhost'/>` +
		`<origin-id xmlns='urn:xmpp:sid:0' id='chosen-by-bob'/></message>`)
	if err != nil {
		log.Fatal(err)
	}
	m, err := stanza.ParseMessage(e)
	if err != nil {
		log.Fatal(err)
	}
	own := jid.MustParse("alice@localhost/phone").Bare() // in a client: c.JID().Bare()
	fmt.Println(stanzaid.StanzaID(m, own))
	fmt.Println(stanzaid.OriginID(m))
	// Output:
	// 1795624528071632 true
	// chosen-by-bob true
}

// AddOriginID lets a client recognise its own message when a room
// reflects it.
func ExampleAddOriginID() {
	m := stanza.NewMessage(stanza.MessageGroupchat, jid.MustParse("room@conference.localhost"), "hello")
	id := stanzaid.AddOriginID(m)
	got, _ := stanzaid.OriginID(m)
	fmt.Println(got == id, len(id))
	// Output: true 16
}
