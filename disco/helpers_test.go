package disco_test

import (
	"context"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stream"
	"github.com/xmppkit/xmpp/xmpptest"
)

// waitTimeout bounds every request of these tests.
const waitTimeout = 10 * time.Second

// login connects account i of srv over net.Pipe and closes the Client
// when t ends.
func login(t *testing.T, srv *xmpptest.Server, i int) *xmpp.Client {
	t.Helper()
	return dial(t, srv, i, srv.DialPipe)
}

// loginTarget connects account i of tg over TCP.
func loginTarget(t *testing.T, tg xmpptest.Target, i int) *xmpp.Client {
	t.Helper()
	return dial(t, tg, i, nil)
}

// dial connects account i of tg, through d if not nil, and closes the
// Client when t ends.
func dial(t *testing.T, tg xmpptest.Target, i int, d stream.DialFunc) *xmpp.Client {
	t.Helper()
	a := tg.Account(i)
	ctx, cancel := context.WithTimeout(context.Background(), 2*waitTimeout)
	defer cancel()
	opts := &xmpp.Options{Password: a.Password, Addr: tg.Addr(), TLSConfig: tg.TLSConfig(), Dial: d}
	c, err := xmpp.Dial(ctx, a.JID(), opts)
	if err != nil {
		t.Fatalf("%s: login as %s: %v", tg.Name(), a.User, err)
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

// mustParse parses XML for a test.
func mustParse(t testing.TB, s string) *stanza.Element {
	t.Helper()
	e, err := stanza.ParseElement(s)
	if err != nil {
		t.Fatalf("ParseElement(%s): %v", s, err)
	}
	return e
}
