// Package lastactivity implements XEP-0012 Last Activity (jabber:iq:last):
// asking how long ago an entity was last active, and answering for our own
// client.
//
// What the answer means depends on whom Get asks (XEP-0012 section 7):
//   - a server or component (a bare domain): how long it has been up;
//   - an account's bare JID: how long ago the user last logged out, and
//     the status of their last unavailable presence. The user's server
//     answers, and only to those allowed to see the user's presence
//     (normally by a presence subscription): others get forbidden. While
//     the user is online the answer is zero;
//   - a full JID: how long that client has been idle, if it tells. Some
//     servers (ejabberd) let the request through only from those allowed
//     to see the user's presence, and answer service-unavailable to others.
//
// Serve makes a Client answer the last case for itself. Parse and
// Info.Element decode and encode the <query/> payload for those who build
// IQs themselves.
//
// Covered: XEP-0012 2.0; Serve advertises jabber:iq:last
// (Client.Advertise) for service discovery. Not covered: XEP-0256 (last
// activity in presence, deprecated).
package lastactivity
