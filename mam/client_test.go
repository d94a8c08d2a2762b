package mam_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/mam"
	"github.com/xmppkit/xmpp/rsm"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// ids returns the ids of rs.
func ids(rs []mam.Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

// wantIDs returns id-%03d for each n.
func wantIDs(ns ...int) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = fmt.Sprintf("id-%03d", n)
	}
	return out
}

func span(from, to int) []int {
	var out []int
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

func TestFetch(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	arch := newFakeArchive(srv, 12)
	alice := login(t, srv, 0)
	m := mam.New(alice, nil)
	ctx := timeout(t)

	p, err := m.Fetch(ctx, jid.JID{}, mam.Query{Max: 5})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(p.Results), wantIDs(span(0, 5)...); !slices.Equal(got, want) {
		t.Fatalf("ids %v; want %v", got, want)
	}
	for i, r := range p.Results {
		want := arch.msgs[i]
		if !r.Stamp.Equal(want.stamp) || r.Message.Body() != want.msg.Body() || r.Message.From != want.msg.From || r.Message.To != want.msg.To {
			t.Errorf("result %d: %v %s -> %s %q; want %v %s -> %s %q", i, r.Stamp, r.Message.From, r.Message.To, r.Message.Body(),
				want.stamp, want.msg.From, want.msg.To, want.msg.Body())
		}
	}
	if p.Complete || p.Unstable || p.RSM.First != "id-000" || p.RSM.Last != "id-004" || *p.RSM.Count != 12 {
		t.Errorf("fin %+v", p.Fin)
	}
	q := arch.queries()[0]
	if qid := q.Attr("queryid"); len(qid) < 16 || qid != p.Results[0].QueryID {
		t.Errorf("queryid %q, results carry %q", qid, p.Results[0].QueryID)
	}
	if q.Child("jabber:x:data", "x") != nil {
		t.Errorf("a query without filters sent a form: %s", q)
	}

	// The next page, then the last one.
	p, err = m.Fetch(ctx, jid.JID{}, mam.Query{Max: 5, After: p.RSM.Last})
	if err != nil || !slices.Equal(ids(p.Results), wantIDs(span(5, 10)...)) || p.Complete {
		t.Fatalf("second page %v %+v, %v", ids(p.Results), p.Fin, err)
	}
	p, err = m.Fetch(ctx, jid.JID{}, mam.Query{Max: 5, After: p.RSM.Last})
	if err != nil || !slices.Equal(ids(p.Results), wantIDs(10, 11)) || !p.Complete {
		t.Fatalf("third page %v %+v, %v", ids(p.Results), p.Fin, err)
	}
	// Every query has its own queryid.
	qs := arch.queries()
	if qs[0].Attr("queryid") == qs[1].Attr("queryid") || qs[1].Attr("queryid") == qs[2].Attr("queryid") {
		t.Errorf("queryids repeat: %s %s %s", qs[0], qs[1], qs[2])
	}
	// The last page, and the page before a given result.
	p, err = m.Fetch(ctx, jid.JID{}, mam.Query{Max: 5, Reverse: true})
	if err != nil || !slices.Equal(ids(p.Results), wantIDs(span(7, 12)...)) || p.Complete {
		t.Fatalf("last page %v %+v, %v", ids(p.Results), p.Fin, err)
	}
	p, err = m.Fetch(ctx, jid.JID{}, mam.Query{Max: 5, Before: "id-003"})
	if err != nil || !slices.Equal(ids(p.Results), wantIDs(0, 1, 2)) || !p.Complete {
		t.Fatalf("page before id-003 %v %+v, %v", ids(p.Results), p.Fin, err)
	}
	// The default page size is sent.
	if _, err := m.Fetch(ctx, jid.JID{}, mam.Query{}); err != nil {
		t.Fatal(err)
	}
	qs = arch.queries()
	if got := qs[len(qs)-1].Child(rsm.NS, "set").ChildText(rsm.NS, "max"); got != fmt.Sprint(mam.DefaultMax) {
		t.Errorf("default max %q", got)
	}
}

func TestFetchFilters(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	arch := newFakeArchive(srv, 12)
	alice := login(t, srv, 0)
	m := mam.New(alice, nil)
	ctx := timeout(t)

	for _, tc := range []struct {
		name string
		q    mam.Query
		want []string
		form string
	}{
		{"with", mam.Query{With: jid.MustParse("carol@localhost")}, wantIDs(2, 5, 8, 11),
			`<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2</value></field><field var='with'><value>carol@localhost</value></field></x>`},
		{"start and end", mam.Query{Start: base.Add(3 * time.Minute), End: base.Add(5*time.Minute + 500*time.Millisecond)}, wantIDs(3, 4, 5),
			`<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2</value></field><field var='start'><value>2024-03-01T12:03:00.000Z</value></field><field var='end'><value>2024-03-01T12:05:00.500Z</value></field></x>`},
		// Timestamps are sent to the millisecond: finer is truncated, so
		// the message archived at 12:03:00 exactly is selected.
		{"start to the millisecond", mam.Query{Start: base.Add(3*time.Minute + 999*time.Microsecond)}, wantIDs(3, 4, 5, 6, 7, 8, 9, 10, 11),
			`<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2</value></field><field var='start'><value>2024-03-01T12:03:00.000Z</value></field></x>`},
		{"ids", mam.Query{IDs: []string{"id-007", "id-001"}}, wantIDs(1, 7),
			`<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2</value></field><field var='ids'><value>id-007</value><value>id-001</value></field></x>`},
		{"with and start", mam.Query{With: jid.MustParse("bob@localhost"), Start: base.Add(9 * time.Minute).In(time.FixedZone("x", 3600))}, wantIDs(9, 10),
			`<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2</value></field><field var='with'><value>bob@localhost</value></field><field var='start'><value>2024-03-01T12:09:00.000Z</value></field></x>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := m.Fetch(ctx, jid.JID{}, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(p.Results); !slices.Equal(got, tc.want) {
				t.Errorf("ids %v; want %v", got, tc.want)
			}
			qs := arch.queries()
			form := qs[len(qs)-1].Child("jabber:x:data", "x")
			if want := mustElement(t, tc.form); !form.Equal(want) {
				t.Errorf("form %s; want %s", form, want)
			}
		})
	}
}

func TestAll(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	arch := newFakeArchive(srv, 12)
	alice := login(t, srv, 0)
	m := mam.New(alice, nil)
	ctx := timeout(t)

	collect := func(q mam.Query, stopAfter int) []string {
		t.Helper()
		var got []string
		for r, err := range m.All(ctx, jid.JID{}, q) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, r.ID)
			if len(got) == stopAfter {
				break
			}
		}
		return got
	}
	before := len(arch.queries())
	if got, want := collect(mam.Query{Max: 5}, 0), wantIDs(span(0, 12)...); !slices.Equal(got, want) {
		t.Errorf("forward: %v; want %v", got, want)
	}
	if n := len(arch.queries()) - before; n != 3 {
		t.Errorf("forward paging took %d queries; want 3", n)
	}
	// Backward yields newest first.
	want := wantIDs(span(0, 12)...)
	slices.Reverse(want)
	if got := collect(mam.Query{Max: 5, Reverse: true}, 0); !slices.Equal(got, want) {
		t.Errorf("backward: %v; want %v", got, want)
	}
	// With a filter, and a page size that divides the result exactly.
	if got := collect(mam.Query{Max: 2, With: jid.MustParse("carol@localhost")}, 0); !slices.Equal(got, wantIDs(2, 5, 8, 11)) {
		t.Errorf("with carol: %v", got)
	}
	// Stopping early fetches no further page.
	before = len(arch.queries())
	if got := collect(mam.Query{Max: 5}, 3); !slices.Equal(got, wantIDs(0, 1, 2)) {
		t.Errorf("stopped: %v", got)
	}
	if n := len(arch.queries()) - before; n != 1 {
		t.Errorf("stopping after 3 took %d queries; want 1", n)
	}
	// An error is yielded once.
	n := 0
	for _, err := range m.All(ctx, jid.JID{}, mam.Query{After: "id-999"}) {
		n++
		if !errors.Is(err, stanza.ErrItemNotFound) {
			t.Errorf("unknown After: %v", err)
		}
	}
	if n != 1 {
		t.Errorf("%d yields for an error", n)
	}
}

// TestAllNoProgress checks that All stops when the archive answers every
// page request with the same page.
func TestAllNoProgress(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	srv.HandleIQ(stanza.IQSet, mam.NS, "query", func(ctx context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		m := stanza.NewMessage(stanza.MessageChat, iq.From, "again")
		r := mam.Result{ID: "same", QueryID: iq.Payload.Attr("queryid"), Message: m, Stamp: base}
		if err := srv.Inject(iq.From, resultMessage(jid.JID{}, iq.From, r)); err != nil {
			return nil, err
		}
		return mam.Fin{RSM: rsm.Set{First: "same", Last: "same"}}.Element(), nil
	})
	m := mam.New(login(t, srv, 0), nil)
	var got []string
	var last error
	for r, err := range m.All(timeout(t), jid.JID{}, mam.Query{}) {
		if err != nil {
			last = err
			continue
		}
		got = append(got, r.ID)
	}
	if !errors.Is(last, mam.ErrNoProgress) || len(got) != 2 {
		t.Fatalf("got %v, then %v; want two results and ErrNoProgress", got, last)
	}
}

func TestFetchErrors(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	arch := newFakeArchive(srv, 3)
	alice := login(t, srv, 0)
	m := mam.New(alice, nil)
	ctx := timeout(t)

	if _, err := m.Fetch(ctx, jid.JID{}, mam.Query{After: "nope"}); !errors.Is(err, stanza.ErrItemNotFound) {
		t.Errorf("unknown After: %v", err)
	}
	for _, q := range []mam.Query{{Max: -1}, {After: "a", Before: "b"}, {After: "a", Reverse: true}} {
		if _, err := m.Fetch(ctx, jid.JID{}, q); !errors.Is(err, mam.ErrInvalidQuery) {
			t.Errorf("Fetch(%+v) = %v; want ErrInvalidQuery", q, err)
		}
	}
	// A room that does not exist: the in-process server has no such
	// entity.
	if _, err := m.Fetch(ctx, jid.MustParse("room@conference.localhost"), mam.Query{}); !errors.Is(err, stanza.ErrRemoteServerNotFound) {
		t.Errorf("no such archive: %v", err)
	}
	// An archive that ignores the ids field is caught.
	arch.ignoreIDs = true
	if _, err := m.Fetch(ctx, jid.JID{}, mam.Query{IDs: []string{"id-001"}}); !errors.Is(err, mam.ErrUnrequested) {
		t.Errorf("ignored ids: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := m.Fetch(cancelled, jid.JID{}, mam.Query{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	alice.Close()
	if _, err := m.Fetch(ctx, jid.JID{}, mam.Query{}); !errors.Is(err, xmpp.ErrClosed) {
		t.Errorf("closed: %v", err)
	}
}

// TestMalformedAnswers checks that a bad result or <fin/> from the
// archive fails the query.
func TestMalformedAnswers(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	var mode atomic.Int32
	srv.HandleIQ(stanza.IQSet, mam.NS, "query", func(ctx context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		qid := iq.Payload.Attr("queryid")
		switch mode.Load() {
		case 0: // a result without a forwarded message
			bad := stanza.NewElement(mam.NS, "result", stanza.A("queryid", qid), stanza.A("id", "x"))
			m := &stanza.Message{Header: stanza.Header{To: iq.From}, Payloads: []*stanza.Element{bad}}
			if err := srv.Inject(iq.From, m.Element()); err != nil {
				return nil, err
			}
			return mam.Fin{RSM: rsm.Set{First: "x", Last: "x"}}.Element(), nil
		case 1: // a bad fin
			return mustElement(t, `<fin xmlns='urn:xmpp:mam:2' complete='yes'/>`), nil
		default: // no fin at all
			return nil, nil
		}
	})
	m := mam.New(login(t, srv, 0), nil)
	for i := range 3 {
		mode.Store(int32(i))
		if _, err := m.Fetch(timeout(t), jid.JID{}, mam.Query{}); !errors.Is(err, mam.ErrMalformed) {
			t.Errorf("mode %d: %v; want ErrMalformed", i, err)
		}
	}
}

func TestFeatures(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice := login(t, srv, 0)
	m := mam.New(alice, nil)
	ctx := timeout(t)
	// The in-process server lists no MAM feature for the account.
	if f, err := m.Features(ctx, jid.JID{}); err != nil || f != (mam.Features{}) {
		t.Fatalf("Features = %+v, %v", f, err)
	}
	var asked atomic.Value
	srv.HandleIQ(stanza.IQGet, "http://jabber.org/protocol/disco#info", "query", func(ctx context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		asked.Store(iq.To)
		q := stanza.NewElement("http://jabber.org/protocol/disco#info", "query").AddChild(
			stanza.NewElement("http://jabber.org/protocol/disco#info", "identity", stanza.A("category", "account"), stanza.A("type", "registered")))
		for _, f := range []string{mam.NS, mam.NSExtended, "urn:xmpp:mam:1"} {
			q.AddChild(stanza.NewElement("http://jabber.org/protocol/disco#info", "feature", stanza.A("var", f)))
		}
		return q, nil
	})
	f, err := m.Features(ctx, jid.JID{})
	if err != nil || f != (mam.Features{MAM: true, Extended: true}) {
		t.Fatalf("Features = %+v, %v", f, err)
	}
	if to := asked.Load(); to != alice.JID().Bare() {
		t.Errorf("asked %v; want the account's bare JID", to)
	}
}

func TestIsResult(t *testing.T) {
	m := stanza.NewMessage(stanza.MessageChat, jid.MustParse("a@b"), "hi")
	if mam.IsResult(m) {
		t.Error("a plain message is a result")
	}
	m.Payloads = append(m.Payloads, stanza.NewElement(mam.NS, "result"))
	if !mam.IsResult(m) {
		t.Error("a result is not")
	}
}

// TestResultsClaimed checks that the archive's result messages go to
// the mam Querier alone: the application's default message handler never
// sees them.
func TestResultsClaimed(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	newFakeArchive(srv, 3)
	seen := make(chan *stanza.Message, 8)
	var m *mam.Querier
	alice := login(t, srv, 0, func(c *xmpp.Client) {
		m = mam.New(c, nil)
		c.HandleMessage(xmpp.Route{}, func(ctx context.Context, msg *stanza.Message) { seen <- msg })
	})
	p, err := m.Fetch(timeout(t), jid.JID{}, mam.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Results) != 3 {
		t.Fatalf("%d results; want 3", len(p.Results))
	}
	if err := alice.Sync(timeout(t)); err != nil {
		t.Fatal(err)
	}
	select {
	case msg := <-seen:
		t.Errorf("the default handler saw %s", msg.Element())
	default:
	}
}
