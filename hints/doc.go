// Package hints implements XEP-0334 Message Processing Hints
// (urn:xmpp:hints): empty elements with which a sender tells servers and
// services how to treat a message: not to archive it (NoPermanentStore),
// not to store it at all, offline storage included (NoStore), not to copy
// it to other resources (NoCopy), or to store it although it has no body
// (Store).
//
// Add puts a hint on a message and Has reads it; Parse and Hint.Element
// decode and encode the elements.
//
// Hints are only hints: the receiving entities may ignore them (XEP-0334
// section 6), so a message marked NoStore may still be archived; Prosody
// 0.12 and ejabberd 23.01, with archiving on, leave out of the archive the
// messages marked NoStore or NoPermanentStore and archive a bodiless one
// marked Store (see TestServers). Hints in
// a message of type error are ignored, since an error may echo the
// payloads of the message it is about. NoCopy belongs on messages to full
// JIDs only. XEP-0280 carbons need NoCopy beside their own <private/>
// element: use carbons.Private for that.
package hints
