package version_test

import (
	"slices"
	"testing"

	"github.com/xmppkit/xmpp/version"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestAdvertised: answering the protocol advertises its namespace for
// service discovery.
func TestAdvertised(t *testing.T) {
	c := login(t, xmpptest.StartServer(t, nil), 0)
	version.Serve(c, version.Info{Name: "n", Version: "1"})
	if !slices.Contains(c.Advertised(), version.NS) {
		t.Errorf("advertised %v, want %s among them", c.Advertised(), version.NS)
	}
}
