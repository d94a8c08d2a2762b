// Package xmpp is a client for XMPP (RFC 6120, RFC 6121): it connects to a
// server, authenticates, and sends and receives stanzas with typed handlers
// and request/response calls.
//
// New builds an unconnected Client; handlers are registered on it and
// extension packages attached to it; Connect then connects, and nothing is
// read from the server before, so no stanza misses its handler. Dial does
// both for a Client with nothing to register first.
//
// Messages and presence are routed by type, payload and sender (Route):
// HandleMessage and HandlePresence claim what a Route selects, the most
// specific claim wins, and the handler of the zero Route gets what nobody
// claimed; ObserveMessage and ObservePresence see without claiming.
// HandleIQ answers IQ gets and sets by payload. All handlers run one at a
// time, in arrival order, on a dispatch goroutine fed by a queue bounded in
// stanzas and bytes: a slow handler makes the Client stop reading, which
// holds the server back, and costs no stanza. Handlers may Send, Request
// (IQ results bypass the queue), Sync and Close. Request returns the
// answer, accepted only from the address the request went to. Sync waits
// until everything the server sent before has been handled. Close ends the
// stream and every goroutine the Client started.
//
// With stream management (XEP-0198, used whenever the server offers it) a
// broken connection is resumed, or replaced by a new session with a report
// of what may be lost; HandleEvent tells of it, in order with the stanzas.
// ConnectionState says what was negotiated.
//
// Packages in this module build on the Client for each protocol family,
// through its public API only: roster, presence, blocking, privacy,
// carbons, receipts, register, csi, form, disco, commands, mam, rsm,
// delay, chatstates, stanzaid, correction, markers, hints, version,
// entitytime and lastactivity (docs/extensions.md says how). The stream,
// sasl, stanza and jid packages are the layers below; xmpptest has an
// in-process server and launchers of real servers for tests.
package xmpp
