// Package markers implements XEP-0333 Displayed Markers, formerly Chat
// Markers (urn:xmpp:chat-markers:0): a sender marks a message <markable/>,
// and the recipient's client answers with a marker naming the message's
// id once it has been displayed (read). A marker means "every message up
// to this one".
//
// AddMarkable and IsMarkable write and read the request; Reply builds the
// answer; Get reads a marker, and Handle observes the markers a Client
// receives, without taking the messages from their owner; Parse,
// Marker.Element and Set decode and encode the marker elements.
//
// XEP-0333 1.0.0 defines only <displayed/>. The <received/> and
// <acknowledged/> markers of its earlier versions are still sent by some
// clients, so this package decodes and encodes them too; for delivery,
// XEP-0184 receipts are the standard.
//
// Markers report on conversations, messages of type chat or groupchat,
// and Reply answers in the type of the message marked. What arrives is
// read liberally: Get accepts a marker in a message of any type but
// error, since some clients (slixmpp's send_marker, like the examples of
// XEP-0333 1.0.0) send it without a type attribute, which makes the
// message of type normal. IsMarkable stays strict, so that a Client
// answers requests only in chats and rooms.
//
// # Groupchat
//
// In a room, message ids are chosen by the occupants and may collide, by
// accident or on purpose, so a marker must name the id the room assigned
// in a XEP-0359 <stanza-id by='room@service'/> when the room announces
// urn:xmpp:sid:0 (and such a stanza-id must be ignored when it does not).
// Reply cannot know what the room announces and always names m.ID; a room
// client replaces it with Set, for instance with the id that
// stanzaid.StanzaID(m, room) returns.
//
// # Privacy
//
// A marker says the user is at the device and read a message: send
// markers only to contacts allowed to see the user's presence, and let
// the user turn them off (XEP-0333 sections 8 and 9).
//
// # Not covered
//
// Discovering support, keeping the "last displayed" state of a chat, and
// the business rules that need it (ignore markers for unknown or older
// messages; never mark one's own messages, received as carbons or from
// an archive).
package markers
