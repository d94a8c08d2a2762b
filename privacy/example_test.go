package privacy_test

import (
	"context"
	"fmt"
	"log"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/privacy"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// A client stores a list that denies one address's messages and makes it
// the account's default. The in-process test server does not implement
// XEP-0016, so the example scripts the server's side: it prints what it
// receives and pushes the name of a stored list back to the client.
func Example() {
	srv, err := xmpptest.NewServer(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.HandleIQ(stanza.IQSet, privacy.NS, "query", func(ctx context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		fmt.Println("server got:", iq.Payload)
		if l, err := privacy.ParseList(iq.Payload); err == nil && len(l.Items) > 0 {
			push, _ := privacy.List{Name: l.Name}.Element()
			_ = srv.Inject(iq.From, stanza.NewIQ(stanza.IQSet, iq.From, push).Element())
		}
		return nil, nil
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
	pushed := make(chan string, 8) // OnPush must not block
	privacy.Handle(c, &privacy.PushOptions{OnPush: func(name string) { pushed <- name }})

	err = privacy.Set(ctx, c, privacy.List{Name: "quiet", Items: []privacy.Item{
		{Type: privacy.TypeJID, Value: "tybalt@example.com", Action: privacy.Deny, Order: 1, Message: true},
		{Action: privacy.Allow, Order: 2},
	}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("pushed:", <-pushed)
	if err := privacy.SetDefault(ctx, c, "quiet"); err != nil {
		log.Fatal(err)
	}
	// Output:
	// server got: <query xmlns='jabber:iq:privacy'><list name='quiet'><item type='jid' value='tybalt@example.com' action='deny' order='1'><message/></item><item action='allow' order='2'/></list></query>
	// pushed: quiet
	// server got: <query xmlns='jabber:iq:privacy'><default name='quiet'/></query>
}
