package receipts_test

import (
	"context"
	"fmt"
	"log"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/receipts"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// A bot answers receipt requests from its contacts, and its user waits
// for the receipt of a message.
func ExampleTracker() {
	srv, err := xmpptest.NewServer(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	login := func(i int) *xmpp.Client {
		acct := srv.Account(i) // alice, bob, carol, dave
		c, err := xmpp.Dial(ctx, acct.JID(), &xmpp.Options{
			Password: acct.Password, Resource: "desk", Addr: srv.Addr(), TLSConfig: srv.TLSConfig(), Dial: srv.DialPipe,
		})
		if err != nil {
			log.Fatal(err)
		}
		return c
	}
	alice, bot := login(0), login(1)
	defer alice.Close()
	defer bot.Close()

	// Receipts reveal that the bot is online: answer contacts only.
	contacts := map[jid.JID]bool{alice.JID().Bare(): true}
	receipts.Serve(bot, func(from jid.JID) bool { return contacts[from.Bare()] })

	t := receipts.New(alice)
	m := stanza.NewMessage(stanza.MessageChat, bot.JID(), "ping")
	if err := t.Send(ctx, m); err != nil {
		log.Fatal(err)
	}
	if err := t.Wait(ctx, m.ID); err != nil {
		log.Fatal(err)
	}
	fmt.Println("delivered to", m.To)

	// Dave is offline, so the server bounces the message.
	m = stanza.NewMessage(stanza.MessageChat, srv.Account(3).JID(), "hello?")
	if err := t.Send(ctx, m); err != nil {
		log.Fatal(err)
	}
	fmt.Println(t.Wait(ctx, m.ID))
	// Output:
	// delivered to bob@localhost/desk
	// stanza error: cancel service-unavailable
}

// Request marks a message, giving it an id if it has none.
func ExampleRequest() {
	m := &stanza.Message{Header: stanza.Header{To: jid.MustParse("bob@localhost")}, Type: stanza.MessageChat,
		Bodies: []stanza.Text{{Value: "hi"}}}
	receipts.Request(m)
	fmt.Println(m.ID != "", receipts.Requested(m))
	// Output: true true
}
