// Package stanza is the XML element model of XMPP and its three stanzas
// (RFC 6120 section 8, RFC 6121 sections 4 and 5): Message, Presence and IQ,
// stanza errors (RFC 6120 section 8.3) and stream errors (section 4.9).
//
// An Element is a namespaced XML element with attributes and mixed content.
// A Decoder reads a stream header and then one top-level element at a time
// from restricted XML (RFC 6120 section 11), within configurable Limits; an
// Encoder writes them back, one Write per element. Parse, ParseMessage,
// ParsePresence and ParseIQ turn an element into a typed stanza, and each
// stanza's Element method turns it back.
//
// Errors from the peer are values: *Error for stanza errors, which matches
// its Condition with errors.Is (errors.Is(err, stanza.ErrItemNotFound)),
// *StreamError for stream errors, *SyntaxError for input that is not
// acceptable XML, and *DecodeError for a well-formed element that is not a
// valid stanza.
package stanza
