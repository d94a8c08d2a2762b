// Package presence sends and tracks presence (RFC 6121 section 4).
//
// Sending: Available broadcasts availability (the first one after login is
// the initial presence, which makes the server send the presence of the
// account's contacts), Unavailable ends it, and Directed sends presence
// to one address outside the roster. Anything else, such as directed
// unavailable presence, is one line with stanza.NewPresence and
// Client.Send.
//
// Tracking: a Tracker follows the presence a Client receives and answers
// which resources of a contact are online, with what show, status and
// priority, which one is best, and reports each change to callbacks that
// never hold up the Client. When the Client had to start a new session
// (xmpp.EventNewSession), the Tracker forgets what it knew (Reset) and
// learns the current presence again from the server.
//
// Not covered: subscription management (RFC 6121 section 3: send
// stanza.NewPresence with a subscription type; a Tracker ignores those);
// entity capabilities (XEP-0115), delayed delivery (XEP-0203, which
// servers add to the presence they send on behalf of a contact) and last
// activity (XEP-0319), whose elements a Tracker keeps in
// Resource.Payloads without reading them; presence in chat rooms
// (XEP-0045), which a Tracker records like any other, without the room's
// semantics. A Tracker keeps every address that sends it available
// presence until that address goes unavailable: its memory is bounded by
// what the server lets through, not by the Tracker.
package presence
