package lastactivity_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/lastactivity"
	"github.com/xmppkit/xmpp/xmpptest"
)

// One client tells how long its user has been idle; another asks it.
func Example() {
	srv, err := xmpptest.NewServer(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	login := func(i int) *xmpp.Client {
		a := srv.Account(i)
		c, err := xmpp.Dial(ctx, a.JID(), &xmpp.Options{Password: a.Password, Dial: srv.DialPipe, TLSConfig: srv.TLSConfig()})
		if err != nil {
			log.Fatal(err)
		}
		return c
	}
	alice, bob := login(0), login(1)
	defer alice.Close()
	defer bob.Close()

	// An application returns the time since the user's last input, as in
	// time.Since(lastInput); here a fixed 90 seconds.
	lastactivity.Serve(alice, func() time.Duration { return 90 * time.Second })

	info, err := lastactivity.Get(ctx, bob, alice.JID())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("alice idle for", info.Elapsed)
	// Output:
	// alice idle for 1m30s
}
