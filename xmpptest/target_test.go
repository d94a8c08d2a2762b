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
// not installed is skipped unless XMPP_INTEGRATION=1.
func TestForEachServer(t *testing.T) {
	var mu sync.Mutex
	var ran []string
	t.Run("each", func(t *testing.T) {
		xmpptest.ForEachServer(t, nil, func(t *testing.T, tg xmpptest.Target) {
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
			over := "tcp"
			if strings.HasPrefix(tg.Addr(), "wss://") {
				over = "websocket"
			}
			mu.Lock()
			ran = append(ran, tg.Name()+"/"+over)
			mu.Unlock()
		})
	})
	slices.Sort(ran)
	want := []string{"ejabberd/tcp", "ejabberd/websocket", "prosody/tcp", "prosody/websocket", "xmpptest/tcp", "xmpptest/websocket"}
	switch {
	case testing.Short():
		want = []string{"xmpptest/tcp", "xmpptest/websocket"}
	case os.Getenv("XMPP_INTEGRATION") != "1":
		// A real server that is not installed skips its subtest, saying
		// how to install it; with XMPP_INTEGRATION=1 it fails instead.
		want = slices.DeleteFunc(want, func(name string) bool {
			return !strings.HasPrefix(name, "xmpptest/") && !slices.Contains(ran, name)
		})
	}
	if !slices.Equal(ran, want) {
		t.Errorf("ran against %v, want %v", ran, want)
	}
}
