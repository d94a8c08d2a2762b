package xmpp

import "errors"

// ErrClosed is wrapped by the errors of calls on a Client that is closed or
// whose connection ended; the error also wraps the cause, if any
// (a *stanza.StreamError, io.ErrUnexpectedEOF, ErrDeadConnection, ...).
var ErrClosed = errors.New("xmpp: client closed")

// ErrDispatchOverflow is the cause of a Client that ended its stream, or
// dropped its connection to resume later, because a handler waited on the
// Client while more than Options.QueueHardCap bytes of stanzas arrived
// behind it.
var ErrDispatchOverflow = errors.New("xmpp: handlers fell behind; dispatch queue overflowed")

// ErrDeadConnection is the cause of a Client that ended because the server
// did not answer a keepalive ping within Options.PingTimeout.
var ErrDeadConnection = errors.New("xmpp: connection dead: no answer to ping")

// ErrPeerClosed is the cause of a Client whose server closed the stream.
var ErrPeerClosed = errors.New("xmpp: server closed the stream")
