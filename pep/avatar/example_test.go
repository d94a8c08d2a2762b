package avatar_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pep"
	"github.com/xmppkit/xmpp/pep/avatar"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// Alice publishes an avatar; her own metadata notification arrives (a
// contact's would, the same way), and the image is fetched by the id it
// announces, its SHA-1 checked.
func Example() {
	srv, err := xmpptest.NewServer(&xmpptest.ServerOptions{PEP: true})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	ctx := context.Background()
	acct := srv.Account(0) // alice
	c := xmpp.New(acct.JID(), &xmpp.Options{
		Password: acct.Password, Addr: srv.Addr(), TLSConfig: srv.TLSConfig(), Dial: srv.DialPipe,
	})
	defer c.Close()
	ps := pubsub.New(c, nil)
	updates := make(chan pep.Update[avatar.Metadata], 1)
	avatar.Handle(ps, func(_ context.Context, u pep.Update[avatar.Metadata]) { updates <- u })
	if err := c.Connect(ctx); err != nil {
		log.Fatal(err)
	}
	// Online: notifications go to available resources.
	if err := c.Send(ctx, stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})); err != nil {
		log.Fatal(err)
	}

	png := []byte("\x89PNG\r\n\x1a\n...")
	if _, err := avatar.Publish(ctx, ps, png, avatar.Info{Type: "image/png", Width: 64, Height: 64}); err != nil {
		log.Fatal(err)
	}
	var u pep.Update[avatar.Metadata]
	select {
	case u = <-updates:
	case <-time.After(10 * time.Second):
		log.Fatal("no notification")
	}
	in, _ := u.Value.InPEP()
	fmt.Println(u.From, in.ID, in.Bytes, in.Type)
	img, err := avatar.Fetch(ctx, ps, u.From, in)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(img), "bytes, SHA-1 checked")
	// Output:
	// alice@localhost b4c36d07c9b3a21891dd8686ea5cb543fa0815e0 11 image/png
	// 11 bytes, SHA-1 checked
}

// The XEP-0153 element of a presence: the hash of the vCard's photo.
// NewAnnouncer adds it to every available presence the Client sends.
func ExampleVCardHash_Element() {
	fmt.Println(avatar.VCardHash{Known: true, Hash: avatar.Hash([]byte("abc"))}.Element())
	fmt.Println(avatar.VCardHash{}.Element())
	// Output:
	// <x xmlns='vcard-temp:x:update'><photo>a9993e364706816aba3e25717850c26c9cd0d89d</photo></x>
	// <x xmlns='vcard-temp:x:update'/>
}
