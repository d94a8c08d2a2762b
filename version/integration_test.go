package version_test

import (
	"errors"
	"testing"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/version"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestServers asks each server for its version, then one of our clients
// asks another through it.
func TestServers(t *testing.T) {
	xmpptest.ForEachServer(t, nil, func(t *testing.T, tg xmpptest.Target) {
		alice, bob := loginTarget(t, tg, 0), loginTarget(t, tg, 1)

		t.Run("server", func(t *testing.T) {
			info, err := version.Get(timeout(t), alice, jid.MustParse(tg.Domain()))
			switch tg.Name() {
			case "xmpptest":
				if !errors.Is(err, stanza.ErrServiceUnavailable) {
					t.Fatalf("Get = %+v, %v; want service-unavailable", info, err)
				}
				return
			case "prosody":
				if err != nil || info.Name != "Prosody" || info.Version == "" {
					t.Fatalf("Get = %+v, %v", info, err)
				}
			case "ejabberd":
				// mod_version with show_os: false.
				if err != nil || info.Name != "ejabberd" || info.Version == "" || info.OS != "" {
					t.Fatalf("Get = %+v, %v", info, err)
				}
			}
			t.Logf("%s: %+v", tg.Name(), info)
		})

		t.Run("client", func(t *testing.T) {
			want := version.Info{Name: "xmppkit", Version: "0.1", OS: "linux"}
			version.Serve(alice, want)
			got, err := version.Get(timeout(t), bob, alice.JID())
			if err != nil || got != want {
				t.Fatalf("Get = %+v, %v; want %+v", got, err, want)
			}
		})
	})
}
