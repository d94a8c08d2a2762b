package disco_test

import (
	"context"
	"crypto"
	"fmt"
	"log"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/xmpptest"
)

// A bot answers service discovery; another client asks what it is and
// what it supports.
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
	bot, user := login(0), login(1)
	defer bot.Close()
	defer user.Close()

	// The bot answers with its identity, the features its packages
	// advertise, and XEP-0232 software information.
	s := disco.Serve(bot, &disco.ServeOptions{Identities: []disco.Identity{{Category: "client", Type: "bot", Name: "Example Bot"}}})
	bot.Advertise("urn:xmpp:receipts")
	sw := form.New(form.TypeResult, "urn:xmpp:dataforms:softwareinfo")
	if err := sw.SetString("software", "Example Bot"); err != nil {
		log.Fatal(err)
	}
	if err := s.AddForm(sw); err != nil {
		log.Fatal(err)
	}

	info, err := disco.GetInfo(ctx, user, bot.JID(), "")
	if err != nil {
		log.Fatal(err)
	}
	software, _ := info.Form("urn:xmpp:dataforms:softwareinfo").String("software")
	fmt.Println("bot:", info.HasIdentity("client", "bot"))
	fmt.Println("receipts:", info.HasFeature("urn:xmpp:receipts"))
	fmt.Println("software:", software)
	for _, f := range info.Features {
		fmt.Println(f)
	}
	// Output:
	// bot: true
	// receipts: true
	// software: Example Bot
	// http://jabber.org/protocol/caps
	// http://jabber.org/protocol/disco#info
	// http://jabber.org/protocol/disco#items
	// urn:xmpp:ping
	// urn:xmpp:receipts
}

// The verification string of XEP-0115's simple example.
func ExampleVer() {
	info := disco.Info{
		Identities: []disco.Identity{{Category: "client", Type: "pc", Name: "Exodus 0.9.1"}},
		Features: []string{
			"http://jabber.org/protocol/caps",
			"http://jabber.org/protocol/disco#info",
			"http://jabber.org/protocol/disco#items",
			"http://jabber.org/protocol/muc",
		},
	}
	ver, err := disco.Ver(info, crypto.SHA1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ver)
	// Output:
	// QgayPKawpkPSDYmwT/WM94uAlu0=
}
