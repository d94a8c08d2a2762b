// Package xmlscan is the streaming tokenizer for the restricted XML that
// XMPP streams use (RFC 6120 section 11).
//
// It reads the stream header as an open element and then yields the tokens
// of each top-level element, resolving namespaces, validating UTF-8 and the
// XML Char production, and enforcing size limits. It rejects everything the
// restricted subset forbids (DTDs, comments, processing instructions other
// than the XML declaration, entity references other than the five
// predefined ones) with an *Error that names the XMPP stream error condition
// to report.
//
// Tokens refer to the Reader's buffers and are valid until the next call to
// Next. The element model that callers see is built on top of this package
// in package stanza.
package xmlscan
