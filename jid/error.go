package jid

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Reasons an address is rejected. An error returned by this package is an
// *Error that wraps exactly one of them, so callers can test the reason with
// errors.Is.
var (
	// ErrEmptyPart reports an empty part: an empty address, an '@' with
	// nothing before it, a '/' with nothing after it, or no domainpart.
	ErrEmptyPart = errors.New("empty part")

	// ErrTooLong reports a part longer than 1023 bytes after preparation, or
	// an input longer than the longest possible address (3071 bytes).
	ErrTooLong = errors.New("too long")

	// ErrForbiddenChar reports a character, or a combination of characters,
	// that the part's PRECIS profile or RFC 7622 section 3.3.1 forbids.
	ErrForbiddenChar = errors.New("forbidden character")

	// ErrInvalidDomain reports a domainpart that is neither an IP address nor
	// a valid internationalized domain name.
	ErrInvalidDomain = errors.New("invalid domain")

	// ErrInvalidUTF8 reports a part that is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("invalid UTF-8")
)

// Part names the part of an address an *Error is about.
type Part string

// The parts of an address.
const (
	PartAddress  Part = "address" // the address as a whole
	PartLocal    Part = "localpart"
	PartDomain   Part = "domainpart"
	PartResource Part = "resourcepart"
)

// Error is the error returned by Parse, New, WithResource and UnmarshalText
// when an address, or one of its parts, is invalid.
type Error struct {
	// Part is the part that is wrong.
	Part Part
	// Value is that part as it was given, before preparation.
	Value string
	// Err is the reason: ErrEmptyPart, ErrTooLong, ErrForbiddenChar,
	// ErrInvalidDomain or ErrInvalidUTF8.
	Err error

	// cause is the error of the PRECIS, IDNA or IP address parser that
	// rejected the part, or a description of the offending character; it
	// may be nil.
	cause error
}

// maxQuoted is the number of bytes of Error.Value that Error quotes.
const maxQuoted = 64

// Error returns a message of the form
//
//	jid: localpart "foo bar": forbidden character: precis: disallowed rune encountered
//
// A long Value is truncated in the message.
func (e *Error) Error() string {
	v, more := e.Value, ""
	if len(v) > maxQuoted {
		n := maxQuoted
		for n > 0 && !utf8.RuneStart(v[n]) {
			n--
		}
		v, more = v[:n], fmt.Sprintf("... (%d bytes)", len(e.Value))
	}
	msg := fmt.Sprintf("jid: %s %q%s: %v", e.Part, v, more, e.Err)
	if e.cause != nil {
		msg += ": " + e.cause.Error()
	}
	return msg
}

// Unwrap returns the reason (Err) and, if there is one, the error of the
// underlying PRECIS, IDNA or IP address parser.
func (e *Error) Unwrap() []error {
	if e.cause == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.cause}
}

// partError returns an *Error for part p with value v, reason reason and
// underlying error cause (may be nil).
func partError(p Part, v string, reason, cause error) *Error {
	return &Error{Part: p, Value: v, Err: reason, cause: cause}
}
