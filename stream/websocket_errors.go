package stream

import (
	"github.com/xmppkit/xmpp/stanza"
)

// FramingKind says how a WebSocket message broke the framing of RFC 7395
// section 3.3.
type FramingKind int

// The ways a WebSocket message can break RFC 7395 framing.
const (
	// FramingBinary: a binary message; XMPP goes in text messages.
	FramingBinary FramingKind = iota + 1
	// FramingTooBig: a message over Limits.MaxElementBytes, refused
	// before it was read whole.
	FramingTooBig
	// FramingElements: more than one element in one message.
	FramingElements
	// FramingText: text other than white space outside the element.
	FramingText
	// FramingIncomplete: the message ends inside its element.
	FramingIncomplete
	// FramingMisplaced: a framing element where none belongs, such as
	// <open/> inside the stream.
	FramingMisplaced
)

var framingText = [...]string{
	FramingBinary:     "binary message",
	FramingTooBig:     "message too big",
	FramingElements:   "more than one element in a message",
	FramingText:       "text outside the element",
	FramingIncomplete: "message ends inside its element",
	FramingMisplaced:  "misplaced framing element",
}

// String describes the kind, such as "binary message".
func (k FramingKind) String() string {
	if k > 0 && int(k) < len(framingText) {
		return framingText[k]
	}
	return "framing error"
}

// FramingError reports a WebSocket message that breaks RFC 7395 framing.
// It unwraps to a *stanza.SyntaxError whose Condition is the stream error
// the peer is sent, so that it is handled like bad XML on TCP.
type FramingError struct {
	Kind   FramingKind
	Detail string // what the kind does not say, or ""
}

// Error describes the problem.
func (e *FramingError) Error() string {
	s := "stream: websocket: " + e.Kind.String()
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns the *stanza.SyntaxError for the problem.
func (e *FramingError) Unwrap() error {
	cond := stanza.StreamNotWellFormed
	switch e.Kind {
	case FramingBinary:
		cond = stanza.StreamBadFormat
	case FramingTooBig:
		cond = stanza.StreamPolicyViolation
	case FramingMisplaced:
		cond = stanza.StreamInvalidXML
	}
	return &stanza.SyntaxError{Condition: cond, Msg: e.Error()}
}

// SeeOtherURIError reports a server that closed the stream with <close/>
// naming another URI to connect to (RFC 7395 section 3.6.1), the
// WebSocket form of see-other-host.
type SeeOtherURIError struct {
	URI string
}

// Error names the URI.
func (e *SeeOtherURIError) Error() string {
	return "stream: websocket: the server redirects to " + e.URI
}
