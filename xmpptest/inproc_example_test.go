package xmpptest_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// A test starts a Server, connects two clients and checks what arrives.
// In a test function, use xmpptest.StartServer(t, nil), which closes the
// Server when the test ends.
func ExampleServer() {
	srv, err := xmpptest.NewServer(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	ctx := context.Background()
	login := func(i int, resource string) *xmpp.Client {
		acct := srv.Account(i) // alice, bob, carol, dave
		c, err := xmpp.Dial(ctx, acct.JID(), &xmpp.Options{
			Password:  acct.Password,
			Resource:  resource,
			Addr:      srv.Addr(),
			TLSConfig: srv.TLSConfig(), // trusts the Server's certificate
			Dial:      srv.DialPipe,    // net.Pipe, no socket; leave out for TCP
		})
		if err != nil {
			log.Fatal(err)
		}
		return c
	}
	alice, bob := login(0, "laptop"), login(1, "phone")
	defer alice.Close()
	defer bob.Close()

	got := make(chan *stanza.Message, 1)
	bob.HandleMessage(xmpp.Route{}, func(ctx context.Context, m *stanza.Message) { got <- m })
	if err := alice.Send(ctx, stanza.NewMessage(stanza.MessageChat, bob.JID(), "Hello, Bob!")); err != nil {
		log.Fatal(err)
	}
	m := <-got
	fmt.Printf("%s to %s: %s\n", m.From, m.To, m.Body())
	// Output: alice@localhost/laptop to bob@localhost/phone: Hello, Bob!
}

// A test of an error path scripts the Server's answer to an IQ and
// watches the elements that pass.
func ExampleServer_HandleIQ() {
	srv, err := xmpptest.NewServer(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.HandleIQ(stanza.IQGet, "jabber:iq:roster", "query", func(ctx context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		return nil, stanza.NewError(stanza.ErrResourceConstraint, "roster database down")
	})

	ctx := context.Background()
	acct := srv.Account(0)
	c, err := xmpp.Dial(ctx, acct.JID(), &xmpp.Options{
		Password: acct.Password, Addr: srv.Addr(), TLSConfig: srv.TLSConfig(), Dial: srv.DialPipe,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Element.Name.Local == "iq" {
			fmt.Printf("%s: <iq type='%s'>\n", ev.Dir, ev.Element.Attr("type"))
		}
		return xmpptest.Verdict{}
	})
	_, err = c.Request(ctx, stanza.NewIQ(stanza.IQGet, jid.JID{}, stanza.NewElement("jabber:iq:roster", "query")))
	fmt.Println(errors.Is(err, stanza.ErrResourceConstraint), err)
	// Output:
	// client-to-server: <iq type='get'>
	// server-to-client: <iq type='error'>
	// true stanza error: wait resource-constraint: roster database down
}
