package entitytime_test

import (
	"slices"
	"testing"

	"github.com/xmppkit/xmpp/entitytime"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestAdvertised: answering the protocol advertises its namespace for
// service discovery.
func TestAdvertised(t *testing.T) {
	c := login(t, xmpptest.StartServer(t, nil), 0)
	entitytime.Serve(c, nil)
	if !slices.Contains(c.Advertised(), entitytime.NS) {
		t.Errorf("advertised %v, want %s among them", c.Advertised(), entitytime.NS)
	}
}
