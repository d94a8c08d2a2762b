package mam_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/internal/datetime"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/mam"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// sent is a message the integration test exchanged.
type sent struct {
	from, to *xmpp.Client
	body     string
}

// exchange sends n chat messages between alice, bob and carol, one at a
// time, each after the previous one was delivered, so that the archive's
// order is the order of sending. Every fifth message is from carol to
// alice; the others alternate between alice and bob.
func exchange(t *testing.T, ctx context.Context, n int, alice, bob, carol *xmpp.Client) []sent {
	t.Helper()
	inbox := map[*xmpp.Client]chan string{}
	for _, c := range []*xmpp.Client{alice, bob, carol} {
		ch := make(chan string, n)
		inbox[c] = ch
		c.HandleMessage(xmpp.Route{}, func(ctx context.Context, m *stanza.Message) {
			if !mam.IsResult(m) && m.Body() != "" {
				ch <- m.Body()
			}
		})
		if err := c.Send(ctx, stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})); err != nil {
			t.Fatal(err)
		}
	}
	var out []sent
	for i := range n {
		s := sent{from: alice, to: bob}
		switch {
		case i%5 == 4:
			s = sent{from: carol, to: alice}
		case i%2 == 1:
			s = sent{from: bob, to: alice}
		}
		if i == n/2 {
			// Prosody stamps to the second: start the second half in a
			// later second than the first, so that a time range can
			// split them.
			// Prosody reads the coarse clock (time(2)), a few
			// milliseconds behind time.Now: keep a margin.
			time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second + 50*time.Millisecond)))
		}
		s.body = fmt.Sprintf("message %02d from %s", i, s.from.JID().Localpart())
		if err := s.from.Send(ctx, stanza.NewMessage(stanza.MessageChat, s.to.JID().Bare(), s.body)); err != nil {
			t.Fatal(err)
		}
		select {
		case got := <-inbox[s.to]:
			if got != s.body {
				t.Fatalf("%s received %q; want %q", s.to.JID(), got, s.body)
			}
		case <-ctx.Done():
			t.Fatalf("%q was not delivered", s.body)
		}
		out = append(out, s)
	}
	return out
}

func bodies(rs []mam.Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Message.Body()
	}
	return out
}

func describe(p mam.Page) string {
	count, index := "none", "none"
	if p.RSM.Count != nil {
		count = fmt.Sprint(*p.RSM.Count)
	}
	if p.RSM.FirstIndex != nil {
		index = fmt.Sprint(*p.RSM.FirstIndex)
	}
	return fmt.Sprintf("%d results, complete=%t unstable=%t first=%q (index %s) last=%q count=%s",
		len(p.Results), p.Complete, p.Unstable, p.RSM.First, index, p.RSM.Last, count)
}

// TestServers runs MAM against the real servers: alice, bob and carol
// exchange messages, then alice reads her archive with every kind of
// query, and a result forged by bob with alice's queryid is dropped.
func TestServers(t *testing.T) {
	xmpptest.ForEachServer(t, nil, func(t *testing.T, tg xmpptest.Target) {
		if tg.Name() == "xmpptest" {
			t.Skip("the in-process server keeps no archive; the unit tests script one (fakeArchive)")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		trace := &traceStats{}
		alice, bob, carol := loginTarget(t, tg, 0, "laptop", trace), loginTarget(t, tg, 1, "home", nil), loginTarget(t, tg, 2, "desk", nil)
		defer func() {
			q, p, w := trace.stats()
			t.Logf("%s: %d queries, %d of them needed a Sync; result wrapper: %s", tg.Name(), q, p, w)
		}()
		started := time.Now()
		const n = 30
		conv := exchange(t, ctx, n, alice, bob, carol)
		m := mam.New(alice, nil)

		f, err := m.Features(ctx, jid.JID{})
		if err != nil {
			t.Fatalf("Features: %v", err)
		}
		t.Logf("%s: features %+v", tg.Name(), f)
		if !f.MAM {
			t.Fatal("the account's archive does not advertise urn:xmpp:mam:2")
		}

		// Everything, in one page.
		all, err := m.Fetch(ctx, jid.JID{}, mam.Query{Max: 100})
		if err != nil {
			t.Fatalf("Fetch all: %v", err)
		}
		t.Logf("%s: whole archive: %s", tg.Name(), describe(all))
		var want []string
		for _, s := range conv {
			want = append(want, s.body)
		}
		if got := bodies(all.Results); !slices.Equal(got, want) {
			t.Fatalf("archive holds %q; want %q", got, want)
		}
		seen := map[string]bool{}
		for i, r := range all.Results {
			s := conv[i]
			if r.Message.From.Bare() != s.from.JID().Bare() || r.Message.To.Bare() != s.to.JID().Bare() {
				t.Errorf("result %d: %s -> %s; want %s -> %s", i, r.Message.From, r.Message.To, s.from.JID(), s.to.JID())
			}
			if seen[r.ID] || r.ID == "" {
				t.Errorf("result %d: id %q repeats or is empty", i, r.ID)
			}
			seen[r.ID] = true
			if r.Stamp.Before(started.Add(-2*time.Second)) || r.Stamp.After(time.Now().Add(2*time.Second)) ||
				(i > 0 && r.Stamp.Before(all.Results[i-1].Stamp)) {
				t.Errorf("result %d: stamp %v out of order or range", i, r.Stamp)
			}
		}
		if !all.Complete || all.RSM.First != all.Results[0].ID || all.RSM.Last != all.Results[n-1].ID {
			t.Errorf("whole archive fin: %s", describe(all))
		}
		var stamps []string
		for _, r := range all.Results {
			stamps = append(stamps, r.Stamp.Format("05.000000"))
		}
		t.Logf("%s: stamps (seconds): %v", tg.Name(), stamps)
		ids := func(is ...int) []string {
			var out []string
			for _, i := range is {
				out = append(out, all.Results[i].ID)
			}
			return out
		}

		t.Run("with bob, paged by 5", func(t *testing.T) {
			var wantBob []string
			for _, s := range conv {
				if s.from == bob || s.to == bob {
					wantBob = append(wantBob, s.body)
				}
			}
			q := mam.Query{With: bob.JID().Bare(), Max: 5}
			first, err := m.Fetch(ctx, jid.JID{}, q)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: first page with bob: %s", tg.Name(), describe(first))
			var got []mam.Result
			for r, err := range m.All(ctx, jid.JID{}, q) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, r)
			}
			if !slices.Equal(bodies(got), wantBob) {
				t.Fatalf("with bob: %q; want %q", bodies(got), wantBob)
			}
			// Page by page, to see how each server ends.
			after := ""
			for page := 1; ; page++ {
				p, err := m.Fetch(ctx, jid.JID{}, mam.Query{With: bob.JID().Bare(), Max: 5, After: after})
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("%s: page %d with bob: %s", tg.Name(), page, describe(p))
				if p.Complete || len(p.Results) == 0 || page > 10 {
					break
				}
				after = p.RSM.Last
			}
		})
		t.Run("time range", func(t *testing.T) {
			// Prosody stamps to the second, but the second half of
			// the conversation is in a later second than the first
			// (see exchange): from message 10 to just before message
			// 15 is messages 10 to 14 on both servers.
			start, end := all.Results[10].Stamp, all.Results[15].Stamp.Add(-time.Microsecond)
			// The query carries them to the millisecond (ejabberd stamps
			// to the microsecond): the archive selects by what it got.
			sentStart, sentEnd := start.Truncate(time.Millisecond), end.Truncate(time.Millisecond)
			var wantRange []string
			for _, r := range all.Results {
				if !r.Stamp.Before(sentStart) && !r.Stamp.After(sentEnd) {
					wantRange = append(wantRange, r.ID)
				}
			}
			p, err := m.Fetch(ctx, jid.JID{}, mam.Query{Start: start, End: end, Max: 100})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %s to %s: %s", tg.Name(), datetime.FormatDateTime(start), datetime.FormatDateTime(end), describe(p))
			if !slices.Contains(wantRange, all.Results[14].ID) || slices.Contains(wantRange, all.Results[15].ID) {
				t.Fatalf("the range does not split the conversation after message 14: %v", wantRange)
			}
			if got := resultIDs(p.Results); !slices.Equal(got, wantRange) {
				t.Fatalf("time range: %v; want %v", got, wantRange)
			}
		})
		t.Run("after and before", func(t *testing.T) {
			p, err := m.Fetch(ctx, jid.JID{}, mam.Query{After: all.Results[9].ID, Max: 5})
			if err != nil || !slices.Equal(resultIDs(p.Results), ids(10, 11, 12, 13, 14)) {
				t.Fatalf("after 9: %v, %v", p.Results, err)
			}
			t.Logf("%s: after 9: %s", tg.Name(), describe(p))
			p, err = m.Fetch(ctx, jid.JID{}, mam.Query{Before: all.Results[10].ID, Max: 5})
			if err != nil || !slices.Equal(resultIDs(p.Results), ids(5, 6, 7, 8, 9)) {
				t.Fatalf("before 10: %v, %v", p.Results, err)
			}
			t.Logf("%s: before 10: %s", tg.Name(), describe(p))
			p, err = m.Fetch(ctx, jid.JID{}, mam.Query{Reverse: true, Max: 5})
			if err != nil || !slices.Equal(resultIDs(p.Results), ids(25, 26, 27, 28, 29)) {
				t.Fatalf("last page: %v, %v", p.Results, err)
			}
			t.Logf("%s: last page: %s", tg.Name(), describe(p))
			var back []string
			for r, err := range m.All(ctx, jid.JID{}, mam.Query{Reverse: true, Max: 7}) {
				if err != nil {
					t.Fatal(err)
				}
				back = append(back, r.ID)
			}
			wantBack := resultIDs(all.Results)
			slices.Reverse(wantBack)
			if !slices.Equal(back, wantBack) {
				t.Fatalf("backward: %v; want %v", back, wantBack)
			}
			// XEP-0313 requires item-not-found; ejabberd 23.01 answers
			// with a page instead.
			p, err = m.Fetch(ctx, jid.JID{}, mam.Query{After: "no-such-id"})
			t.Logf("%s: unknown after: %s, %v", tg.Name(), describe(p), err)
			if tg.Name() == "prosody" && !errors.Is(err, stanza.ErrItemNotFound) {
				t.Errorf("unknown after: %v; want item-not-found", err)
			}
		})
		t.Run("ids", func(t *testing.T) {
			p, err := m.Fetch(ctx, jid.JID{}, mam.Query{IDs: ids(17, 3)})
			t.Logf("%s: ids query (extended %t): %s, %v", tg.Name(), f.Extended, describe(p), err)
			if !f.Extended {
				return
			}
			if err != nil || !slices.Equal(resultIDs(p.Results), ids(3, 17)) {
				t.Fatalf("ids: %v, %v", resultIDs(p.Results), err)
			}
		})
		t.Run("spoofed result", func(t *testing.T) {
			forgedSeen := make(chan *stanza.Message, 1)
			alice.ObserveMessage(xmpp.Route{Payload: stanza.Name{Space: mam.NS, Local: "result"}}, func(ctx context.Context, msg *stanza.Message) {
				if msg.From.Bare() == bob.JID().Bare() {
					forgedSeen <- msg
				}
			})
			mam.SetHookQuerying(m, func(qid string) {
				if err := bob.SendElement(ctx, forged(jid.JID{}, alice.JID(), qid, "forged", "I owe you 100 euros")); err != nil {
					t.Error(err)
				}
				// bob's answer comes after the forgery: then alice has it.
				ping := stanza.NewIQ(stanza.IQGet, bob.JID(), stanza.NewElement("urn:xmpp:ping", "ping"))
				if _, err := alice.Request(ctx, ping); err != nil {
					t.Error(err)
				}
			})
			defer mam.SetHookQuerying(m, nil)
			p, err := m.Fetch(ctx, jid.JID{}, mam.Query{Max: 3})
			if err != nil {
				t.Fatal(err)
			}
			if got := resultIDs(p.Results); !slices.Equal(got, ids(0, 1, 2)) {
				t.Fatalf("results %v; want %v", got, ids(0, 1, 2))
			}
			select {
			case msg := <-forgedSeen:
				t.Logf("%s delivered the forged result, dropped by Fetch: %s", tg.Name(), msg.Element())
			default:
				t.Logf("%s did not deliver the forged result", tg.Name())
			}
		})
	})
}

func resultIDs(rs []mam.Result) []string { return ids(rs) }

// traceStats is an XML trace writer that keeps the lines for stats.
type traceStats struct {
	mu    sync.Mutex
	lines []string
}

func (w *traceStats) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lines = append(w.lines, string(p))
	return len(p), nil
}

// stats counts the MAM queries sent and the pings to the server, which
// only Client.Sync sends here, and returns the opening tag of the first
// result message received.
func (w *traceStats) stats() (queries, pings int, wrapper string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, l := range w.lines {
		switch {
		case strings.HasPrefix(l, "SEND <iq") && strings.Contains(l, "<query xmlns='urn:xmpp:mam:2'"):
			queries++
		case strings.HasPrefix(l, "SEND <iq") && !strings.Contains(l, " to=") && strings.Contains(l, "urn:xmpp:ping"):
			pings++
		case wrapper == "" && strings.HasPrefix(l, "RECV <message") && strings.Contains(l, "<result xmlns='urn:xmpp:mam:2'"):
			wrapper, _, _ = strings.Cut(strings.TrimPrefix(l, "RECV "), "<result")
		}
	}
	return queries, pings, wrapper
}
