package interop_test

import (
	"context"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/internal/interop"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/register"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestRegister: XEP-0077 both ways. slixmpp creates an account in band
// and the SDK logs in to it with the same password; the SDK creates one
// with register.NewAccount and slixmpp logs in to it. Each time the two
// clients, now two resources of the new account, exchange a message.
func TestRegister(t *testing.T) {
	interop.Servers(t, 1, func(t *testing.T, srv *xmpptest.RealServer) {
		// slixmpp registers, the SDK logs in.
		slixAcct := xmpptest.Account{User: "slixnew", Password: "slixnew-Pässwort", Domain: srv.Domain()}
		peer := interop.Start(t, srv, slixAcct, "slix", &interop.Options{Register: true})
		sdk, got := registerDial(t, srv, slixAcct, false)
		registerExchange(t, sdk, got, peer)

		// The SDK registers, slixmpp logs in.
		goAcct := xmpptest.Account{User: "gonew", Password: "gonew-Pässwort", Domain: srv.Domain()}
		sdk, got = registerDial(t, srv, goAcct, true)
		peer = interop.Start(t, srv, goAcct, "slix", nil)
		registerExchange(t, sdk, got, peer)
	})
}

// registerDial logs the SDK in to account a as resource "go",
// registering it first with register.NewAccount if create is set, and
// returns the Client and its chat messages.
func registerDial(t *testing.T, srv *xmpptest.RealServer, a xmpptest.Account, create bool) (*xmpp.Client, <-chan *stanza.Message) {
	t.Helper()
	opts := &xmpp.Options{Password: a.Password, Resource: "go", Addr: srv.Addr(), TLSConfig: srv.TLSConfig()}
	if create {
		opts.PreAuth = register.NewAccount(a.User, a.Password, nil)
	}
	got := make(chan *stanza.Message, 4)
	c := xmpp.New(a.JID(), opts)
	t.Cleanup(func() { c.Close() })
	c.HandleMessage(xmpp.Route{Type: "chat"}, func(_ context.Context, m *stanza.Message) { got <- m })
	if err := c.Connect(testkit.Ctx(t)); err != nil {
		t.Fatalf("the SDK logs in to %s (registering it: %v): %v", a.JID(), create, err)
	}
	return c, got
}

// registerExchange sends a chat message each way between the SDK's
// Client c (whose chat messages come on got) and peer.
func registerExchange(t *testing.T, c *xmpp.Client, got <-chan *stanza.Message, peer *interop.Peer) {
	t.Helper()
	ctx := testkit.Ctx(t)
	var id string
	peer.MustCall(ctx, "message", map[string]any{"to": c.JID().String(), "body": "hello from slixmpp"}, &id)
	if m := testkit.Receive(t, got, "slixmpp's message"); m.ID != id || m.Body() != "hello from slixmpp" || !m.From.Equal(peer.JID()) {
		t.Errorf("the SDK got %s; want %q from %s", m.Element(), id, peer.JID())
	}
	out := stanza.NewMessage(stanza.MessageChat, peer.JID(), "hello from the SDK")
	if err := c.Send(ctx, out); err != nil {
		t.Fatal(err)
	}
	m, err := peer.Message(ctx, func(m *stanza.Message) bool { return m.ID == out.ID })
	if err != nil {
		t.Fatalf("the SDK's message to %s: %v", peer.JID(), err)
	}
	if m.Body() != "hello from the SDK" || !m.From.Equal(c.JID()) {
		t.Errorf("slixmpp got %s; want %q from %s", m.Element(), "hello from the SDK", c.JID())
	}
}
