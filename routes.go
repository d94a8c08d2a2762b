package xmpp

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Route selects messages or presence stanzas for a handler, by type,
// payload and sender. Each field left zero selects every stanza in that
// respect, so the zero Route selects them all.
//
// Given to HandleMessage or HandlePresence, a Route is a claim: a stanza
// goes to the one handler whose Route selects it most specifically, and
// to no other. A Route with a Payload is more specific than any without;
// among those, one with a From is more specific than any without, then
// one with a Type; a full From is more specific than a bare one. When a
// stanza carries several claimed payloads, the first in document order
// decides. The handler of the zero Route is the default handler: it gets
// what nobody else claimed.
//
// Given to ObserveMessage or ObservePresence, a Route claims nothing:
// every observer whose Route selects a stanza sees it, claimed or not.
type Route struct {
	// Type selects stanzas whose type attribute is Type: "chat",
	// "groupchat", "headline", "normal" or "error" for messages;
	// "available", "unavailable", "subscribe", "subscribed",
	// "unsubscribe", "unsubscribed", "probe" or "error" for presence.
	// A message without a type is "normal" and a presence without one is
	// "available" (RFC 6121).
	Type string
	// Payload selects stanzas with a child element of this name, such as
	// {urn:xmpp:carbons:2}received. Body, subject and thread of a message,
	// and show, status and priority of a presence, are not payloads.
	Payload stanza.Name
	// From selects stanzas from this address. A bare JID or a domain
	// selects stanzas from it and from any of its resources (a chat room
	// claims its occupants' messages so); a full JID selects only its own.
	From jid.JID
}

// String returns the Route as "type {space}local from", leaving out the
// zero fields; "*" for the zero Route.
func (r Route) String() string {
	s := r.Type
	if r.Payload != (stanza.Name{}) {
		s += " {" + r.Payload.Space + "}" + r.Payload.Local
	}
	if !r.From.IsZero() {
		s += " from " + r.From.String()
	}
	if s == "" {
		return "*"
	}
	if s[0] == ' ' {
		s = s[1:]
	}
	return s
}

// rank orders Routes by how specifically they select: higher is more
// specific (see Route).
func (r Route) rank() int {
	n := 0
	if r.Payload != (stanza.Name{}) {
		n += 8
	}
	if !r.From.IsZero() {
		n += 4
		if r.From.Resourcepart() != "" {
			n += 2
		}
	}
	if r.Type != "" {
		n++
	}
	return n
}

// selectsRest reports whether r selects a stanza of type typ from from,
// its payload left aside.
func (r Route) selectsRest(typ string, from jid.JID) bool {
	if r.Type != "" && r.Type != typ {
		return false
	}
	if r.From.IsZero() {
		return true
	}
	if r.From.Resourcepart() != "" {
		return from == r.From
	}
	return from.Bare() == r.From
}

// selects reports whether r selects a stanza of type typ from from with
// the given payloads.
func (r Route) selects(typ string, from jid.JID, payloads []*stanza.Element) bool {
	if !r.selectsRest(typ, from) {
		return false
	}
	if r.Payload == (stanza.Name{}) {
		return true
	}
	for _, p := range payloads {
		if p.Name == r.Payload {
			return true
		}
	}
	return false
}

// routed is a handler and the Route that selects its stanzas.
type routed[H any] struct {
	route Route
	h     H
}

// claims are the owners of one kind of stanza, indexed for matching.
type claims[H any] struct {
	byPayload map[stanza.Name][]routed[H] // most specific first
	general   []routed[H]                 // no payload; most specific first
}

// owner returns the handler of the claim that selects a stanza most
// specifically, if any.
func (cs *claims[H]) owner(typ string, from jid.JID, payloads []*stanza.Element) (H, bool) {
	for _, p := range payloads {
		for _, cl := range cs.byPayload[p.Name] {
			if cl.route.selectsRest(typ, from) {
				return cl.h, true
			}
		}
	}
	for _, cl := range cs.general {
		if cl.route.selectsRest(typ, from) {
			return cl.h, true
		}
	}
	var zero H
	return zero, false
}

// with returns a copy of cs with the claim (r, h) added; it panics if r
// is claimed already.
func (cs *claims[H]) with(kind string, r Route, h H) claims[H] {
	out := claims[H]{byPayload: maps.Clone(cs.byPayload), general: cs.general}
	if out.byPayload == nil {
		out.byPayload = make(map[stanza.Name][]routed[H])
	}
	hasPayload := r.Payload != (stanza.Name{})
	list := out.general
	if hasPayload {
		list = out.byPayload[r.Payload]
	}
	for _, cl := range list {
		if cl.route == r {
			panic(fmt.Sprintf("xmpp: Handle%s: route %s is already claimed", kind, r))
		}
	}
	list = append(slices.Clip(list), routed[H]{r, h})
	slices.SortStableFunc(list, func(a, b routed[H]) int { return cmp.Compare(b.route.rank(), a.route.rank()) })
	if hasPayload {
		out.byPayload[r.Payload] = list
	} else {
		out.general = list
	}
	return out
}

// without returns a copy of cs without the claim of route r, and whether
// there was one.
func (cs *claims[H]) without(r Route) (claims[H], bool) {
	out := claims[H]{byPayload: cs.byPayload, general: cs.general}
	drop := func(list []routed[H]) ([]routed[H], bool) {
		i := slices.IndexFunc(list, func(cl routed[H]) bool { return cl.route == r })
		if i < 0 {
			return list, false
		}
		return slices.Delete(slices.Clone(list), i, i+1), true
	}
	if r.Payload == (stanza.Name{}) {
		var ok bool
		out.general, ok = drop(cs.general)
		return out, ok
	}
	list, ok := drop(cs.byPayload[r.Payload])
	if !ok {
		return out, false
	}
	out.byPayload = maps.Clone(cs.byPayload)
	if len(list) == 0 {
		delete(out.byPayload, r.Payload)
	} else {
		out.byPayload[r.Payload] = list
	}
	return out, true
}

type iqKey struct {
	typ          stanza.IQType
	space, local string
}

// routes is a snapshot of a Client's routing table. It is never changed
// once published: registration builds a new one, so that the dispatcher
// reads it without locking.
type routes struct {
	iq            map[iqKey]IQHandlerFunc
	builtin       map[iqKey]bool // keys whose handler is ours, replaceable
	message       claims[MessageHandlerFunc]
	presence      claims[PresenceHandlerFunc]
	msgObservers  []routed[MessageHandlerFunc]
	presObservers []routed[PresenceHandlerFunc]
	intercepts    []routed[func(*stanza.Message) bool]
	filters       []func(context.Context, *stanza.Message) bool
	events        []EventHandlerFunc
}

// table is a Client's routing table: the published snapshot, and the lock
// that serializes changes to it.
type table struct {
	mu  sync.Mutex
	cur atomic.Pointer[routes]
}

// init publishes the built-in handlers: the XEP-0199 ping responder, which
// a user's handler may replace.
func (t *table) init() {
	pong := iqKey{stanza.IQGet, nsPing, "ping"}
	t.cur.Store(&routes{
		iq: map[iqKey]IQHandlerFunc{
			pong: func(context.Context, *stanza.IQ) (*stanza.Element, error) { return nil, nil },
		},
		builtin: map[iqKey]bool{pong: true},
	})
}

// load returns the current snapshot.
func (t *table) load() *routes { return t.cur.Load() }

// change publishes a copy of the current snapshot changed by f.
func (t *table) change(f func(r *routes)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	next := *t.cur.Load()
	f(&next)
	t.cur.Store(&next)
}

// presenceType is the Route type of p.
func presenceType(p *stanza.Presence) string {
	if p.Type == stanza.PresenceAvailable {
		return "available"
	}
	return string(p.Type)
}
