package xmpptest_test

import (
	"crypto/tls"
	"testing"

	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// An integration test starts a private server, connects to it with TLS and
// reads its stream features. The server is stopped and its files removed
// when the test ends. Without Prosody installed, the test is skipped (or
// fails, with XMPP_INTEGRATION=1).
func ExampleStartProsody() {
	// In your code, this is a test function: func TestFeatures(t *testing.T).
	testFeatures := func(t *testing.T) {
		srv := xmpptest.StartProsody(t, nil)
		alice := srv.Account(0)
		t.Logf("log in as %s with password %q", alice.JID(), alice.Password)

		conn, err := tls.Dial("tcp", srv.DirectTLSAddr(), srv.TLSConfig())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		enc := stanza.NewEncoder(conn)
		if err := enc.WriteHeader(stanza.StreamHeader{To: srv.Domain(), Version: "1.0"}); err != nil {
			t.Fatal(err)
		}
		dec := stanza.NewDecoder(conn, nil)
		if _, err := dec.ReadHeader(); err != nil {
			t.Fatal(err)
		}
		features, err := dec.ReadElement()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("features: %s", features)
	}
	_ = testFeatures
}
