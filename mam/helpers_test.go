package mam_test

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/internal/datetime"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/mam"
	"github.com/xmppkit/xmpp/rsm"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// waitTimeout bounds every wait of these tests.
const waitTimeout = 10 * time.Second

// login connects account i of srv over net.Pipe and closes the Client
// when t ends.
func login(t *testing.T, srv *xmpptest.Server, i int, setup ...func(*xmpp.Client)) *xmpp.Client {
	t.Helper()
	a := srv.Account(i)
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	c := xmpp.New(a.JID(), &xmpp.Options{Password: a.Password, Resource: "res", Addr: srv.Addr(), Dial: srv.DialPipe, TLSConfig: srv.TLSConfig()})
	t.Cleanup(func() { c.Close() })
	for _, f := range setup {
		f(c)
	}
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	return c
}

// loginTarget connects account i of tg over TCP and closes the Client
// when t ends. trace, if not nil, gets the Client's XML trace.
func loginTarget(t *testing.T, tg xmpptest.Target, i int, resource string, trace io.Writer) *xmpp.Client {
	t.Helper()
	a := tg.Account(i)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := xmpp.Dial(ctx, a.JID(), &xmpp.Options{Password: a.Password, Resource: resource, Addr: tg.Addr(), TLSConfig: tg.TLSConfig(), Trace: trace})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// timeout returns a context that ends after waitTimeout or with t.
func timeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	t.Cleanup(cancel)
	return ctx
}

// mustElement parses s or fails t.
func mustElement(t testing.TB, s string) *stanza.Element {
	t.Helper()
	e, err := stanza.ParseElement(s)
	if err != nil {
		t.Fatalf("ParseElement(%s): %v", s, err)
	}
	return e
}

// archived is a message in a fakeArchive.
type archived struct {
	id    string
	stamp time.Time
	msg   *stanza.Message
}

// fakeArchive scripts the archive side of XEP-0313 on an in-process
// server, which has none: it answers queries to the account's own
// archive by injecting result messages and returning a <fin/>.
type fakeArchive struct {
	srv *xmpptest.Server

	mu   sync.Mutex
	msgs []archived
	seen []*stanza.Element // the queries received, in order
	// from is the from address of the result messages; zero leaves it
	// out.
	from jid.JID
	// noRSM leaves the RSM set out of the <fin/>.
	noRSM bool
	// ignoreIDs makes the archive ignore the ids field, as one without
	// #extended might.
	ignoreIDs bool
	// failNext makes the archive answer that many queries with an
	// internal-server-error.
	failNext int
	// extra, if set, returns elements to inject before the results of a
	// query with the given queryid, and after them.
	extra func(to jid.JID, queryID string) (before, after []*stanza.Element)
}

// base is the stamp of the first message of a fakeArchive; the others
// follow a minute apart.
var base = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// newFakeArchive registers a fake archive on srv holding n chat
// messages, alternately from bob to alice and from alice to bob, the
// even ones between alice and bob and every third one with carol instead.
func newFakeArchive(srv *xmpptest.Server, n int) *fakeArchive {
	a := &fakeArchive{srv: srv}
	alice, bob, carol := jid.MustParse("alice@localhost/res"), jid.MustParse("bob@localhost/home"), jid.MustParse("carol@localhost/x")
	for i := range n {
		peer := bob
		if i%3 == 2 {
			peer = carol
		}
		m := stanza.NewMessage(stanza.MessageChat, alice, fmt.Sprintf("message %d", i))
		m.From = peer
		if i%2 == 1 {
			m.From, m.To = alice, peer
		}
		a.msgs = append(a.msgs, archived{id: fmt.Sprintf("id-%03d", i), stamp: base.Add(time.Duration(i) * time.Minute), msg: m})
	}
	srv.HandleIQ(stanza.IQSet, mam.NS, "query", a.serve)
	return a
}

// queries returns the queries received so far.
func (a *fakeArchive) queries() []*stanza.Element {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.seen)
}

// resultMessage wraps r in a message to to from the archive address from.
func resultMessage(from, to jid.JID, r mam.Result) *stanza.Element {
	m := &stanza.Message{Header: stanza.Header{From: from, To: to, ID: stanza.NewID()}, Payloads: []*stanza.Element{r.Element()}}
	return m.Element()
}

// serve answers one query.
func (a *fakeArchive) serve(ctx context.Context, iq *stanza.IQ) (*stanza.Element, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seen = append(a.seen, iq.Payload)
	if a.failNext > 0 {
		a.failNext--
		return nil, stanza.NewError(stanza.ErrInternalServerError, "")
	}
	queryID := iq.Payload.Attr("queryid")
	matched, err := a.match(iq.Payload)
	if err != nil {
		return nil, err
	}
	set := rsm.Set{}
	if s := iq.Payload.Child(rsm.NS, "set"); s != nil {
		if set, err = rsm.Parse(s); err != nil {
			return nil, stanza.NewError(stanza.ErrBadRequest, err.Error())
		}
	}
	page, first, complete, err := paginate(matched, set)
	if err != nil {
		return nil, err
	}
	var before, after []*stanza.Element
	if a.extra != nil {
		before, after = a.extra(iq.From, queryID)
	}
	for _, e := range before {
		a.inject(iq.From, e)
	}
	for _, m := range page {
		r := mam.Result{ID: m.id, QueryID: queryID, Message: m.msg, Stamp: m.stamp}
		a.inject(iq.From, resultMessage(a.from, iq.From, r))
	}
	for _, e := range after {
		a.inject(iq.From, e)
	}
	fin := mam.Fin{Complete: complete, RSM: rsm.Set{Count: new(len(matched))}}
	if len(page) > 0 && !a.noRSM {
		fin.RSM.First, fin.RSM.FirstIndex, fin.RSM.Last = page[0].id, new(first), page[len(page)-1].id
	}
	return fin.Element(), nil
}

func (a *fakeArchive) inject(to jid.JID, e *stanza.Element) {
	if err := a.srv.Inject(to, e); err != nil {
		panic(err) // the querying session is there: it is waiting
	}
}

// match returns the messages a query's form selects.
func (a *fakeArchive) match(q *stanza.Element) ([]archived, error) {
	var with jid.JID
	var start, end time.Time
	var ids []string
	if x := q.Child("jabber:x:data", "x"); x != nil {
		for f := range x.Children() {
			v := f.ChildText("jabber:x:data", "value")
			var err error
			switch f.Attr("var") {
			case "with":
				with, err = jid.Parse(v)
			case "start":
				start, err = datetime.ParseDateTime(v)
			case "end":
				end, err = datetime.ParseDateTime(v)
			case "ids":
				if !a.ignoreIDs {
					for val := range f.Children() {
						ids = append(ids, val.Text())
					}
				}
			}
			if err != nil {
				return nil, stanza.NewError(stanza.ErrBadRequest, err.Error())
			}
		}
	}
	var out []archived
	for _, m := range a.msgs {
		switch {
		case !with.IsZero() && m.msg.From.Bare() != with.Bare() && m.msg.To.Bare() != with.Bare():
		case !start.IsZero() && m.stamp.Before(start):
		case !end.IsZero() && m.stamp.After(end):
		case ids != nil && !slices.Contains(ids, m.id):
		default:
			out = append(out, m)
		}
	}
	return out, nil
}

// paginate applies an RSM request to the matched messages.
func paginate(matched []archived, set rsm.Set) (page []archived, first int, complete bool, err error) {
	size := len(matched)
	if set.Max != nil {
		size = *set.Max
	}
	index := func(id string) int {
		return slices.IndexFunc(matched, func(m archived) bool { return m.id == id })
	}
	switch {
	case set.Before != nil:
		end := len(matched)
		if *set.Before != "" {
			if end = index(*set.Before); end < 0 {
				return nil, 0, false, stanza.NewError(stanza.ErrItemNotFound, "")
			}
		}
		first = max(0, end-size)
		return matched[first:end], first, first == 0, nil
	case set.After != "":
		i := index(set.After)
		if i < 0 {
			return nil, 0, false, stanza.NewError(stanza.ErrItemNotFound, "")
		}
		first = i + 1
	}
	last := min(first+size, len(matched))
	return matched[first:last], first, last == len(matched), nil
}
