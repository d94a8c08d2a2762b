package csi_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/csi"
	"github.com/xmppkit/xmpp/xmpptest"
)

// A client going to the background tells its server, where the server
// offers it; the in-process test server does not.
func Example() {
	srv, err := xmpptest.NewServer(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a := srv.Account(0)
	c, err := xmpp.Dial(ctx, a.JID(), &xmpp.Options{Password: a.Password, Dial: srv.DialPipe, TLSConfig: srv.TLSConfig()})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	err = csi.Inactive(ctx, c)
	fmt.Println("offered:", csi.Supported(c))
	fmt.Println("not supported:", errors.Is(err, csi.ErrNotSupported))
	// Output:
	// offered: false
	// not supported: true
}
