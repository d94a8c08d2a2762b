// Package stanzaid implements XEP-0359 Unique and Stable Stanza IDs
// (urn:xmpp:sid:0): the <origin-id/> a sender puts on its messages, and
// the <stanza-id/> an archiving entity (the account's server, a chat
// room) adds to the messages it stores, naming itself in the by
// attribute. The stanza-id is how a message is found again in a XEP-0313
// archive, and how a room names a message in XEP-0333 markers and similar
// references.
//
// AddOriginID and OriginID write and read the origin-id; StanzaID reads
// the stanza-id set by a given entity. ParseOriginID, ParseStanzaID and
// the Element methods decode and encode the elements.
//
// # Trust
//
// Anybody can put a <stanza-id/> with any by attribute in a message they
// send. XEP-0359 makes the pair of id and by unspoofable only because the
// entity named in by deletes any stanza-id carrying its own address before
// adding its own. So a stanza-id is worth something only when its by is
// an entity we trust to do that: our own account's bare JID
// (c.JID().Bare()) for one-to-one messages our server archived, the
// room's bare JID for a groupchat message. StanzaID therefore takes the
// by it trusts and ignores every other stanza-id; it also refuses a
// message with two stanza-ids from the same by, which a server following
// the XEP never delivers. XEP-0359 section 7 adds that the entity should
// announce urn:xmpp:sid:0 in service discovery before its ids are used;
// checking that is the caller's business.
//
// Measured on the servers our tests run against, both with archiving on
// (see TestServers): Prosody 0.12.3 and ejabberd 23.01 add <stanza-id
// by='user@domain'/> to every chat message with a body they deliver to
// the account. ejabberd deletes a stanza-id forged by the sender in the
// account's name, as XEP-0359 requires. Prosody deletes it only from the
// messages it does not archive: on an archived message the forgery
// arrives, followed by Prosody's own stanza-id. StanzaID refuses that
// message (two ids from one by) rather than guess which is real, so on
// Prosody a contact can hide the stanza-id of its own messages but never
// substitute one. Stanza-ids naming other entities pass through (ejabberd
// strips those naming any of its local addresses), which is why the by
// given to StanzaID must be the one entity trusted for that message.
//
// The origin-id is chosen by the sender and proves nothing: use it to
// recognise one's own messages coming back (from a chat room, a carbon or
// an archive), never to reference another entity's message.
//
// # Not covered
//
// The <referenced-stanza/> element, and service discovery.
package stanzaid
