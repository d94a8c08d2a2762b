// Package interop runs slixmpp (Python, from Debian's python3-slixmpp) as
// a second, independent XMPP client beside the SDK's, against the same
// real server, so that the tests prove the two implementations understand
// each other, in both directions, rather than the SDK only talking to
// itself.
//
// A Peer is a child process running peer.py (embedded here), driven over
// its standard input and output with one JSON object per line: the test
// calls an op (send a message with given payloads, answer with a marker,
// query disco, run an ad-hoc command, fetch the archive...) and gets its
// result, and reads what the peer received as stanzas decoded by the
// SDK's own decoder. The ops use slixmpp's plugins wherever one exists,
// so what the SDK reads is what slixmpp writes, and a result is how
// slixmpp read what the SDK wrote.
//
// Tests skip, saying how to install it, when python3-slixmpp is missing,
// unless XMPP_INTEGRATION=1, when that is a failure.
package interop

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

//go:embed peer.py
var peerScript []byte

// Python is the interpreter that runs the peer: Debian's python3-slixmpp
// is importable by the system Python only (not by a pyenv or venv one
// earlier in PATH).
const Python = "/usr/bin/python3"

// startTimeout bounds a peer's start: the Python interpreter, the
// slixmpp import, TLS, SASL, bind, roster and initial presence. On a
// loaded 2-core machine the import alone takes a second.
const startTimeout = 30 * time.Second

// quitTimeout bounds a peer's exit after it was asked to quit.
const quitTimeout = 5 * time.Second

// Options configures a Peer. The zero value logs in to an existing
// account, fetches the roster and sends initial presence.
type Options struct {
	// Register creates the account in band (XEP-0077) before logging in.
	Register bool
	// NoRoster and NoPresence skip the roster fetch and the initial
	// presence after login.
	NoRoster, NoPresence bool
	// AutoReceipts makes the peer answer XEP-0184 receipt requests, as
	// slixmpp does by default; off, the test sends receipts itself.
	AutoReceipts bool
	// Debug logs the peer's XML and plugin activity on its stderr, which
	// the test shows if it fails.
	Debug bool
}

// Event is a line the peer wrote that answers no call: a stanza it
// received ("message", "presence") or a change of its connection
// ("disconnected").
type Event struct {
	Kind   string `json:"event"`
	XML    string `json:"xml"`
	JID    string `json:"jid"`
	Error  string `json:"error"`
	Reason string `json:"reason"`
}

// Peer is a running slixmpp client. Its methods are safe for concurrent
// use.
type Peer struct {
	t   testing.TB
	jid jid.JID
	cmd *exec.Cmd

	wmu   sync.Mutex
	stdin io.WriteCloser

	mu      sync.Mutex
	nextID  int
	calls   map[int]chan reply
	events  []Event
	arrived chan struct{} // closed and replaced when an event arrives
	exited  bool

	stderr  bytes.Buffer // guarded by mu through lockedWriter
	readErr chan struct{}
}

type reply struct {
	ID     int             `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *string         `json:"error"`
}

// Available reports why a peer cannot run here: nil when the system
// Python imports slixmpp.
func Available() error {
	out, err := exec.Command(Python, "-c", "import slixmpp; print(slixmpp.__version__)").CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s cannot import slixmpp: %v: %s", Python, err, bytes.TrimSpace(out))
	}
	return nil
}

// Require skips t (or fails it, with XMPP_INTEGRATION=1) unless a peer
// can run here.
func Require(t testing.TB) {
	t.Helper()
	if err := Available(); err != nil {
		msg := "interop: " + err.Error() + "; install it with: apt-get install python3-slixmpp"
		if os.Getenv("XMPP_INTEGRATION") == "1" {
			t.Fatal(msg + " (XMPP_INTEGRATION=1 makes this a failure)")
		}
		t.Skip(msg + " (set XMPP_INTEGRATION=1 to make this a failure)")
	}
}

// Start runs a peer logged in to srv as account a with resource, and
// stops it when t ends. It fails t if the peer cannot log in.
func Start(t testing.TB, srv *xmpptest.RealServer, a xmpptest.Account, resource string, opts *Options) *Peer {
	t.Helper()
	Require(t)
	var o Options
	if opts != nil {
		o = *opts
	}
	script := filepath.Join(t.TempDir(), "peer.py")
	if err := os.WriteFile(script, peerScript, 0o600); err != nil {
		t.Fatal(err)
	}
	host, port, err := net.SplitHostPort(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	args := []string{script,
		"--jid", a.JID().String() + "/" + resource, "--password", a.Password,
		"--host", host, "--port", port, "--cafile", srv.CAFile()}
	for _, f := range []struct {
		on   bool
		flag string
	}{{o.Register, "--register"}, {o.NoRoster, "--no-roster"}, {o.NoPresence, "--no-presence"}, {o.AutoReceipts, "--auto-receipts"}, {o.Debug, "--debug"}} {
		if f.on {
			args = append(args, f.flag)
		}
	}
	p := &Peer{t: t, calls: map[int]chan reply{}, arrived: make(chan struct{}), readErr: make(chan struct{})}
	p.cmd = exec.Command(Python, args...)
	p.cmd.Stderr = lockedWriter{&p.mu, &p.stderr}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("interop: start %s: %v", Python, err)
	}
	t.Cleanup(p.stop)
	go p.read(stdout)

	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	ev, err := p.next(ctx, func(e Event) bool { return e.Kind == "ready" || e.Kind == "failed" || e.Kind == "exited" })
	switch {
	case err != nil:
		t.Fatalf("interop: peer %s did not log in: %v\n%s", a.User, err, p.logs())
	case ev.Kind != "ready":
		t.Fatalf("interop: peer %s: %s %s\n%s", a.User, ev.Kind, ev.Error, p.logs())
	}
	if p.jid, err = jid.Parse(ev.JID); err != nil {
		t.Fatalf("interop: peer bound %q: %v", ev.JID, err)
	}
	return p
}

// JID returns the peer's full address.
func (p *Peer) JID() jid.JID { return p.jid }

// read decodes the peer's output until it ends.
func (p *Peer) read(r io.Reader) {
	defer close(p.readErr)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var probe struct {
			ID *int `json:"id"`
		}
		if err := json.Unmarshal(line, &probe); err != nil {
			p.addEvent(Event{Kind: "garbage", Error: string(line)})
			continue
		}
		if probe.ID != nil {
			var r reply
			if err := json.Unmarshal(line, &r); err == nil {
				p.mu.Lock()
				ch := p.calls[r.ID]
				delete(p.calls, r.ID)
				p.mu.Unlock()
				if ch != nil {
					ch <- r
				}
			}
			continue
		}
		var ev Event
		if err := json.Unmarshal(line, &ev); err == nil {
			p.addEvent(ev)
		}
	}
	p.mu.Lock()
	p.exited = true
	for id, ch := range p.calls {
		msg := "peer exited"
		ch <- reply{ID: id, Error: &msg}
		delete(p.calls, id)
	}
	p.mu.Unlock()
	p.addEvent(Event{Kind: "exited"})
}

func (p *Peer) addEvent(ev Event) {
	p.mu.Lock()
	p.events = append(p.events, ev)
	close(p.arrived)
	p.arrived = make(chan struct{})
	p.mu.Unlock()
}

// next removes and returns the first event, oldest first, that match
// accepts, waiting for one until ctx ends.
func (p *Peer) next(ctx context.Context, match func(Event) bool) (Event, error) {
	for {
		p.mu.Lock()
		for i, ev := range p.events {
			if match(ev) {
				p.events = append(p.events[:i:i], p.events[i+1:]...)
				p.mu.Unlock()
				return ev, nil
			}
		}
		arrived := p.arrived
		p.mu.Unlock()
		select {
		case <-arrived:
		case <-ctx.Done():
			return Event{}, fmt.Errorf("interop: waiting for the peer: %w", ctx.Err())
		}
	}
}

// Call runs op with args on the peer and decodes its result into result
// (unless nil). A stanza error the peer got comes back as an error whose
// text starts with "type/condition".
func (p *Peer) Call(ctx context.Context, op string, args map[string]any, result any) error {
	p.mu.Lock()
	if p.exited {
		p.mu.Unlock()
		return errors.New("interop: peer exited")
	}
	p.nextID++
	id := p.nextID
	ch := make(chan reply, 1)
	p.calls[id] = ch
	p.mu.Unlock()
	if args == nil {
		args = map[string]any{}
	}
	line, err := json.Marshal(map[string]any{"id": id, "op": op, "args": args})
	if err != nil {
		return err
	}
	p.wmu.Lock()
	_, err = p.stdin.Write(append(line, '\n'))
	p.wmu.Unlock()
	if err != nil {
		return fmt.Errorf("interop: %s: %w", op, err)
	}
	select {
	case r := <-ch:
		if r.Error != nil {
			return fmt.Errorf("interop: %s: %s", op, *r.Error)
		}
		if result != nil {
			if err := json.Unmarshal(r.Result, result); err != nil {
				return fmt.Errorf("interop: %s: result %s: %w", op, r.Result, err)
			}
		}
		return nil
	case <-ctx.Done():
		p.mu.Lock()
		delete(p.calls, id)
		p.mu.Unlock()
		return fmt.Errorf("interop: %s: %w", op, ctx.Err())
	}
}

// MustCall is Call that fails the test on error.
func (p *Peer) MustCall(ctx context.Context, op string, args map[string]any, result any) {
	p.t.Helper()
	if err := p.Call(ctx, op, args, result); err != nil {
		p.t.Fatalf("%v\n%s", err, p.logs())
	}
}

// Message returns the next message the peer received that match accepts
// (nil accepts any), decoded by the SDK's decoder, waiting until ctx
// ends.
func (p *Peer) Message(ctx context.Context, match func(*stanza.Message) bool) (*stanza.Message, error) {
	var m *stanza.Message
	_, err := p.next(ctx, func(ev Event) bool {
		if ev.Kind != "message" {
			return false
		}
		got, err := ParseMessage(ev.XML)
		if err != nil || (match != nil && !match(got)) {
			return false
		}
		m = got
		return true
	})
	return m, err
}

// Presence returns the next presence the peer received that match
// accepts (nil accepts any), waiting until ctx ends.
func (p *Peer) Presence(ctx context.Context, match func(*stanza.Presence) bool) (*stanza.Presence, error) {
	var pr *stanza.Presence
	_, err := p.next(ctx, func(ev Event) bool {
		if ev.Kind != "presence" {
			return false
		}
		e, err := ParseStanza(ev.XML)
		if err != nil {
			return false
		}
		got, err := stanza.ParsePresence(e)
		if err != nil || (match != nil && !match(got)) {
			return false
		}
		pr = got
		return true
	})
	return pr, err
}

// ParseMessage decodes the XML of a message as slixmpp writes it.
func ParseMessage(s string) (*stanza.Message, error) {
	e, err := ParseStanza(s)
	if err != nil {
		return nil, err
	}
	return stanza.ParseMessage(e)
}

// ParseStanza decodes the XML of a stanza as slixmpp writes it: without
// the jabber:client namespace, which its stream declared.
func ParseStanza(s string) (*stanza.Element, error) {
	wrapper, err := stanza.ParseElement("<stream xmlns='" + stanza.NSClient + "'>" + s + "</stream>")
	if err != nil {
		return nil, err
	}
	for c := range wrapper.Children() {
		return c, nil
	}
	return nil, errors.New("interop: no stanza")
}

// stop asks the peer to quit, and kills it if it does not exit soon. On
// a failed test it logs what the peer wrote on stderr.
func (p *Peer) stop() {
	p.wmu.Lock()
	_, _ = p.stdin.Write([]byte(`{"id": 0, "op": "quit"}` + "\n"))
	_ = p.stdin.Close()
	p.wmu.Unlock()
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(quitTimeout):
		_ = p.cmd.Process.Kill()
		<-done
	}
	<-p.readErr
	if p.t.Failed() {
		p.mu.Lock()
		var unread bytes.Buffer
		for _, ev := range p.events {
			fmt.Fprintf(&unread, "%s %s%s%s\n", ev.Kind, ev.XML, ev.Error, ev.Reason)
		}
		p.mu.Unlock()
		p.t.Logf("interop: peer %s, events not read:\n%sstderr:\n%s", p.jid, unread.String(), p.logs())
	}
}

// logs returns what the peer wrote on stderr so far.
func (p *Peer) logs() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(b)
}

// Servers runs test as parallel subtests "prosody" and "ejabberd", each
// against a server of its own with accounts test accounts, once slixmpp
// is known to be available. Under -short it skips: it starts real
// servers.
func Servers(t *testing.T, accounts int, test func(t *testing.T, srv *xmpptest.RealServer)) {
	t.Helper()
	if testing.Short() {
		t.Skip("interop: starts real servers and slixmpp; run without -short")
	}
	Require(t)
	xmpptest.ForEachRealServer(t, &xmpptest.RealServerOptions{Accounts: accounts}, test)
}
