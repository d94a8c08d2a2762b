package xmpp

import (
	"context"
	"fmt"
	"slices"

	"github.com/xmppkit/xmpp/stanza"
)

const nsPing = "urn:xmpp:ping"

// IQHandlerFunc answers an IQ get or set. It returns the payload of the
// result (nil for an empty result) or an error: a *stanza.Error is sent
// back as it is, any other error as internal-server-error (its text is not
// disclosed to the peer).
type IQHandlerFunc func(ctx context.Context, iq *stanza.IQ) (*stanza.Element, error)

// MessageHandlerFunc handles a message.
type MessageHandlerFunc func(ctx context.Context, m *stanza.Message)

// PresenceHandlerFunc handles a presence.
type PresenceHandlerFunc func(ctx context.Context, p *stanza.Presence)

// EventHandlerFunc handles a connection event; see HandleEvent.
type EventHandlerFunc func(ctx context.Context, ev Event)

// HandleIQ registers h for IQs of type typ (get or set) whose payload is
// {space}local. IQ gets and sets without a handler are answered with
// service-unavailable (RFC 6120 section 8.4); IQ results never reach
// handlers: they go to the Request that waits for them.
func (c *Client) HandleIQ(typ stanza.IQType, space, local string, h IQHandlerFunc) {
	if typ != stanza.IQGet && typ != stanza.IQSet {
		panic("xmpp: HandleIQ: type must be get or set")
	}
	k := iqKey{typ, space, local}
	c.table.change(func(r *routes) {
		if _, dup := r.iq[k]; dup && !r.builtin[k] {
			panic(fmt.Sprintf("xmpp: HandleIQ: a handler for %s {%s}%s is already registered", typ, space, local))
		}
		r.iq = clone(r.iq)
		r.iq[k] = h
		if r.builtin[k] {
			r.builtin = clone(r.builtin)
			delete(r.builtin, k)
		}
	})
}

// HandleMessage makes h the owner of the messages r selects: they go to h
// and to no other message handler, unless a more specific Route claims
// them (see Route). With the zero Route, h is the default handler of
// messages, which gets every message nobody else claimed: extension
// packages claim their own payloads (carbons, archive results), so the
// default handler sees only what they do not. A message nobody claims is
// dropped (and logged at Debug).
func (c *Client) HandleMessage(r Route, h MessageHandlerFunc) {
	c.table.change(func(rs *routes) { rs.message = rs.message.with("Message", r, h) })
}

// ReleaseMessage ends the claim HandleMessage made with exactly r: the
// messages r selected go to the next most specific claim, or to the
// default handler. It reports whether r was claimed. A chat room's
// handler is released so when the room is left.
func (c *Client) ReleaseMessage(r Route) bool {
	var found bool
	c.table.change(func(rs *routes) { rs.message, found = rs.message.without(r) })
	return found
}

// ReleasePresence ends the claim HandlePresence made with exactly r, as
// ReleaseMessage does for messages.
func (c *Client) ReleasePresence(r Route) bool {
	var found bool
	c.table.change(func(rs *routes) { rs.presence, found = rs.presence.without(r) })
	return found
}

// ObserveMessage makes h see every message r selects, before its owner
// handles it, without claiming it: for what only reads a message
// (receipts, chat states, markers). Observers run in the order they were
// added.
func (c *Client) ObserveMessage(r Route, h MessageHandlerFunc) {
	c.table.change(func(rs *routes) {
		rs.msgObservers = append(slices.Clip(rs.msgObservers), routed[MessageHandlerFunc]{r, h})
	})
}

// HandlePresence makes h the owner of the presence stanzas r selects, as
// HandleMessage does for messages; with the zero Route, h is the default
// handler of presence.
func (c *Client) HandlePresence(r Route, h PresenceHandlerFunc) {
	c.table.change(func(rs *routes) { rs.presence = rs.presence.with("Presence", r, h) })
}

// ObservePresence makes h see every presence r selects, before its owner
// handles it, without claiming it, as ObserveMessage does for messages.
func (c *Client) ObservePresence(r Route, h PresenceHandlerFunc) {
	c.table.change(func(rs *routes) {
		rs.presObservers = append(slices.Clip(rs.presObservers), routed[PresenceHandlerFunc]{r, h})
	})
}

// HandleEvent adds h to the handlers of connection events (disconnected,
// resumed, new session; see Event). Events are delivered on the dispatch
// goroutine in order with the stanzas: an EventNewSession reaches h
// before any stanza of the new session. So h may send and wait for
// answers, as extension packages do to restore what a new session lost
// (fetch the roster again, enable carbons), and, like a stanza handler,
// it delays the stanzas behind it. All event handlers run, in the order
// they were added.
func (c *Client) HandleEvent(h EventHandlerFunc) {
	c.table.change(func(rs *routes) { rs.events = append(slices.Clip(rs.events), h) })
}

// Advertise adds namespaces to the features this Client supports, as
// service discovery (XEP-0030) lists them: a package that answers a
// protocol advertises its namespace when it starts answering, and the
// disco package lists Advertised in its answers (and entity capabilities,
// XEP-0115, hash them). Duplicates are ignored. When a namespace is new
// and the Client has announced itself with available presence, the
// presence is sent again (see RefreshPresence), so that contacts learn of
// the new feature from the new capabilities hash.
func (c *Client) Advertise(namespaces ...string) {
	c.featMu.Lock()
	added := false
	for _, ns := range namespaces {
		if i, found := slices.BinarySearch(c.features, ns); !found && ns != "" {
			c.features = slices.Insert(c.features, i, ns)
			added = true
		}
	}
	c.featMu.Unlock()
	if added {
		c.RefreshPresence()
	}
}

// Advertised returns the features given to Advertise, sorted, and those
// of what the Client answers itself (XEP-0199 ping).
func (c *Client) Advertised() []string {
	c.featMu.Lock()
	defer c.featMu.Unlock()
	out := slices.Clone(c.features)
	if i, found := slices.BinarySearch(out, nsPing); !found {
		out = slices.Insert(out, i, nsPing)
	}
	return out
}

// clone returns a copy of m that may be changed, never nil.
func clone[K comparable, V any](m map[K]V) map[K]V {
	out := make(map[K]V, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}
