package mam

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Options configures New. A nil *Options gives the defaults.
type Options struct {
	// Logger receives, at Warn level, results dropped because they came
	// from the wrong sender for a query in progress (a leaked queryid
	// being abused), and at Debug level those for no query in progress.
	// nil is silent.
	Logger *slog.Logger
	// CatchUp makes the Querier recover what a lost session, or a
	// resumption, never delivered: see "Catching up" in the package
	// documentation.
	CatchUp bool
	// Store keeps, for CatchUp, the archive id of the last message the
	// Client handled across restarts of the application (FileStore is
	// one). nil keeps it in memory: the Querier then catches up after a
	// new session, not after a restart.
	Store IDStore
}

// Querier queries message archives over one xmpp.Client. It is made once
// per xmpp.Client with New, which adds the message handler that collects
// results; its methods are safe for concurrent use, and concurrent
// queries do not see each other's results.
type Querier struct {
	c   *xmpp.Client
	log *slog.Logger

	mu      sync.Mutex
	queries map[string]*query // in progress, by queryid

	// hookQuerying, if set, runs once a query's id is registered, just
	// before the query is sent. Tests use it.
	hookQuerying atomic.Pointer[func(queryID string)]

	catchUp *catchUp // nil unless Options.CatchUp
}

// query is the state of one query in progress.
type query struct {
	archive jid.JID // whose results count; zero for the account's own
	max     int
	ids     map[string]bool // non-nil when the query asked for these ids
	results []Result
	got     map[string]bool // the ids of results
	err     error           // the first problem with the archive's results
}

// New returns a Querier for archives reached through c, and makes c pass
// it the archive results that arrive: it claims the messages that carry a
// <result/> of NS (see xmpp.Route), so that archived messages never reach
// the application's default message handler. Results of no query in
// progress, or from anyone but the archive asked, are dropped. Call it
// once per xmpp.Client, before Connect: a second call panics. With
// opts.CatchUp it also recovers what lost sessions never delivered (see
// the package documentation).
func New(c *xmpp.Client, opts *Options) *Querier {
	m := &Querier{c: c, log: slog.New(slog.DiscardHandler), queries: make(map[string]*query)}
	if opts != nil && opts.Logger != nil {
		m.log = opts.Logger
	}
	route := xmpp.Route{Payload: stanza.Name{Space: NS, Local: "result"}}
	// Results of a query in progress are taken on the reader, so that
	// they reach Fetch even when it runs in a handler; the others are
	// claimed here and dropped.
	c.InterceptMessage(route, m.intercept)
	c.HandleMessage(route, m.handle)
	if opts != nil && opts.CatchUp {
		m.catchUp = newCatchUp(m, opts.Store)
	}
	return m
}

// Page is one page of results and the <fin/> that ended it.
type Page struct {
	// Results are the archived messages of the page, in chronological
	// order (the order the archive sent them), at most the page size.
	Results []Result
	// Fin says whether the page is the last (Complete) and where it lies
	// (RSM.First, RSM.Last, and RSM.Count when the archive says).
	Fin
}

// Fetch asks archive for one page of the messages q selects and waits for
// it. archive is the archive's address: zero (or the account's bare JID)
// for the account's own archive, a room's bare JID for a XEP-0045 room
// archive. To get the next page, query again with After set to the
// page's RSM.Last (or Before set to RSM.First when paging backward), or
// use All.
//
// A result counts only if it comes from archive (for the account's own,
// from no address or the account's bare JID), carries the random queryid
// Fetch generated for this query, and arrives while the query is in
// progress: anything else is dropped, so that nobody but the archive can
// slip messages into the account's history.
//
// Fetch returns the archive's *stanza.Error if it refused the query
// (errors.Is(err, stanza.ErrItemNotFound) for an After or Before UID it
// does not have), an error wrapping ErrMalformed for results or a <fin/>
// that do not decode, ErrOverflow if the archive sends more results than
// the page size, ErrUnrequested if it ignored IDs, ErrInvalidQuery for a
// query it cannot send, and the errors of xmpp.Client.Request: ctx's when
// ctx ends first, xmpp.ErrClosed when the Client ends.
//
// Fetch may be called from a handler: the results of a query in
// progress reach it on the Client's reader (see
// xmpp.Client.InterceptMessage), like the <fin/> that ends the query.
func (m *Querier) Fetch(ctx context.Context, archive jid.JID, q Query) (Page, error) {
	if err := q.validate(); err != nil {
		return Page{}, err
	}
	queryID, qu := m.register(archive, q)
	// Once Fetch returns, late results for this queryid are dropped.
	defer m.forget(queryID)
	if f := m.hookQuerying.Load(); f != nil {
		(*f)(queryID)
	}
	res, err := m.c.Request(ctx, stanza.NewIQ(stanza.IQSet, archive, q.element(queryID)))
	if err != nil {
		return Page{}, fmt.Errorf("mam: fetch: %w", err)
	}
	fin, err := ParseFin(res.Payload)
	if err != nil {
		return Page{}, err
	}
	// The results came before the <fin/>, on the same reader, which
	// handed them to intercept before it handed the <fin/> to Request:
	// they are all collected.
	// After forget, no handler touches qu: its fields are ours.
	m.forget(queryID)
	if qu.err != nil {
		return Page{}, qu.err
	}
	return Page{Results: qu.results, Fin: fin}, nil
}

// register starts a query to archive under a fresh random queryid.
func (m *Querier) register(archive jid.JID, q Query) (string, *query) {
	qu := &query{archive: archive, max: q.pageSize(), got: make(map[string]bool)}
	if archive == m.c.JID().Bare() {
		qu.archive = jid.JID{}
	}
	if len(q.IDs) > 0 {
		qu.ids = make(map[string]bool, len(q.IDs))
		for _, id := range q.IDs {
			qu.ids[id] = true
		}
	}
	queryID := stanza.NewID()
	m.mu.Lock()
	m.queries[queryID] = qu
	m.mu.Unlock()
	return queryID, qu
}

// forget ends the query with queryID: its results are dropped from now on.
func (m *Querier) forget(queryID string) {
	m.mu.Lock()
	delete(m.queries, queryID)
	m.mu.Unlock()
}

// intercept runs on the Client's reader for each message with a
// <result/>: it collects the results of a query in progress, and leaves
// the others to handle.
func (m *Querier) intercept(msg *stanza.Message) bool {
	taken := false
	for _, p := range msg.Payloads {
		if p.Name != (stanza.Name{Space: NS, Local: "result"}) {
			continue
		}
		m.mu.Lock()
		live := m.queries[p.Attr("queryid")] != nil
		m.mu.Unlock()
		if live {
			m.collect(msg, p)
			taken = true
		}
	}
	return taken
}

// handle is the message handler New adds for the results that intercept
// left: it passes each <result/> payload to collect, which drops it.
func (m *Querier) handle(_ context.Context, msg *stanza.Message) {
	for _, p := range msg.Payloads {
		if p.Name == (stanza.Name{Space: NS, Local: "result"}) {
			m.collect(msg, p)
		}
	}
}

// collect adds a result to the query in progress it belongs to, if it
// comes from that query's archive, and drops it otherwise.
func (m *Querier) collect(msg *stanza.Message, payload *stanza.Element) {
	queryID := payload.Attr("queryid")
	m.mu.Lock()
	defer m.mu.Unlock()
	qu := m.queries[queryID]
	if qu == nil {
		m.log.Debug("mam: dropping a result for no query in progress", "from", msg.From.String(), "queryid", queryID)
		return
	}
	if !m.fromArchive(qu, msg.From) {
		m.log.Warn("mam: dropping a result from the wrong sender", "from", msg.From.String(),
			"archive", qu.archive.String(), "queryid", queryID)
		return
	}
	if qu.err != nil {
		return // the query has failed already
	}
	r, err := ParseResult(payload)
	switch {
	case err != nil:
		qu.err = err
	case qu.got[r.ID]:
		// The same result again, not one more: ejabberd 23.01, cut and
		// resumed often on a busy machine, answered queries of one
		// result with two.
		m.log.Debug("mam: dropping a result received twice", "id", r.ID, "queryid", queryID)
	case len(qu.results) >= qu.max:
		qu.err = fmt.Errorf("%w: more than %d (%q after %q)", ErrOverflow, qu.max, r.ID, qu.results[len(qu.results)-1].ID)
	case qu.ids != nil && !qu.ids[r.ID]:
		qu.err = fmt.Errorf("%w: id %q", ErrUnrequested, r.ID)
	default:
		qu.results = append(qu.results, r)
		qu.got[r.ID] = true
	}
}

// fromArchive reports whether a result from from may belong to qu: the
// account's own archive speaks with no address or the account's bare JID
// (which only its server can use), any other archive with its own
// address.
func (m *Querier) fromArchive(qu *query, from jid.JID) bool {
	if qu.archive.IsZero() {
		return from.IsZero() || from == m.c.JID().Bare()
	}
	return from == qu.archive
}
