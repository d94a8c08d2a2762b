package mam_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/mam"
	"github.com/xmppkit/xmpp/rsm"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// logRecorder is a slog.Handler that keeps the messages logged per level.
type logRecorder struct {
	mu   sync.Mutex
	msgs map[slog.Level][]string
}

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *logRecorder) WithGroup(string) slog.Handler            { return l }
func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.msgs == nil {
		l.msgs = make(map[slog.Level][]string)
	}
	l.msgs[r.Level] = append(l.msgs[r.Level], r.Message)
	return nil
}

func (l *logRecorder) count(level slog.Level) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.msgs[level])
}

// forged returns a result message claiming that the archive holds a
// message with body, sent as from to to with the given queryid.
func forged(from, to jid.JID, queryID, id, body string) *stanza.Element {
	m := stanza.NewMessage(stanza.MessageChat, to.Bare(), body)
	m.From = jid.MustParse("bob@localhost/home")
	return resultMessage(from, to, mam.Result{ID: id, QueryID: queryID, Message: m, Stamp: base})
}

// TestSpoofedResults checks that only results from the account's own
// archive (no from, or the account's bare JID), carrying the query's
// queryid, are accepted while the query runs, before and after the
// genuine ones.
func TestSpoofedResults(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	arch := newFakeArchive(srv, 4)
	alice := login(t, srv, 0)
	logs := &logRecorder{}
	m := mam.New(alice, &mam.Options{Logger: slog.New(logs)})
	own := alice.JID().Bare()
	arch.extra = func(to jid.JID, qid string) (before, after []*stanza.Element) {
		wrongSender := []jid.JID{
			jid.MustParse("bob@localhost/home"),    // a contact
			jid.MustParse("bob@localhost"),         // its bare JID
			jid.MustParse("alice@localhost/other"), // another resource of the account
			jid.MustParse("localhost"),             // the domain
			jid.MustParse("alice@evil.example"),    // lookalike
		}
		for _, from := range wrongSender {
			before = append(before, forged(from, to, qid, "forged-"+from.String(), "I owe you 100 euros"))
		}
		before = append(before,
			forged(own, to, "wrong"+qid, "forged-qid", "wrong queryid"),
			forged(own, to, "", "forged-noqid", "no queryid"),
		)
		after = append(after, forged(jid.MustParse("bob@localhost/home"), to, qid, "forged-after", "after the results"))
		return before, after
	}
	arch.from = own // genuine results come from the account's bare JID
	p, err := m.Fetch(timeout(t), jid.JID{}, mam.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(p.Results); !slices.Equal(got, wantIDs(0, 1, 2, 3)) {
		t.Fatalf("results %v; want only the genuine ones", got)
	}
	// The forgeries before the genuine results were handled while the
	// query ran; the one after them may come after Fetch returned, once
	// it had the last result, and is then dropped as belonging to no
	// query.
	if n := logs.count(slog.LevelWarn); n < 5 {
		t.Errorf("%d warnings for results from the wrong sender; want at least 5", n)
	}

	// Genuine results without a from attribute count too; a result that
	// comes after its query ended does not count in the next one.
	arch.from = jid.JID{}
	var lastQueryID string
	arch.extra = func(to jid.JID, qid string) (before, after []*stanza.Element) {
		lastQueryID = qid
		return nil, nil
	}
	if _, err := m.Fetch(timeout(t), jid.JID{}, mam.Query{Max: 1}); err != nil {
		t.Fatal(err)
	}
	late := lastQueryID
	arch.extra = func(to jid.JID, qid string) (before, after []*stanza.Element) {
		return []*stanza.Element{forged(own, to, late, "late", "late result")}, nil
	}
	debugBefore := logs.count(slog.LevelDebug)
	p, err = m.Fetch(timeout(t), jid.JID{}, mam.Query{Max: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(p.Results); !slices.Equal(got, wantIDs(0, 1)) {
		t.Fatalf("results %v; want id-000 and id-001 without the late one", got)
	}
	// At least the late one (a result of an earlier query of this test
	// may also come late on a loaded machine).
	if n := logs.count(slog.LevelDebug); n < debugBefore+1 {
		t.Errorf("the late result was not dropped as belonging to no query (%d debug lines before, %d after)", debugBefore, n)
	}
}

// TestLeakedQueryID has bob learn the queryid of alice's query in
// progress (through the test hook) and send a result with it: it is
// dropped although it carries the right queryid.
func TestLeakedQueryID(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	newFakeArchive(srv, 3)
	alice, bob := login(t, srv, 0), login(t, srv, 1)
	m := mam.New(alice, nil)
	ctx := timeout(t)
	mam.SetHookQuerying(m, func(qid string) {
		if err := bob.SendElement(ctx, forged(jid.JID{}, alice.JID(), qid, "forged", "I owe you 100 euros")); err != nil {
			t.Error(err)
		}
		// Once bob's answer to a ping from alice is back, the forgery,
		// which bob sent before it, is in alice's queue: it will be
		// handled while the query runs.
		if _, err := alice.Request(ctx, stanza.NewIQ(stanza.IQGet, bob.JID(), stanza.NewElement("urn:xmpp:ping", "ping"))); err != nil {
			t.Error(err)
		}
	})
	p, err := m.Fetch(ctx, jid.JID{}, mam.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(p.Results); !slices.Equal(got, wantIDs(0, 1, 2)) {
		t.Fatalf("results %v; want only the genuine ones", got)
	}
}

// TestRoomArchive queries an archive at another address (carol's client
// plays a room's archive): its results count, and results with the same
// queryid from the account's own server do not.
func TestRoomArchive(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, carol := login(t, srv, 0), login(t, srv, 2)
	ctx := timeout(t)
	carol.HandleIQ(stanza.IQSet, mam.NS, "query", func(ctx context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		qid := iq.Payload.Attr("queryid")
		// The account's own server is not this archive.
		if err := srv.Inject(alice.JID(), forged(alice.JID().Bare(), alice.JID(), qid, "forged", "from the wrong archive")); err != nil {
			return nil, err
		}
		for i, body := range []string{"one", "two"} {
			m := stanza.NewMessage(stanza.MessageGroupchat, jid.JID{}, body)
			m.From = jid.MustParse("room@localhost/someone")
			r := mam.Result{ID: body, QueryID: qid, Message: m, Stamp: base.Add(time.Duration(i))}
			w := &stanza.Message{Header: stanza.Header{To: iq.From}, Payloads: []*stanza.Element{r.Element()}}
			if err := carol.Send(ctx, w); err != nil {
				return nil, err
			}
		}
		return mam.Fin{Complete: true, RSM: rsm.Set{First: "one", Last: "two"}}.Element(), nil
	})
	m := mam.New(alice, nil)
	p, err := m.Fetch(ctx, carol.JID(), mam.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(p.Results); !slices.Equal(got, []string{"one", "two"}) || !p.Complete {
		t.Fatalf("results %v, fin %+v", got, p.Fin)
	}
}

// TestOverflow checks that an archive that sends more results than the
// page size fails the query rather than growing it, and that the results
// left over are dropped.
func TestOverflow(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	arch := newFakeArchive(srv, 10)
	const flood = 300
	arch.extra = func(to jid.JID, qid string) (before, after []*stanza.Element) {
		for i := range flood {
			after = append(after, forged(jid.JID{}, to, qid, fmt.Sprint("flood-", i), "flood"))
		}
		return nil, after
	}
	alice := login(t, srv, 0)
	m := mam.New(alice, nil)
	if _, err := m.Fetch(timeout(t), jid.JID{}, mam.Query{Max: 5}); !errors.Is(err, mam.ErrOverflow) {
		t.Fatalf("flooded query: %v; want ErrOverflow", err)
	}
	arch.extra = nil
	p, err := m.Fetch(timeout(t), jid.JID{}, mam.Query{Max: 5})
	if err != nil || !slices.Equal(ids(p.Results), wantIDs(0, 1, 2, 3, 4)) {
		t.Fatalf("next query: %v, %v", ids(p.Results), err)
	}
}

// TestResultTwice checks that a result the archive sends twice in one
// query counts once: a page of one result that arrives with the same
// result twice is that result, not an overflow.
func TestResultTwice(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	arch := newFakeArchive(srv, 3)
	arch.extra = func(to jid.JID, qid string) (before, after []*stanza.Element) {
		return nil, []*stanza.Element{forged(jid.JID{}, to, qid, "id-000", "again")}
	}
	alice := login(t, srv, 0)
	m := mam.New(alice, nil)
	p, err := m.Fetch(timeout(t), jid.JID{}, mam.Query{Max: 1})
	if err != nil || !slices.Equal(ids(p.Results), wantIDs(0)) {
		t.Fatalf("results %v, %v; want id-000 once", ids(p.Results), err)
	}
	if body := p.Results[0].Message.Body(); body != "message 0" {
		t.Errorf("body %q; want the first copy's", body)
	}
}
