package hints_test

import (
	"context"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// waitTimeout bounds every wait of these tests.
const waitTimeout = 10 * time.Second

// loginTarget connects account i of tg with the given resource over TCP
// and closes the Client when t ends.
func loginTarget(t *testing.T, tg *xmpptest.Target, i int, resource string) *xmpp.Client {
	t.Helper()
	a := tg.Account(i)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := xmpp.Dial(ctx, a.JID(), &xmpp.Options{Password: a.Password, Resource: resource, Addr: tg.Addr, TLSConfig: tg.TLSConfig()})
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

// receive returns the next value from ch, failing t after waitTimeout.
func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitTimeout):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// mustElement parses s or fails t.
func mustElement(t testing.TB, s string) *stanza.Element {
	t.Helper()
	e, err := stanza.ParseElement(s)
	if err != nil {
		t.Fatalf("ParseElement(%s): %v", s, err)
	}
	return e
}

// mustMessage parses s as a message or fails t.
func mustMessage(t testing.TB, s string) *stanza.Message {
	t.Helper()
	m, err := stanza.ParseMessage(mustElement(t, s))
	if err != nil {
		t.Fatalf("ParseMessage(%s): %v", s, err)
	}
	return m
}
