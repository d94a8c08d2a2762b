package receipts_test

import (
	"slices"
	"testing"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/receipts"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestAdvertised: answering the protocol advertises its namespace for
// service discovery.
func TestAdvertised(t *testing.T) {
	c := login(t, xmpptest.StartServer(t, nil), 0, "")
	receipts.Serve(c, func(jid.JID) bool { return false })
	if !slices.Contains(c.Advertised(), receipts.NS) {
		t.Errorf("advertised %v, want %s among them", c.Advertised(), receipts.NS)
	}
}
