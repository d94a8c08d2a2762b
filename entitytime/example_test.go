package entitytime_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/entitytime"
	"github.com/xmppkit/xmpp/xmpptest"
)

// One client answers Entity Time requests, another asks it for its local
// time.
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

	// A fixed clock for the example; pass nil to answer with time.Now.
	tokyo := time.FixedZone("JST", 9*60*60)
	entitytime.Serve(alice, func() time.Time { return time.Date(2024, 4, 1, 9, 30, 0, 0, tokyo) })

	t, err := entitytime.Get(ctx, bob, alice.JID())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("alice's local time:", t.Format("2006-01-02 15:04 -07:00"))
	fmt.Println("in UTC:", t.UTC().Format(time.RFC3339))
	// Output:
	// alice's local time: 2024-04-01 09:30 +09:00
	// in UTC: 2024-04-01T00:30:00Z
}
