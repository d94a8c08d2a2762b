// Package xmpp is a client for XMPP (RFC 6120, RFC 6121): it connects to a
// server, authenticates, and sends and receives stanzas with typed handlers
// and request/response calls.
//
// Dial returns a connected, bound Client. Handlers registered with
// HandleMessage, HandlePresence, HandleIQ and HandleFallback run one at a
// time, in arrival order, on a dispatch goroutine; they may send and even
// wait for IQ results, since results are routed by the reader without
// passing through the handler queue. Request sends an IQ and returns the
// answer, accepted only from the address the request went to. Close ends
// the stream and every goroutine the Client started.
//
// With stream management (XEP-0198, used whenever the server offers it) a
// broken connection is resumed, or replaced by a new session with a report
// of what may be lost; Options.OnEvent and HandleEvent tell of it.
//
// Packages in this module build on the Client for each protocol family,
// through its public API only: roster, presence, blocking, privacy,
// carbons, receipts, register, csi, form, disco, commands, mam, rsm,
// delay, chatstates, stanzaid, correction, markers, hints, version,
// entitytime and lastactivity (docs/extensions.md says how). The stream,
// sasl, stanza and jid packages are the layers below; xmpptest has an
// in-process server and launchers of real servers for tests.
package xmpp
