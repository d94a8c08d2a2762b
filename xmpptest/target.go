package xmpptest

import (
	"crypto/tls"
	"testing"
)

// Target describes a running server, real or in-process, in the terms a
// client needs, so that one test body can run against each kind.
type Target struct {
	// Name is "prosody", "ejabberd" or "xmpptest".
	Name string
	// Domain is the XMPP domain the server hosts.
	Domain string
	// Addr is the STARTTLS listener, "127.0.0.1:port".
	Addr string
	// DirectTLSAddr is the direct TLS listener (XEP-0368).
	DirectTLSAddr string

	tlsConfig func() *tls.Config
	accounts  []Account
}

// TLSConfig returns a new TLS client configuration that trusts the
// server's certificate.
func (t *Target) TLSConfig() *tls.Config { return t.tlsConfig() }

// Account returns test account i. It panics if i is out of range.
func (t *Target) Account(i int) Account { return t.accounts[i] }

// Accounts returns the test accounts.
func (t *Target) Accounts() []Account { return append([]Account(nil), t.accounts...) }

// Target describes s as a Target.
func (s *RealServer) Target() *Target {
	return &Target{Name: s.Name, Domain: s.Domain, Addr: s.Addr, DirectTLSAddr: s.DirectTLSAddr, tlsConfig: s.TLSConfig, accounts: s.Accounts}
}

// Target describes s as a Target named "xmpptest".
func (s *Server) Target() *Target {
	return &Target{Name: "xmpptest", Domain: s.domain, Addr: s.addr, DirectTLSAddr: s.directAddr, tlsConfig: s.TLSConfig, accounts: s.Accounts()}
}

// ForEachServer runs test as parallel subtests named "prosody",
// "ejabberd" and "xmpptest": against a real Prosody and a real ejabberd
// (started with nil ServerOptions) and an in-process Server started with
// cfg. Under -short only the in-process Server runs. A test body that needs
// something one of them does not offer skips its subtest (t.Skip), saying
// what is missing. Each server is stopped when its subtest ends.
func ForEachServer(t *testing.T, cfg *ServerConfig, test func(t *testing.T, target *Target)) {
	t.Helper()
	starts := []struct {
		name  string
		real  bool
		start func(testing.TB) *Target
	}{
		{"prosody", true, func(tb testing.TB) *Target { return StartProsody(tb, nil).Target() }},
		{"ejabberd", true, func(tb testing.TB) *Target { return StartEjabberd(tb, nil).Target() }},
		{"xmpptest", false, func(tb testing.TB) *Target { return StartServer(tb, cfg).Target() }},
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
