// Package receipts implements XEP-0184 Message Delivery Receipts
// (urn:xmpp:receipts): a sender asks for a receipt with <request/>, and
// the recipient's client answers with a message carrying <received
// id='...'/> once the message reached it.
//
// A sender calls Request on a message before sending it, or lets a
// Tracker do that and wait for the receipt. A recipient answers requests
// automatically with Serve, or by hand with Ack. Handle passes every
// receipt that arrives to a function, for applications that keep their own
// records (a chat client marking messages delivered).
//
// # Privacy
//
// A receipt tells its requester that one of the account's clients is
// online at this moment, so it leaks presence (XEP-0184 section 8): a
// recipient should answer only senders allowed to see its presence,
// normally its contacts with a presence subscription. Serve takes that
// policy as a function, which this package cannot write for you since it
// knows no roster; the recommended one allows only such contacts:
//
//	// subscribed reports whether the roster gives bare a subscription
//	// to our presence (from or both).
//	receipts.Serve(c, func(from jid.JID) bool { return subscribed(from.Bare()) })
//
// # Not covered
//
// Serve advertises urn:xmpp:receipts (Client.Advertise) for service
// discovery. Not covered: discovering a contact's support before
// requesting receipts, which XEP-0184 section 5.2 recommends for full
// JIDs. Receipts prove delivery to a client, never that a human read the
// message; a missing receipt proves nothing (XEP-0184 section 4), so a
// Tracker's Wait should be bounded by a context deadline, and nothing
// should be sent again just because no receipt came.
package receipts
