package xmpptest

import (
	"crypto/tls"
	"net/url"
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
	// Addr returns where a client connects, for xmpp.Options.Addr: the
	// STARTTLS listener, "127.0.0.1:port", or for a Target returned by
	// Over, the URL of its WebSocket or BOSH endpoint.
	Addr() string
	// DirectTLSAddr returns the direct TLS listener (XEP-0368).
	DirectTLSAddr() string
	// WebSocketURL returns the URL of the server's XMPP over WebSocket
	// endpoint (RFC 7395), "wss://127.0.0.1:port/xmpp-websocket" on
	// each of them, the in-process Server included, verified with
	// TLSConfig.
	WebSocketURL() string
	// BOSHURL returns the URL of the server's BOSH connection manager
	// (XEP-0124, XEP-0206), "https://127.0.0.1:port/http-bind" on each
	// of them, the in-process Server included, verified with TLSConfig.
	BOSHURL() string
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

// Transport is a way a client reaches a server, for Over and
// ForEachServerOver; the values combine as a set.
type Transport int

// The transports of XMPP.
const (
	// TCP: the RFC 6120 stream with STARTTLS.
	TCP Transport = 1 << iota
	// WebSocket: RFC 7395, over the server's wss: endpoint.
	WebSocket
	// BOSH: XEP-0124 and XEP-0206, over the server's https: endpoint.
	BOSH
)

// String names the transport: "tcp", "websocket" or "bosh".
func (tr Transport) String() string {
	switch tr {
	case TCP:
		return "tcp"
	case WebSocket:
		return "websocket"
	case BOSH:
		return "bosh"
	}
	return "transports"
}

// Over returns tg as reached over tr: a Target like tg but whose Addr is
// the endpoint of tr (WebSocketURL or BOSHURL), so that a test that
// connects to Addr runs unchanged over tr. It returns nil if tg has no
// such endpoint, and tg itself for TCP.
func Over(tg Target, tr Transport) Target {
	var addr string
	switch tr {
	case TCP:
		return tg
	case WebSocket:
		addr = tg.WebSocketURL()
	case BOSH:
		addr = tg.BOSHURL()
	}
	if addr == "" {
		return nil
	}
	return &overTarget{Target: tg, addr: addr}
}

// overTarget is a Target reached over another transport than TCP.
type overTarget struct {
	Target
	addr string
}

func (o *overTarget) Addr() string { return o.addr }

// InProcess returns the in-process Server that tg is, or reaches over
// another transport (Over), for a test that uses what only it offers
// (hooks, Inject, Cut); false for a real server.
func InProcess(tg Target) (*Server, bool) {
	if o, ok := tg.(*overTarget); ok {
		tg = o.Target
	}
	s, ok := tg.(*Server)
	return s, ok
}

// ForEachServer runs test as parallel subtests: "prosody" and
// "ejabberd" against a real Prosody and a real ejabberd (started with
// nil RealServerOptions), "prosody-websocket" and "ejabberd-websocket"
// against real servers of their own reached over WebSocket (Over), and
// "xmpptest" and "xmpptest-websocket" against in-process Servers started
// with opts (a test of
// Multi-User Chat gives ServerOptions.MUC, so that all of them have a MUC
// service at Target.MUC). It is ForEachServerOver with TCP and
// WebSocket.
//
// Under -short only the in-process Server runs. A real server that is
// not installed skips its subtest, saying how to install it, or fails it
// when XMPP_INTEGRATION=1, as StartProsody and StartEjabberd do. A test
// body that needs something one of them does not offer skips its
// subtest (t.Skip), saying what is missing. Each server is stopped when
// its subtest ends.
func ForEachServer(t *testing.T, opts *ServerOptions, test func(t *testing.T, target Target)) {
	t.Helper()
	ForEachServerOver(t, opts, TCP|WebSocket, test)
}

// ForEachServerOver is ForEachServer over the transports trs: each
// server once per transport (subtests "prosody", "prosody-websocket",
// "prosody-bosh", and so for ejabberd and "xmpptest"), except that the
// in-process Server always runs over TCP too. A test that needs the
// in-process Server itself gets it with InProcess.
func ForEachServerOver(t *testing.T, opts *ServerOptions, trs Transport, test func(t *testing.T, target Target)) {
	t.Helper()
	type start struct {
		name  string
		real  bool
		start func(testing.TB) Target
	}
	var starts []start
	for _, tr := range []Transport{TCP, WebSocket, BOSH} {
		if trs&tr == 0 {
			continue
		}
		suffix := ""
		if tr != TCP {
			suffix = "-" + tr.String()
		}
		starts = append(starts,
			start{"prosody" + suffix, true, func(tb testing.TB) Target { return Over(StartProsody(tb, nil), tr) }},
			start{"ejabberd" + suffix, true, func(tb testing.TB) Target { return Over(StartEjabberd(tb, nil), tr) }})
	}
	starts = append(starts, start{"xmpptest", false, func(tb testing.TB) Target { return StartServer(tb, opts) }})
	for _, tr := range []Transport{WebSocket, BOSH} {
		if trs&tr != 0 {
			starts = append(starts, start{"xmpptest-" + tr.String(), false, func(tb testing.TB) Target { return Over(StartServer(tb, opts), tr) }})
		}
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

// ProxyAddr starts a Proxy (StartProxy) in front of addr, a Target's
// Addr: a host:port, or a ws:, wss:, http: or https: URL. It returns the
// Proxy and the address to connect to through it: the Proxy's host:port,
// or the URL with the Proxy's host:port in place of the server's.
func ProxyAddr(tb testing.TB, addr string) (*Proxy, string) {
	tb.Helper()
	u, err := url.Parse(addr)
	if err != nil || u.Host == "" || u.Scheme == "" {
		p := StartProxy(tb, addr)
		return p, p.Addr()
	}
	p := StartProxy(tb, u.Host)
	u.Host = p.Addr()
	return p, u.String()
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
