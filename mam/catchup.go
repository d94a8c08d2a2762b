package mam

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/delay"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stanzaid"
)

// IDStore keeps the archive id (the XEP-0359 stanza-id its server gave)
// of the last message a Client handled, so that an application started
// again catches up from there (Options.CatchUp). Load returns "" when
// nothing is stored. Save is called on the Client's dispatch goroutine
// for every archived message handled, so it should be quick.
type IDStore interface {
	Load() (string, error)
	Save(id string) error
}

// FileStore is an IDStore that keeps the id in the file at Path, written
// whole each time (to a temporary file, then renamed over Path), so that
// a crash leaves either the old id or the new one.
type FileStore struct {
	Path string
}

// Load returns the stored id, or "" if the file does not exist.
func (f FileStore) Load() (string, error) {
	b, err := os.ReadFile(f.Path)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("mam: load the last id: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// Save stores id.
func (f FileStore) Save(id string) error {
	tmp, err := os.CreateTemp(filepath.Dir(f.Path), filepath.Base(f.Path)+".*")
	if err != nil {
		return fmt.Errorf("mam: save the last id: %w", err)
	}
	_, werr := tmp.WriteString(id + "\n")
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("mam: save the last id: %w", err)
	}
	if err := os.Rename(tmp.Name(), f.Path); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("mam: save the last id: %w", err)
	}
	return nil
}

// CatchUpStats counts what catching up did, for monitoring and tests.
type CatchUpStats struct {
	// Runs is the number of catch-ups done (after a new session or a
	// resumption, or at Connect with a stored id).
	Runs int
	// Recovered is the number of messages delivered from the archive.
	Recovered int
	// Duplicates is the number of messages dropped because one with the
	// same archive id had been handled already.
	Duplicates int
	// Failed is the number of catch-ups that could not finish (the error
	// is logged): the messages after the last one recovered may be
	// missing until the next catch-up. One cut short because the session
	// ended is not counted: the next session's catch-up goes on from
	// where it stopped.
	Failed int
}

// CatchUpStats returns what catching up has done so far; all zero
// without Options.CatchUp.
func (m *Querier) CatchUpStats() CatchUpStats {
	if m.catchUp == nil {
		return CatchUpStats{}
	}
	m.catchUp.mu.Lock()
	defer m.catchUp.mu.Unlock()
	return m.catchUp.stats
}

const (
	// seenIDs bounds the archive ids and origin keys remembered for
	// deduplication.
	seenIDs = 20000
	// catchUpPage is the page size of a catch-up query.
	catchUpPage = 100
	// catchUpTimeout bounds one catch-up.
	catchUpTimeout = 2 * time.Minute
	// catchUpQueryTimeout bounds one query of a catch-up: a server can
	// lose a query in a resumption (Prosody 0.12.3 did once in a chaos
	// run), and the catch-up holds back every handler while it waits.
	catchUpQueryTimeout = 20 * time.Second
	// catchUpRetryDelay is how long after a failed catch-up it is tried
	// again (see retryLater).
	catchUpRetryDelay = 10 * time.Second
	// catchUpAttempts is how often a catch-up is tried when a query
	// fails or times out and the session goes on.
	catchUpAttempts = 3
)

// catchUp is the state of Options.CatchUp.
type catchUp struct {
	m     *Querier
	store IDStore

	mu     sync.Mutex
	last   string // archive id of the last message handled
	loaded bool   // last was read from the store
	// retrying says a goroutine of later waits or runs; pending is
	// where it catches up from, if hasPending (cleared when another
	// catch-up covered it).
	retrying   bool
	pending    string
	hasPending bool
	retryDelay atomic.Int64 // a time.Duration; tests shorten it
	// anchored says that last (even "") is a known point of the archive:
	// a stored id, the archive's end at Connect, or a message handled.
	anchored bool
	seen     map[string]struct{} // ids handled, at most seenIDs
	order    []string            // seen, oldest first (a ring of seenIDs)
	next     int                 // where order is written next once full
	stats    CatchUpStats
}

func newCatchUp(m *Querier, store IDStore) *catchUp {
	cu := &catchUp{m: m, store: store, seen: make(map[string]struct{})}
	cu.retryDelay.Store(int64(catchUpRetryDelay))
	// Every message sent carries an origin-id, so that its recipient can
	// tell a message sent again from a new one (see filter).
	m.c.AddMessagePayload(func(*stanza.Element) *stanza.Element {
		return stanzaid.OriginIDElement(stanza.NewID())
	})
	m.c.FilterMessage(cu.filter)
	m.c.ObserveMessage(xmpp.Route{}, cu.track)
	m.c.HandleEvent(cu.event)
	return cu
}

// own returns the account's bare JID, by which its server stamps the
// archive ids of the messages it archives.
func (cu *catchUp) own() jid.JID { return cu.m.c.JID().Bare() }

// filter drops a message whose archive id was handled already, or whose
// sender's origin-id was: a sender whose server routed a message and
// then called it unhandled in <resumed h/> (ejabberd 23.01 with its
// archive does) sends it again, as XEP-0198 requires, and the second copy
// gets a stanza-id of its own but keeps the origin-id.
func (cu *catchUp) filter(_ context.Context, msg *stanza.Message) bool {
	id, hasID := stanzaid.StanzaID(msg, cu.own())
	origin, hasOrigin := originKey(msg)
	if !hasID && !hasOrigin {
		return true
	}
	cu.mu.Lock()
	defer cu.mu.Unlock()
	if cu.seenLocked(id, hasID, origin, hasOrigin) {
		cu.stats.Duplicates++
		return false
	}
	return true
}

// seenLocked reports whether the archive id or the origin key (each if
// present) was handled already.
func (cu *catchUp) seenLocked(id string, hasID bool, origin string, hasOrigin bool) bool {
	if _, dup := cu.seen[id]; hasID && dup {
		return true
	}
	_, dup := cu.seen[origin]
	return hasOrigin && dup
}

// originKey is the key under which a message's origin-id is remembered:
// origin-ids are chosen by senders, so they are unique only per sender.
func originKey(msg *stanza.Message) (string, bool) {
	id, ok := stanzaid.OriginID(msg)
	if !ok || msg.From.IsZero() {
		return "", false
	}
	return "origin\x00" + msg.From.Bare().String() + "\x00" + id, true
}

// track records the archive id and the origin key of each message
// handled.
func (cu *catchUp) track(_ context.Context, msg *stanza.Message) {
	if origin, ok := originKey(msg); ok {
		cu.mu.Lock()
		cu.rememberLocked(origin)
		cu.mu.Unlock()
	}
	id, ok := stanzaid.StanzaID(msg, cu.own())
	if !ok {
		return
	}
	cu.mu.Lock()
	cu.rememberLocked(id)
	cu.last = id
	cu.anchored = true
	cu.mu.Unlock()
	if cu.store != nil {
		if err := cu.store.Save(id); err != nil {
			cu.m.log.Warn("mam: catch-up: storing the last id failed", "error", err)
		}
	}
}

// rememberLocked adds id to the ids handled, forgetting the oldest
// beyond seenIDs.
func (cu *catchUp) rememberLocked(id string) {
	if _, ok := cu.seen[id]; ok {
		return
	}
	if len(cu.order) < seenIDs {
		cu.order = append(cu.order, id)
	} else {
		delete(cu.seen, cu.order[cu.next])
		cu.order[cu.next] = id
		cu.next = (cu.next + 1) % seenIDs
	}
	cu.seen[id] = struct{}{}
}

// event catches up at Connect (from a stored id), after a new session,
// and after a resumption: a server may lose a message it routes while a
// session is being resumed (ejabberd 23.01 does, rarely), and the
// stream would never say so.
func (cu *catchUp) event(ctx context.Context, ev xmpp.Event) {
	switch ev.Kind {
	case xmpp.EventConnected:
		cu.mu.Lock()
		load := !cu.loaded && cu.last == "" && cu.store != nil
		cu.loaded = true
		cu.mu.Unlock()
		if load {
			id, err := cu.store.Load()
			if err != nil {
				cu.m.log.Warn("mam: catch-up: loading the last id failed", "error", err)
			}
			cu.mu.Lock()
			cu.last = id
			cu.mu.Unlock()
		}
		cu.mu.Lock()
		anchor := cu.last == "" && !cu.anchored
		cu.mu.Unlock()
		if anchor {
			cu.anchor(ctx)
			return
		}
	case xmpp.EventNewSession, xmpp.EventResumed:
	default:
		return
	}
	cu.mu.Lock()
	after, anchored := cu.last, cu.anchored
	if after != "" || anchored {
		cu.stats.Runs++
	}
	cu.mu.Unlock()
	if after == "" && !anchored {
		return // the archive's head at Connect is unknown: no start
	}
	if ev.Kind == xmpp.EventResumed {
		// The resumed stream goes on with what the server held; the
		// check for what it lost runs beside it, so that a slow archive
		// (seconds under load) holds back no handler.
		cu.later(after, 0)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, catchUpTimeout)
	defer cancel()
	start := after
	after, err := cu.attempts(ctx, after, true)
	switch {
	case err == nil:
		cu.mu.Lock()
		if cu.hasPending && cu.pending == start {
			cu.pending, cu.hasPending = "", false // covered
		}
		cu.mu.Unlock()
		return
	case errors.Is(err, xmpp.ErrSessionLost), errors.Is(err, xmpp.ErrClosed):
		// The next session catches up, from what was handled.
		cu.m.log.Debug("mam: catch-up cut short by the session's end", "after", after, "error", err)
		return
	}
	cu.mu.Lock()
	cu.stats.Failed++
	cu.mu.Unlock()
	cu.m.log.Warn("mam: catch-up failed; trying again later", "after", after, "error", err, "in", time.Duration(cu.retryDelay.Load()))
	cu.later(after, time.Duration(cu.retryDelay.Load()))
}

// later catches up from after, delay from now, on a goroutine of its
// own, unless a catch-up on the dispatch goroutine covers it first: after
// a resumption (delay 0), and again after a failed catch-up (a session
// that goes on may bring no event that would start one). What it recovers
// is queued behind the live traffic handled meanwhile, so a message the
// server lost comes late, marked recovered; what was handled is dropped
// as a duplicate. It does not move the point later catch-ups start from.
//
// One goroutine at most does this work: a catch-up asked for while it
// waits or runs is noted (the earliest point asked for is kept) and run
// after the current one, once, however many were asked for meanwhile.
// A server that resumes sessions faster than its archive answers (ejabberd
// 23.01 on a busy machine) thus gets one query at a time, not one more
// per resumption until every query times out.
func (cu *catchUp) later(after string, delay time.Duration) {
	cu.mu.Lock()
	defer cu.mu.Unlock()
	if !cu.hasPending {
		cu.pending, cu.hasPending = after, true
	}
	if cu.retrying {
		return // the goroutine takes it
	}
	cu.retrying = true
	go cu.retry(delay)
}

// retry is the goroutine of later: it waits delay, then catches up from
// the point pending, again until nothing is pending.
func (cu *catchUp) retry(delay time.Duration) {
	for {
		if delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-cu.m.c.Done():
				t.Stop()
				cu.mu.Lock()
				cu.retrying = false
				cu.mu.Unlock()
				return
			case <-t.C:
			}
		}
		cu.mu.Lock()
		after, ok := cu.pending, cu.hasPending
		cu.pending, cu.hasPending = "", false
		if !ok {
			cu.retrying = false // a catch-up since covered it
			cu.mu.Unlock()
			return
		}
		cu.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), catchUpTimeout)
		_, err := cu.attempts(ctx, after, false)
		cancel()
		delay = 0
		switch {
		case err == nil:
		case errors.Is(err, xmpp.ErrClosed):
			cu.mu.Lock()
			cu.retrying = false
			cu.mu.Unlock()
			return
		default:
			// Tried again from the same point, after a pause: the
			// archive (or the session, when it was lost: a new session's
			// catch-up may cover it first) needs time.
			if !errors.Is(err, xmpp.ErrSessionLost) {
				cu.mu.Lock()
				cu.stats.Failed++
				cu.mu.Unlock()
				cu.m.log.Warn("mam: catch-up failed; trying again later", "after", after, "error", err, "in", time.Duration(cu.retryDelay.Load()))
			}
			cu.mu.Lock()
			cu.pending, cu.hasPending = after, true // no later than any asked for meanwhile
			cu.mu.Unlock()
			delay = time.Duration(cu.retryDelay.Load())
		}
	}
}

// attempts runs a catch-up from after, trying a failed query again up
// to catchUpAttempts times in all, and returns where its last attempt
// started and that attempt's error (nil once one succeeds). With advance
// (on the dispatch goroutine, see run) each attempt starts from what the
// previous ones recovered; otherwise every attempt starts from after.
func (cu *catchUp) attempts(ctx context.Context, after string, advance bool) (string, error) {
	var err error
	for attempt := 1; attempt <= catchUpAttempts; attempt++ {
		err = cu.run(ctx, after, advance)
		if err == nil || errors.Is(err, xmpp.ErrClosed) || errors.Is(err, xmpp.ErrSessionLost) || ctx.Err() != nil {
			return after, err
		}
		cu.m.log.Warn("mam: catch-up query failed; trying again", "attempt", attempt, "error", err)
		if advance {
			cu.mu.Lock()
			after = cu.last // what this attempt recovered stays recovered
			cu.mu.Unlock()
		}
	}
	return after, err
}

// anchor notes, at Connect without a stored id, where the archive ends:
// a message lost before the Client handled any (in the first
// resumption, say) is after that point, so a catch-up finds it. An empty
// archive anchors at its start.
func (cu *catchUp) anchor(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, catchUpQueryTimeout)
	defer cancel()
	head, err := cu.fetch(ctx, Query{Reverse: true, Max: 1})
	if err != nil {
		// Prosody 0.12.3 answers this query on an empty archive (a new
		// account's) with service-unavailable or internal-server-error;
		// a query from the start tells an empty archive from a failing
		// one.
		first, ferr := cu.fetch(ctx, Query{Max: 1})
		if ferr != nil || len(first.Results) > 0 {
			cu.m.log.Warn("mam: catch-up: finding the archive's end failed; catching up starts with the first message handled", "error", err)
			return
		}
	}
	cu.mu.Lock()
	defer cu.mu.Unlock()
	if cu.last == "" && len(head.Results) > 0 {
		cu.last = head.Results[0].ID
	}
	cu.anchored = true
}

// fetch is Fetch for a catch-up: one query bounded by
// catchUpQueryTimeout.
func (cu *catchUp) fetch(ctx context.Context, q Query) (Page, error) {
	ctx, cancel := context.WithTimeout(ctx, catchUpQueryTimeout)
	defer cancel()
	return cu.m.Fetch(ctx, jid.JID{}, q)
}

// run fetches the account's archive after the id after, page by page,
// and delivers each message the account received that was not handled
// yet, in the archive's order, as recovered. On the dispatch goroutine
// (in an event handler) what it delivers comes before the session's live
// traffic; from another goroutine (later) it is queued behind what is
// queued already. With advance it moves the point the next catch-up
// starts from along as it goes, which only the dispatch goroutine's
// catch-ups may do: they alone know nothing was handled meanwhile.
//
// It goes no further than the newest message the archive holds when it
// starts: the server routes what it archives later to this session
// (after a new session, whose presence the Client sent again before
// this query, on the same stream; after a resumption, on the resumed
// stream), and the stream brings it after the catch-up. Without that
// bound a catch-up would chase messages arriving as fast as it pages
// through them, holding back every handler meanwhile.
func (cu *catchUp) run(ctx context.Context, after string, advance bool) error {
	own := cu.own()
	head, err := cu.fetch(ctx, Query{Reverse: true, Max: 1})
	if err != nil {
		return err
	}
	end := "" // an empty archive: the query after fails, as it should
	if len(head.Results) > 0 {
		end = head.Results[0].ID
	}
	if end == after {
		return nil // nothing after the last message handled
	}
	for {
		page, err := cu.fetch(ctx, Query{After: after, Max: catchUpPage})
		if err != nil {
			return err
		}
		for _, r := range page.Results {
			if err := cu.recover(ctx, own, r); err != nil {
				return err
			}
			if r.ID == end && end != "" {
				if advance {
					cu.mu.Lock()
					cu.last = end
					cu.mu.Unlock()
				}
				return nil
			}
		}
		if page.RSM.Last != "" {
			after = page.RSM.Last
			if advance {
				cu.mu.Lock()
				cu.last = after
				cu.mu.Unlock()
			}
		}
		if page.Complete || len(page.Results) == 0 || page.RSM.Last == "" {
			return nil
		}
	}
}

// recover delivers the archived message r as recovered, unless the
// account sent it or it was handled already.
func (cu *catchUp) recover(ctx context.Context, own jid.JID, r Result) error {
	msg := r.Message
	if msg == nil || msg.From.Bare() == own {
		return nil // sent by the account: nothing to deliver
	}
	origin, hasOrigin := originKey(msg)
	cu.mu.Lock()
	dup := cu.seenLocked(r.ID, true, origin, hasOrigin)
	if dup {
		cu.stats.Duplicates++
	}
	cu.mu.Unlock()
	if dup {
		return nil
	}
	if _, ok := stanzaid.StanzaID(msg, own); !ok {
		msg.Payloads = append(msg.Payloads, stanzaid.ID{ID: r.ID, By: own}.Element())
	}
	if _, ok := delay.Get(msg); !ok && !r.Stamp.IsZero() {
		msg.Payloads = append(msg.Payloads, delay.Delay{Stamp: r.Stamp, From: own}.Element())
	}
	// Counted before it is handed over: a handler that reads the
	// statistics sees its own message counted.
	cu.mu.Lock()
	cu.stats.Recovered++
	cu.mu.Unlock()
	if err := cu.m.c.DeliverRecovered(ctx, msg); err != nil {
		cu.mu.Lock()
		cu.stats.Recovered--
		cu.mu.Unlock()
		return err
	}
	return nil
}
