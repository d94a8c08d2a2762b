// Package testkit holds the helpers that the extension packages' tests
// share: logging a Client in to a test server and bounding waits. It
// imports the root package and xmpptest, so the root package's own tests
// (which xmpptest cannot import without a cycle) do not use it.
package testkit

import (
	"context"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// WaitTimeout bounds every wait of a test.
const WaitTimeout = 10 * time.Second

// dialTimeout bounds a login to a real server, which may be slow to
// answer on a loaded machine.
const dialTimeout = 20 * time.Second

// Login connects account i of the in-process srv as resource (the server
// picks one if empty) over net.Pipe, and closes the Client when t ends.
// Each setup function runs on the Client before it connects: to register
// handlers that must see everything the server sends.
func Login(t testing.TB, srv *xmpptest.Server, i int, resource string, setup ...func(*xmpp.Client)) *xmpp.Client {
	t.Helper()
	return dial(t, srv.Account(i), &xmpp.Options{Resource: resource, Dial: srv.DialPipe, TLSConfig: srv.TLSConfig()}, setup)
}

// LoginTarget connects account i of tg as resource over TCP, as Login
// does, and closes the Client when t ends.
func LoginTarget(t testing.TB, tg xmpptest.Target, i int, resource string, setup ...func(*xmpp.Client)) *xmpp.Client {
	t.Helper()
	return dial(t, tg.Account(i), &xmpp.Options{Resource: resource, Addr: tg.Addr(), TLSConfig: tg.TLSConfig()}, setup)
}

func dial(t testing.TB, a xmpptest.Account, o *xmpp.Options, setup []func(*xmpp.Client)) *xmpp.Client {
	t.Helper()
	o.Password = a.Password
	ctx, cancel := context.WithTimeout(context.Background(), dialTimeout)
	defer cancel()
	c := xmpp.New(a.JID(), o)
	t.Cleanup(func() { c.Close() })
	for _, f := range setup {
		f(c)
	}
	if err := c.Connect(ctx); err != nil {
		t.Fatalf("login as %s: %v", a.User, err)
	}
	return c
}

// Ctx returns a context that ends after WaitTimeout or when t ends.
func Ctx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), WaitTimeout)
	t.Cleanup(cancel)
	return ctx
}

// Receive returns the next value from ch, failing t after WaitTimeout.
func Receive[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(WaitTimeout):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// MustElement parses s or fails t.
func MustElement(t testing.TB, s string) *stanza.Element {
	t.Helper()
	e, err := stanza.ParseElement(s)
	if err != nil {
		t.Fatalf("ParseElement(%s): %v", s, err)
	}
	return e
}

// MustMessage parses s as a message or fails t.
func MustMessage(t testing.TB, s string) *stanza.Message {
	t.Helper()
	m, err := stanza.ParseMessage(MustElement(t, s))
	if err != nil {
		t.Fatalf("ParseMessage(%s): %v", s, err)
	}
	return m
}

// Befriend makes the accounts of a and b subscribe to each other's
// presence (RFC 6121 §3), each approving the other's request, and
// announce their presence again, and returns once both servers have
// processed it: for the tests of what contacts see (PEP notifications,
// presence).
func Befriend(t testing.TB, a, b *xmpp.Client) {
	t.Helper()
	for _, pair := range [][2]*xmpp.Client{{a, b}, {b, a}} {
		from, to := pair[0], pair[1]
		if err := from.Send(Ctx(t), stanza.NewPresence(stanza.PresenceSubscribe, to.JID().Bare())); err != nil {
			t.Fatal(err)
		}
		// The request is with to's server (the servers of these tests
		// route locally) before to approves it.
		if err := from.Sync(Ctx(t)); err != nil {
			t.Fatal(err)
		}
		if err := to.Send(Ctx(t), stanza.NewPresence(stanza.PresenceSubscribed, from.JID().Bare())); err != nil {
			t.Fatal(err)
		}
		if err := to.Sync(Ctx(t)); err != nil {
			t.Fatal(err)
		}
	}
	// Each announces its presence again, now that its contact's server
	// passes it on: a PEP service learns the contact's interests
	// (+notify, in the entity capabilities) from it.
	for _, c := range []*xmpp.Client{a, b} {
		if err := c.Send(Ctx(t), stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []*xmpp.Client{a, b, a} {
		if err := c.Sync(Ctx(t)); err != nil {
			t.Fatal(err)
		}
	}
}
