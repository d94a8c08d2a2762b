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

// TestFetchFromHandler: the results of a query in progress reach Fetch
// on the Client's reader, so Fetch works from a message handler and from
// an event handler, where the dispatch goroutine cannot hand over
// messages until the handler returns, and no observer or default handler
// sees a result.
func TestFetchFromHandler(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	newFakeArchive(srv, 40)
	type outcome struct {
		where string
		ids   []string
		err   error
	}
	done := make(chan outcome, 4)
	var leaked atomic.Int32
	var m *mam.Querier
	fetch := func(ctx context.Context, where string) {
		p, err := m.Fetch(ctx, jid.JID{}, mam.Query{Max: 40})
		done <- outcome{where, ids(p.Results), err}
	}
	alice := login(t, srv, 0, func(c *xmpp.Client) {
		m = mam.New(c, nil)
		c.ObserveMessage(xmpp.Route{Payload: stanza.Name{Space: mam.NS, Local: "result"}}, func(context.Context, *stanza.Message) { leaked.Add(1) })
		c.HandleMessage(xmpp.Route{}, func(ctx context.Context, msg *stanza.Message) {
			if msg.Body() == "fetch" {
				fetch(ctx, "message handler")
			}
		})
		c.HandleEvent(func(ctx context.Context, ev xmpp.Event) {
			if ev.Kind == xmpp.EventConnected {
				fetch(ctx, "event handler")
			}
		})
	})
	bob := login(t, srv, 1)
	if err := bob.Send(timeout(t), stanza.NewMessage(stanza.MessageChat, alice.JID(), "fetch")); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		select {
		case o := <-done:
			if o.err != nil || !slices.Equal(o.ids, wantIDs(span(0, 40)...)) {
				t.Errorf("Fetch from the %s: %v, %v", o.where, o.ids, o.err)
			}
		case <-timeout(t).Done():
			t.Fatal("Fetch from a handler did not return")
		}
	}
	if n := leaked.Load(); n != 0 {
		t.Errorf("an observer saw %d results of a query in progress", n)
	}
}

// TestFetchWithoutRSM checks an archive whose <fin/> names no last
// result: every result is there when Fetch returns.
func TestFetchWithoutRSM(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	arch := newFakeArchive(srv, 100)
	arch.noRSM = true
	alice := login(t, srv, 0)
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
