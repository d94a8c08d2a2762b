package commands_test

import (
	"context"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/xmpptest"
)

// waitTimeout bounds every request of these tests.
const waitTimeout = 10 * time.Second

// login connects account i of srv over net.Pipe, with resource res (""
// for the server's choice), and closes the Client when t ends.
func login(t *testing.T, srv *xmpptest.Server, i int, res string) *xmpp.Client {
	t.Helper()
	a := srv.Account(i)
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	c, err := xmpp.Dial(ctx, a.JID(), &xmpp.Options{Password: a.Password, Dial: srv.DialPipe, TLSConfig: srv.TLSConfig(), Resource: res})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// loginTarget connects account i of tg over TCP and closes the Client
// when t ends.
func loginTarget(t *testing.T, tg xmpptest.Target, i int) *xmpp.Client {
	t.Helper()
	a := tg.Account(i)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := xmpp.Dial(ctx, a.JID(), &xmpp.Options{Password: a.Password, Addr: tg.Addr(), TLSConfig: tg.TLSConfig()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// timeout returns a context that ends after waitTimeout or with t.
func timeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	t.Cleanup(cancel)
	return ctx
}
