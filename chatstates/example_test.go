package chatstates_test

import (
	"context"
	"fmt"
	"log"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/chatstates"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// Alice types, pauses, and sends her message; bob's client shows what
// she is doing.
func Example() {
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
	alice, bob := login(0), login(1)
	defer alice.Close()
	defer bob.Close()

	done := make(chan struct{})
	chatstates.Handle(bob, func(ctx context.Context, m *stanza.Message, s chatstates.State) {
		if m.Body() == "" {
			fmt.Printf("alice is %s\n", s)
			return
		}
		fmt.Printf("alice (%s): %s\n", s, m.Body())
		close(done)
	})

	for _, s := range []chatstates.State{chatstates.Composing, chatstates.Paused, chatstates.Composing} {
		if err := alice.Send(ctx, chatstates.Notification(bob.JID(), s)); err != nil {
			log.Fatal(err)
		}
	}
	m := stanza.NewMessage(stanza.MessageChat, bob.JID(), "Who's there?")
	chatstates.Set(m, chatstates.Active) // every content message says active
	if err := alice.Send(ctx, m); err != nil {
		log.Fatal(err)
	}
	<-done
	// Output:
	// alice is composing
	// alice is paused
	// alice is composing
	// alice (active): Who's there?
}
