package mam_test

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/mam"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// pingWatch counts the pings to the server, which is how Client.Sync,
// and so Fetch, waits for the results still queued, and calls onPing for
// each.
func pingWatch(srv *xmpptest.Server, onPing func()) *atomic.Int32 {
	var n atomic.Int32
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		e := ev.Element
		if ev.Dir == xmpptest.ClientToServer && e.Name.Local == "iq" && e.Attr("type") == "get" &&
			e.Child("urn:xmpp:ping", "ping") != nil && e.Attr("to") == "" {
			n.Add(1)
			onPing()
		}
		return xmpptest.Verdict{}
	})
	return &n
}

// TestFetchWaitsForQueuedResults forces the race between the results,
// which the dispatch goroutine hands to handlers, and the <fin/>, which
// goes straight to the waiting request: an observer, which runs before
// Fetch's handler, blocks the dispatcher on the first result until Fetch
// has received the <fin/> and started waiting (its Sync ping reaches the
// server). Nothing is delayed by time. A Fetch that returned on the
// <fin/> alone would return no results.
func TestFetchWaitsForQueuedResults(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	newFakeArchive(srv, 40)
	alice := login(t, srv, 0)

	var gate chan struct{}
	var gateMu sync.Mutex
	open := func() {
		gateMu.Lock()
		defer gateMu.Unlock()
		if gate != nil {
			close(gate)
			gate = nil
		}
	}
	pings := pingWatch(srv, open)
	alice.ObserveMessage(xmpp.Route{Payload: stanza.Name{Space: mam.NS, Local: "result"}}, func(ctx context.Context, m *stanza.Message) {
		gateMu.Lock()
		g := gate
		gateMu.Unlock()
		if g != nil {
			<-g
		}
	})
	m := mam.New(alice, nil)
	for _, max := range []int{1, 7, 40} {
		gateMu.Lock()
		gate = make(chan struct{})
		gateMu.Unlock()
		before := pings.Load()
		p, err := m.Fetch(timeout(t), jid.JID{}, mam.Query{Max: max})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := ids(p.Results), wantIDs(span(0, max)...); !slices.Equal(got, want) {
			t.Fatalf("max %d: results %v; want %v", max, got, want)
		}
		if pings.Load() != before+1 {
			t.Errorf("max %d: %d pings to the server; want 1", max, pings.Load()-before)
		}
	}
}

// TestFetchWithoutRSM checks an archive whose <fin/> names no last
// result: Fetch cannot tell whether results are still queued, so it
// always waits for them.
func TestFetchWithoutRSM(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	arch := newFakeArchive(srv, 100)
	arch.noRSM = true
	alice := login(t, srv, 0)
	pings := pingWatch(srv, func() {})
	m := mam.New(alice, nil)
	for i := range 10 {
		p, err := m.Fetch(timeout(t), jid.JID{}, mam.Query{Max: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Results) != 100 || p.Results[99].ID != "id-099" {
			t.Fatalf("round %d: %d results", i, len(p.Results))
		}
	}
	if pings.Load() != 10 {
		t.Errorf("%d pings to the server; want one per query", pings.Load())
	}
}

// TestFetchManyConcurrent runs queries side by side on one Client: each
// gets its own results, however they interleave.
func TestFetchManyConcurrent(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	newFakeArchive(srv, 60)
	alice := login(t, srv, 0)
	m := mam.New(alice, nil)
	ctx := timeout(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			after := ""
			if i > 0 {
				after = wantIDs(i * 5)[0]
			}
			p, err := m.Fetch(ctx, jid.JID{}, mam.Query{Max: 10, After: after})
			if err != nil {
				t.Error(err)
				return
			}
			first := 0
			if i > 0 {
				first = i*5 + 1
			}
			if got, want := ids(p.Results), wantIDs(span(first, first+10)...); !slices.Equal(got, want) {
				t.Errorf("query %d: %v; want %v", i, got, want)
			}
		})
	}
	wg.Wait()
}
