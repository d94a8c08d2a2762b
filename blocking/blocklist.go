package blocking

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Options configures a Blocklist. A nil *Options and the zero value give
// the defaults.
type Options struct {
	// OnChange, if not nil, is called with every push accepted (as the
	// server sent it), after the Blocklist applied it. It
	// runs on the Client's dispatch goroutine, one push at a time in
	// arrival order, so it must return quickly: every stanza after the
	// push waits for it. It may call the Blocklist and the Client, even
	// send a request and wait for its answer.
	OnChange func(Command)
	// Logger receives the pushes dropped because they did not come from
	// the account itself or were malformed (Warn). nil is silent.
	Logger *slog.Logger
}

// Blocklist is a copy of the account's block list that pushes from the
// server keep current. Create it with New, then call Load: the server
// pushes changes only to the resources that fetched the list. Its methods
// are safe for concurrent use.
type Blocklist struct {
	c        *xmpp.Client
	onChange func(Command)
	log      *slog.Logger

	mu      sync.RWMutex
	set     map[jid.JID]struct{}
	loading int       // Loads in flight
	pushes  []Command // applied while loading, replayed on each result
	loaded  bool      // a Load succeeded: load again after a new session
}

// New returns an empty Blocklist of c's account and registers, on c, the
// handlers of block and unblock pushes (IQ sets of <block/> and <unblock/>
// in NS). A push is accepted only without a from address or from the
// account's bare JID; any other is answered with service-unavailable and
// changes nothing, and a malformed one gets bad-request. New panics, as
// Client.HandleIQ does, if handlers for those pushes are already
// registered on c, for instance by an earlier New.
func New(c *xmpp.Client, opts *Options) *Blocklist {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	b := &Blocklist{c: c, onChange: o.OnChange, log: o.Logger, set: make(map[jid.JID]struct{})}
	c.HandleIQ(stanza.IQSet, NS, string(OpBlock), b.handlePush)
	c.HandleIQ(stanza.IQSet, NS, string(OpUnblock), b.handlePush)
	c.HandleEvent(b.event)
	return b
}

// reloadTimeout bounds the Load after a new session.
const reloadTimeout = 30 * time.Second

// event loads the list again when the Client had to start a new session:
// pushes sent meanwhile were lost, and the new session gets none until it
// asks.
func (b *Blocklist) event(ctx context.Context, ev xmpp.Event) {
	b.mu.RLock()
	loaded := b.loaded
	b.mu.RUnlock()
	if ev.Kind != xmpp.EventNewSession || !loaded {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, reloadTimeout)
	defer cancel()
	if err := b.Load(ctx); err != nil {
		b.log.Warn("blocking: reload after a new session failed", "error", err)
	}
}

// Load fetches the block list (see List) and makes it the Blocklist's
// content. Pushes that arrive while the request is out are applied again
// on top of its result, so that none is lost whatever the order in which
// the result and the pushes are processed. On error the content stays as
// it was. ctx bounds the wait. After a reconnection that started a new
// session (xmpp.EventNewSession), a Blocklist that was loaded loads itself
// again, on the Client's dispatch goroutine (failures are logged).
func (b *Blocklist) Load(ctx context.Context) error {
	b.mu.Lock()
	b.loading++
	b.mu.Unlock()

	jids, err := List(ctx, b.c)

	b.mu.Lock()
	defer b.mu.Unlock()
	b.loading--
	if err == nil {
		b.loaded = true
		b.set = make(map[jid.JID]struct{}, len(jids))
		for _, j := range jids {
			b.set[j] = struct{}{}
		}
		for _, cmd := range b.pushes {
			b.applyLocked(cmd)
		}
	}
	if b.loading == 0 {
		b.pushes = nil
	}
	return err
}

// Blocked reports whether the list blocks j, with the matching rules of
// XEP-0191 section 6 (those of XEP-0016): an entry user@domain/resource
// matches only itself; user@domain matches itself and every resource of
// it; domain/resource matches only itself; domain matches itself and every
// address at that domain (user@domain, domain/resource and
// user@domain/resource). The zero JID is never blocked.
func (b *Blocklist) Blocked(j jid.JID) bool {
	if j.IsZero() {
		return false
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, k := range [...]jid.JID{j, j.Bare(), j.Domain()} {
		if _, ok := b.set[k]; ok {
			return true
		}
	}
	return false
}

// List returns a copy of the blocked JIDs, sorted by their string form.
func (b *Blocklist) List() []jid.JID {
	b.mu.RLock()
	jids := make([]jid.JID, 0, len(b.set))
	for j := range b.set {
		jids = append(jids, j)
	}
	b.mu.RUnlock()
	slices.SortFunc(jids, func(x, y jid.JID) int { return strings.Compare(x.String(), y.String()) })
	return jids
}

// handlePush applies a block or unblock push from the account's server.
func (b *Blocklist) handlePush(ctx context.Context, iq *stanza.IQ) (*stanza.Element, error) {
	if !iq.From.IsZero() && iq.From != b.c.JID().Bare() {
		b.log.Warn("blocking: dropping a push not from the account", "from", iq.From.String(), "id", iq.ID)
		return nil, stanza.NewError(stanza.ErrServiceUnavailable, "")
	}
	cmd, err := ParseCommand(iq.Payload)
	if err != nil {
		b.log.Warn("blocking: dropping a malformed push", "id", iq.ID, "error", err)
		return nil, stanza.NewError(stanza.ErrBadRequest, "")
	}
	b.mu.Lock()
	b.applyLocked(cmd)
	if b.loading > 0 {
		b.pushes = append(b.pushes, cmd)
	}
	b.mu.Unlock()
	if b.onChange != nil {
		b.onChange(cmd)
	}
	return nil, nil
}

// applyLocked applies cmd to the set; b.mu is held.
func (b *Blocklist) applyLocked(cmd Command) {
	switch {
	case cmd.UnblocksAll():
		clear(b.set)
	case cmd.Op == OpBlock:
		for _, j := range cmd.JIDs {
			b.set[j] = struct{}{}
		}
	default:
		for _, j := range cmd.JIDs {
			delete(b.set, j)
		}
	}
}
