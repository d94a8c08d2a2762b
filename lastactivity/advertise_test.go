package lastactivity_test

import (
	"slices"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/lastactivity"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestAdvertised: answering the protocol advertises its namespace for
// service discovery.
func TestAdvertised(t *testing.T) {
	c := login(t, xmpptest.StartServer(t, nil), 0)
	lastactivity.Serve(c, func() time.Duration { return 0 })
	if !slices.Contains(c.Advertised(), lastactivity.NS) {
		t.Errorf("advertised %v, want %s among them", c.Advertised(), lastactivity.NS)
	}
}
