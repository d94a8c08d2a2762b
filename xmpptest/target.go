package xmpptest

import (
	"crypto/tls"
	"testing"

	"github.com/xmppkit/xmpp/jid"
)

// Target is a running server, real or in-process, in the terms a client
// needs, so that one test body can run against each kind. *Server and
// *RealServer are Targets.
type Target interface {
	// Name returns "prosody", "ejabberd" or "xmpptest".
	Name() string
	// Domain returns the XMPP domain the server hosts.
	Domain() string
	// Addr returns the STARTTLS listener, "127.0.0.1:port".
	Addr() string
	// DirectTLSAddr returns the direct TLS listener (XEP-0368).
	DirectTLSAddr() string
	// WebSocketURL returns the URL of the server's XMPP over WebSocket
	// endpoint (RFC 7395), "wss://127.0.0.1:port/xmpp-websocket" on
	// each of them, the in-process Server included, verified with
	// TLSConfig.
	WebSocketURL() string
	// TLSConfig returns a new TLS client configuration that trusts the
	// server's certificate.
	TLSConfig() *tls.Config
	// Account returns test account i. It panics if i is out of range.
	Account(i int) Account
	// Accounts returns the test accounts.
	Accounts() []Account
	// MUC returns the address of the server's Multi-User Chat service
	// (XEP-0045), "conference.localhost" on each of them, where any
	// account may create rooms. It is the zero JID for an in-process
	// Server started without ServerOptions.MUC, which has none.
	MUC() jid.JID
	// PubSub returns the address of the server's publish-subscribe
	// service (XEP-0060), "pubsub.localhost" on both real servers. On
	// ejabberd any account may create nodes; on Prosody only Account(0),
	// which is an administrator of that service (and so owner of each of
	// its nodes). It is the zero JID for an in-process Server, which has
	// none.
	PubSub() jid.JID
}

var (
	_ Target = (*Server)(nil)
	_ Target = (*RealServer)(nil)
)

// ForEachServer runs test as parallel subtests named "prosody",
// "ejabberd" and "xmpptest": against a real Prosody and a real ejabberd
// (started with nil RealServerOptions) and an in-process Server started
// with opts (a test of Multi-User Chat gives ServerOptions.MUC, so that
// all three have a MUC service at Target.MUC). Under -short only the in-process Server runs. A real server
// that is not installed skips its subtest, saying how to install it, or
// fails it when XMPP_INTEGRATION=1, as StartProsody and StartEjabberd do.
// A test body that needs something one of them does not offer skips its
// subtest (t.Skip), saying what is missing. Each server is stopped when
// its subtest ends.
func ForEachServer(t *testing.T, opts *ServerOptions, test func(t *testing.T, target Target)) {
	t.Helper()
	starts := []struct {
		name  string
		real  bool
		start func(testing.TB) Target
	}{
		{"prosody", true, func(tb testing.TB) Target { return StartProsody(tb, nil) }},
		{"ejabberd", true, func(tb testing.TB) Target { return StartEjabberd(tb, nil) }},
		{"xmpptest", false, func(tb testing.TB) Target { return StartServer(tb, opts) }},
	}
	for _, s := range starts {
		t.Run(s.name, func(t *testing.T) {
			if s.real && testing.Short() {
				t.Skip("starts a real server; run without -short")
			}
			t.Parallel()
			test(t, s.start(t))
		})
	}
}

// ForEachRealServer runs test as parallel subtests "prosody" and
// "ejabberd", each against a real server of its own started with opts
// (nil for the defaults), for what the in-process Server does not offer.
// Under -short it skips: it starts real servers. A server that is not
// installed skips or fails its subtest as StartProsody and StartEjabberd
// do.
func ForEachRealServer(t *testing.T, opts *RealServerOptions, test func(t *testing.T, srv *RealServer)) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts real servers; run without -short")
	}
	for _, s := range []struct {
		name  string
		start func(testing.TB, *RealServerOptions) *RealServer
	}{{"prosody", StartProsody}, {"ejabberd", StartEjabberd}} {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			test(t, s.start(t, opts))
		})
	}
}
