package sasl

import (
	"github.com/xmppkit/xmpp/stanza"
)

// Condition is a SASL failure condition (RFC 6120 section 6.5): the name
// of the condition element inside <failure/>. Condition implements error,
// so the constants serve as sentinels: errors.Is(err, ErrNotAuthorized)
// reports whether err is or wraps a *Failure with that condition. As an
// error it prints with a "sasl failure: " prefix; string(c) is the bare
// element name.
type Condition string

// Failure conditions (RFC 6120 section 6.5).
const (
	// ErrAborted: the server acknowledges the client's <abort/>.
	ErrAborted Condition = "aborted"
	// ErrAccountDisabled: the account is disabled, perhaps temporarily.
	ErrAccountDisabled Condition = "account-disabled"
	// ErrCredentialsExpired: the credentials are right but have expired.
	ErrCredentialsExpired Condition = "credentials-expired"
	// ErrEncryptionRequired: the mechanism may be used only over an
	// encrypted stream (for example PLAIN without TLS).
	ErrEncryptionRequired Condition = "encryption-required"
	// ErrIncorrectEncoding: the data sent was not valid base64.
	ErrIncorrectEncoding Condition = "incorrect-encoding"
	// ErrInvalidAuthzID: the authorization identity is malformed, or the
	// authentication identity may not act as it.
	ErrInvalidAuthzID Condition = "invalid-authzid"
	// ErrInvalidMechanism: the server does not support the mechanism.
	ErrInvalidMechanism Condition = "invalid-mechanism"
	// ErrMalformedRequest: the request is malformed, for example an
	// initial response where none is allowed or an invalid SCRAM message.
	ErrMalformedRequest Condition = "malformed-request"
	// ErrMechanismTooWeak: the mechanism is weaker than the server's
	// policy for this account.
	ErrMechanismTooWeak Condition = "mechanism-too-weak"
	// ErrNotAuthorized: wrong credentials or other authentication
	// failure; the generic condition. ParseFailure also gives it to a
	// failure whose condition is missing or unknown.
	ErrNotAuthorized Condition = "not-authorized"
	// ErrTemporaryAuthFailure: a temporary error in the server; trying
	// again later may succeed.
	ErrTemporaryAuthFailure Condition = "temporary-auth-failure"
)

// known reports whether c is a condition of RFC 6120 section 6.5.
func (c Condition) known() bool {
	switch c {
	case ErrAborted, ErrAccountDisabled, ErrCredentialsExpired, ErrEncryptionRequired,
		ErrIncorrectEncoding, ErrInvalidAuthzID, ErrInvalidMechanism, ErrMalformedRequest,
		ErrMechanismTooWeak, ErrNotAuthorized, ErrTemporaryAuthFailure:
		return true
	}
	return false
}

// Error returns "sasl failure: " followed by the condition.
func (c Condition) Error() string { return "sasl failure: " + string(c) }

// Failure is a <failure/> element from the server (RFC 6120 section
// 6.4.5): authentication failed. It implements error.
type Failure struct {
	// Condition says why. An empty Condition is taken as
	// ErrNotAuthorized.
	Condition Condition
	// Text is the optional human-readable description, and Lang its
	// xml:lang (may be empty).
	Text, Lang string
}

// condition returns f.Condition, with "" taken as not-authorized.
func (f *Failure) condition() Condition {
	if f.Condition == "" {
		return ErrNotAuthorized
	}
	return f.Condition
}

// Error returns "sasl failure: condition" followed by ": text" when there
// is a text.
func (f *Failure) Error() string {
	s := f.condition().Error()
	if f.Text != "" {
		s += ": " + f.Text
	}
	return s
}

// Is reports whether f matches target: a Condition equal to f's, or a
// *Failure with the same condition.
func (f *Failure) Is(target error) bool {
	switch t := target.(type) {
	case Condition:
		return f.condition() == t
	case *Failure:
		return t != nil && f.condition() == t.condition()
	}
	return false
}

// Element encodes f as a <failure/> element in NS, for servers and tests.
func (f *Failure) Element() *stanza.Element {
	e := stanza.NewElement(NS, "failure").AddChild(stanza.NewElement(NS, string(f.condition())))
	if f.Text != "" || f.Lang != "" {
		t := stanza.NewElement(NS, "text")
		if f.Lang != "" {
			t.SetAttrNS(stanza.NSXML, "lang", f.Lang)
		}
		e.AddChild(t.AddText(f.Text))
	}
	return e
}

// ParseFailure decodes a <failure/> element in NS. It returns nil when e is
// nil or is not such an element; it never fails otherwise, since any
// failure means authentication failed.
//
// The first child naming a condition of RFC 6120 section 6.5 gives
// Condition; a failure with no known condition (none at all, or only
// names this package does not know, such as conditions of a later
// specification) gets ErrNotAuthorized, the generic condition, so that
// callers never mistake it for a condition that invites a retry. Of
// several <text/> children the first is kept, with its xml:lang.
func ParseFailure(e *stanza.Element) *Failure {
	if e == nil || e.Name != (stanza.Name{Space: NS, Local: "failure"}) {
		return nil
	}
	f := &Failure{}
	hasText := false
	for c := range e.Children() {
		if c.Name.Space != NS {
			continue
		}
		switch cond := Condition(c.Name.Local); {
		case cond == "text":
			if !hasText {
				hasText = true
				f.Text, f.Lang = c.Text(), c.Lang()
			}
		case f.Condition == "" && cond.known():
			f.Condition = cond
		}
	}
	if f.Condition == "" {
		f.Condition = ErrNotAuthorized
	}
	return f
}
