// Package correction implements XEP-0308 Last Message Correction
// (urn:xmpp:message-correct:0): a message that carries <replace
// id='...'/> replaces the content of an earlier message, named by its id,
// from the same sender.
//
// A sender sends the corrected message afresh, with a new id, and calls
// Set on it with the id of the message first sent (also when correcting a
// correction). A receiver reads the id with Get and, before replacing
// anything, checks with Valid that the correction comes from the sender of
// the original.
//
// # Security
//
// Only the sender of a message may correct it: otherwise anyone who learns
// a message's id (every occupant of a room does) could rewrite what
// somebody else said. Valid applies the rule of XEP-0308 section 4: in a
// direct chat the bare JIDs must match, in a room (type groupchat) the
// full JIDs, that is the room and the nickname. Two cases it cannot see:
// a private message from a room occupant (type chat from
// room@service/nick) must be checked with the full JIDs, as in the room,
// so compare original.From and correction.From too; and a nickname can
// change hands when its occupant leaves, so a room client must refuse
// corrections of messages received before the sender (last) joined.
// Clients should also show that a message was corrected (XEP-0308
// section 5).
//
// # Not covered
//
// Discovering a contact's support, and deciding which payloads of the
// original a correction replaces: XEP-0308 says all of them.
package correction
