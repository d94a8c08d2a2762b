package bookmarks

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/stanza"
)

// Mode is where the bookmarks are kept.
type Mode int

// The modes. ModeAuto is the zero value of Options.Mode: the server
// decides (see Bookmarks.Mode).
const (
	ModeAuto Mode = iota
	// ModePEP keeps one PEP item per bookmark, as XEP-0402 says.
	ModePEP
	// ModePrivate keeps all the bookmarks in one XEP-0048 <storage/>
	// element in private XML storage (XEP-0049).
	ModePrivate
)

// String returns "auto", "XEP-0402" or "XEP-0048".
func (m Mode) String() string {
	switch m {
	case ModeAuto:
		return "auto"
	case ModePEP:
		return "XEP-0402"
	case ModePrivate:
		return "XEP-0048"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Options configures Bookmarks. The zero value (or nil) is ready to use.
type Options struct {
	// Logger receives, at Warn level, notifications of the bookmarks
	// node dropped because a contact sent them or they are malformed,
	// and bookmarks skipped because they are malformed; at Debug level,
	// the mode chosen. nil is silent. Events the pubsub Client drops
	// (from full JIDs, services, or that do not decode) go to its own
	// Logger.
	Logger *slog.Logger
	// Mode forces where the bookmarks are kept: ModePEP or
	// ModePrivate. ModeAuto (the zero value), like any other value,
	// lets the server decide, as Bookmarks.Mode says.
	Mode Mode
}

// ChangeHandlerFunc handles a change of the bookmarks made by another
// client of the account.
type ChangeHandlerFunc func(ctx context.Context, ch Change)

// Change is a change of the bookmarks that the server notified: of one
// bookmark, or, with All, of every one.
type Change struct {
	// Removed says the bookmark of Bookmark.Room was removed; the other
	// fields of Bookmark are then zero. Otherwise Bookmark is the
	// bookmark as it now is, added or replaced.
	Removed bool
	// All, which comes with Removed, says every bookmark was removed at
	// once: the bookmarks node was purged (XEP-0060 §8.5) or deleted
	// (§8.4). Bookmark is then zero.
	All      bool
	Bookmark Bookmark
}

// Bookmarks reads and writes the chat-room bookmarks of the account of
// one xmpp.Client, with XEP-0402 (PEP Native Bookmarks) where the server
// supports it and XEP-0048 in private XML storage (XEP-0049) where it
// does not, and hands the changes other clients of the account make to
// the handler given to HandleChange.
//
// Make one with New before the Client connects. Its methods are safe for
// concurrent use.
type Bookmarks struct {
	c     *xmpp.Client
	ps    *pubsub.Client
	log   *slog.Logger
	force Mode

	mu       sync.Mutex
	mode     Mode // the mode found for this session; ModeAuto before
	onChange ChangeHandlerFunc

	// storage serializes the read-modify-write cycles of XEP-0048 mode
	// made through this Bookmarks (a 1-slot channel, so that waiting
	// honours a context).
	storage chan struct{}
}

// New makes the Bookmarks of c and attaches them. ps is c's pubsub
// Client (pubsub.New(c, ...)), which owns the PubSub events c receives
// and makes the XEP-0402 requests; c itself serves the XEP-0048 ones
// and the disco#info that chooses the mode. New registers, with
// ps.HandleOwnPEP, the handler of the bookmarks node, which advertises
// NSNotify (so that the server notifies c of the changes other clients
// make, XEP-0163 §4); the node must have no other handler on ps (a
// second one panics). opts may be nil. Call it before c connects, or
// changes notified before it are missed.
func New(c *xmpp.Client, ps *pubsub.Client, opts *Options) *Bookmarks {
	var o Options
	if opts != nil {
		o = *opts
	}
	b := &Bookmarks{c: c, ps: ps, log: o.Logger, force: o.Mode, storage: make(chan struct{}, 1)}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	ps.HandleOwnPEP(NS, b.event)
	c.HandleEvent(b.connEvent)
	return b
}

// HandleChange makes h the handler of the changes other clients of the
// account make to the bookmarks (and of those this one makes: the
// server notifies every client). It replaces the previous handler. It
// runs on the Client's dispatch goroutine, as message handlers do.
func (b *Bookmarks) HandleChange(h ChangeHandlerFunc) {
	b.mu.Lock()
	b.onChange = h
	b.mu.Unlock()
}

// connEvent forgets the mode found in the session before: the new one
// may be with a server that changed.
func (b *Bookmarks) connEvent(_ context.Context, ev xmpp.Event) {
	if ev.Kind == xmpp.EventNewSession {
		b.mu.Lock()
		b.mode = ModeAuto
		b.mu.Unlock()
	}
}

// Mode returns where the bookmarks are kept: Options.Mode if it is not
// ModeAuto, otherwise what the account's server supports, asked once
// per session with disco#info on the account's bare JID. It is ModePEP
// when the account has both the feature NSCompat (the server keeps
// XEP-0402 and XEP-0048 bookmarks in sync, so that clients that know
// only XEP-0048 see the same bookmarks, XEP-0402 §6) and
// http://jabber.org/protocol/pubsub#publish-options (which XEP-0402
// §3.3 requires, so that the bookmarks cannot be published with an
// access model that shows them to contacts); otherwise it is
// ModePrivate, which every client that knows bookmarks reads.
func (b *Bookmarks) Mode(ctx context.Context) (Mode, error) {
	if b.force == ModePEP || b.force == ModePrivate {
		return b.force, nil
	}
	b.mu.Lock()
	m := b.mode
	b.mu.Unlock()
	if m != ModeAuto {
		return m, nil
	}
	info, err := disco.GetInfo(ctx, b.c, b.c.JID().Bare(), "")
	if err != nil {
		return ModeAuto, fmt.Errorf("bookmarks: asking the account's features: %w", err)
	}
	m = ModePrivate
	if info.HasFeature(NSCompat) && info.HasFeature(featurePublishOptions) {
		m = ModePEP
	}
	b.log.Debug("bookmarks: mode chosen", "mode", m)
	b.mu.Lock()
	b.mode = m
	b.mu.Unlock()
	return m, nil
}

// List returns the account's bookmarks. An account without any has an
// empty list, not an error. Malformed bookmarks are skipped (and logged
// at Warn). A refusal of the server is returned as its *stanza.Error,
// wrapped; ctx bounds the requests.
func (b *Bookmarks) List(ctx context.Context) ([]Bookmark, error) {
	m, err := b.Mode(ctx)
	if err != nil {
		return nil, err
	}
	if m == ModePEP {
		return b.listPEP(ctx, "")
	}
	storage, err := b.readStorage(ctx)
	if err != nil {
		return nil, err
	}
	return b.legacyList(storage), nil
}

// Get returns the bookmark of room, or an error wrapping ErrNotFound if
// the account has none.
func (b *Bookmarks) Get(ctx context.Context, room jid.JID) (Bookmark, error) {
	if err := checkRoom(room); err != nil {
		return Bookmark{}, err
	}
	m, err := b.Mode(ctx)
	if err != nil {
		return Bookmark{}, err
	}
	var list []Bookmark
	if m == ModePEP {
		list, err = b.listPEP(ctx, room.String())
	} else {
		var storage *stanza.Element
		if storage, err = b.readStorage(ctx); err == nil {
			list = b.legacyList(storage)
		}
	}
	if err != nil {
		return Bookmark{}, err
	}
	for _, bm := range list {
		if bm.Room == room {
			return bm, nil
		}
	}
	return Bookmark{}, fmt.Errorf("bookmarks: get %s: %w", room, ErrNotFound)
}

// Set adds bm to the account's bookmarks, or replaces the bookmark of
// bm.Room. bm.Room must be a bare JID (ErrBadRoom).
//
// In XEP-0402 mode it publishes the item with the publish-options
// XEP-0402 §3.3 requires (persistent items, as many as the service
// allows, never sent as the last item, whitelist access). If the
// service refuses because the existing node is configured otherwise
// (precondition-not-met, XEP-0060 §7.1.5), Set configures the node as
// XEP-0402 requires (as its §6 advises where publish-options cannot be
// relied on: the pubsub Client fetches the node's configuration, sets
// these fields and submits it) and publishes again, once; if that fails
// too the error wraps ErrPreconditionNotMet and the server's stanza
// errors (pubsub.CondPreconditionNotMet matches too).
//
// In XEP-0048 mode it reads the whole <storage/>, changes the room's
// conference and writes the storage back, keeping the rest (other
// rooms, URLs, unknown elements) as it was read. Two clients doing this
// at once may lose one's change: private XML storage has no way to
// prevent it; calls through one Bookmarks are serialized.
func (b *Bookmarks) Set(ctx context.Context, bm Bookmark) error {
	if err := checkRoom(bm.Room); err != nil {
		return err
	}
	m, err := b.Mode(ctx)
	if err != nil {
		return err
	}
	if m == ModePEP {
		return b.publish(ctx, bm)
	}
	return b.changeStorage(ctx, "set", func(s *stanza.Element) (*stanza.Element, error) {
		return withBookmark(s, bm), nil
	})
}

// Remove removes the bookmark of room. If the account has none, the
// error wraps ErrNotFound (and, in XEP-0402 mode, the server's
// item-not-found).
func (b *Bookmarks) Remove(ctx context.Context, room jid.JID) error {
	if err := checkRoom(room); err != nil {
		return err
	}
	m, err := b.Mode(ctx)
	if err != nil {
		return err
	}
	if m == ModePEP {
		return b.retract(ctx, room)
	}
	return b.changeStorage(ctx, "remove", func(s *stanza.Element) (*stanza.Element, error) {
		out, found := withoutRoom(s, room)
		if !found {
			return nil, fmt.Errorf("bookmarks: remove %s: %w", room, ErrNotFound)
		}
		return out, nil
	})
}

// readStorage returns the XEP-0048 <storage/> in private XML storage; an
// empty one when the account has stored none.
func (b *Bookmarks) readStorage(ctx context.Context) (*stanza.Element, error) {
	q := stanza.NewElement(NSPrivate, "query").AddChild(stanza.NewElement(NSLegacy, "storage"))
	res, err := b.c.Request(ctx, stanza.NewIQ(stanza.IQGet, jid.JID{}, q))
	if err != nil {
		return nil, fmt.Errorf("bookmarks: reading private storage: %w", err)
	}
	if res.Payload == nil || res.Payload.Name != (stanza.Name{Space: NSPrivate, Local: "query"}) {
		return nil, fmt.Errorf("bookmarks: reading private storage: %w: the result has no <query/>", ErrMalformed)
	}
	s := res.Payload.Child(NSLegacy, "storage")
	if s == nil {
		return nil, fmt.Errorf("bookmarks: reading private storage: %w: the result has no <storage/>", ErrMalformed)
	}
	return s, nil
}

// changeStorage reads the XEP-0048 storage, changes it with change and
// writes the result back, one cycle at a time.
func (b *Bookmarks) changeStorage(ctx context.Context, op string, change func(*stanza.Element) (*stanza.Element, error)) error {
	select {
	case b.storage <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-b.storage }()
	s, err := b.readStorage(ctx)
	if err != nil {
		return fmt.Errorf("bookmarks: %s: %w", op, err)
	}
	out, err := change(s)
	if err != nil {
		return err
	}
	q := stanza.NewElement(NSPrivate, "query").AddChild(out)
	if _, err := b.c.Request(ctx, stanza.NewIQ(stanza.IQSet, jid.JID{}, q)); err != nil {
		return fmt.Errorf("bookmarks: %s: writing private storage: %w", op, err)
	}
	return nil
}

// legacyList returns the bookmarks of a XEP-0048 storage, skipping the
// malformed ones and repeated rooms.
func (b *Bookmarks) legacyList(storage *stanza.Element) []Bookmark {
	list, _ := conferences(storage, func(err error) error {
		b.log.Warn("bookmarks: skipped a malformed bookmark", "error", err)
		return nil
	})
	return list
}
