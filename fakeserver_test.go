package xmpp

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/sasl"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stream"
)

// testCert is a self-signed certificate for "localhost", made once per
// test binary run on first use.
var testCert = sync.OnceValues(func() (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "localhost"},
		DNSNames:     []string{"localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
})

// fakeServer is a scripted server on one end of a net.Pipe. It negotiates
// like a real server (STARTTLS, SASL PLAIN, bind) unless told otherwise,
// then runs the test's script.
type fakeServer struct {
	t           *testing.T
	conn        net.Conn
	dec         *stanza.Decoder
	enc         *stanza.Encoder
	noTLS       bool // offer no STARTTLS
	mechs       []string
	bindAs      string // address to return from bind ("" = alice@localhost/<requested or "res">)
	saslFailure string
	session     bool // require a legacy session (RFC 3921)
	sm          bool // offer stream management (XEP-0198)
	// resume answers a <resume/>; nil refuses it with <failed/>.
	resume      func(e *stanza.Element) *stanza.Element
	resumed     bool   // the last negotiation was a resumption
	failedH     string // h attribute of <failed/> refusing a resumption
	sessionDone bool
	// ready is closed by the test once its handlers are registered;
	// scripts that send stanzas wait for it.
	ready chan struct{}
}

// waitReady waits until the test has registered its handlers.
func (fs *fakeServer) waitReady() { <-fs.ready }

// dialFake returns Options that connect to a fake server running script
// after negotiation, and a function waiting for the script to finish.
func dialFake(t *testing.T, fs *fakeServer, script func(fs *fakeServer)) (*Options, func()) {
	t.Helper()
	return dialFakeSeq(t, []*fakeServer{fs}, []func(*fakeServer){script})
}

// dialFakeSeq is dialFake for a client that connects more than once:
// connection i goes to servers[i] and runs scripts[i]; connections beyond
// the list are refused.
func dialFakeSeq(t *testing.T, servers []*fakeServer, scripts []func(*fakeServer)) (*Options, func()) {
	t.Helper()
	_, pool := testCert()
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for _, fs := range servers {
		fs.ready = make(chan struct{})
	}
	opts := &Options{
		Password:  "secret",
		TLSConfig: &tls.Config{RootCAs: pool},
		Addr:      "fake:5222",
		Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
			mu.Lock()
			i := next
			next++
			mu.Unlock()
			if i >= len(servers) {
				return nil, errors.New("fake: connection refused")
			}
			fs, script := servers[i], scripts[i]
			pc, sc := net.Pipe()
			cc := newBufConn(pc)
			fs.t, fs.conn = t, sc
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer sc.Close()
				if err := fs.negotiate(); err != nil {
					t.Logf("fake server %d: negotiation: %v", i, err)
					return
				}
				if script != nil {
					script(fs)
				}
			}()
			return cc, nil
		},
		KeepaliveInterval: -1,
		PingInterval:      -1,
		CloseTimeout:      time.Second,
		ReconnectMin:      time.Millisecond,
		ReconnectMax:      10 * time.Millisecond,
	}
	return opts, func() {
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("fake server script did not finish")
		}
	}
}

func (fs *fakeServer) open() error {
	if _, err := fs.dec.ReadHeader(); err != nil {
		return err
	}
	return fs.enc.WriteHeader(stanza.StreamHeader{From: "localhost", ID: stanza.NewID(), Version: "1.0"})
}

func (fs *fakeServer) features(children ...*stanza.Element) error {
	f := stanza.NewElement(stanza.NSStream, "features")
	for _, c := range children {
		f.AddChild(c)
	}
	return fs.enc.Encode(f)
}

func (fs *fakeServer) negotiate() error {
	fs.dec = stanza.NewDecoder(fs.conn, nil)
	fs.enc = stanza.NewEncoder(fs.conn)
	if err := fs.open(); err != nil {
		return err
	}
	if !fs.noTLS {
		if err := fs.features(stanza.NewElement(nsTLS, "starttls").AddChild(stanza.NewElement(nsTLS, "required"))); err != nil {
			return err
		}
		if _, err := fs.dec.ReadElement(); err != nil {
			return err
		}
		if err := fs.enc.Encode(stanza.NewElement(nsTLS, "proceed")); err != nil {
			return err
		}
		cert, _ := testCert()
		tc := tls.Server(fs.conn, &tls.Config{Certificates: []tls.Certificate{cert}})
		if err := tc.Handshake(); err != nil {
			return err
		}
		fs.conn = tc
		fs.dec.Reset(tc)
		fs.enc.Reset(tc)
		if err := fs.open(); err != nil {
			return err
		}
	} else {
		// Offer no STARTTLS: a careful client leaves here.
		return fs.features(mechanisms("PLAIN"))
	}
	mechs := fs.mechs
	if mechs == nil {
		mechs = []string{"PLAIN"}
	}
	if err := fs.features(mechanisms(mechs...)); err != nil {
		return err
	}
	auth, err := fs.dec.ReadElement()
	if err != nil {
		return err
	}
	if fs.saslFailure != "" {
		return fs.enc.Encode(stanza.NewElement(nsSASL, "failure").AddChild(stanza.NewElement(nsSASL, fs.saslFailure)).
			AddChild(stanza.NewElement(nsSASL, "text").AddText("go away")))
	}
	creds, _ := base64.StdEncoding.DecodeString(auth.Text())
	if string(creds) != "\x00alice\x00secret" {
		return fs.enc.Encode(stanza.NewElement(nsSASL, "failure").AddChild(stanza.NewElement(nsSASL, "not-authorized")))
	}
	if err := fs.enc.Encode(stanza.NewElement(nsSASL, "success")); err != nil {
		return err
	}
	fs.dec.Restart()
	if err := fs.open(); err != nil {
		return err
	}
	feats := []*stanza.Element{stanza.NewElement(nsBind, "bind")}
	if fs.session {
		feats = append(feats, stanza.NewElement(nsSession, "session"))
	}
	if fs.sm {
		feats = append(feats, stanza.NewElement(nsSM, "sm"))
	}
	if err := fs.features(feats...); err != nil {
		return err
	}
	e, err := fs.dec.ReadElement()
	if err != nil {
		return err
	}
	fs.resumed = false
	if e.Name == (stanza.Name{Space: nsSM, Local: "resume"}) {
		if fs.resume != nil {
			if r := fs.resume(e); r != nil {
				fs.resumed = true
				return fs.enc.Encode(r)
			}
		}
		failed := stanza.NewElement(nsSM, "failed").AddChild(stanza.NewElement(stanza.NSStanzas, "item-not-found"))
		if fs.failedH != "" {
			failed.SetAttr("h", fs.failedH)
		}
		if err := fs.enc.Encode(failed); err != nil {
			return err
		}
		if e, err = fs.dec.ReadElement(); err != nil {
			return err
		}
	}
	iq, err := stanza.ParseIQ(e)
	if err != nil {
		return err
	}
	res := iq.Payload.ChildText(nsBind, "resource")
	if res == "" {
		res = "res"
	}
	bound := fs.bindAs
	if bound == "" {
		bound = "alice@localhost/" + res
	}
	if err := fs.enc.Encode(iq.Result(stanza.NewElement(nsBind, "bind").AddChild(stanza.NewElement(nsBind, "jid").AddText(bound))).Element()); err != nil {
		return err
	}
	if !fs.session {
		return nil
	}
	e, err = fs.dec.ReadElement()
	if err != nil {
		return err
	}
	if iq, err = stanza.ParseIQ(e); err != nil || iq.Payload == nil || iq.Payload.Name.Space != nsSession {
		return fmt.Errorf("expected a session request, got %s", e)
	}
	fs.sessionDone = true
	return fs.enc.Encode(iq.Result(nil).Element())
}

const (
	nsTLS     = stream.NSTLS
	nsSASL    = sasl.NS
	nsBind    = stream.NSBind
	nsSession = stream.NSSession
	nsSM      = stream.NSSM
)

func mechanisms(names ...string) *stanza.Element {
	m := stanza.NewElement(nsSASL, "mechanisms")
	for _, n := range names {
		m.AddChild(stanza.NewElement(nsSASL, "mechanism").AddText(n))
	}
	return m
}

// read reads the next element the client sent, failing the test on error.
func (fs *fakeServer) read() *stanza.Element {
	fs.t.Helper()
	e, err := fs.dec.ReadElement()
	if err != nil {
		fs.t.Errorf("fake server read: %v", err)
		return nil
	}
	return e
}

// readUntilEnd reads until the client closes its stream and answers with
// our closing tag.
func (fs *fakeServer) readUntilEnd() {
	for {
		_, err := fs.dec.ReadElement()
		if err == io.EOF {
			_ = fs.enc.WriteEnd()
			return
		}
		if err != nil {
			return
		}
	}
}

func (fs *fakeServer) send(s string) {
	fs.t.Helper()
	if _, err := io.WriteString(fs.conn, s); err != nil {
		fs.t.Errorf("fake server write: %v", err)
	}
}

var alice = jid.MustParse("alice@localhost")

func dialTest(t *testing.T, fs *fakeServer, script func(fs *fakeServer)) (*Client, func()) {
	t.Helper()
	opts, wait := dialFake(t, fs, script)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Dial(ctx, alice, opts)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	return c, wait
}

// bufConn gives the client's end of a net.Pipe a receive buffer, as a
// socket has: a goroutine drains the pipe into memory, so the fake server's
// writes never wait for the client to read. Without it, a client writing
// while the server writes deadlocks on the unbuffered pipe, which no real
// connection does. Read deadlines are honoured.
type bufConn struct {
	net.Conn
	mu     sync.Mutex
	cond   *sync.Cond
	buf    []byte
	err    error
	closed bool
	rdl    time.Time
	timer  *time.Timer
}

func newBufConn(c net.Conn) *bufConn {
	b := &bufConn{Conn: c}
	b.cond = sync.NewCond(&b.mu)
	go b.pump()
	return b
}

func (b *bufConn) pump() {
	p := make([]byte, 32<<10)
	for {
		n, err := b.Conn.Read(p)
		b.mu.Lock()
		b.buf = append(b.buf, p[:n]...)
		if err != nil {
			b.err = err
		}
		b.cond.Broadcast()
		b.mu.Unlock()
		if err != nil {
			return
		}
	}
}

func (b *bufConn) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for len(b.buf) == 0 && b.err == nil && !b.closed {
		if !b.rdl.IsZero() && !time.Now().Before(b.rdl) {
			return 0, os.ErrDeadlineExceeded
		}
		b.cond.Wait()
	}
	if b.closed {
		return 0, net.ErrClosed
	}
	if len(b.buf) == 0 {
		return 0, b.err
	}
	n := copy(p, b.buf)
	b.buf = b.buf[n:]
	return n, nil
}

func (b *bufConn) SetReadDeadline(t time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rdl = t
	if b.timer != nil {
		b.timer.Stop()
	}
	if !t.IsZero() {
		b.timer = time.AfterFunc(time.Until(t), func() {
			b.mu.Lock()
			b.cond.Broadcast()
			b.mu.Unlock()
		})
	}
	b.cond.Broadcast()
	return nil
}

func (b *bufConn) SetDeadline(t time.Time) error {
	_ = b.SetReadDeadline(t)
	return b.Conn.SetWriteDeadline(t)
}

func (b *bufConn) Close() error {
	b.mu.Lock()
	b.closed = true
	if b.timer != nil {
		b.timer.Stop()
	}
	b.cond.Broadcast()
	b.mu.Unlock()
	return b.Conn.Close()
}
