package presence

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Resource is what the last available presence from one address said.
// A Tracker shares Statuses and Payloads among the copies it returns:
// treat them as read-only.
type Resource struct {
	// JID is the address the presence came from: a full JID, or a bare
	// one for an entity that sends presence without a resource.
	JID jid.JID
	// Show refines availability; "" means plainly online.
	Show stanza.Show
	// Status is the status in the presence's language, else the first
	// one, else "" (see stanza.Presence.Status).
	Status string
	// Statuses holds every status, at most one per language. A status
	// without its own xml:lang has the presence's language here, so Lang
	// is "" only when neither said.
	Statuses []stanza.Text
	// Priority is the resource's priority, -128 to 127, 0 when absent. A
	// resource with a negative priority is available but never gets
	// messages sent to the bare JID (RFC 6121 section 8.5.2.1.1).
	Priority int8
	// Payloads holds copies of the presence's other child elements, such
	// as entity capabilities (XEP-0115) or a delay (XEP-0203).
	Payloads []*stanza.Element
	// Received is when the Tracker got the presence.
	Received time.Time

	seq uint64 // arrival order, for ties on recency
}

// ChangeKind says what a Change did.
type ChangeKind int

// Kinds of change.
const (
	// ChangeAvailable: Change.JID is available, newly or with a new
	// show, status or priority; Change.Resource is its new state.
	ChangeAvailable ChangeKind = iota + 1
	// ChangeUnavailable: Change.JID went offline. A bare JID means every
	// resource of the contact did (an unavailable presence from the bare
	// JID, or Reset).
	ChangeUnavailable
	// ChangeError: a presence of type error came from Change.JID
	// (Change.Err); what was tracked for that address (the whole contact
	// for a bare JID) is removed.
	ChangeError
)

// String returns the kind's name: "available", "unavailable" or "error".
func (k ChangeKind) String() string {
	switch k {
	case ChangeAvailable:
		return "available"
	case ChangeUnavailable:
		return "unavailable"
	case ChangeError:
		return "error"
	}
	return "ChangeKind(" + strconv.Itoa(int(k)) + ")"
}

// Change is one change to what a Tracker knows, made by one presence
// stanza (or, for each contact, by Reset).
type Change struct {
	Kind ChangeKind
	// JID is the address the presence came from: a full JID for one
	// resource, a bare JID for the whole contact.
	JID jid.JID
	// Resource is JID's new state (ChangeAvailable only).
	Resource Resource
	// Err is the *stanza.Error the presence carried (ChangeError only);
	// errors.Is matches its condition.
	Err error
	// Missed counts the changes dropped just before this one because
	// the callbacks fell too far behind (see OnChange). What the Tracker
	// knows is still exact: re-read it.
	Missed int
}

// maxQueued bounds the changes waiting for the callbacks.
const maxQueued = 10000

// Tracker keeps the presence a Client receives (RFC 6121 section 4): for
// each contact (bare JID), the available resources with their show,
// status and priority, or the error of a presence of type error.
//
// What it records:
//
//   - An available presence from an address adds or replaces that
//     address's Resource and clears the contact's error.
//   - An unavailable presence from a full JID removes that resource;
//     from a bare JID, every resource of the contact.
//   - A presence of type error removes what the unavailable presence
//     from the same address would, and keeps the error as the contact's
//     error state (Err) until its next available presence. The error
//     says that the presence exchange with that address failed, so what
//     was known of it is no longer to be trusted.
//   - Subscription presences (subscribe, subscribed, unsubscribe,
//     unsubscribed) and probes change nothing, nor do presences without
//     a from address or from this Client's own full JID (the server's echo
//     of its broadcast). Presence from the account's other resources is
//     tracked under the account's bare JID, like a contact's.
//
// Directed presence from anyone, contact or not, is tracked the same
// way; so is presence from a chat room's occupants, under the room's
// address, without the room's semantics. The server stamps from
// addresses, so the Tracker trusts them.
//
// A Tracker's methods are safe for concurrent use.
type Tracker struct {
	c    *xmpp.Client
	wake chan struct{} // one slot: changes are queued

	mu       sync.Mutex
	contacts map[jid.JID]*contact // by bare JID; never empty ones
	seq      uint64
	watchers []func(Change)
	queue    []Change // changes waiting for the watchers
	missed   int      // changes dropped since the last queued one
	limit    int      // bound of queue
}

// contact is what a Tracker knows of one bare JID.
type contact struct {
	resources map[jid.JID]Resource // by the address the presence came from
	err       error                // *stanza.Error, or nil
}

// New returns a Tracker of the presence c receives, registered as
// a presence observer of c (see xmpp.Client.ObservePresence) for c's
// life: it sees every presence and claims none. Create it before
// Connect, or at least before sending the initial presence: the server
// sends the contacts' presence once, right after it.
func New(c *xmpp.Client) *Tracker {
	t := &Tracker{
		c:        c,
		wake:     make(chan struct{}, 1),
		contacts: make(map[jid.JID]*contact),
		limit:    maxQueued,
	}
	c.ObservePresence(xmpp.Route{}, t.handle)
	c.HandleEvent(func(_ context.Context, ev xmpp.Event) {
		if ev.Kind == xmpp.EventNewSession {
			t.Reset()
		}
	})
	return t
}

// handle records p; it runs on the Client's dispatch goroutine.
func (t *Tracker) handle(_ context.Context, p *stanza.Presence) {
	switch p.Type {
	case stanza.PresenceAvailable, stanza.PresenceUnavailable, stanza.PresenceError:
	default:
		return
	}
	from := p.From
	if from.IsZero() || from == t.c.JID() {
		return
	}
	now := time.Now()
	bare := from.Bare()

	t.mu.Lock()
	defer t.mu.Unlock()
	ct := t.contacts[bare]
	if ct == nil {
		if p.Type == stanza.PresenceUnavailable {
			return // nothing known, nothing changes
		}
		ct = &contact{resources: make(map[jid.JID]Resource)}
		t.contacts[bare] = ct
	}
	var ch Change
	switch p.Type {
	case stanza.PresenceAvailable:
		t.seq++
		r := newResource(p, now, t.seq)
		ct.resources[from] = r
		ct.err = nil
		ch = Change{Kind: ChangeAvailable, JID: from, Resource: r}
	case stanza.PresenceUnavailable:
		if !ct.remove(from) {
			return
		}
		ch = Change{Kind: ChangeUnavailable, JID: from}
	case stanza.PresenceError:
		ct.remove(from)
		var err error = stanza.NewError(stanza.ErrUndefinedCondition, "")
		if p.Error != nil {
			err = p.Error
		}
		ct.err = err
		ch = Change{Kind: ChangeError, JID: from, Err: err}
	}
	if len(ct.resources) == 0 && ct.err == nil {
		delete(t.contacts, bare)
	}
	t.notifyLocked(ch)
}

// newResource returns the Resource that the available presence p
// describes.
func newResource(p *stanza.Presence, now time.Time, seq uint64) Resource {
	r := Resource{
		JID:      p.From,
		Show:     p.Show,
		Status:   p.Status(),
		Priority: p.Priority,
		Received: now,
		seq:      seq,
	}
	if len(p.Statuses) > 0 {
		r.Statuses = make([]stanza.Text, len(p.Statuses))
		for i, s := range p.Statuses {
			if s.Lang == "" {
				s.Lang = p.Lang
			}
			r.Statuses[i] = s
		}
	}
	if len(p.Payloads) > 0 {
		r.Payloads = make([]*stanza.Element, len(p.Payloads))
		for i, e := range p.Payloads {
			r.Payloads[i] = e.Copy()
		}
	}
	return r
}

// remove forgets what came from the address from: one resource, or
// all of them for a bare JID. It reports whether anything was there.
func (ct *contact) remove(from jid.JID) bool {
	if from.IsBare() {
		had := len(ct.resources) > 0
		clear(ct.resources)
		return had
	}
	_, had := ct.resources[from]
	delete(ct.resources, from)
	return had
}

// Resources returns the available resources of the contact bare (a full
// JID stands for its bare JID), best first: by priority, highest first
// (so resources with a negative priority, which never get messages sent
// to the bare JID, come last); then by show, chat before plainly online
// before away before xa before dnd; then the most recently received
// first. It returns nil when none is available.
func (t *Tracker) Resources(bare jid.JID) []Resource {
	t.mu.Lock()
	ct := t.contacts[bare.Bare()]
	var rs []Resource
	if ct != nil && len(ct.resources) > 0 {
		rs = slices.AppendSeq(make([]Resource, 0, len(ct.resources)), maps.Values(ct.resources))
	}
	t.mu.Unlock()
	slices.SortFunc(rs, compare)
	return rs
}

// Best returns the first resource Resources would list, and false when
// the contact has no available resource. A best resource with a negative
// priority means the contact is online but a message to the bare JID
// reaches none of its resources.
func (t *Tracker) Best(bare jid.JID) (Resource, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var best Resource
	found := false
	if ct := t.contacts[bare.Bare()]; ct != nil {
		for _, r := range ct.resources {
			if !found || compare(r, best) < 0 {
				best, found = r, true
			}
		}
	}
	return best, found
}

// Resource returns the state of the available resource full (the exact
// address the presence came from), and false when it is not available.
func (t *Tracker) Resource(full jid.JID) (Resource, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	ct := t.contacts[full.Bare()]
	if ct == nil {
		return Resource{}, false
	}
	r, ok := ct.resources[full]
	return r, ok
}

// Available reports whether the contact bare has at least one available
// resource, whatever its priority.
func (t *Tracker) Available(bare jid.JID) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	ct := t.contacts[bare.Bare()]
	return ct != nil && len(ct.resources) > 0
}

// Err returns the error of the last presence of type error from any
// address of the contact bare since its last available presence (a
// *stanza.Error: errors.Is matches its condition), or nil.
func (t *Tracker) Err(bare jid.JID) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if ct := t.contacts[bare.Bare()]; ct != nil {
		return ct.err
	}
	return nil
}

// Contacts returns, sorted, the bare JIDs the Tracker knows something
// of: an available resource or an error.
func (t *Tracker) Contacts() []jid.JID {
	t.mu.Lock()
	js := slices.Collect(maps.Keys(t.contacts))
	t.mu.Unlock()
	slices.SortFunc(js, func(a, b jid.JID) int { return cmp.Compare(a.String(), b.String()) })
	return js
}

// Reset forgets everything, reporting a ChangeUnavailable with the bare
// JID of each contact that had an available resource. The Tracker calls
// it itself when the Client had to start a new session
// (xmpp.EventNewSession): presence that changed while the Client was
// disconnected never arrives, and the server sends the current presence
// of the contacts again after the initial presence the Client resends.
func (t *Tracker) Reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	var gone []jid.JID
	for bare, ct := range t.contacts {
		if len(ct.resources) > 0 {
			gone = append(gone, bare)
		}
	}
	clear(t.contacts)
	slices.SortFunc(gone, func(a, b jid.JID) int { return cmp.Compare(a.String(), b.String()) })
	for _, bare := range gone {
		t.notifyLocked(Change{Kind: ChangeUnavailable, JID: bare})
	}
}

// OnChange adds f to the functions told about every change from now on.
// They run one at a time, in the order the changes happened and the
// functions were added, on a goroutine of the Tracker's, never on the
// Client's dispatch goroutine: a slow f delays the next change, never
// the Client. f may call the Tracker's methods; they tell the state
// after later changes too, if any happened meanwhile.
//
// Changes wait for f in a queue of up to 10,000; beyond that, new ones
// are dropped and counted in the Missed field of the next one queued.
// Delivery stops when the Client ends (Client.Done), once the running f
// returns.
func (t *Tracker) OnChange(f func(Change)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.watchers = append(slices.Clip(t.watchers), f)
	if len(t.watchers) == 1 {
		go t.notifyLoop()
	}
}

// notifyLocked queues ch for the watchers. t.mu is held.
func (t *Tracker) notifyLocked(ch Change) {
	if len(t.watchers) == 0 {
		return
	}
	if len(t.queue) >= t.limit {
		t.missed++
		return
	}
	ch.Missed, t.missed = t.missed, 0
	t.queue = append(t.queue, ch)
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

// notifyLoop hands queued changes to the watchers until the Client ends.
func (t *Tracker) notifyLoop() {
	done := t.c.Done()
	for {
		select {
		case <-done:
			return
		case <-t.wake:
		}
		for {
			select {
			case <-done:
				return
			default:
			}
			t.mu.Lock()
			if len(t.queue) == 0 {
				t.queue = nil // let go of the array
				t.mu.Unlock()
				break
			}
			ch := t.queue[0]
			t.queue[0] = Change{}
			t.queue = t.queue[1:]
			fs := t.watchers
			t.mu.Unlock()
			for _, f := range fs {
				f(ch)
			}
		}
	}
}

// compare orders resources best first: priority, show, recency.
func compare(a, b Resource) int {
	if c := cmp.Compare(b.Priority, a.Priority); c != 0 {
		return c
	}
	if c := cmp.Compare(showRank(a.Show), showRank(b.Show)); c != 0 {
		return c
	}
	return cmp.Compare(b.seq, a.seq)
}

// showRank ranks show values, most available first.
func showRank(s stanza.Show) int {
	switch s {
	case stanza.ShowChat:
		return 0
	case "":
		return 1
	case stanza.ShowAway:
		return 2
	case stanza.ShowXA:
		return 3
	}
	return 4 // dnd
}
