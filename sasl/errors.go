package sasl

import (
	"errors"
	"strconv"
	"strings"
)

// Reasons an exchange is refused on the client side. The errors of Select
// and of a Session wrap one of them or are a *ServerError (configuration
// errors aside), so callers test them with errors.Is; a *Failure is what
// the server's <failure/> decodes to.
var (
	// ErrNoMechanism reports that Select found no mechanism both offered
	// and allowed that is usable on the connection; the error is a
	// *NoMechanismError saying why.
	ErrNoMechanism = errors.New("no usable mechanism")

	// ErrInvalidChallenge reports server data that breaks the mechanism's
	// rules: a malformed or hostile SCRAM server-first or server-final
	// message (bad nonce, salt or iteration count), or a challenge the
	// mechanism does not expect.
	ErrInvalidChallenge = errors.New("invalid challenge")

	// ErrDowngrade reports a downgrade attack detected by XEP-0474: the
	// server's hash of the mechanisms and channel-binding types it
	// advertised differs from what we received, or is missing where
	// XEP-0440 requires it.
	ErrDowngrade = errors.New("downgrade detected")

	// ErrServerSignature reports that the server did not prove knowledge
	// of the credentials: SCRAM ended without a server signature (v=) or
	// with a wrong one. The server cannot be trusted even though it
	// signalled success.
	ErrServerSignature = errors.New("server signature missing or wrong")
)

// ServerError is a SCRAM server-error (the e= attribute of the
// server-final message, RFC 5802 section 7), such as "invalid-proof" or
// "channel-bindings-dont-match".
type ServerError struct {
	// Value is the server-error-value as received.
	Value string
}

// Error returns "sasl: scram: server error: " and the quoted value.
func (e *ServerError) Error() string {
	return "sasl: scram: server error: " + quote(e.Value)
}

// NoMechanismError is the error of Select when no mechanism can be used.
// It matches ErrNoMechanism with errors.Is.
type NoMechanismError struct {
	// Offered lists the mechanisms the server offered.
	Offered []string
	// Allowed lists the preference list in force (Config.Mechanisms or
	// DefaultMechanisms).
	Allowed []string
	// Unusable lists, in preference order, the mechanisms both offered
	// and allowed, and why each could not be used.
	Unusable []UnusableMechanism
}

// UnusableMechanism names a mechanism that was offered and allowed, and
// why Select could not use it.
type UnusableMechanism struct {
	Name   string
	Reason string
}

// Error returns a one-line message listing the offered and allowed
// mechanisms and the reasons.
func (e *NoMechanismError) Error() string {
	var b strings.Builder
	b.WriteString("sasl: no usable mechanism: offered [")
	b.WriteString(strings.Join(quoteAll(e.Offered), " "))
	b.WriteString("], allowed [")
	b.WriteString(strings.Join(e.Allowed, " "))
	b.WriteString("]")
	for i, u := range e.Unusable {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(u.Name + ": " + u.Reason)
	}
	return b.String()
}

// Unwrap returns ErrNoMechanism.
func (e *NoMechanismError) Unwrap() error { return ErrNoMechanism }

// quote returns s in double quotes with control and non-UTF-8 bytes
// escaped, for putting network data into error messages.
func quote(s string) string {
	const max = 256
	if len(s) > max {
		s = s[:max] + "..."
	}
	return strconv.Quote(s)
}

// quoteAll returns the elements of ss, quoted where they contain anything
// but the characters of a mechanism name.
func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		if validMechName(s) {
			out[i] = s
		} else {
			out[i] = quote(s)
		}
	}
	return out
}

// validMechName reports whether s is a well-formed SASL mechanism name
// (RFC 4422 section 3.1: 1 to 20 upper-case letters, digits, hyphens and
// underscores).
func validMechName(s string) bool {
	if len(s) == 0 || len(s) > 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
