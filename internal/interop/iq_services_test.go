package interop_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/entitytime"
	"github.com/xmppkit/xmpp/internal/interop"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/lastactivity"
	"github.com/xmppkit/xmpp/presence"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/version"
	"github.com/xmppkit/xmpp/xmpptest"
)

// clockSlack bounds the difference between a clock reading one side sent
// and the SDK's clock when the test looks at it: the same machine, a
// round trip through the server.
const clockSlack = 5 * time.Second

// TestIQServices: the small IQ services both ways, each side asking the
// other's full JID: software version (XEP-0092), last activity (XEP-0012)
// and entity time (XEP-0202). The two are subscribed to each other first:
// ejabberd passes a last activity request to a full JID only from those
// who see the user's presence.
//
// The SDK serves a time with nanoseconds in it, which slixmpp reads with
// Python's datetime: XEP-0082 allows any number of fractional digits, but
// Python reads at most six, so an SDK that writes nine is not understood.
func TestIQServices(t *testing.T) {
	interop.Servers(t, 2, func(t *testing.T, srv *xmpptest.RealServer) {
		ctx := testkit.Ctx(t)
		sdkVersion := version.Info{Name: "xmppkit interop", Version: "1.2.3-ß", OS: "Plan 9 🐇"}
		const sdkIdle = 42*time.Minute + 17*time.Second + 500*time.Millisecond
		sdkZone := time.FixedZone("", 5*3600+45*60) // +05:45
		var (
			servedMu  sync.Mutex
			served    []time.Time // what the SDK's entitytime.Serve answered
			presences <-chan *stanza.Presence
		)
		bobBare := srv.Account(1).JID().Bare()
		alice := testkit.LoginTarget(t, srv, 0, "go", func(c *xmpp.Client) {
			version.Serve(c, sdkVersion)
			lastactivity.Serve(c, func() time.Duration { return sdkIdle })
			entitytime.Serve(c, func() time.Time {
				now := time.Now().Truncate(time.Second).Add(123456789 * time.Nanosecond).In(sdkZone)
				servedMu.Lock()
				served = append(served, now)
				servedMu.Unlock()
				return now
			})
			presences = watchPresence(c)
			approveSlix(t, bobBare)(c)
		})
		if err := presence.Available(ctx, alice, "", "", 0); err != nil {
			t.Fatal(err)
		}
		bob := interop.Start(t, srv, srv.Account(1), "slix", nil)
		befriend(t, ctx, alice, presences, bob)

		t.Run("version_sdk_asks", func(t *testing.T) {
			ctx := testkit.Ctx(t)
			got, err := version.Get(ctx, alice, bob.JID())
			if err != nil {
				t.Fatalf("version.Get(%s): %v", bob.JID(), err)
			}
			if got.Name != "slixmpp-interop" || got.Version == "" || got.OS != "" {
				t.Errorf("version.Get(%s) = %+v; want slixmpp-interop, its version, no OS", bob.JID(), got)
			}
		})
		t.Run("version_slixmpp_asks", func(t *testing.T) {
			ctx := testkit.Ctx(t)
			var got struct{ Name, Version, OS string }
			bob.MustCall(ctx, "version", map[string]any{"to": alice.JID().String()}, &got)
			if got.Name != sdkVersion.Name || got.Version != sdkVersion.Version || got.OS != sdkVersion.OS {
				t.Errorf("slixmpp read the SDK's version as %+v; want %+v", got, sdkVersion)
			}
		})

		t.Run("last_activity_sdk_asks", func(t *testing.T) {
			ctx := testkit.Ctx(t)
			// Until it is told an idle time, slixmpp refuses to tell.
			if got, err := lastactivity.Get(ctx, alice, bob.JID()); !errors.Is(err, stanza.ErrServiceUnavailable) {
				t.Errorf("lastactivity.Get(%s) before slixmpp knows its idle time = %+v, %v; want service-unavailable", bob.JID(), got, err)
			}
			bob.MustCall(ctx, "set_idle", map[string]any{"seconds": 300, "status": "gone fishing ☕ <&>"}, nil)
			got, err := lastactivity.Get(ctx, alice, bob.JID())
			if err != nil {
				t.Fatalf("lastactivity.Get(%s): %v", bob.JID(), err)
			}
			if got.Elapsed < 300*time.Second || got.Elapsed > 300*time.Second+clockSlack || got.Status != "gone fishing ☕ <&>" {
				t.Errorf("lastactivity.Get(%s) = %+v; want about 300 s, status %q", bob.JID(), got, "gone fishing ☕ <&>")
			}
		})
		t.Run("last_activity_slixmpp_asks", func(t *testing.T) {
			ctx := testkit.Ctx(t)
			var got struct {
				Seconds int
				Status  *string
			}
			bob.MustCall(ctx, "last_activity", map[string]any{"to": alice.JID().String()}, &got)
			if want := int(sdkIdle / time.Second); got.Seconds != want || (got.Status != nil && *got.Status != "") {
				t.Errorf("slixmpp read the SDK's last activity as %d s, status %s; want %d s, no status", got.Seconds, deref(got.Status), want)
			}
		})

		t.Run("entity_time_sdk_asks", func(t *testing.T) {
			ctx := testkit.Ctx(t)
			const offset = -(3*3600 + 30*60) // -03:30
			bob.MustCall(ctx, "serve_time", map[string]any{"offset": offset}, nil)
			got, err := entitytime.Get(ctx, alice, bob.JID())
			if err != nil {
				t.Fatalf("entitytime.Get(%s): %v", bob.JID(), err)
			}
			if _, off := got.Zone(); off != offset {
				t.Errorf("entitytime.Get(%s) has offset %d s; slixmpp sent %d s", bob.JID(), off, offset)
			}
			if d := time.Since(got); d < -clockSlack || d > clockSlack {
				t.Errorf("entitytime.Get(%s) = %v, %v from the SDK's clock", bob.JID(), got, d)
			}
		})
		t.Run("entity_time_slixmpp_asks", func(t *testing.T) {
			ctx := testkit.Ctx(t)
			var got struct {
				UTC string
				TZO float64
			}
			if err := bob.Call(ctx, "entity_time", map[string]any{"to": alice.JID().String()}, &got); err != nil {
				t.Fatalf("slixmpp cannot read the SDK's entity time, which had nanoseconds (Python's datetime reads at most six fractional digits): %v", err)
			}
			servedMu.Lock()
			sent := served
			servedMu.Unlock()
			if len(sent) != 1 {
				t.Fatalf("entitytime.Serve's clock was read %d times; want once", len(sent))
			}
			utc, err := time.Parse(time.RFC3339Nano, got.UTC)
			if err != nil {
				t.Fatalf("slixmpp's reading %q: %v", got.UTC, err)
			}
			// XEP-0082 leaves the precision to the sender: anything from
			// milliseconds to nanoseconds is a faithful reading.
			if d := sent[0].Sub(utc); d < -time.Millisecond || d >= time.Millisecond {
				t.Errorf("slixmpp read the SDK's time as %s; the SDK served %s", utc.Format(time.RFC3339Nano), sent[0].UTC().Format(time.RFC3339Nano))
			}
			if d := time.Since(utc); d < -clockSlack || d > clockSlack {
				t.Errorf("slixmpp read the SDK's time as %s, %v from the SDK's clock", got.UTC, d)
			}
			if _, off := sent[0].Zone(); got.TZO != float64(off) {
				t.Errorf("slixmpp read the SDK's offset as %v s; the SDK served %d s", got.TZO, off)
			}
		})
	})
}
