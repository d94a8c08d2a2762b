// Package jid parses, prepares, compares and escapes XMPP addresses (JIDs).
//
// An address has the form [localpart "@"] domainpart ["/" resourcepart] and
// is defined by RFC 7622. Parse and New split an address as RFC 7622
// section 3.1 describes and prepare each part:
//
//   - the localpart with the PRECIS UsernameCaseMapped profile (RFC 8265),
//     rejecting the characters " & ' / : < > @ (RFC 7622 section 3.3.1);
//   - the domainpart as an IPv4 address, an IPv6 address in square brackets
//     (written in the RFC 5952 form), or a domain name converted to Unicode
//     form (U-labels, lower case, NFC) with IDNA2008 as mapped by UTS #46,
//     after one trailing dot is removed;
//   - the resourcepart with the PRECIS OpaqueString profile.
//
// Every part is 1 to 1023 bytes long after preparation.
//
// A JID holds only the prepared form, so two JIDs are the same address exactly
// when they are ==; JID values can be map keys. An address that is already in
// prepared form and consists of ASCII only (for example
// "user@example.com/phone") is parsed without calling PRECIS or IDNA and
// without allocating.
//
// Errors are of type *Error, which names the part at fault and wraps one of
// the sentinel errors (ErrEmptyPart, ErrTooLong, ErrForbiddenChar,
// ErrInvalidDomain, ErrInvalidUTF8) for use with errors.Is.
//
// EscapeLocal and UnescapeLocal implement JID Escaping (XEP-0106), which lets
// a localpart carry the characters RFC 7622 forbids in it.
//
// The package has no mutable state; all functions and methods are safe for
// concurrent use.
package jid
