package stream_test

import (
	"crypto/tls"
	"fmt"

	"github.com/xmppkit/xmpp/stream"
)

// TLSConfig fills in what a connection to a domain needs and never lowers
// the minimum version below TLS 1.2.
func ExampleTLSConfig() {
	c := stream.TLSConfig(&tls.Config{MinVersion: tls.VersionTLS10}, "example.com")
	fmt.Println(c.ServerName, tls.VersionName(c.MinVersion))
	// Output:
	// example.com TLS 1.2
}
