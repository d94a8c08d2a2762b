package entitytime_test

import (
	"errors"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/entitytime"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestServers asks each server for its time, then one of our clients asks
// another through it.
func TestServers(t *testing.T) {
	xmpptest.ForEachServer(t, nil, func(t *testing.T, tg xmpptest.Target) {
		alice, bob := loginTarget(t, tg, 0), loginTarget(t, tg, 1)

		t.Run("server", func(t *testing.T) {
			before := time.Now()
			got, err := entitytime.Get(timeout(t), alice, jid.MustParse(tg.Domain()))
			after := time.Now()
			if tg.Name() == "xmpptest" {
				if !errors.Is(err, stanza.ErrServiceUnavailable) {
					t.Fatalf("Get = %v, %v; want service-unavailable", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// Same machine, same clock; servers may send whole seconds.
			if got.Before(before.Add(-time.Second)) || got.After(after.Add(time.Second)) {
				t.Errorf("server time %v, not between %v and %v", got, before, after)
			}
			name, off := got.Zone()
			t.Logf("%s: %v (zone %q, offset %d)", tg.Name(), got, name, off)
		})

		t.Run("client", func(t *testing.T) {
			want := time.Date(2024, 2, 29, 23, 30, 0, 0, time.FixedZone("", 5*3600+30*60))
			entitytime.Serve(alice, func() time.Time { return want })
			got, err := entitytime.Get(timeout(t), bob, alice.JID())
			if _, off := got.Zone(); err != nil || !got.Equal(want) || off != 5*3600+30*60 {
				t.Fatalf("Get = %v, %v; want %v", got, err, want)
			}
		})
	})
}
