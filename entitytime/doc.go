// Package entitytime implements XEP-0202 Entity Time (urn:xmpp:time):
// asking an entity for its current time and UTC offset, and answering for
// our own client. Dates follow XEP-0082.
//
// Get returns the entity's clock reading as a time.Time in the entity's
// own offset; Serve makes a Client answer. Parse and Element decode and
// encode the <time/> payload for those who build IQs themselves.
//
// Covered: the whole of XEP-0202 2.0; Serve advertises urn:xmpp:time
// (Client.Advertise) for service discovery. Not covered: the obsolete
// jabber:iq:time protocol of XEP-0090. An offset
// is all XEP-0202 tells, not a time zone: the result of Get is in a
// time.FixedZone, with no daylight-saving rules.
package entitytime
