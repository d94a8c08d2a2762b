package xmpp_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/sasl"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// A Client is built, given its handlers, and only then connected, so
// that no stanza the server sends at once misses its handler. Here two
// clients of an in-process test server exchange a message. Against a
// real server, leave out Addr and TLSConfig: the domain's SRV records and
// the system's certificate roots are used.
func ExampleNew() {
	srv, err := xmpptest.NewServer(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	options := func(a xmpptest.Account) *xmpp.Options {
		return &xmpp.Options{Password: a.Password, Addr: srv.Addr(), TLSConfig: srv.TLSConfig()}
	}

	bob := xmpp.New(srv.Account(1).JID(), options(srv.Account(1)))
	defer bob.Close()
	got := make(chan *stanza.Message, 1)
	// The zero Route makes this the default message handler: it gets
	// every message that no extension package claims.
	bob.HandleMessage(xmpp.Route{}, func(ctx context.Context, m *stanza.Message) { got <- m })
	if err := bob.Connect(ctx); err != nil {
		fmt.Println(err)
		return
	}

	// Dial is New and Connect at once, for a Client with nothing to
	// register first.
	alice, err := xmpp.Dial(ctx, srv.Account(0).JID(), options(srv.Account(0)))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer alice.Close()
	if err := alice.Send(ctx, stanza.NewMessage(stanza.MessageChat, bob.JID(), "Hello, Bob!")); err != nil {
		fmt.Println(err)
		return
	}
	m := <-got
	fmt.Printf("%s from %s: %s\n", m.Type, m.From.Bare(), m.Body())
	// Output:
	// chat from alice@localhost: Hello, Bob!
}

// Request waits for the answer to an IQ; a stanza error comes back as a
// *stanza.Error that matches its condition.
func ExampleClient_Request() {
	srv, err := xmpptest.NewServer(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a := srv.Account(0)
	c, err := xmpp.Dial(ctx, a.JID(), &xmpp.Options{Password: a.Password, Addr: srv.Addr(), TLSConfig: srv.TLSConfig()})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()

	fmt.Println("ping server:", c.Ping(ctx, jid.JID{}))
	_, err = c.Request(ctx, stanza.NewIQ(stanza.IQGet, jid.MustParse("nobody@localhost/phone"), stanza.NewElement("urn:xmpp:ping", "ping")))
	fmt.Println("ping nobody:", errors.Is(err, stanza.ErrServiceUnavailable))
	// Output:
	// ping server: <nil>
	// ping nobody: true
}

// A wrong password is a *sasl.Failure that matches its condition.
func ExampleDial_wrongPassword() {
	srv, err := xmpptest.NewServer(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	_, err = xmpp.Dial(context.Background(), srv.Account(0).JID(), &xmpp.Options{Password: "guess", Addr: srv.Addr(), TLSConfig: srv.TLSConfig()})
	fmt.Println(errors.Is(err, sasl.ErrNotAuthorized))
	// Output:
	// true
}

// Sync waits until everything the server sent before it has been
// handled: a test or a bot waits for what it expects without sleeping.
// A carbons or archive package claims its own payloads (a Route with a
// Payload), so the default handler here sees only plain messages.
func ExampleClient_Sync() {
	srv, err := xmpptest.NewServer(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	options := func(a xmpptest.Account) *xmpp.Options {
		return &xmpp.Options{Password: a.Password, Addr: srv.Addr(), TLSConfig: srv.TLSConfig()}
	}
	bob := xmpp.New(srv.Account(1).JID(), options(srv.Account(1)))
	defer bob.Close()
	var bodies []string // touched by the handler only until Sync returns
	bob.HandleMessage(xmpp.Route{}, func(ctx context.Context, m *stanza.Message) { bodies = append(bodies, m.Body()) })
	receipts := 0
	bob.ObserveMessage(xmpp.Route{Payload: stanza.Name{Space: "urn:xmpp:receipts", Local: "request"}},
		func(ctx context.Context, m *stanza.Message) { receipts++ })
	if err := bob.Connect(ctx); err != nil {
		fmt.Println(err)
		return
	}
	alice, err := xmpp.Dial(ctx, srv.Account(0).JID(), options(srv.Account(0)))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer alice.Close()
	for _, body := range []string{"one", "two", "three"} {
		m := stanza.NewMessage(stanza.MessageChat, bob.JID(), body)
		if body == "two" {
			m.Payloads = append(m.Payloads, stanza.NewElement("urn:xmpp:receipts", "request"))
		}
		if err := alice.Send(ctx, m); err != nil {
			fmt.Println(err)
			return
		}
	}
	// Once alice's Sync returns, the server has routed her messages;
	// once bob's does, his handlers have seen them.
	if err := alice.Sync(ctx); err != nil {
		fmt.Println(err)
		return
	}
	if err := bob.Sync(ctx); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(bodies, "receipt requests:", receipts)
	// Output:
	// [one two three] receipt requests: 1
}
