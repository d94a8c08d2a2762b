package blocking_test

import (
	"context"
	"fmt"
	"log"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/blocking"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// A Blocklist follows the block list through the server's pushes. The
// in-process test server does not implement XEP-0191, so the example
// scripts the server's side: a stored list of one address, and a block
// command that is confirmed and pushed back to the resource that sent it.
func ExampleBlocklist() {
	srv, err := xmpptest.NewServer(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.HandleIQ(stanza.IQGet, blocking.NS, "blocklist", func(ctx context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		return blocking.BlocklistElement([]jid.JID{jid.MustParse("iago@shakespeare.lit")})
	})
	srv.HandleIQ(stanza.IQSet, blocking.NS, "block", func(ctx context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		push := stanza.NewIQ(stanza.IQSet, iq.From, iq.Payload) // no from: it is the server's
		return nil, srv.Inject(iq.From, push.Element())
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

	// OnChange runs on the Client's dispatch goroutine: keep it short.
	changes := make(chan blocking.Command, 8)
	bl := blocking.New(c, &blocking.Options{OnChange: func(cmd blocking.Command) { changes <- cmd }})
	if err := bl.Load(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println("blocked:", bl.List())

	if err := blocking.Block(ctx, c, jid.MustParse("romeo@montague.net")); err != nil {
		log.Fatal(err)
	}
	cmd := <-changes
	fmt.Println("push:", cmd.Op, cmd.JIDs)
	fmt.Println("romeo@montague.net/orchard blocked:", bl.Blocked(jid.MustParse("romeo@montague.net/orchard")))
	fmt.Println("blocked:", bl.List())
	// Output:
	// blocked: [iago@shakespeare.lit]
	// push: block [romeo@montague.net]
	// romeo@montague.net/orchard blocked: true
	// blocked: [iago@shakespeare.lit romeo@montague.net]
}

// A server refuses to route a stanza to an address the user blocked, with
// an error that IsBlocked recognises. Here a hook of the in-process server
// plays that part for alice's message to bob.
func ExampleIsBlocked() {
	srv, err := xmpptest.NewServer(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	bob := srv.Account(1).JID()
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir != xmpptest.ClientToServer || ev.Element.Name.Local != "message" || ev.Element.Attr("to") != bob.String() {
			return xmpptest.Verdict{}
		}
		m, err := stanza.ParseMessage(ev.Element)
		if err != nil {
			return xmpptest.Verdict{}
		}
		bounce := m.ErrorReply(blocking.BlockedError())
		bounce.To = ev.JID
		_ = srv.Inject(ev.JID, bounce.Element())
		return xmpptest.Verdict{Drop: true}
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
	bounces := make(chan *stanza.Message, 1)
	c.HandleMessage(xmpp.Route{}, func(ctx context.Context, m *stanza.Message) {
		if m.Type == stanza.MessageError {
			bounces <- m
		}
	})

	if err := c.Send(ctx, stanza.NewMessage(stanza.MessageChat, bob, "Hello?")); err != nil {
		log.Fatal(err)
	}
	m := <-bounces
	fmt.Println(m.Error)
	fmt.Println("blocked:", blocking.IsBlocked(m.Error))
	// Output:
	// stanza error: cancel not-acceptable
	// blocked: true
}
