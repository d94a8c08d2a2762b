package carbons_test

import (
	"context"
	"fmt"
	"log"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/carbons"
	"github.com/xmppkit/xmpp/forward"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// Handle shows the carbons that alice's server copies to her phone and
// drops the forged ones. The in-process server does not implement
// carbons, so the example injects the copies a real server would send.
func ExampleHandle() {
	srv, err := xmpptest.NewServer(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	acct := srv.Account(0) // alice
	alice, err := xmpp.Dial(ctx, acct.JID(), &xmpp.Options{
		Password: acct.Password, Resource: "phone", Addr: srv.Addr(), TLSConfig: srv.TLSConfig(), Dial: srv.DialPipe,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer alice.Close()

	done := make(chan struct{})
	carbons.Handle(alice, func(ctx context.Context, cb carbons.Carbon) {
		m := cb.Message
		fmt.Printf("%s: %s -> %s: %s\n", cb.Direction, m.From, m.To, m.Body())
		if m.Body() == "bye" {
			close(done)
		}
	}, nil)
	// The application's own handler skips the carbon wrappers.
	alice.HandleMessage(xmpp.Route{}, func(ctx context.Context, m *stanza.Message) {
		if carbons.IsCarbon(m) {
			return
		}
		fmt.Println("message:", m.Body())
	})
	if err := carbons.Enable(ctx, alice); err != nil {
		fmt.Println("enable:", err) // the in-process server has no carbons
	}

	carbon := func(from jid.JID, dir carbons.Direction, body string, mfrom, mto string) *stanza.Element {
		m := stanza.NewMessage(stanza.MessageChat, jid.MustParse(mto), body)
		m.From = jid.MustParse(mfrom)
		cb := carbons.Carbon{Direction: dir, Forwarded: forward.Forwarded{Message: m}}
		w := &stanza.Message{Header: stanza.Header{From: from, To: alice.JID()}, Type: stanza.MessageChat,
			Payloads: []*stanza.Element{cb.Element()}}
		return w.Element()
	}
	own := alice.JID().Bare()
	for _, e := range []*stanza.Element{
		carbon(own, carbons.Received, "hi", "bob@localhost/home", "alice@localhost/laptop"),
		carbon(own, carbons.Sent, "hello", "alice@localhost/laptop", "bob@localhost"),
		// Forged: from bob, not from alice's account. Dropped.
		carbon(jid.MustParse("bob@localhost/home"), carbons.Sent, "I owe you 100 euros", "alice@localhost/laptop", "bob@localhost"),
		carbon(own, carbons.Received, "bye", "bob@localhost/home", "alice@localhost/laptop"),
	} {
		if err := srv.Inject(alice.JID(), e); err != nil {
			log.Fatal(err)
		}
	}
	<-done
	// Output:
	// enable: stanza error: cancel service-unavailable
	// received: bob@localhost/home -> alice@localhost/laptop: hi
	// sent: alice@localhost/laptop -> bob@localhost: hello
	// received: bob@localhost/home -> alice@localhost/laptop: bye
}

// Private keeps a message out of everybody's carbons.
func ExamplePrivate() {
	m := &stanza.Message{Header: stanza.Header{To: jid.MustParse("bob@localhost/home"), ID: "m1"},
		Type: stanza.MessageChat, Bodies: []stanza.Text{{Value: "for this device only"}}}
	carbons.Private(m)
	fmt.Println(m.Element())
	// Output:
	// <message xmlns='jabber:client' to='bob@localhost/home' id='m1' type='chat'><body>for this device only</body><private xmlns='urn:xmpp:carbons:2'/><no-copy xmlns='urn:xmpp:hints'/></message>
}
