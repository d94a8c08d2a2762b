// Package forward implements XEP-0297 Stanza Forwarding
// (urn:xmpp:forward:0): the <forwarded/> element that wraps a copy of a
// stanza, with an optional XEP-0203 <delay/> saying when it was first
// received. Message carbons (XEP-0280, package carbons) and archive
// results (XEP-0313, package mam) carry their messages in it.
//
// Parse and Forwarded.Element decode and encode the element. Parse is the
// module's only parser of it, as delay.Parse is of the <delay/> inside:
// carbons and mam call it, so that a forwarded message cannot be read one
// way as a carbon and another as an archived message.
//
// # What Parse accepts
//
// XEP-0297 lets any stanza be forwarded, but the protocols built on it
// forward messages only, and keep the stanza's original namespace. So a
// <forwarded/> must hold exactly one <message/> in jabber:client; a
// forwarded presence or IQ, or a message in jabber:server (which a client
// never receives over its own stream), is refused, as is a second
// message or a second <delay/>. Elements of other namespaces are ignored,
// as extensions. The <delay/> is read by delay.Parse, with its rules: an
// XEP-0082 stamp, a JID in from, no child elements.
//
// # Trust
//
// A forwarded message claims to be a copy of something someone said, and
// whoever sends it can write anything in it, addresses and delay
// included. Who may forward what to whom is the business of the protocol
// that uses it: carbons accept them only from the account's own bare JID,
// mam only from the archive queried. Never act on a <forwarded/> alone.
//
// # Not covered
//
// Forwarding presence and IQ stanzas, and the <body/> comment that
// XEP-0297 lets a forwarding message carry beside the element (that is a
// body of the wrapping message, not part of <forwarded/>).
package forward
