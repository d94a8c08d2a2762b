package xmpptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// certValidity is how long a generated certificate is valid. It starts an
// hour in the past so that a clock slightly behind does not reject it.
// ejabberd warns about certificates that expire within 30 days.
const certValidity = 365 * 24 * time.Hour

// testCert is a self-signed certificate and its private key, PEM-encoded.
type testCert struct {
	certPEM, keyPEM []byte
	pool            *x509.CertPool
}

// newTestCert generates a self-signed ECDSA P-256 certificate for domain,
// its subdomains (*.domain) and the loopback addresses 127.0.0.1 and ::1.
// The certificate is its own trust anchor: it is marked as a CA, so that
// Go, OpenSSL (Python) and the servers' TLS stacks accept it as the only
// entry of a root pool, like the one "openssl req -x509" makes.
func newTestCert(domain string) (*testCert, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("generate serial number: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: domain, Organization: []string{"xmpptest"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(certValidity),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{domain, "*." + domain},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("create certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encode key: %w", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &testCert{
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
		pool:    pool,
	}, nil
}

// write stores the certificate and the key in dir as domain.crt and
// domain.key (the names Prosody looks for in its certificate directory) and
// returns their paths. The key is readable by the owner only.
func (c *testCert) write(dir, domain string) (certFile, keyFile string, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", err
	}
	certFile = filepath.Join(dir, domain+".crt")
	keyFile = filepath.Join(dir, domain+".key")
	if err := os.WriteFile(certFile, c.certPEM, 0o644); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(keyFile, c.keyPEM, 0o600); err != nil {
		return "", "", err
	}
	return certFile, keyFile, nil
}
