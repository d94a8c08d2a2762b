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
// Packages in this module build on the Client for each protocol family;
// the stream, sasl, stanza and jid packages are the layers below.
package xmpp
