package vcard_test

import (
	"context"
	"fmt"
	"log"
	"sync"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/vcard"
	"github.com/xmppkit/xmpp/xmpptest"
)

// scriptVCards makes srv store one vcard-temp vCard per account, as a
// real server does; the in-process server has no vCard storage.
func scriptVCards(srv *xmpptest.Server) {
	var mu sync.Mutex
	stored := map[jid.JID]*stanza.Element{}
	srv.HandleIQ(stanza.IQGet, vcard.NS, "vCard", func(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		mu.Lock()
		defer mu.Unlock()
		return stored[iq.From.Bare()], nil // nil: an empty result, no vCard
	})
	srv.HandleIQ(stanza.IQSet, vcard.NS, "vCard", func(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		mu.Lock()
		defer mu.Unlock()
		stored[iq.From.Bare()] = iq.Payload.Copy()
		return nil, nil
	})
}

// Alice sets her vCard, then changes its photo alone, and learns the
// hash to announce in presence (XEP-0153).
func Example() {
	srv, err := xmpptest.NewServer(&xmpptest.ServerOptions{PEP: true})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	scriptVCards(srv)

	ctx := context.Background()
	acct := srv.Account(0) // alice
	c := xmpp.New(acct.JID(), &xmpp.Options{
		Password: acct.Password, Addr: srv.Addr(), TLSConfig: srv.TLSConfig(), Dial: srv.DialPipe,
	})
	defer c.Close()
	ps := pubsub.New(c, nil)
	if err := c.Connect(ctx); err != nil {
		log.Fatal(err)
	}

	card := vcard.Card{
		FN:     "Alice Liddell",
		N:      vcard.Name{Family: "Liddell", Given: "Alice"},
		Emails: []vcard.Email{{Types: []string{"INTERNET", "PREF"}, Address: "alice@example.org"}},
	}
	if err := vcard.Set(ctx, c, card); err != nil {
		log.Fatal(err)
	}
	card, err = vcard.SetPhoto(ctx, c, &vcard.Photo{Type: "image/png", Data: []byte("\x89PNG...")})
	if err != nil {
		log.Fatal(err)
	}
	got, err := vcard.Get(ctx, c, jid.JID{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(got.FN, got.Emails[0].Address, got.Photo.Type)
	fmt.Println("presence hash:", card.PhotoHash())

	// The same profile as a vCard4, published to her contacts over PEP.
	if err := vcard.Publish4(ctx, ps, vcard.Card4{FN: got.FN, Emails: []vcard.Entry{{Value: "alice@example.org"}}}); err != nil {
		log.Fatal(err)
	}
	v4, ok, err := vcard.Fetch4(ctx, ps, jid.JID{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ok, v4.FN)
	// Output:
	// Alice Liddell alice@example.org image/png
	// presence hash: 4d1fb8216c8deca6fd503ae6895cc0ed5cd29089
	// true Alice Liddell
}

// A vCard4 as XEP-0292 publishes it.
func ExampleCard4_Element() {
	c := vcard.Card4{
		FN:   "Alice Liddell",
		Tels: []vcard.Entry{{Value: "tel:+44-1865-000000", Types: []string{"cell"}, Pref: 1}},
	}
	fmt.Println(c.Element())
	// Output:
	// <vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'><fn><text>Alice Liddell</text></fn><tel><parameters><type><text>cell</text></type><pref><integer>1</integer></pref></parameters><uri>tel:+44-1865-000000</uri></tel></vcard>
}
