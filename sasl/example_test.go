package sasl_test

import (
	"crypto/tls"
	"errors"
	"fmt"

	"github.com/xmppkit/xmpp/sasl"
	"github.com/xmppkit/xmpp/stanza"
)

// Select against what Prosody offers: on TLS 1.2 it offers -PLUS with
// tls-unique; on TLS 1.3 it cannot, and SCRAM goes without binding. On a
// cleartext stream PLAIN is refused even when it is all the server offers.
func ExampleConfig_Select() {
	cfg := &sasl.Config{Username: "alice", Password: "pencil"}

	// The stream layer passes the real state; here only the fields
	// Select reads are filled in.
	tls12 := &tls.ConnectionState{Version: tls.VersionTLS12, TLSUnique: []byte("finished message")}
	s, _ := cfg.Select(
		[]string{"SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS", "PLAIN"},
		sasl.ConnInfo{TLS: tls12, Domain: "example.org"})
	ir, _ := s.Start()
	fmt.Println(s.Mechanism(), string(ir[:14]))

	tls13 := &tls.ConnectionState{Version: tls.VersionTLS13}
	s, _ = cfg.Select(
		[]string{"SCRAM-SHA-1", "SCRAM-SHA-256", "PLAIN"},
		sasl.ConnInfo{TLS: tls13, Domain: "example.org"})
	ir, _ = s.Start()
	fmt.Println(s.Mechanism(), string(ir[:3]))

	_, err := cfg.Select([]string{"PLAIN"}, sasl.ConnInfo{Domain: "example.org"})
	fmt.Println(errors.Is(err, sasl.ErrNoMechanism))
	fmt.Println(err)
	// Output:
	// SCRAM-SHA-256-PLUS p=tls-unique,,
	// SCRAM-SHA-256 n,,
	// true
	// sasl: no usable mechanism: offered [PLAIN], allowed [SCRAM-SHA-512-PLUS SCRAM-SHA-256-PLUS SCRAM-SHA-1-PLUS SCRAM-SHA-512 SCRAM-SHA-256 SCRAM-SHA-1 PLAIN]: PLAIN: requires TLS
}

// A <failure/> from the server becomes an error that matches its
// condition.
func ExampleParseFailure() {
	e, _ := stanza.ParseElement(`<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>` +
		`<not-authorized/><text xml:lang='en'>Invalid username or password</text></failure>`)
	var err error = sasl.ParseFailure(e)
	fmt.Println(errors.Is(err, sasl.ErrNotAuthorized))
	fmt.Println(err)
	// Output:
	// true
	// sasl failure: not-authorized: Invalid username or password
}

// The elements the stream layer sends, with the payload in base64 and an
// empty initial response as "=".
func ExampleAuthElement() {
	for _, e := range []*stanza.Element{
		sasl.AuthElement(sasl.External, []byte{}),
		sasl.AuthElement(sasl.Plain, []byte("\x00alice\x00pencil")),
		sasl.ResponseElement(nil),
	} {
		b, _ := stanza.AppendElement(nil, e)
		fmt.Println(string(b))
	}
	// Output:
	// <auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='EXTERNAL'>=</auth>
	// <auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGFsaWNlAHBlbmNpbA==</auth>
	// <response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>
}
