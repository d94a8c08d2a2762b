package xmpptest_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestForEachServer logs in to each server through its Target and pings
// it; under -short only the in-process one runs, and a real server that is
// not installed is skipped unless XMPP_INTEGRATION=1. ForEachServer runs
// over TCP and WebSocket; ForEachServerOver with BOSH adds the BOSH
// variants, the in-process Server's among them.
func TestForEachServer(t *testing.T) {
	for _, tc := range []struct {
		name string
		each func(*testing.T, func(*testing.T, xmpptest.Target))
		over []string
	}{
		{"each", func(t *testing.T, f func(*testing.T, xmpptest.Target)) { xmpptest.ForEachServer(t, nil, f) }, []string{"tcp", "websocket"}},
		{"over", func(t *testing.T, f func(*testing.T, xmpptest.Target)) {
			xmpptest.ForEachServerOver(t, nil, xmpptest.TCP|xmpptest.BOSH, f)
		}, []string{"tcp", "bosh"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var ran []string
			t.Run("run", func(t *testing.T) {
				tc.each(t, func(t *testing.T, tg xmpptest.Target) {
					mu.Lock()
					ran = append(ran, loginOver(t, tg))
					mu.Unlock()
				})
			})
			var want []string
			for _, name := range []string{"ejabberd", "prosody", "xmpptest"} {
				for _, over := range tc.over {
					want = append(want, name+"/"+over)
				}
			}
			slices.Sort(ran)
			slices.Sort(want)
			switch {
			case testing.Short():
				want = slices.DeleteFunc(want, func(name string) bool { return !strings.HasPrefix(name, "xmpptest/") })
			case os.Getenv("XMPP_INTEGRATION") != "1":
				// A real server that is not installed skips its subtest,
				// saying how to install it; with XMPP_INTEGRATION=1 it
				// fails instead.
				want = slices.DeleteFunc(want, func(name string) bool {
					return !strings.HasPrefix(name, "xmpptest/") && !slices.Contains(ran, name)
				})
			}
			if !slices.Equal(ran, want) {
				t.Errorf("ran against %v, want %v", ran, want)
			}
		})
	}
}

// loginOver logs in to tg, pings it, and returns "name/transport"; for
// the in-process Server, it checks that InProcess finds it.
func loginOver(t *testing.T, tg xmpptest.Target) string {
	a := tg.Account(1)
	if a.Domain != tg.Domain() || len(tg.Accounts()) < 4 {
		t.Errorf("account %+v of %s, %d accounts", a, tg.Domain(), len(tg.Accounts()))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := xmpp.Dial(ctx, a.JID(), &xmpp.Options{Password: a.Password, Addr: tg.Addr(), TLSConfig: tg.TLSConfig()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Ping(ctx, jid.JID{}); err != nil {
		t.Error(err)
	}
	if _, ok := xmpptest.InProcess(tg); ok != (tg.Name() == "xmpptest") {
		t.Errorf("InProcess(%s) = %v", tg.Name(), ok)
	}
	switch {
	case strings.HasPrefix(tg.Addr(), "wss://"):
		return tg.Name() + "/websocket"
	case strings.HasPrefix(tg.Addr(), "https://"):
		return tg.Name() + "/bosh"
	}
	return tg.Name() + "/tcp"
}
