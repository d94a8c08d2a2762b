package presence

import (
	"context"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// dialAlice logs alice in to srv over net.Pipe.
func dialAlice(t *testing.T, srv *xmpptest.Server) *xmpp.Client {
	t.Helper()
	a := srv.Account(0)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	c, err := xmpp.Dial(ctx, a.JID(), &xmpp.Options{
		Password: a.Password, Resource: "desk", Addr: srv.Addr(), Dial: srv.DialPipe, TLSConfig: srv.TLSConfig(),
		KeepaliveInterval: -1, PingInterval: -1, CloseTimeout: time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestOnChangeMissed fills the queue of changes while the callback is
// held and checks that the changes beyond the bound are counted in the
// Missed field of the next one queued, while the Tracker's state stays
// exact.
func TestOnChangeMissed(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	c := dialAlice(t, srv)
	tr := New(c)
	tr.mu.Lock()
	tr.limit = 2
	tr.mu.Unlock()
	release := make(chan struct{})
	got := make(chan Change, 10)
	tr.OnChange(func(ch Change) {
		got <- ch
		if ch.JID.Resourcepart() == "1" {
			<-release
		}
	})
	bob := jid.MustParse("bob@localhost")
	inject := func(res string) {
		t.Helper()
		from, _ := bob.WithResource(res)
		p := &stanza.Presence{Header: stanza.Header{From: from, To: c.JID()}}
		if err := srv.Inject(c.JID(), p.Element()); err != nil {
			t.Fatal(err)
		}
	}
	next := func() Change {
		t.Helper()
		select {
		case ch := <-got:
			return ch
		case <-time.After(10 * time.Second):
			t.Fatal("no change")
			return Change{}
		}
	}

	inject("1")
	if ch := next(); ch.JID.Resourcepart() != "1" {
		t.Fatalf("first change from %s", ch.JID)
	}
	// 1 is held; 2 and 3 fill the queue; 4 and 5 are dropped.
	for _, r := range []string{"2", "3", "4", "5"} {
		inject(r)
	}
	// The server sends its answer to the ping of Sync after the injected
	// presences: once Sync returns, the Tracker has recorded them all
	// (its handler runs on the Client's dispatch goroutine; only the
	// callbacks wait).
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(tr.Resources(bob)); n != 5 {
		t.Fatalf("resources %d", n)
	}
	close(release)
	for _, want := range []string{"2", "3"} {
		if ch := next(); ch.JID.Resourcepart() != want || ch.Missed != 0 {
			t.Fatalf("got %s missed %d, want %s", ch.JID, ch.Missed, want)
		}
	}
	inject("6")
	if ch := next(); ch.JID.Resourcepart() != "6" || ch.Missed != 2 {
		t.Fatalf("got %s missed %d, want 6 with 2 missed", ch.JID, ch.Missed)
	}
}

// TestNotifyLoopEnds checks that the goroutine calling the callbacks
// ends with the Client. It runs in a synctest bubble, so that Wait tells
// when the goroutine has had its chance to exit; the Client stays
// unconnected, since the in-process server's goroutines cannot live in
// the bubble, and the goroutine waits only for the Client's Done.
func TestNotifyLoopEnds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := xmpp.New(jid.MustParse("alice@localhost"), nil)
		defer c.Close()
		tr := New(c)
		before := notifyLoops()
		tr.OnChange(func(Change) {})
		tr.OnChange(func(Change) {}) // one goroutine for both
		// The goroutines started here; goroutine numbers are never reused.
		var ours []uint64
		for _, id := range notifyLoops() {
			if !slices.Contains(before, id) {
				ours = append(ours, id)
			}
		}
		if len(ours) != 1 {
			t.Fatalf("%d notify goroutines", len(ours))
		}
		c.Close()
		// Every goroutine of the bubble has now exited or waits for
		// something that will never come.
		synctest.Wait()
		for _, id := range notifyLoops() {
			if slices.Contains(ours, id) {
				t.Fatalf("notify goroutine %d left after Close", id)
			}
		}
	})
}

// notifyLoops returns the numbers of the goroutines that Tracker.OnChange
// started, in the whole process (other tests' Clients may still be
// ending).
func notifyLoops() []uint64 {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var ids []uint64
	for _, g := range strings.Split(string(buf), "\n\n") {
		if !strings.Contains(g, "created by github.com/xmppkit/xmpp/presence.(*Tracker).OnChange") {
			continue
		}
		// "goroutine 7 [select]:"
		f := strings.Fields(g)
		if len(f) < 2 || f[0] != "goroutine" {
			continue
		}
		if id, err := strconv.ParseUint(f[1], 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// TestCompare checks the order of resources and the names of kinds.
func TestCompare(t *testing.T) {
	a := Resource{Priority: 1, Show: stanza.ShowDND, seq: 1}
	b := Resource{Priority: 0, Show: stanza.ShowChat, seq: 2}
	if compare(a, b) >= 0 {
		t.Error("priority does not come first")
	}
	for _, k := range []ChangeKind{ChangeAvailable, ChangeUnavailable, ChangeError, 7} {
		if k.String() == "" {
			t.Errorf("%d has no name", k)
		}
	}
	if ChangeKind(7).String() != "ChangeKind(7)" {
		t.Error(ChangeKind(7).String())
	}
}
