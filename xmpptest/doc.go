// Package xmpptest is a test kit for code that uses XMPP, in the spirit of
// net/http/httptest: it starts XMPP servers for tests. It is not a
// production server and its servers are not configured for production.
//
// StartProsody and StartEjabberd launch a real Prosody (0.12) or ejabberd
// (23.01) as a child process of the test, for integration tests that must
// show that code works with the servers people run:
//
//	func TestLogin(t *testing.T) {
//		srv := xmpptest.StartProsody(t, nil)
//		alice := srv.Account(0) // alice@localhost, password "alice-pass"
//		// Connect to srv.Addr (STARTTLS) or srv.DirectTLSAddr with
//		// srv.TLSConfig() and log in as alice.
//	}
//
// Each server gets a private temporary directory with its own generated
// configuration, data and logs; a freshly generated self-signed
// certificate for "localhost" (ECDSA P-256), which RealServer.TLSConfig
// trusts; free ports on 127.0.0.1, the only address it listens on; and the
// test accounts (alice, bob, carol and dave by default), created with the
// server's own tools before the server is reported ready. Ready means that
// the server process itself listens on both ports and answers a stream
// header with stream features. When the test ends, the server is stopped
// (SIGTERM, then SIGKILL) and only then its directory removed; no process
// is left running. Many servers, of either kind, can run at once.
//
// Both servers require TLS (STARTTLS, and direct TLS per XEP-0368 on a
// second port), offer SCRAM with channel binding and PLAIN, and enable
// stream management with resumption, ping, service discovery, roster
// versioning, carbons, blocking, vCard, private XML storage and PEP. The
// documentation of StartProsody and StartEjabberd lists the details.
//
// # Missing servers and XMPP_INTEGRATION
//
// If a server is not installed, its launcher skips the test with a message
// saying how to install it. When the environment variable XMPP_INTEGRATION
// is set to 1, as in CI, a missing server fails the test instead, so that a
// broken installation cannot pass as a run of skipped tests.
//
// On Debian and Ubuntu, install both servers with
//
//	apt-get install prosody ejabberd
//
// (this repository's scripts/install-servers.sh does that, idempotently).
// The launchers run the servers in the foreground without systemd and do
// not need the system services, which may stay stopped. They work as root,
// as CI runs, and as an ordinary user. They need Linux: they read /proc to
// check which process listens on which port and to find the servers'
// helper processes.
package xmpptest
