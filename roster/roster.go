package roster

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Change is one change of the roster, as OnChange sees it.
type Change struct {
	// Item is the item as it is now, or as it was for a removal.
	Item Item
	// Removed reports that the contact left the roster.
	Removed bool
}

// Options configures a Roster. The zero value is usable.
type Options struct {
	// Version and Items restore a roster saved from an earlier session
	// (Roster.Version and Roster.Items), for roster versioning: when the
	// server supports it, Load sends Version and, if nothing changed
	// since, the server answers with an empty result and Items stand.
	Version string
	Items   []Item
	// OnChange, if set, is called for every change of the roster, in
	// order, with no lock held: it may read the Roster and send. It must
	// not call Load. Changes from pushes and from the reload after a new
	// session are reported on the Client's dispatch goroutine, so a slow
	// OnChange delays the next stanza.
	OnChange func(Change)
	// Logger receives dropped pushes (Debug) and a failed reload after a
	// new session (Warn); nil is silent.
	Logger *slog.Logger
}

// Roster is the user's roster, kept current by roster pushes: a snapshot
// to read from any goroutine, and change notifications. Its methods are
// safe for concurrent use.
type Roster struct {
	c        *xmpp.Client
	onChange func(Change)
	log      *slog.Logger

	emitMu sync.Mutex // held while applying and reporting, to keep order

	mu      sync.RWMutex
	ver     string
	items   map[jid.JID]Item
	loading int     // Loads in flight
	held    []Query // pushes that came during a Load, applied after it
	loaded  bool    // a Load succeeded: load again after a new session
}

// New returns the Roster of c and registers the handler of roster pushes
// (RFC 6121 section 2.1.6) on c. Pushes are accepted only from the
// account itself (no from, or from the account's bare JID); others are
// answered with service-unavailable and change nothing, since anyone may
// send an IQ set to a full JID. Registering twice on one Client panics.
//
// A Roster is empty (or holds Options.Items) until Load. The server sends
// pushes only to a resource that has loaded the roster.
func New(c *xmpp.Client, opts *Options) *Roster {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	r := &Roster{c: c, onChange: o.OnChange, log: o.Logger, ver: o.Version, items: make(map[jid.JID]Item)}
	for _, it := range o.Items {
		r.items[it.JID] = it.clone()
	}
	c.HandleIQ(stanza.IQSet, NS, "query", r.push)
	c.HandleEvent(r.event)
	return r
}

// event loads the roster again when the Client had to start a new
// session: pushes sent meanwhile were lost, and the new session gets none
// until it asks.
func (r *Roster) event(ctx context.Context, ev xmpp.Event) {
	r.mu.RLock()
	loaded := r.loaded
	r.mu.RUnlock()
	if ev.Kind != xmpp.EventNewSession || !loaded {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, reloadTimeout)
	defer cancel()
	if err := r.Load(ctx); err != nil {
		r.log.Warn("roster: reload after a new session failed", "error", err)
	}
}

// reloadTimeout bounds the Load after a new session.
const reloadTimeout = 30 * time.Second

// push handles a roster push.
func (r *Roster) push(ctx context.Context, iq *stanza.IQ) (*stanza.Element, error) {
	if own := r.c.JID().Bare(); !iq.From.IsZero() && iq.From != own {
		r.log.Debug("roster push from a third party dropped", "from", iq.From.String())
		return nil, stanza.NewError(stanza.ErrServiceUnavailable, "")
	}
	q, err := ParseQuery(iq.Payload)
	if err == nil && len(q.Items) != 1 {
		err = malformed("a push has exactly one item, not %d", len(q.Items))
	}
	if err != nil {
		r.log.Debug("malformed roster push", "error", err)
		return nil, stanza.NewError(stanza.ErrBadRequest, "")
	}
	r.emitMu.Lock()
	defer r.emitMu.Unlock()
	r.mu.Lock()
	if r.loading > 0 {
		// Applied after the Load's result, which may be older.
		r.held = append(r.held, q)
		r.mu.Unlock()
		return nil, nil
	}
	changes := r.applyPushLocked(q)
	r.mu.Unlock()
	r.report(changes)
	return nil, nil
}

// applyPushLocked applies a push and returns the change, if any. r.mu is
// held.
func (r *Roster) applyPushLocked(q Query) []Change {
	if q.Versioned {
		r.ver = q.Version
	}
	it := q.Items[0]
	old, had := r.items[it.JID]
	if it.Subscription == SubscriptionRemove {
		if !had {
			return nil
		}
		delete(r.items, it.JID)
		return []Change{{Item: old.clone(), Removed: true}}
	}
	if had && old.equal(it) {
		return nil
	}
	r.items[it.JID] = it
	return []Change{{Item: it.clone()}}
}

// report calls OnChange for each change. r.emitMu is held.
func (r *Roster) report(changes []Change) {
	if r.onChange == nil {
		return
	}
	for _, ch := range changes {
		r.onChange(ch)
	}
}

// Load fetches the roster from the server (RFC 6121 section 2.2) and
// makes this resource one that gets pushes. With roster versioning (the
// server offers it), it sends the version it has: the server answers
// either with the whole roster or with an empty result, meaning the items
// held are current (changes, if any, follow as pushes). The changes from
// the items held before are reported to OnChange.
//
// Call Load once after connecting. After a reconnection that started a
// new session (xmpp.EventNewSession), when pushes sent meanwhile were
// lost, the Roster loads itself again, on the Client's dispatch goroutine
// before the new session's stanzas (failures are logged).
func (r *Roster) Load(ctx context.Context) error {
	payload := stanza.NewElement(NS, "query")
	r.mu.Lock()
	if r.c.Features().Child(NSVersioning, "ver") != nil {
		payload.SetAttr("ver", r.ver)
	}
	r.loading++
	r.mu.Unlock()
	res, err := r.c.Request(ctx, stanza.NewIQ(stanza.IQGet, jid.JID{}, payload))
	var q Query
	if err == nil && res.Payload != nil {
		q, err = ParseQuery(res.Payload)
	}
	r.emitMu.Lock()
	defer r.emitMu.Unlock()
	r.mu.Lock()
	r.loading--
	var changes []Change
	if err == nil && res.Payload != nil {
		changes = r.replaceLocked(q)
	}
	if err == nil {
		r.loaded = true
	}
	if r.loading == 0 {
		for _, p := range r.held {
			changes = append(changes, r.applyPushLocked(p)...)
		}
		r.held = nil
	}
	r.mu.Unlock()
	r.report(changes)
	if err != nil {
		return fmt.Errorf("roster: load: %w", err)
	}
	return nil
}

// replaceLocked makes q the roster and returns the changes. r.mu is held.
func (r *Roster) replaceLocked(q Query) []Change {
	if q.Versioned {
		r.ver = q.Version
	}
	var changes []Change
	seen := make(map[jid.JID]bool, len(q.Items))
	for _, it := range q.Items {
		seen[it.JID] = true
		if old, had := r.items[it.JID]; had && old.equal(it) {
			continue
		}
		r.items[it.JID] = it
		changes = append(changes, Change{Item: it.clone()})
	}
	for j, old := range r.items {
		if !seen[j] {
			delete(r.items, j)
			changes = append(changes, Change{Item: old.clone(), Removed: true})
		}
	}
	slices.SortFunc(changes, func(a, b Change) int { return strings.Compare(a.Item.JID.String(), b.Item.JID.String()) })
	return changes
}

// Items returns a copy of the roster's items, ordered by address.
func (r *Roster) Items() []Item {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]Item, 0, len(r.items))
	for _, it := range r.items {
		out = append(out, it.clone())
	}
	slices.SortFunc(out, func(a, b Item) int { return strings.Compare(a.JID.String(), b.JID.String()) })
	return out
}

// Item returns the item of the contact j.
func (r *Roster) Item(j jid.JID) (Item, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	it, ok := r.items[j]
	return it.clone(), ok
}

// Version returns the roster version last received ("" before any, or
// when the server does not version rosters). Saved with Items, it lets
// the next session's Load skip an unchanged roster.
func (r *Roster) Version() string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.ver
}

// Set adds the contact it.JID to the roster or updates its name and
// groups (RFC 6121 section 2.3 and 2.4); the subscription fields of it
// are not sent (the server owns them). The Roster changes when the
// server's push arrives, which may be after Set returns.
func (r *Roster) Set(ctx context.Context, it Item) error {
	if it.JID.IsZero() {
		return fmt.Errorf("roster: set: %w", malformed("no contact address"))
	}
	for i, g := range it.Groups {
		if g == "" || slices.Contains(it.Groups[:i], g) {
			return fmt.Errorf("roster: set: %w", malformed("group %q empty or repeated", g))
		}
	}
	send := Item{JID: it.JID, Name: it.Name, Groups: it.Groups}
	return r.set(ctx, send.Element(), "set")
}

// Remove removes the contact j from the roster (RFC 6121 section 2.5),
// which also cancels the subscriptions both ways. The server answers
// item-not-found (errors.Is(err, stanza.ErrItemNotFound)) for a contact
// not in the roster.
func (r *Roster) Remove(ctx context.Context, j jid.JID) error {
	return r.set(ctx, Item{JID: j, Subscription: SubscriptionRemove}.Element(), "remove")
}

func (r *Roster) set(ctx context.Context, item *stanza.Element, op string) error {
	q := stanza.NewElement(NS, "query").AddChild(item)
	if _, err := r.c.Request(ctx, stanza.NewIQ(stanza.IQSet, jid.JID{}, q)); err != nil {
		return fmt.Errorf("roster: %s: %w", op, err)
	}
	return nil
}
