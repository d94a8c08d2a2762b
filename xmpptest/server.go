package xmpptest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/jid"
)

const (
	// testDomain is the XMPP domain of every launched server.
	testDomain = "localhost"
	// defaultAccounts is the number of accounts when RealServerOptions does
	// not say.
	defaultAccounts = 4
	// baseReadyTimeout bounds one attempt to start a server, from
	// creating its directory to its answering a stream header, on a
	// machine with no more runnable work than cores (see readyTimeout).
	// ejabberd takes 2-4 s there; the bound is generous so that it is
	// reached only by a server that will not start.
	baseReadyTimeout = 90 * time.Second
	// maxReadyTimeout bounds readyTimeout however busy the machine is.
	maxReadyTimeout = 5 * time.Minute
	// stopTimeout is how long Stop waits after SIGTERM before SIGKILL.
	stopTimeout = 10 * time.Second
	// helperTimeout is how long Stop waits for the helper processes of a
	// server (its descendants) to exit after the server did.
	helperTimeout = 3 * time.Second
	// maxAttempts is how often a start is tried when another process
	// takes one of the chosen ports first.
	maxAttempts = 3
	// pollInterval is the pace of readiness and exit checks.
	pollInterval = 20 * time.Millisecond
	// logTailBytes is how much of a log file an error message shows.
	logTailBytes = 16 << 10
)

// Account is a test account on a server.
type Account struct {
	User     string // localpart, such as "alice"
	Password string // such as "alice-pass"
	Domain   string // the server's domain, "localhost"
}

// JID returns the bare address of the account, such as alice@localhost.
// It panics if User and Domain do not form a valid address, which cannot
// happen for the accounts a launcher creates.
func (a Account) JID() jid.JID {
	j, err := jid.New(a.User, a.Domain, "")
	if err != nil {
		panic("xmpptest: account " + a.User + "@" + a.Domain + ": " + err.Error())
	}
	return j
}

// RealServerOptions configures StartProsody and StartEjabberd. A nil
// *RealServerOptions and the zero value give the defaults.
type RealServerOptions struct {
	// Accounts is the number of accounts to create before the server is
	// ready; zero or less means 4. The first four are alice, bob, carol
	// and dave, the next user5, user6 and so on; each password is the
	// user name followed by "-pass".
	Accounts int
	// NoArchive starts the server without message archiving (XEP-0313),
	// which is on by default. Under many cut connections ejabberd 23.01
	// with its archive resumed streams slowly (median 657 ms against 18 ms)
	// and delivered hundreds of messages twice (see TestChaos).
	NoArchive bool
}

// accountName returns the localpart of the i-th test account.
func accountName(i int) string {
	switch i {
	case 0:
		return "alice"
	case 1:
		return "bob"
	case 2:
		return "carol"
	case 3:
		return "dave"
	}
	return "user" + strconv.Itoa(i+1)
}

// newAccounts returns the n test accounts of domain.
func newAccounts(n int, domain string) []Account {
	if n <= 0 {
		n = defaultAccounts
	}
	as := make([]Account, n)
	for i := range as {
		u := accountName(i)
		as[i] = Account{User: u, Password: u + "-pass", Domain: domain}
	}
	return as
}

// RealServer is a real XMPP server (Prosody or ejabberd) running as a
// child process of the test, in a private directory, listening on
// 127.0.0.1 only. StartProsody and StartEjabberd return one that is ready
// to serve clients; it is stopped and its directory removed when the test
// ends.
//
// It has the shape of the in-process Server (both are a Target): Addr
// is the STARTTLS listener, DirectTLSAddr the one for TLS from the first
// byte (XEP-0368), both required before authentication; TLSConfig trusts
// the server's certificate.
//
// Its methods are safe for concurrent use.
type RealServer struct {
	name       string
	domain     string
	addr       string // STARTTLS listener
	directAddr string // direct TLS listener
	wsAddr     string // HTTPS listener with the WebSocket endpoint
	rootCAs    *x509.CertPool
	caFile     string
	accounts   []Account
	dir        string
	logFile    string
	pid        int

	noArchive bool          // RealServerOptions.NoArchive
	keyFile   string        // private key of the certificate, in PEM
	logs      []string      // files shown when the start fails
	cmd       *exec.Cmd     // the server process
	done      chan struct{} // closed when cmd.Wait has returned
	waitErr   error         // result of cmd.Wait, set before done closes
	stopOnce  sync.Once
}

// Name returns "prosody" or "ejabberd".
func (s *RealServer) Name() string { return s.name }

// Domain returns the XMPP domain the server hosts, "localhost". It is
// also the name in the server's certificate.
func (s *RealServer) Domain() string { return s.domain }

// MUC returns the address of the server's Multi-User Chat service
// (XEP-0045), "conference.localhost".
func (s *RealServer) MUC() jid.JID { return jid.MustParse(mucHost(s.domain)) }

// Addr returns the client-to-server listener, "127.0.0.1:port". It
// offers STARTTLS and requires it before authentication.
func (s *RealServer) Addr() string { return s.addr }

// DirectTLSAddr returns the listener for TLS from the first byte
// (XEP-0368), "127.0.0.1:port".
func (s *RealServer) DirectTLSAddr() string { return s.directAddr }

// WebSocketPath is the path of the XMPP over WebSocket endpoint on both
// real servers.
const WebSocketPath = "/xmpp-websocket"

// WebSocketURL returns the URL of the XMPP over WebSocket endpoint (RFC
// 7395, subprotocol xmpp) on the server's HTTPS listener,
// "wss://127.0.0.1:port/xmpp-websocket". Its certificate is the one
// TLSConfig trusts, for the name Domain.
func (s *RealServer) WebSocketURL() string { return "wss://" + s.wsAddr + WebSocketPath }

// BOSHPath is the path of the BOSH endpoint (XEP-0124, XEP-0206) on both
// real servers.
const BOSHPath = "/http-bind"

// BOSHURL returns the URL of the BOSH connection manager on the server's
// HTTPS listener, "https://127.0.0.1:port/http-bind", verified as
// WebSocketURL is.
func (s *RealServer) BOSHURL() string { return "https://" + s.wsAddr + BOSHPath }

// WebSocketAddr returns the HTTPS listener that serves WebSocketURL,
// "127.0.0.1:port", for a test that puts a Proxy in front of it.
func (s *RealServer) WebSocketAddr() string { return s.wsAddr }

// TLSConfig returns a new TLS client configuration that trusts the
// server's certificate (and nothing else), verifies the name Domain and
// requires TLS 1.2 or later. The caller may change it.
func (s *RealServer) TLSConfig() *tls.Config {
	return &tls.Config{
		RootCAs:    s.rootCAs,
		ServerName: s.domain,
		MinVersion: tls.VersionTLS12,
	}
}

// CAFile returns the path of the server's self-signed certificate in
// PEM, for clients in other languages.
func (s *RealServer) CAFile() string { return s.caFile }

// Accounts returns the accounts created before the server became ready.
func (s *RealServer) Accounts() []Account { return slices.Clone(s.accounts) }

// Account returns account i. It panics if i is out of range.
func (s *RealServer) Account(i int) Account { return s.accounts[i] }

// Dir returns the server's private directory: configuration, data,
// certificate and logs. It is removed after the server stops, when the
// test ends.
func (s *RealServer) Dir() string { return s.dir }

// LogFile returns the path of the server's main log file, inside Dir.
func (s *RealServer) LogFile() string { return s.logFile }

// PID returns the process id of the server (for ejabberd, of the Erlang
// VM, beam.smp). Stop also waits for the server's helper processes, its
// descendants (for ejabberd: erl_child_setup, port programs).
func (s *RealServer) PID() int { return s.pid }

// Stop stops the server: it sends SIGTERM to the server process, sends
// SIGKILL if the process has not exited after 10 seconds, and returns once
// the process and its helper processes have exited. Stop is idempotent:
// later calls wait for the first one and then return. The test's cleanup
// calls Stop before it removes Dir, so calling it is needed only to test
// what happens when the server goes away.
func (s *RealServer) Stop() {
	s.stopOnce.Do(s.stop)
}

// flavor says how to run one kind of server.
type flavor struct {
	name string
	// find locates the server's programs; its error says which is
	// missing.
	find func() (programs, error)
	// prepare writes the configuration into s.dir, creates the accounts
	// if that is done before the server starts, and returns the command
	// that runs the server in the foreground. It sets s.logFile and
	// s.logs.
	prepare func(ctx context.Context, s *RealServer, p programs) (*exec.Cmd, error)
	// ready reports an error while the server has not finished its own
	// start-up work (nil means it has none).
	ready func(s *RealServer) error
}

// programs holds the paths of a server's programs and libraries.
type programs struct {
	server, ctl string // prosody, prosodyctl; erl, ""
	libs        string // ERL_LIBS for ejabberd
}

// cleanup runs when the test ends: it shows the server log if the test
// failed, stops the server and only then removes its directory, which the
// server may write to until it exits.
func (s *RealServer) cleanup(tb testing.TB) {
	if tb.Failed() {
		tb.Logf("xmpptest: %s (pid %d) logs, for the failed test:%s", s.name, s.pid, s.logTails())
	}
	s.Stop()
	if err := os.RemoveAll(s.dir); err != nil {
		tb.Errorf("xmpptest: remove %s directory: %v", s.name, err)
	}
}

// logTails returns the end of each log file of the server, each after a
// heading, for error messages.
func (s *RealServer) logTails() string {
	var b strings.Builder
	for _, name := range append(s.logs, filepath.Join(s.dir, "console.log")) {
		data, err := os.ReadFile(name)
		if err != nil || len(data) == 0 {
			continue
		}
		if len(data) > logTailBytes {
			data = data[len(data)-logTailBytes:]
			if i := strings.IndexByte(string(data), '\n'); i >= 0 {
				data = data[i+1:]
			}
		}
		fmt.Fprintf(&b, "\n--- %s:\n%s", name, strings.TrimRight(string(data), "\n"))
	}
	return b.String()
}

// checkPath rejects a directory path that the generated configuration
// files could not quote simply (Lua, YAML and Erlang strings).
func checkPath(p string) error {
	if strings.ContainsAny(p, "\"'\\\n\r\t$`") {
		return fmt.Errorf("unsupported characters in directory %q; set TMPDIR to a plain path", p)
	}
	return nil
}

// firstLine returns s up to its first newline.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// mucHost returns the domain of the Multi-User Chat service of a server
// hosting domain.
func mucHost(domain string) string { return "conference." + domain }

// PubSub returns the address of the server's publish-subscribe service
// (see Target).
func (s *RealServer) PubSub() jid.JID { return jid.MustParse(pubsubHost(s.domain)) }

func pubsubHost(domain string) string { return "pubsub." + domain }

// archive returns conf when the server archives messages, else "".
func archive(on bool, conf string) string {
	if on {
		return conf
	}
	return ""
}
