package sasl

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/xdg-go/scram"
)

// tlsPair is the two ends of one completed TLS handshake.
type tlsPair struct {
	client, server tls.ConnectionState
	cert           *x509.Certificate // the server's certificate
}

// handshake runs a TLS handshake of the given version over net.Pipe with
// a fresh self-signed certificate (ECDSA P-256, or Ed25519 when ed is
// set) and returns both connection states. No goroutine outlives it.
func handshake(t testing.TB, version uint16, ed bool) tlsPair {
	t.Helper()
	var key crypto.Signer
	var err error
	if ed {
		_, key, err = ed25519.GenerateKey(rand.Reader)
	} else {
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "localhost"},
		DNSNames:     []string{"localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)

	c1, c2 := net.Pipe()
	defer c1.Close()
	defer c2.Close()
	cli := tls.Client(c1, &tls.Config{RootCAs: roots, ServerName: "localhost", MinVersion: version, MaxVersion: version})
	srv := tls.Server(c2, &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}},
		MinVersion:   version, MaxVersion: version,
	})
	done := make(chan error, 1)
	go func() { done <- srv.Handshake() }()
	cerr := cli.Handshake()
	if cerr != nil {
		c1.Close() // unblock the server
	}
	serr := <-done
	if cerr != nil || serr != nil {
		t.Fatalf("handshake: client %v, server %v", cerr, serr)
	}
	return tlsPair{client: cli.ConnectionState(), server: srv.ConnectionState(), cert: cert}
}

// testCreds is the account of the test servers.
const (
	testUser = "alice"
	testPass = "pencil"
	testSalt = "QSXCR+Q6sek8bf92"
)

// storedCreds returns the server-side credentials of testUser for hash h.
func storedCreds(t testing.TB, h scram.HashGeneratorFcn, iters int) scram.StoredCredentials {
	t.Helper()
	c, err := h.NewClient(testUser, testPass, "")
	if err != nil {
		t.Fatal(err)
	}
	creds, err := c.GetStoredCredentialsWithError(scram.KeyFactors{Salt: testSalt, Iters: iters})
	if err != nil {
		t.Fatal(err)
	}
	return creds
}

// xdgServer returns a server conversation of github.com/xdg-go/scram for
// testUser, bound to cb when cb is supported.
func xdgServer(t testing.TB, h scram.HashGeneratorFcn, cb scram.ChannelBinding) *scram.ServerConversation {
	t.Helper()
	creds := storedCreds(t, h, 4096)
	srv, err := h.NewServer(func(u string) (scram.StoredCredentials, error) {
		if u != testUser {
			return scram.StoredCredentials{}, errors.New("unknown user")
		}
		return creds, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if cb.IsSupported() {
		return srv.NewConversationWithChannelBinding(cb)
	}
	return srv.NewConversation()
}

// run drives s against the server conversation srv to the end. With
// finalInChallenge the server-final message comes as a challenge and
// <success/> carries nothing; otherwise it comes in <success/>. When the
// server refuses the client-final message, its e= message is passed on
// the same way, as some servers do. serverErr is the server's own error.
func run(s Session, srv *scram.ServerConversation, finalInChallenge bool) (clientErr, serverErr error) {
	ir, err := s.Start()
	if err != nil {
		return err, nil
	}
	s1, err := srv.Step(string(ir))
	if err != nil {
		return nil, err
	}
	c2, err := s.Next([]byte(s1))
	if err != nil {
		return err, nil
	}
	s2, serverErr := srv.Step(string(c2))
	if finalInChallenge {
		resp, err := s.Next([]byte(s2))
		if err != nil {
			return err, serverErr
		}
		if len(resp) != 0 {
			return fmt.Errorf("response %q to the server-final message, want empty", resp), serverErr
		}
		return s.Verify(nil), serverErr
	}
	return s.Verify([]byte(s2)), serverErr
}

// rfcServer is a SCRAM server written from RFC 5802 for the tests that
// need a server-first message with attributes xdg-go's server does not
// send (the XEP-0474 h). It checks the client's proof and channel
// binding independently of xdg-go's client.
type rfcServer struct {
	hash  scram.HashGeneratorFcn
	creds scram.StoredCredentials
	cb    []byte // expected channel-binding data after the GS2 header
	extra string // appended to the server-first message, e.g. ",h=..."

	gs2, c1b, s1, nonce string
}

func newRFCServer(t testing.TB, h scram.HashGeneratorFcn, extra string) *rfcServer {
	return &rfcServer{hash: h, creds: storedCreds(t, h, 4096), extra: extra}
}

// first answers the client-first message.
func (s *rfcServer) first(c1 string) (string, error) {
	parts := strings.SplitN(c1, ",", 3)
	if len(parts) != 3 {
		return "", errors.New("malformed client-first message")
	}
	s.gs2, s.c1b = parts[0]+","+parts[1]+",", parts[2]
	i := strings.Index(s.c1b, ",r=")
	if i < 0 {
		return "", errors.New("no client nonce")
	}
	s.nonce = s.c1b[i+3:] + "srvpart"
	s.s1 = fmt.Sprintf("r=%s,s=%s,i=%d%s", s.nonce,
		base64.StdEncoding.EncodeToString([]byte(s.creds.Salt)), s.creds.Iters, s.extra)
	return s.s1, nil
}

// final checks the client-final message and returns the server-final one.
func (s *rfcServer) final(c2 string) (string, error) {
	i := strings.LastIndex(c2, ",p=")
	if i < 0 {
		return "", errors.New("no proof")
	}
	c2wop, proofB64 := c2[:i], c2[i+3:]
	wantC := "c=" + base64.StdEncoding.EncodeToString(append([]byte(s.gs2), s.cb...)) + ",r=" + s.nonce
	if c2wop != wantC {
		return "e=channel-bindings-dont-match", fmt.Errorf("client-final %q, want %q", c2wop, wantC)
	}
	proof, err := base64.StdEncoding.DecodeString(proofB64)
	if err != nil {
		return "e=invalid-encoding", err
	}
	auth := []byte(s.c1b + "," + s.s1 + "," + c2wop)
	mac := hmac.New(s.hash, s.creds.StoredKey)
	mac.Write(auth)
	sig := mac.Sum(nil)
	if len(proof) != len(sig) {
		return "e=invalid-proof", errors.New("proof length")
	}
	for i := range sig {
		sig[i] ^= proof[i]
	}
	h := s.hash()
	h.Write(sig)
	if !hmac.Equal(h.Sum(nil), s.creds.StoredKey) {
		return "e=invalid-proof", errors.New("invalid proof")
	}
	mac = hmac.New(s.hash, s.creds.ServerKey)
	mac.Write(auth)
	return "v=" + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// testSession returns a SCRAM session with a fixed client nonce, for tests
// that write server messages by hand.
func testSession(t testing.TB, mech string, p scramParams, minIters, maxIters int) *scramSession {
	t.Helper()
	m, ok := lookupMech(mech)
	if !ok || !m.scram {
		t.Fatalf("not a SCRAM mechanism: %s", mech)
	}
	p.mech = m
	if p.nonce == "" {
		p.nonce = "CLIENTNONCE"
	}
	cfg := &Config{Username: testUser, Password: testPass, MinIterations: minIters, MaxIterations: maxIters}
	if _, err := cfg.normalize(); err != nil {
		t.Fatal(err)
	}
	s := newSCRAM(cfg, p)
	if _, err := s.Start(); err != nil {
		t.Fatal(err)
	}
	return s
}
