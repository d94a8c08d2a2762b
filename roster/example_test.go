package roster_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/roster"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// Alice adds Bob to her roster with a name and a group, asks to see his
// presence, and Bob approves.
func Example() {
	srv, err := xmpptest.NewServer(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	dial := func(a xmpptest.Account) *xmpp.Client {
		c, err := xmpp.Dial(ctx, a.JID(), &xmpp.Options{Password: a.Password, Dial: srv.DialPipe, TLSConfig: srv.TLSConfig()})
		if err != nil {
			log.Fatal(err)
		}
		return c
	}
	alice, bob := dial(srv.Account(0)), dial(srv.Account(1))
	defer alice.Close()
	defer bob.Close()

	// Bob approves every request. Requests reach available resources
	// only, so he sends his presence.
	roster.Handle(bob, func(ctx context.Context, req roster.Request) {
		_ = roster.Approve(ctx, bob, req.From)
	})
	if err := bob.Send(ctx, stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})); err != nil {
		log.Fatal(err)
	}

	// Alice watches her roster change.
	bothWays := make(chan struct{})
	r := roster.New(alice, &roster.Options{OnChange: func(ch roster.Change) {
		it := ch.Item
		fmt.Printf("%s %q %v: subscription %s, asked %t\n", it.JID, it.Name, it.Groups, it.Subscription, it.Ask)
		if it.Subscription == roster.SubscriptionTo {
			close(bothWays)
		}
	}})
	if err := r.Load(ctx); err != nil {
		log.Fatal(err)
	}
	bobJID := jid.MustParse("bob@localhost")
	if err := r.Set(ctx, roster.Item{JID: bobJID, Name: "Bob", Groups: []string{"Friends"}}); err != nil {
		log.Fatal(err)
	}
	if err := roster.Subscribe(ctx, alice, bobJID); err != nil {
		log.Fatal(err)
	}
	select {
	case <-bothWays:
	case <-ctx.Done():
		fmt.Println("no answer from Bob")
	}
	// Output:
	// bob@localhost "Bob" [Friends]: subscription none, asked false
	// bob@localhost "Bob" [Friends]: subscription none, asked true
	// bob@localhost "Bob" [Friends]: subscription to, asked false
}
