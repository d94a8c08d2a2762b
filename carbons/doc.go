// Package carbons implements XEP-0280 Message Carbons (urn:xmpp:carbons:2):
// copies, sent by the account's own server, of the messages the account's
// other resources send and receive, so that every device of a user shows
// the whole conversation. The copies are wrapped with XEP-0297 Stanza
// Forwarding (urn:xmpp:forward:0), which package forward decodes, with an
// optional XEP-0203 delay, which package delay decodes.
//
// Enable asks the server to send carbons to this resource, Disable stops
// them. Handle claims the carbons that arrive and passes the valid ones to
// a function, so the application's default message handler never sees a
// carbon wrapper. Unwrap and Parse do the same work by hand. Private keeps one outgoing
// message from being copied.
//
// # Security
//
// A carbon claims to be a copy of a message the account sent or received,
// so anybody who could make one accepted could put words in the user's
// mouth or forge messages from the user's contacts (CVE-2017-5589 and its
// siblings in several clients). Unwrap therefore accepts a carbon only
// when the wrapping message comes from the account's own bare JID, which
// only its server can send, and only when the copied message belongs to
// the account: for a received carbon it was addressed to the account, for
// a sent one it came from it. Everything else fails with ErrSpoofed, and
// Handle drops it. An absent from attribute is refused too: XEP-0280
// requires the server to set it, and both Prosody and ejabberd do.
//
// # Not covered
//
// Discovering support (the urn:xmpp:carbons:2 and urn:xmpp:carbons:rules:0
// disco features) is the caller's business: Enable simply fails with the
// server's stanza error where carbons are not offered. Carbons are a
// property of the session: after xmpp.EventNewSession the server has
// forgotten them, and the application must call Enable again, from a
// Client.HandleEvent handler (a resumed session keeps them). Forwarded
// presence and IQ stanzas, which XEP-0297 allows but carbons never carry,
// are refused by forward.Parse. The older urn:xmpp:carbons:1 namespace is
// not supported.
package carbons
