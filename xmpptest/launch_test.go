//go:build linux

package xmpptest

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/stanza"
	xstream "github.com/xmppkit/xmpp/stream"
)

// Namespaces of stream features the tests look at.
const (
	nsTLS  = "urn:ietf:params:xml:ns:xmpp-tls"
	nsSASL = "urn:ietf:params:xml:ns:xmpp-sasl"
)

// connTimeout bounds each connection a test makes to a server.
const connTimeout = 10 * time.Second

// TestMain fails the run if a child process of the test binary or a
// goroutine survives the tests: every server must be stopped, and its
// wait goroutine ended, by its test's cleanup.
func TestMain(m *testing.M) {
	code := m.Run()
	if kids := children(os.Getpid()); len(kids) > 0 {
		fmt.Fprintf(os.Stderr, "xmpptest: child processes left running: %v\n", kids)
		code = 1
	}
	if stacks := leakedGoroutines(); stacks != "" {
		fmt.Fprintf(os.Stderr, "xmpptest: goroutines left running:\n%s\n", stacks)
		code = 1
	}
	os.Exit(code)
}

// leakedGoroutines returns the stacks of all goroutines if others than the
// calling one are still running a second after the tests, else "".
func leakedGoroutines() string {
	deadline := time.Now().Add(time.Second)
	for runtime.NumGoroutine() > 1 {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			return string(buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
	return ""
}

// children returns the live child processes of pid.
func children(pid int) []int {
	ents, _ := os.ReadDir("/proc")
	var kids []int
	for _, e := range ents {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, err := readStat(p); err == nil && st.ppid == pid && st.state != 'Z' {
			kids = append(kids, p)
		}
	}
	return kids
}

// needRealServers skips a test that starts Prosody or ejabberd when
// -short is given: each start takes a second or more.
func needRealServers(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts real servers; run without -short")
	}
}

// TestStartStop starts each server alone, checks what it offers and that
// the accounts exist, and stops it.
func TestStartStop(t *testing.T) {
	needRealServers(t)
	for _, l := range launchers {
		t.Run(l.name, func(t *testing.T) {
			t0 := time.Now()
			s := l.start(t, nil)
			t.Logf("%s (pid %d) ready in %v on %s, direct TLS %s", s.Name(), s.PID(), time.Since(t0).Round(time.Millisecond), s.Addr(), s.DirectTLSAddr())
			checkFields(t, s, l.name, 4)
			checkListeners(t, s)
			checkFeatures(t, s)
			checkWebSocket(t, s)
			checkAccounts(t, s)
			checkStop(t, s)
		})
	}
}

// TestParallel starts Prosody and ejabberd at the same time (t.Parallel),
// two instances of each, and checks that the instances share no state
// (ports, directories, Erlang node names, databases): each serves its own
// accounts, and stopping one leaves the other working.
func TestParallel(t *testing.T) {
	needRealServers(t)
	t0 := time.Now()
	t.Run("group", func(t *testing.T) {
		for _, l := range launchers {
			t.Run(l.name, func(t *testing.T) {
				t.Parallel()
				var srv [2]*RealServer
				for i := range srv {
					t1 := time.Now()
					srv[i] = l.start(t, nil)
					t.Logf("%s #%d (pid %d) ready in %v", l.name, i+1, srv[i].PID(), time.Since(t1).Round(time.Millisecond))
				}
				if srv[0].Dir() == srv[1].Dir() || srv[0].Addr() == srv[1].Addr() || srv[0].DirectTLSAddr() == srv[1].DirectTLSAddr() {
					t.Fatalf("instances share a directory or a port: %+v, %+v", srv[0], srv[1])
				}
				for _, s := range srv {
					checkListeners(t, s)
					for _, a := range s.Accounts() {
						if err := login(s, a.User, a.Password); err != nil {
							t.Errorf("login %s on pid %d: %v", a.JID(), s.PID(), err)
						}
					}
				}
				checkStop(t, srv[0])
				if err := login(srv[1], "alice", "alice-pass"); err != nil {
					t.Errorf("the second instance fails once the first stopped: %v", err)
				}
				checkStop(t, srv[1])
			})
		}
	})
	t.Logf("all ready and stopped in %v", time.Since(t0).Round(time.Millisecond))
}

// TestCleanup checks that the test's cleanup alone stops the server and
// removes its directory, and that RealServerOptions.Accounts is honoured.
func TestCleanup(t *testing.T) {
	needRealServers(t)
	for _, l := range launchers {
		t.Run(l.name, func(t *testing.T) {
			var s *RealServer
			var helpers []proc
			t.Run("run", func(t *testing.T) {
				s = l.start(t, &RealServerOptions{Accounts: 6})
				defer func() { helpers = descendants(s.PID()) }()
				checkFields(t, s, l.name, 6)
				for _, a := range s.Accounts()[4:] {
					if err := login(s, a.User, a.Password); err != nil {
						t.Errorf("login %s: %v", a.JID(), err)
					}
				}
			})
			if s == nil {
				return
			}
			if _, err := os.Stat(s.Dir()); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("directory %s not removed: %v", s.Dir(), err)
			}
			checkGone(t, s, helpers)
		})
	}
}

// checkFields checks the description of a started server.
func checkFields(t *testing.T, s *RealServer, name string, accounts int) {
	t.Helper()
	if s.Name() != name || s.Domain() != "localhost" {
		t.Errorf("Name, Domain = %q, %q", s.Name(), s.Domain())
	}
	for _, addr := range []string{s.Addr(), s.DirectTLSAddr(), s.WebSocketAddr()} {
		ap, err := netip.ParseAddrPort(addr)
		if err != nil || ap.Addr() != netip.MustParseAddr("127.0.0.1") || ap.Port() == 0 {
			t.Errorf("address %q: want 127.0.0.1:port (%v)", addr, err)
		}
	}
	if s.PID() <= 0 {
		t.Errorf("PID = %d", s.PID())
	}
	if fi, err := os.Stat(s.Dir()); err != nil || !fi.IsDir() {
		t.Errorf("Dir %q: %v", s.Dir(), err)
	}
	if _, err := os.Stat(s.LogFile()); err != nil || !strings.HasPrefix(s.LogFile(), s.Dir()+"/") {
		t.Errorf("LogFile %q: %v", s.LogFile(), err)
	}
	if pem, err := os.ReadFile(s.CAFile()); err != nil || len(pem) == 0 {
		t.Errorf("CAFile %q: %v", s.CAFile(), err)
	}
	if len(s.Accounts()) != accounts {
		t.Fatalf("%d accounts, want %d", len(s.Accounts()), accounts)
	}
	want := []string{"alice", "bob", "carol", "dave", "user5", "user6"}
	for i, a := range s.Accounts() {
		if a.User != want[i] || a.Password != want[i]+"-pass" || a.Domain != "localhost" || s.Account(i) != a {
			t.Errorf("account %d = %+v", i, a)
		}
		if got := a.JID().String(); got != want[i]+"@localhost" {
			t.Errorf("account %d JID = %s", i, got)
		}
	}
}

// checkWebSocket opens an XMPP stream over WebSocketURL, with the
// certificate TLSConfig trusts, and checks that the server offers SASL
// there (TLS from the first byte: no STARTTLS needed).
func checkWebSocket(t *testing.T, s *RealServer) {
	t.Helper()
	if want := "wss://" + s.WebSocketAddr() + "/xmpp-websocket"; s.WebSocketURL() != want {
		t.Errorf("WebSocketURL = %q, want %q", s.WebSocketURL(), want)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	ws, err := xstream.DialWebSocket(ctx, s.WebSocketURL(), &xstream.DialOptions{TLSConfig: s.TLSConfig()})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	h, err := ws.Open(ctx, stanza.StreamHeader{To: s.Domain(), Version: "1.0"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := ws.ReadElementContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if h.From != s.Domain() || f.Name.Local != "features" || f.Child("urn:ietf:params:xml:ns:xmpp-sasl", "mechanisms") == nil {
		t.Errorf("over WebSocket: header %+v, features %s", h, f)
	}
}

// checkListeners checks that the server process listens on its three
// addresses (STARTTLS, direct TLS, HTTPS for WebSocket) and nowhere else.
func checkListeners(t *testing.T, s *RealServer) {
	t.Helper()
	got, err := processListeners(s.PID())
	if err != nil {
		t.Fatal(err)
	}
	var addrs []string
	for _, a := range got {
		addrs = append(addrs, a.String())
	}
	slices.Sort(addrs)
	want := []string{s.Addr(), s.DirectTLSAddr(), s.WebSocketAddr()}
	slices.Sort(want)
	if !slices.Equal(addrs, want) {
		t.Errorf("%s listens on %v, want %v", s.Name(), addrs, want)
	}
}

// checkFeatures checks the stream features before TLS (STARTTLS required
// and nothing to authenticate with) and logs the SASL mechanisms after
// STARTTLS and with direct TLS, on TLS 1.2 and 1.3.
func checkFeatures(t *testing.T, s *RealServer) {
	t.Helper()
	f, err := probeFeatures(t.Context(), s.Addr(), s.Domain())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("features before TLS: %s", f)
	st := f.Child(nsTLS, "starttls")
	if st == nil || st.Child(nsTLS, "required") == nil {
		t.Errorf("no <starttls><required/></starttls> before TLS: %s", f)
	}
	if m := mechanisms(f); len(m) > 0 {
		t.Errorf("mechanisms offered before TLS: %v", m)
	}
	for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		for _, direct := range []bool{false, true} {
			how := "STARTTLS"
			if direct {
				how = "direct TLS"
			}
			f, cs, err := tlsFeatures(s, direct, v)
			if err != nil {
				t.Errorf("%s %s: %v", how, tls.VersionName(v), err)
				continue
			}
			m := mechanisms(f)
			t.Logf("after %s, %s (%s): mechanisms %v", how, tls.VersionName(cs.Version), tls.CipherSuiteName(cs.CipherSuite), m)
			if f.Child(nsTLS, "starttls") != nil {
				t.Errorf("%s: starttls offered again", how)
			}
			for _, want := range []string{"PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256"} {
				if !slices.Contains(m, want) {
					t.Errorf("%s %s: %s not offered", how, tls.VersionName(v), want)
				}
			}
		}
	}
}

// checkAccounts logs in to every account with SASL PLAIN, and checks that
// a wrong password is refused.
func checkAccounts(t *testing.T, s *RealServer) {
	t.Helper()
	for _, a := range s.Accounts() {
		if err := login(s, a.User, a.Password); err != nil {
			t.Errorf("login %s: %v", a.JID(), err)
		}
	}
	a := s.Account(0)
	if err := login(s, a.User, "wrong"); err == nil || !errors.Is(err, errSASLFailure) {
		t.Errorf("login %s with a wrong password: %v, want a SASL failure", a.JID(), err)
	}
}

// checkStop stops the server and checks that it is gone; a second Stop
// returns at once.
func checkStop(t *testing.T, s *RealServer) {
	t.Helper()
	helpers := descendants(s.PID())
	t0 := time.Now()
	s.Stop()
	t.Logf("%s (pid %d, %d helper processes) stopped in %v", s.Name(), s.PID(), len(helpers), time.Since(t0).Round(time.Millisecond))
	checkGone(t, s, helpers)
	t0 = time.Now()
	s.Stop()
	if d := time.Since(t0); d > 100*time.Millisecond {
		t.Errorf("second Stop took %v", d)
	}
	if _, err := os.Stat(s.Dir()); err != nil {
		t.Errorf("directory removed before the test's end: %v", err)
	}
}

// checkGone checks that the server process and its helpers have exited and
// its ports are closed.
func checkGone(t *testing.T, s *RealServer, helpers []proc) {
	t.Helper()
	if _, err := os.Stat("/proc/" + strconv.Itoa(s.PID())); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("process %d still exists (%v)", s.PID(), err)
	}
	for _, p := range helpers {
		if p.alive() {
			t.Errorf("helper process %d of %s still running", p.pid, s.Name())
		}
	}
	for _, addr := range []string{s.Addr(), s.DirectTLSAddr(), s.WebSocketAddr()} {
		c, err := net.DialTimeout("tcp", addr, connTimeout)
		if err == nil {
			c.Close()
			t.Errorf("%s still accepts connections", addr)
		} else if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("dial %s: %v, want connection refused", addr, err)
		}
	}
}

// mechanisms returns the SASL mechanisms in stream features, sorted (the
// servers' order is not stable).
func mechanisms(features *stanza.Element) []string {
	var m []string
	if ms := features.Child(nsSASL, "mechanisms"); ms != nil {
		for c := range ms.Children() {
			m = append(m, c.Text())
		}
	}
	slices.Sort(m)
	return m
}

// stream is a client stream for tests.
type stream struct {
	conn net.Conn
	enc  *stanza.Encoder
	dec  *stanza.Decoder
}

// open sends a stream header, reads the server's and returns the stream
// features.
func (st *stream) open() (*stanza.Element, error) {
	if err := st.enc.WriteHeader(stanza.StreamHeader{To: "localhost", Version: "1.0"}); err != nil {
		return nil, err
	}
	if _, err := st.dec.ReadHeader(); err != nil {
		return nil, err
	}
	f, err := st.dec.ReadElement()
	if err != nil {
		return nil, err
	}
	if f.Name != nameFeatures {
		return nil, fmt.Errorf("got %s, want stream features", f)
	}
	return f, nil
}

// newStream returns a stream over conn, with a deadline.
func newStream(conn net.Conn) *stream {
	_ = conn.SetDeadline(time.Now().Add(connTimeout))
	return &stream{conn: conn, enc: stanza.NewEncoder(conn), dec: stanza.NewDecoder(conn, nil)}
}

// tlsFeatures connects to s with STARTTLS or direct TLS of version v and
// returns the stream features after TLS.
func tlsFeatures(s *RealServer, direct bool, v uint16) (*stanza.Element, tls.ConnectionState, error) {
	cfg := s.TLSConfig()
	cfg.MinVersion, cfg.MaxVersion = v, v
	var tc *tls.Conn
	if direct {
		c, err := tls.DialWithDialer(&net.Dialer{Timeout: connTimeout}, "tcp", s.DirectTLSAddr(), cfg)
		if err != nil {
			return nil, tls.ConnectionState{}, err
		}
		tc = c
	} else {
		conn, err := net.DialTimeout("tcp", s.Addr(), connTimeout)
		if err != nil {
			return nil, tls.ConnectionState{}, err
		}
		defer conn.Close()
		st := newStream(conn)
		if _, err := st.open(); err != nil {
			return nil, tls.ConnectionState{}, err
		}
		if err := st.enc.Encode(stanza.NewElement(nsTLS, "starttls")); err != nil {
			return nil, tls.ConnectionState{}, err
		}
		el, err := st.dec.ReadElement()
		if err != nil {
			return nil, tls.ConnectionState{}, err
		}
		if el.Name != (stanza.Name{Space: nsTLS, Local: "proceed"}) {
			return nil, tls.ConnectionState{}, fmt.Errorf("starttls answered with %s", el)
		}
		if n := st.dec.Buffered(); n != 0 {
			return nil, tls.ConnectionState{}, fmt.Errorf("%d bytes after <proceed/> before TLS", n)
		}
		tc = tls.Client(conn, cfg)
		if err := tc.Handshake(); err != nil {
			return nil, tls.ConnectionState{}, err
		}
	}
	defer tc.Close()
	f, err := newStream(tc).open()
	return f, tc.ConnectionState(), err
}

// errSASLFailure is wrapped by login's error when the server refuses the
// credentials.
var errSASLFailure = errors.New("sasl failure")

// login authenticates as user with SASL PLAIN over direct TLS.
func login(s *RealServer, user, password string) error {
	tc, err := tls.DialWithDialer(&net.Dialer{Timeout: connTimeout}, "tcp", s.DirectTLSAddr(), s.TLSConfig())
	if err != nil {
		return err
	}
	defer tc.Close()
	st := newStream(tc)
	f, err := st.open()
	if err != nil {
		return err
	}
	if !slices.Contains(mechanisms(f), "PLAIN") {
		return fmt.Errorf("PLAIN not offered: %s", f)
	}
	resp := base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + password))
	auth := stanza.NewElement(nsSASL, "auth", stanza.A("mechanism", "PLAIN")).AddText(resp)
	if err := st.enc.Encode(auth); err != nil {
		return err
	}
	el, err := st.dec.ReadElement()
	if err != nil {
		return err
	}
	switch el.Name {
	case stanza.Name{Space: nsSASL, Local: "success"}:
		return nil
	case stanza.Name{Space: nsSASL, Local: "failure"}:
		return fmt.Errorf("%w: %s", errSASLFailure, el)
	}
	return fmt.Errorf("unexpected answer %s", el)
}

// TestLostPortRace takes one of the ports chosen for a server before the
// server binds it, as another process may: the launcher must notice that
// the port is not the server's and start again on new ports.
func TestLostPortRace(t *testing.T) {
	needRealServers(t)
	flavors := []*flavor{
		{name: "prosody", find: findProsody, prepare: prepareProsody},
		{name: "ejabberd", find: findEjabberd, prepare: prepareEjabberd, ready: ejabberdAccountsReady},
	}
	for _, fl := range flavors {
		t.Run(fl.name, func(t *testing.T) {
			attempts := 0
			var stolen []net.Listener
			defer func() {
				for _, l := range stolen {
					l.Close()
				}
			}()
			prepare := fl.prepare
			fl.prepare = func(ctx context.Context, s *RealServer, p programs) (*exec.Cmd, error) {
				attempts++
				if attempts == 1 {
					l, err := net.Listen("tcp4", s.DirectTLSAddr())
					if err != nil {
						return nil, err
					}
					stolen = append(stolen, l)
				}
				return prepare(ctx, s, p)
			}
			s := start(t, nil, fl)
			// At least one retry; on a busy machine a fresh port can be
			// lost to another process again, which the launcher must
			// survive the same way.
			if attempts < 2 {
				t.Errorf("%d attempts, want a retry after the stolen port", attempts)
			}
			if s.DirectTLSAddr() == stolen[0].Addr().String() {
				t.Errorf("server uses the stolen port %s", s.DirectTLSAddr())
			}
			checkListeners(t, s)
			if err := login(s, "alice", "alice-pass"); err != nil {
				t.Error(err)
			}
		})
	}
}

// fatalRecorder is a testing.TB whose Fatalf records the message and
// panics with fatalSentinel instead of ending the test.
type fatalRecorder struct {
	testing.TB
	msg string
}

type fatalSentinel struct{}

func (r *fatalRecorder) Helper()             {}
func (r *fatalRecorder) Logf(string, ...any) {}
func (r *fatalRecorder) Fatalf(f string, a ...any) {
	r.msg = fmt.Sprintf(f, a...)
	panic(fatalSentinel{})
}

// startFailure starts a server of flavor fl, which must fail, and returns
// the message with which start fails the test.
func startFailure(t *testing.T, fl *flavor) (msg string) {
	t.Helper()
	r := &fatalRecorder{TB: t}
	defer func() {
		if v := recover(); v != nil && v != (fatalSentinel{}) {
			panic(v)
		}
		msg = r.msg
	}()
	start(r, nil, fl)
	t.Fatal("start succeeded")
	return ""
}

// TestStartFailure checks that a server that dies during start-up fails
// the test with its exit status and its logs, and leaves no directory.
func TestStartFailure(t *testing.T) {
	var dir string
	fl := &flavor{
		name: "fake",
		find: func() (programs, error) { return programs{}, nil },
		prepare: func(_ context.Context, s *RealServer, _ programs) (*exec.Cmd, error) {
			dir = s.Dir()
			s.logFile = filepath.Join(s.dir, "fake.log")
			s.logs = []string{s.logFile}
			if err := os.WriteFile(s.logFile, []byte("fake: cannot load the configuration\n"), 0o600); err != nil {
				return nil, err
			}
			return exec.Command("/bin/sh", "-c", "echo boom >&2; exit 3"), nil
		},
	}
	msg := startFailure(t, fl)
	t.Log(msg)
	for _, want := range []string{"fake exited before it was ready", "exit status 3", "fake: cannot load the configuration", "boom"} {
		if !strings.Contains(msg, want) {
			t.Errorf("failure message lacks %q", want)
		}
	}
	if _, err := os.Stat(dir); dir == "" || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("directory %q not removed: %v", dir, err)
	}
}

// TestRegistrationFailure checks that an account the server's own tool
// refuses fails the start, with the tool's message.
func TestRegistrationFailure(t *testing.T) {
	needRealServers(t)
	for _, tc := range []struct {
		fl    *flavor
		extra string // an account the server refuses
		want  string // in the failure message
	}{
		{
			&flavor{name: "prosody", find: findProsody, prepare: prepareProsody},
			"bad user", "prosodyctl register bad user: exit status 1: The given username is invalid",
		},
		{
			&flavor{name: "ejabberd", find: findEjabberd, prepare: prepareEjabberd, ready: ejabberdAccountsReady},
			"alice", `account registration failed: [{<<"alice">>,{error,exists}}]`,
		},
	} {
		t.Run(tc.fl.name, func(t *testing.T) {
			_, err := tc.fl.find()
			requireInstalled(t, tc.fl.name, err)
			var dir string
			prepare := tc.fl.prepare
			tc.fl.prepare = func(ctx context.Context, s *RealServer, p programs) (*exec.Cmd, error) {
				dir = s.Dir()
				s.accounts = append(s.accounts, Account{User: tc.extra, Password: "x", Domain: s.domain})
				return prepare(ctx, s, p)
			}
			if msg := startFailure(t, tc.fl); !strings.Contains(msg, tc.want) {
				t.Errorf("failure message lacks %q:\n%s", tc.want, msg)
			}
			if _, err := os.Stat(dir); dir == "" || !errors.Is(err, os.ErrNotExist) {
				t.Errorf("directory %q not removed: %v", dir, err)
			}
		})
	}
}

// TestReadyTimeoutScalesWithLoad: the start-up bound is 90 s on a machine
// with no more runnable work than cores, grows in proportion beyond, and
// stops at 5 minutes.
func TestReadyTimeoutScalesWithLoad(t *testing.T) {
	for _, tc := range []struct {
		load float64
		want time.Duration
	}{
		{0, 90 * time.Second},
		{0.5, 90 * time.Second},
		{1, 90 * time.Second},
		{2, 180 * time.Second},
		{3.2, 288 * time.Second},
		{4, 5 * time.Minute},
		{50, 5 * time.Minute},
	} {
		if got := readyTimeout(tc.load); got != tc.want {
			t.Errorf("readyTimeout(%v) = %v, want %v", tc.load, got, tc.want)
		}
	}
}

// TestStartProgressSaysHowFar: a start that timed out names each stage
// it passed with its time; passing a later stage passes the earlier ones.
func TestStartProgressSaysHowFar(t *testing.T) {
	p := &startProgress{begin: time.Now().Add(-2 * time.Second)}
	p.pass(stageStarted)
	p.pass(stageOwnWork)
	got := p.String()
	for _, want := range []string{"started +2.0s", "listening +2.0s", "accounts ready +2.0s"} {
		if !strings.Contains(got, want) {
			t.Errorf("progress %q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "answering") {
		t.Errorf("progress %q names a stage not passed", got)
	}
	p.pass(stageListening) // already passed: no change
	if p.String() != got {
		t.Errorf("passing an earlier stage again changed %q to %q", got, p.String())
	}
}
