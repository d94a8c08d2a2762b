package stanza

import (
	"fmt"
)

// Stanza is a decoded message, presence or IQ stanza (RFC 6120 section 8).
// It is implemented by *Message, *Presence and *IQ only, so a type switch
// over those three is exhaustive.
type Stanza interface {
	// StanzaHeader returns the stanza's common attributes; changes to it
	// change the stanza.
	StanzaHeader() *Header
	// Element encodes the stanza as an element in NSClient. The result
	// shares payload elements with the stanza.
	Element() *Element

	isStanza()
}

func (*Message) isStanza()  {}
func (*Presence) isStanza() {}
func (*IQ) isStanza()       {}

// Parse decodes a top-level element into a *Message, *Presence or *IQ,
// according to its name. The element must be in NSClient or NSServer;
// anything else is an error. On failure the error is a *DecodeError.
//
// The stanza shares strings and payload elements with e, so e must not be
// modified while the stanza is in use.
func Parse(e *Element) (Stanza, error) {
	if e == nil {
		return nil, badStanza("", "no element")
	}
	if isStanzaNS(e.Name.Space) {
		switch e.Name.Local {
		case "message":
			return nonNil(ParseMessage(e))
		case "presence":
			return nonNil(ParsePresence(e))
		case "iq":
			return nonNil(ParseIQ(e))
		}
	}
	return nil, unexpected("", e)
}

// nonNil converts the result of a ParseX function to a Stanza, keeping a
// nil pointer from becoming a non-nil interface value.
func nonNil[S Stanza](s S, err error) (Stanza, error) {
	if err != nil {
		return nil, err
	}
	return s, nil
}

// ErrorReply returns the error reply to s carrying err (RFC 6120 section
// 8.3.1): a stanza of the same kind with the addresses swapped, the same
// id, type error, and err as its error. The payload of s is not copied into
// the reply, so that a reply never echoes untrusted data back; set it on the
// result to include it. ErrorReply of nil is nil.
//
// RFC 6120 forbids answering an error stanza with an error, and an IQ of
// type result with anything; checking that is up to the caller.
func ErrorReply(s Stanza, err *Error) Stanza {
	switch s := s.(type) {
	case *Message:
		return s.ErrorReply(err)
	case *Presence:
		return s.ErrorReply(err)
	case *IQ:
		return s.ErrorReply(err)
	}
	return nil
}

// DecodeError reports an element that is not a valid stanza, stanza error
// or stream error. Decoding functions return it for every rule they
// enforce; use errors.As to read it.
type DecodeError struct {
	// Kind names what was being decoded: "message", "presence", "iq",
	// "error" (a stanza error alone), "message: error" (the error inside
	// a message; likewise for presence and iq), "stream error", or "" for
	// an element Parse does not know.
	Kind string
	// Reason says what is wrong, in lower case.
	Reason string
	// Condition is the stanza error condition with which a receiver
	// answers the stanza: ErrJIDMalformed for a bad address, ErrBadRequest
	// otherwise (RFC 6120 section 8.3.3).
	Condition Condition
	// Err is the underlying error, such as the error of jid.Parse for a
	// bad address or strconv.ErrRange for a priority out of range, or nil.
	Err error
}

// Error returns "stanza: kind: reason: err", leaving out the empty parts.
func (e *DecodeError) Error() string {
	s := "stanza: "
	if e.Kind != "" {
		s += e.Kind + ": "
	}
	s += e.Reason
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying error, or nil.
func (e *DecodeError) Unwrap() error { return e.Err }

// badStanza returns a *DecodeError with condition bad-request.
func badStanza(kind, format string, args ...any) error {
	return &DecodeError{Kind: kind, Reason: fmt.Sprintf(format, args...), Condition: ErrBadRequest}
}

// unexpected returns the error for an element e that is not the kind
// expected.
func unexpected(kind string, e *Element) error {
	return badStanza(kind, "unexpected element {%s}%s", e.Name.Space, e.Name.Local)
}

// isStanzaNS reports whether ns is a namespace of stanzas.
func isStanzaNS(ns string) bool { return ns == NSClient || ns == NSServer }

// checkName checks that e is the stanza {NSClient or NSServer}local.
func checkName(e *Element, local string) error {
	if e == nil {
		return badStanza(local, "no element")
	}
	if e.Name.Local != local || !isStanzaNS(e.Name.Space) {
		return unexpected(local, e)
	}
	return nil
}

// checkChildNS rejects a child c of a kind stanza in namespace ns when c
// is in the other stanza namespace under a name the stanza defines
// (classify tells): a {jabber:client}body inside a jabber:server message
// would become a real body once the stanza is re-encoded in jabber:client,
// so accepting it would let two readers disagree. Other children in the
// other namespace are plain payloads.
func checkChildNS(kind, ns string, c *Element, classify func(ns string, c *Element) string) error {
	if c.Name.Space != ns && isStanzaNS(c.Name.Space) && classify(c.Name.Space, c) != "" {
		return badStanza(kind, "child {%s}%s in a %s stanza", c.Name.Space, c.Name.Local, ns)
	}
	return nil
}

// requireErrorChild applies RFC 6120 section 8.3.1: a stanza of type
// error carries an <error/> child. (decodeErrorChild enforces the converse.)
func requireErrorChild(kind string, isError bool, se *Error) error {
	if isError && se == nil {
		return badStanza(kind, "type error without an error child")
	}
	return nil
}

// decodeErrorChild decodes the <error/> child c of a kind stanza whose
// error decoded so far is prev (nil if none).
func decodeErrorChild(kind string, isError bool, prev *Error, c *Element) (*Error, error) {
	switch {
	case !isError:
		return nil, badStanza(kind, "error child in a stanza not of type error")
	case prev != nil:
		return nil, badStanza(kind, "more than one error child")
	}
	return parseError(kind+": error", c)
}
