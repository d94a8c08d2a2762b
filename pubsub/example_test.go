package pubsub_test

import (
	"fmt"

	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/stanza"
)

// The event a subscriber's node handler gets for a publication: the
// service's address in From, the items with their payloads.
func ExampleParseEvent() {
	m, err := stanza.ParseElement(`<message xmlns='jabber:client' from='pubsub.example.org' to='bob@example.org' type='headline'>
		<event xmlns='http://jabber.org/protocol/pubsub#event'>
			<items node='news'>
				<item id='ae890ac52d0df67ed7cfdf51b644e901'><entry xmlns='http://www.w3.org/2005/Atom'><title>Soliloquy</title></entry></item>
			</items>
		</event>
	</message>`)
	if err != nil {
		panic(err)
	}
	msg, err := stanza.ParseMessage(m)
	if err != nil {
		panic(err)
	}
	ev, err := pubsub.ParseEvent(msg)
	if err != nil {
		panic(err)
	}
	fmt.Println(ev.Kind, ev.Node, "from", ev.From)
	for _, it := range ev.Items {
		fmt.Println(it.ID, it.Payload.ChildText("http://www.w3.org/2005/Atom", "title"))
	}
	// Output:
	// items news from pubsub.example.org
	// ae890ac52d0df67ed7cfdf51b644e901 Soliloquy
}
