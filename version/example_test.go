package version_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/version"
	"github.com/xmppkit/xmpp/xmpptest"
)

// One client answers Software Version requests, another asks it.
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

	// The operating system stays private unless OS is set.
	version.Serve(alice, version.Info{Name: "Example Bot", Version: "1.2.3"})

	info, err := version.Get(ctx, bob, alice.JID())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s %s, os %q\n", info.Name, info.Version, info.OS)
	// Output:
	// Example Bot 1.2.3, os ""
}
