// Package xmpptest is a test kit for code that uses XMPP, in the spirit of
// net/http/httptest: it starts XMPP servers for tests. It is not a
// production server and its servers are not configured for production.
//
// # In-process server
//
// StartServer (or NewServer) starts a Server: an XMPP server inside the
// test process, ready in a fraction of a millisecond, for unit tests of code that
// talks XMPP. Clients reach it through a loopback socket (Addr, or
// DirectTLSAddr), over WebSocket (WebSocketURL, RFC 7395), over BOSH
// (BOSHURL, XEP-0124 with XEP-0206) or, with no
// socket at all, through net.Pipe (DialPipe, to give as the client's
// Dial option):
//
//	func TestHello(t *testing.T) {
//		srv := xmpptest.StartServer(t, nil) // closed when the test ends
//		acct := srv.Account(0)             // alice@localhost, "alice-pass"
//		c := xmpp.New(acct.JID(), &xmpp.Options{
//			Password: acct.Password, Addr: srv.Addr(),
//			TLSConfig: srv.TLSConfig(), Dial: srv.DialPipe,
//		})
//		c.HandleMessage(xmpp.Route{}, ...)
//		err := c.Connect(ctx)
//		...
//	}
//
// It negotiates as a real server does (STARTTLS required, or direct TLS,
// or XMPP over WebSocket at wss://127.0.0.1:port/xmpp-websocket, or BOSH
// at https://127.0.0.1:port/http-bind, where the stream offers no
// STARTTLS; with a generated certificate that
// Server.TLSConfig trusts; SCRAM-SHA-256
// and PLAIN; resource binding, a second session with the same address
// replacing the first with a conflict stream error; stream management with
// resumption when configured), routes messages, presence and IQs
// between its clients by the rules of RFC 6121 section 8, answers ping,
// disco#info and roster requests itself, with roster versioning (RFC 6121
// section 2.6), and keeps rosters and presence subscriptions in memory
// (RFC 6121 sections 2 and 3). It keeps no offline messages: a chat
// message for an account with no available resource comes back as
// service-unavailable. It talks to no other server. With
// ServerOptions.MUC it also runs a Multi-User Chat service (XEP-0045) at
// conference.localhost (Server.MUC): rooms, their occupants, history,
// subject, roles, affiliations, configuration and invitations, enough to
// test a MUC client offline; DropOccupant makes it forget an occupant
// silently, as a real service sometimes does, for tests of self-pings
// (XEP-0410).
//
// Hooks make it a scripted server for tests of error paths: OnElement
// sees every element in both directions and may drop, delay or replace
// it (the negotiation included, so a test can offer other mechanisms,
// refuse STARTTLS or bind a foreign address); Inject and InjectRaw write
// into a client's stream, Flush waits until that is written, and Cut
// breaks a connection; HandleIQ scripts the answer to an IQ. The SDK's
// own error-path tests are written this way. Close ends every
// session with a system-shutdown stream error and returns once all of the
// Server's goroutines have exited. It is a test tool, not a production
// server: it keeps nothing on disk and trusts its configuration.
//
// # Real servers
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
// versioning, carbons, blocking, vCard, private XML storage and PEP. Both
// run a Multi-User Chat service at conference.localhost (RealServer.MUC)
// where any account may create rooms, which keep an archive (XEP-0313)
// unless RealServerOptions.NoArchive. The documentation of StartProsody
// and StartEjabberd lists the details.
//
// # Missing servers and XMPP_INTEGRATION
//
// If a server is not installed, its launcher skips the test with a message
// saying how to install it. When the environment variable XMPP_INTEGRATION
// is set to 1, as in CI, a missing server fails the test instead, so that a
// broken installation cannot pass as a run of skipped tests.
//
// On Debian and Ubuntu, install both servers, and slixmpp for the interop
// tests, with
//
//	apt-get install prosody ejabberd erlang-p1-sqlite3 python3-slixmpp
//
// (this repository's scripts/install-servers.sh does that, idempotently).
// The launchers run the servers in the foreground without systemd and do
// not need the system services, which may stay stopped. They work as root,
// as CI runs, and as an ordinary user. They need Linux: they read /proc to
// check which process listens on which port and to find the servers'
// helper processes.
package xmpptest
