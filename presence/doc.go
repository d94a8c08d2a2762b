// Package presence sends and tracks presence (RFC 6121 section 4).
//
// # Sending
//
// Available broadcasts available presence with a show, a status and a
// priority; the first one after login is the initial presence, which makes
// the server send the presence of the account's contacts and other
// resources. The Client remembers the last one and sends it again when it
// has to start a new session. Unavailable broadcasts unavailable presence:
// the resource is gone for its contacts, but the stream stays open.
// Directed sends available presence to one address only, typically one not
// subscribed to the account's presence. Available and Directed refuse a
// show value RFC 6121 does not define (ErrInvalidShow). Anything else,
// such as directed unavailable presence, is one line with
// stanza.NewPresence and Client.Send.
//
// # Tracking
//
// A Tracker observes every presence its Client receives, without claiming
// any, and answers which resources of a contact are available, with what
// show, status and priority (Resources, Resource, Available), which one is
// best (Best: highest priority, then most available show, then most
// recent), and the error of a presence of type error (Err). Presence from
// the account's other resources is tracked under the account's bare JID,
// like a contact's. When the Client had to start a new session
// (xmpp.EventNewSession), the Tracker forgets what it knew (Reset, which
// reports each contact that had an available resource as unavailable) and
// learns the current presence again from the server.
//
// Create the Tracker before Connect, or at least before the initial
// presence, after which the server sends the contacts' presence only once:
//
//	c := xmpp.New(addr, opts)
//	tracker := presence.New(c)
//	tracker.OnChange(func(ch presence.Change) { ... })
//	err := c.Connect(ctx)
//	...
//	err = presence.Available(ctx, c, "", "", 0)
//
// OnChange reports each change to callbacks that run one at a time on a
// goroutine of the Tracker's, never on the Client's dispatch goroutine, so
// a slow callback never holds up the Client. Up to 10,000 changes wait for
// the callbacks; beyond that, changes are dropped and counted in the next
// one's Missed field, and what the Tracker knows stays exact. Delivery
// stops when the Client ends. The Tracker keeps every address that sent
// it available presence until that address goes unavailable, and the
// error of a contact until its next available presence: its memory is
// bounded by what the server lets through, not by the Tracker.
//
// # Not covered
//
// Subscription management (RFC 6121 section 3: send stanza.NewPresence
// with a subscription type; a Tracker ignores those). Entity capabilities
// (XEP-0115), delayed delivery (XEP-0203, which servers add to the
// presence they send on behalf of a contact) and last user interaction
// (XEP-0319): a Tracker keeps their elements in Resource.Payloads without
// reading them. Presence in chat rooms (XEP-0045), which a Tracker records
// like any other, under the room's address, without the room's semantics.
package presence
