// Package chatstates implements XEP-0085 Chat State Notifications
// (http://jabber.org/protocol/chatstates): the five states of a person's
// involvement in a chat (active, composing, paused, inactive, gone),
// carried by messages, alone (a standalone notification, with no body)
// or beside a message's content.
//
// Set and Get put a state on a message and read it; Notification builds a
// standalone notification; Parse and State.Element decode and encode the
// elements. Handle observes the states a Client receives, without taking
// the messages from their owner.
//
// The rules of XEP-0085 section 5 that this package applies: a message
// carries at most one state (Set replaces, Get refuses a message with
// two); a message of type error carries none (Set leaves it alone, Get
// ignores it); a standalone notification has no body; <gone/> from a room
// occupant is ignored (Get does not report it on a groupchat message).
//
// # Not covered
//
// Discovering a contact's support and negotiating the use of
// notifications (XEP-0085 section 5.1), and the timing of state changes
// (section 5.2, "do not send the same standalone state twice in a row"),
// which are the application's. Notifications reveal that the user is at
// the device: send them only to contacts allowed to see the user's
// presence.
package chatstates
