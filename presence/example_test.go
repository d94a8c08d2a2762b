package presence_test

import (
	"context"
	"fmt"
	"log"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/presence"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// Alice follows Bob's presence with a Tracker: she asks to subscribe,
// Bob's client approves, and Alice sees Bob's resources come and go.
func Example() {
	srv, err := xmpptest.NewServer(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	login := func(i int, resource string) *xmpp.Client {
		acct := srv.Account(i) // alice, bob, ...
		c, err := xmpp.Dial(ctx, acct.JID(), &xmpp.Options{
			Password: acct.Password, Resource: resource,
			Addr: srv.Addr(), TLSConfig: srv.TLSConfig(), Dial: srv.DialPipe,
		})
		if err != nil {
			log.Fatal(err)
		}
		return c
	}
	alice, bob := login(0, "desk"), login(1, "phone")
	defer alice.Close()

	// Bob approves every subscription request.
	bob.HandlePresence(xmpp.Route{}, func(ctx context.Context, p *stanza.Presence) {
		if p.Type == stanza.PresenceSubscribe {
			_ = bob.Send(ctx, stanza.NewPresence(stanza.PresenceSubscribed, p.From.Bare()))
		}
	})
	if err := presence.Available(ctx, bob, stanza.ShowAway, "At lunch", 5); err != nil {
		log.Fatal(err)
	}

	// Alice starts her Tracker before her initial presence, which brings
	// her the presence of her contacts.
	tracker := presence.New(alice)
	changes := make(chan presence.Change, 10)
	tracker.OnChange(func(ch presence.Change) { changes <- ch })
	if err := presence.Available(ctx, alice, "", "", 0); err != nil {
		log.Fatal(err)
	}
	if err := alice.Send(ctx, stanza.NewPresence(stanza.PresenceSubscribe, bob.JID().Bare())); err != nil {
		log.Fatal(err)
	}

	ch := <-changes
	fmt.Println(ch.Kind, ch.JID, ch.Resource.Show, ch.Resource.Status)
	if best, ok := tracker.Best(bob.JID().Bare()); ok {
		fmt.Println("best:", best.JID, "priority", best.Priority)
	}

	bob.Close()
	ch = <-changes
	fmt.Println(ch.Kind, ch.JID)
	fmt.Println("bob available:", tracker.Available(bob.JID().Bare()))
	// Output:
	// available bob@localhost/phone away At lunch
	// best: bob@localhost/phone priority 5
	// unavailable bob@localhost/phone
	// bob available: false
}
