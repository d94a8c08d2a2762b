package xmpptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestCert(t *testing.T) {
	c, err := newTestCert("localhost")
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile, err := c.write(t.TempDir(), "localhost")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" {
		t.Fatalf("%s holds no certificate", certFile)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		t.Errorf("public key %T, want ECDSA P-256", cert.PublicKey)
	}
	if cert.Subject.CommonName != "localhost" {
		t.Errorf("CN = %q", cert.Subject.CommonName)
	}
	for _, name := range []string{"localhost", "conference.localhost", "127.0.0.1", "::1"} {
		if _, err := cert.Verify(x509.VerifyOptions{DNSName: name, Roots: c.pool}); err != nil {
			t.Errorf("verify for %s: %v", name, err)
		}
	}
	if _, err := cert.Verify(x509.VerifyOptions{DNSName: "example.com", Roots: c.pool}); err == nil {
		t.Error("certificate valid for example.com")
	}
	fi, err := os.Stat(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	data, _ = os.ReadFile(keyFile)
	if block, _ := pem.Decode(data); block == nil || block.Type != "PRIVATE KEY" {
		t.Errorf("%s holds no PKCS #8 key", keyFile)
	} else if _, err := x509.ParsePKCS8PrivateKey(block.Bytes); err != nil {
		t.Error(err)
	}
}

// launcher is a server kind under test.
type launcher struct {
	name  string
	start func(testing.TB, *RealServerOptions) *RealServer
}

var launchers = []launcher{
	{"prosody", StartProsody},
	{"ejabberd", StartEjabberd},
}

// recorder is a testing.TB that records Skip and Fatal instead of ending
// the test.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()           {}
func (r *recorder) Skip(args ...any)  { r.skipped = fmt.Sprint(args...) }
func (r *recorder) Fatal(args ...any) { r.failed = fmt.Sprint(args...) }

func TestRequireInstalled(t *testing.T) {
	missing := errors.New(`exec: "prosody": executable file not found in $PATH`)
	for _, tc := range []struct {
		env        string
		err        error
		skip, fail bool
	}{
		{"", nil, false, false},
		{"1", nil, false, false},
		{"", missing, true, false},
		{"0", missing, true, false},
		{"1", missing, false, true},
	} {
		t.Run(fmt.Sprintf("env=%q,missing=%t", tc.env, tc.err != nil), func(t *testing.T) {
			t.Setenv("XMPP_INTEGRATION", tc.env)
			var r recorder
			requireInstalled(&r, "prosody", tc.err)
			if (r.skipped != "") != tc.skip || (r.failed != "") != tc.fail {
				t.Fatalf("skipped %q, failed %q", r.skipped, r.failed)
			}
			msg := r.skipped + r.failed
			if tc.err != nil && (!strings.Contains(msg, "apt-get install prosody ejabberd") || !strings.Contains(msg, "prosody is not installed")) {
				t.Errorf("message %q does not say what is missing and how to install it", msg)
			}
			t.Log(msg)
		})
	}
}

// TestMissingServer checks that the launchers skip the test, saying how to
// install the server, when the programs are not found.
func TestMissingServer(t *testing.T) {
	for _, l := range launchers {
		t.Run(l.name, func(t *testing.T) {
			t.Setenv("PATH", t.TempDir())
			t.Setenv("XMPP_INTEGRATION", "")
			skipped := false
			t.Run("start", func(t *testing.T) {
				t.Cleanup(func() { skipped = t.Skipped() })
				l.start(t, nil)
				t.Error("started without the server's programs")
			})
			if !skipped {
				t.Error("not skipped")
			}
		})
	}
}

func TestAccounts(t *testing.T) {
	as := newAccounts(0, "localhost")
	if len(as) != 4 {
		t.Fatalf("%d default accounts", len(as))
	}
	as = newAccounts(6, "localhost")
	var got []string
	for _, a := range as {
		got = append(got, a.JID().String()+" "+a.Password)
	}
	want := []string{
		"alice@localhost alice-pass", "bob@localhost bob-pass", "carol@localhost carol-pass",
		"dave@localhost dave-pass", "user5@localhost user5-pass", "user6@localhost user6-pass",
	}
	if !slices.Equal(got, want) {
		t.Errorf("accounts = %q", got)
	}
}

func TestErlQuote(t *testing.T) {
	if got, want := erlBinary(`a"b\c`), `<<"a\"b\\c"/utf8>>`; got != want {
		t.Errorf("erlBinary = %s, want %s", got, want)
	}
	if err := checkPath("/tmp/xmpptest-prosody-123"); err != nil {
		t.Error(err)
	}
	if err := checkPath(`/tmp/a"b`); err == nil {
		t.Error("checkPath accepted a quote")
	}
}
