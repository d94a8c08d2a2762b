package xmpptest_test

import (
	"context"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// BenchmarkServerNew measures NewServer and Close alone: certificate,
// listener, accounts.
func BenchmarkServerNew(b *testing.B) {
	for b.Loop() {
		srv, err := xmpptest.NewServer(nil)
		if err != nil {
			b.Fatal(err)
		}
		srv.Close()
	}
}

// BenchmarkServerFirstClient measures what a test pays to start: NewServer
// and the first client bound over net.Pipe (STARTTLS, SCRAM-SHA-256 with
// its first PBKDF2 derivation, bind), then both closed.
func BenchmarkServerFirstClient(b *testing.B) {
	for b.Loop() {
		srv, err := xmpptest.NewServer(nil)
		if err != nil {
			b.Fatal(err)
		}
		acct := srv.Account(0)
		c, err := xmpp.Dial(context.Background(), acct.JID(), options(srv, acct.Password))
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
		srv.Close()
	}
}

// BenchmarkServerLogin measures one more login on a running Server.
func BenchmarkServerLogin(b *testing.B) {
	srv, err := xmpptest.NewServer(nil)
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	acct := srv.Account(0)
	for b.Loop() {
		c, err := xmpp.Dial(context.Background(), acct.JID(), options(srv, acct.Password))
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}

// BenchmarkServerMessage measures a chat message from one client to
// another through the Server, one at a time.
func BenchmarkServerMessage(b *testing.B) {
	srv, err := xmpptest.NewServer(nil)
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	dial := func(i int) *xmpp.Client {
		acct := srv.Account(i)
		c, err := xmpp.Dial(ctx, acct.JID(), options(srv, acct.Password))
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	alice, bob := dial(0), dial(1)
	defer alice.Close()
	defer bob.Close()
	got := make(chan struct{}, 1)
	bob.HandleMessage(xmpp.Route{}, func(context.Context, *stanza.Message) { got <- struct{}{} })
	for b.Loop() {
		if err := alice.Send(ctx, stanza.NewMessage(stanza.MessageChat, bob.JID(), "ping")); err != nil {
			b.Fatal(err)
		}
		<-got
	}
}
