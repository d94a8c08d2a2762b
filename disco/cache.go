package disco

import (
	"container/list"
	"context"
	"crypto"
	"errors"
	"fmt"
	"sync"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// CacheOptions configures NewCache. The zero value (or nil) gives the
// defaults.
type CacheOptions struct {
	// MaxEntries bounds the verified verification strings kept, each
	// with its information; the least recently used goes first. Default
	// 1000.
	MaxEntries int
	// MaxJIDs bounds the addresses whose caps annotation is kept; the
	// least recently updated goes first (an address that sends
	// unavailable presence is forgotten at once). Default 10000.
	MaxJIDs int
}

// Cache is an XEP-0115 entity capabilities cache: it remembers the caps
// annotation of the presence each address sends (Handle), and resolves
// an address to its information (Lookup), asking the entity once per
// verification string and trusting the answer only when it hashes to
// that string. Verified information is shared by every address that
// announces the same string, as XEP-0115 section 5.4 recommends.
//
// A Cache is made by the application and may serve several Clients. Its
// methods are safe for concurrent use. Memory is bounded by
// CacheOptions.
type Cache struct {
	mu       sync.Mutex
	vers     *lru[capsKey, Info]
	jids     *lru[jid.JID, Caps]
	inflight map[capsKey]*fetch
}

// capsKey names verified information: a hash function and a
// verification string.
type capsKey struct{ hash, ver string }

// fetch is a disco#info request in flight, shared by the lookups of its
// verification string.
type fetch struct {
	from    jid.JID // whom it asks
	waiters int     // lookups that joined it, under Cache.mu
	done    chan struct{}
	info    Info  // set before done is closed
	err     error // set before done is closed
}

// NewCache returns an empty Cache.
func NewCache(opts *CacheOptions) *Cache {
	var o CacheOptions
	if opts != nil {
		o = *opts
	}
	if o.MaxEntries <= 0 {
		o.MaxEntries = 1000
	}
	if o.MaxJIDs <= 0 {
		o.MaxJIDs = 10000
	}
	return &Cache{
		vers:     newLRU[capsKey, Info](o.MaxEntries),
		jids:     newLRU[jid.JID, Caps](o.MaxJIDs),
		inflight: map[capsKey]*fetch{},
	}
}

// Handle makes the Cache watch the presence c receives: an available
// presence with a caps annotation records it for its sender, an
// unavailable one forgets the sender. A presence without annotation
// changes nothing, since a server may strip repeated annotations
// (XEP-0115 section 8.4). The Cache observes presence (see
// xmpp.Client.ObservePresence) and claims none. Handle also advertises
// the caps feature on c.
func (cc *Cache) Handle(c *xmpp.Client) {
	c.Advertise(NSCaps)
	c.ObservePresence(xmpp.Route{}, func(_ context.Context, p *stanza.Presence) {
		cc.observe(p)
	})
}

// observe records the caps annotation of p.
func (cc *Cache) observe(p *stanza.Presence) {
	if p.From.IsZero() {
		return
	}
	switch p.Type {
	case stanza.PresenceUnavailable:
		cc.mu.Lock()
		cc.jids.remove(p.From)
		cc.mu.Unlock()
	case stanza.PresenceAvailable:
		for _, e := range p.Payloads {
			if e.Name != (stanza.Name{Space: NSCaps, Local: "c"}) {
				continue
			}
			if caps, err := ParseCaps(e); err == nil {
				cc.mu.Lock()
				cc.jids.put(p.From, caps)
				cc.mu.Unlock()
			}
			return
		}
	}
}

// Caps returns the caps annotation last seen from addr, and whether there
// is one.
func (cc *Cache) Caps(addr jid.JID) (Caps, bool) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return cc.jids.peek(addr)
}

// Lookup returns the information of the entity full (normally a contact's
// full JID) from its caps annotation: from the cache when its
// verification string was verified before, otherwise by asking full for
// node#ver with c (concurrent lookups of one string share one request)
// and checking that the answer hashes to the string. Only verified
// information is cached. Lookup blocks until the answer comes or ctx
// ends.
//
// Errors: ErrNoCaps when no caps annotation was seen from full;
// ErrVerMismatch when the answer does not hash to the announced string
// (it is not used or cached: the contact may be lying, or changed since);
// ErrNotHashable when the answer is ill-formed for hashing; otherwise
// GetInfo's errors. When the annotation has no hash or one this package
// does not support, Lookup asks full and returns the answer unverified and
// uncached, as XEP-0115 section 5.4 allows.
func (cc *Cache) Lookup(ctx context.Context, c *xmpp.Client, full jid.JID) (Info, error) {
	cc.mu.Lock()
	caps, ok := cc.jids.peek(full)
	if !ok {
		cc.mu.Unlock()
		return Info{}, fmt.Errorf("%w: %s", ErrNoCaps, full)
	}
	node := caps.Node + "#" + caps.Ver
	h, supported := HashByName(caps.Hash)
	if !supported {
		cc.mu.Unlock()
		return GetInfo(ctx, c, full, node)
	}
	key := capsKey{caps.Hash, caps.Ver}
	if info, ok := cc.vers.get(key); ok {
		cc.mu.Unlock()
		return info.clone(), nil
	}
	f := cc.inflight[key]
	if f == nil {
		f = &fetch{from: full, done: make(chan struct{})}
		cc.inflight[key] = f
		cc.mu.Unlock()
		cc.run(ctx, c, f, key, node, h)
		return f.result()
	}
	f.waiters++
	cc.mu.Unlock()
	select {
	case <-f.done:
	case <-ctx.Done():
		return Info{}, fmt.Errorf("disco: caps lookup: %w", ctx.Err())
	}
	info, err := f.result()
	if err == nil || (f.from == full && !isContextErr(err)) {
		return info, err
	}
	// The shared request asked someone else, who failed us (a liar, or a
	// caller whose context ended): ask full ourselves.
	own := &fetch{from: full, done: make(chan struct{})}
	cc.run(ctx, c, own, key, node, h)
	return own.result()
}

// run asks f.from for node, verifies the answer against key with h,
// caches it if verified, and completes f.
func (cc *Cache) run(ctx context.Context, c *xmpp.Client, f *fetch, key capsKey, node string, h crypto.Hash) {
	info, err := GetInfo(ctx, c, f.from, node)
	if err == nil {
		var ver string
		ver, err = Ver(info, h)
		switch {
		case err != nil:
			err = fmt.Errorf("disco: caps from %s: %w", f.from, err)
		case ver != key.ver:
			err = fmt.Errorf("%w: %s announced %s, its information hashes to %s", ErrVerMismatch, f.from, key.ver, ver)
		}
	}
	cc.mu.Lock()
	if err == nil {
		cc.vers.put(key, info.clone())
	}
	if cc.inflight[key] == f {
		delete(cc.inflight, key)
	}
	cc.mu.Unlock()
	if err != nil {
		info = Info{}
	}
	f.info, f.err = info, err
	close(f.done)
}

// result returns a copy of the outcome of a completed fetch.
func (f *fetch) result() (Info, error) {
	if f.err != nil {
		return Info{}, f.err
	}
	return f.info.clone(), nil
}

// isContextErr reports whether err comes from a context that ended.
func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// lru is a map bounded in entries that drops the least recently used.
type lru[K comparable, V any] struct {
	max   int
	order *list.List // of *lruEntry, most recent first
	m     map[K]*list.Element
}

type lruEntry[K comparable, V any] struct {
	k K
	v V
}

func newLRU[K comparable, V any](max int) *lru[K, V] {
	return &lru[K, V]{max: max, order: list.New(), m: map[K]*list.Element{}}
}

// get returns the value of k and marks it used.
func (l *lru[K, V]) get(k K) (V, bool) {
	e, ok := l.m[k]
	if !ok {
		var zero V
		return zero, false
	}
	l.order.MoveToFront(e)
	return e.Value.(*lruEntry[K, V]).v, true
}

// peek returns the value of k without marking it used.
func (l *lru[K, V]) peek(k K) (V, bool) {
	e, ok := l.m[k]
	if !ok {
		var zero V
		return zero, false
	}
	return e.Value.(*lruEntry[K, V]).v, true
}

// put sets the value of k, dropping the least recently used entry if the
// map is full.
func (l *lru[K, V]) put(k K, v V) {
	if e, ok := l.m[k]; ok {
		e.Value.(*lruEntry[K, V]).v = v
		l.order.MoveToFront(e)
		return
	}
	if l.order.Len() >= l.max {
		old := l.order.Back()
		l.order.Remove(old)
		delete(l.m, old.Value.(*lruEntry[K, V]).k)
	}
	l.m[k] = l.order.PushFront(&lruEntry[K, V]{k, v})
}

// remove deletes k.
func (l *lru[K, V]) remove(k K) {
	if e, ok := l.m[k]; ok {
		l.order.Remove(e)
		delete(l.m, k)
	}
}

// len returns the number of entries.
func (l *lru[K, V]) len() int { return l.order.Len() }
