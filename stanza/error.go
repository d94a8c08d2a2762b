package stanza

import (
	"github.com/xmppkit/xmpp/jid"
)

// ErrorType is the type attribute of a stanza error (RFC 6120 section
// 8.3.2): it tells the sender of the failed stanza what to do next.
type ErrorType string

// Stanza error types.
const (
	// ErrorAuth means retry after providing credentials.
	ErrorAuth ErrorType = "auth"
	// ErrorCancel means do not retry: the error cannot be remedied.
	ErrorCancel ErrorType = "cancel"
	// ErrorContinue means proceed: the condition was only a warning.
	ErrorContinue ErrorType = "continue"
	// ErrorModify means retry after changing the data sent.
	ErrorModify ErrorType = "modify"
	// ErrorWait means retry after waiting: the error is temporary.
	ErrorWait ErrorType = "wait"
)

// validErrorType reports whether t is a defined error type.
func validErrorType(t ErrorType) bool {
	switch t {
	case ErrorAuth, ErrorCancel, ErrorContinue, ErrorModify, ErrorWait:
		return true
	}
	return false
}

// Condition is a stanza error condition (RFC 6120 section 8.3.3); its value
// is the condition's element name in NSStanzas. Condition implements error,
// so the constants serve as sentinels: errors.Is(err, ErrItemNotFound)
// reports whether err is or wraps a *Error with that condition. Being an
// error, a Condition prints with its "stanza error: " prefix; string(c) is
// the bare element name.
type Condition string

// Stanza error conditions (RFC 6120 section 8.3.3).
const (
	// ErrBadRequest: the stanza is malformed or cannot be processed.
	ErrBadRequest Condition = "bad-request"
	// ErrConflict: a resource or session with that name already exists.
	ErrConflict Condition = "conflict"
	// ErrFeatureNotImplemented: the recipient does not support the
	// feature requested.
	ErrFeatureNotImplemented Condition = "feature-not-implemented"
	// ErrForbidden: the sender lacks the permissions needed.
	ErrForbidden Condition = "forbidden"
	// ErrGone: the recipient is no longer at this address; Error.Redirect
	// may hold the new one.
	ErrGone Condition = "gone"
	// ErrInternalServerError: the server failed (misconfiguration or
	// another internal error).
	ErrInternalServerError Condition = "internal-server-error"
	// ErrItemNotFound: the addressed JID or the item requested does not
	// exist.
	ErrItemNotFound Condition = "item-not-found"
	// ErrJIDMalformed: an address in the request is not a valid JID.
	ErrJIDMalformed Condition = "jid-malformed"
	// ErrNotAcceptable: the request does not meet the recipient's
	// criteria, for example a required field is missing.
	ErrNotAcceptable Condition = "not-acceptable"
	// ErrNotAllowed: no entity may perform the action.
	ErrNotAllowed Condition = "not-allowed"
	// ErrNotAuthorized: the sender must authenticate first.
	ErrNotAuthorized Condition = "not-authorized"
	// ErrPolicyViolation: the request violates a local service policy.
	ErrPolicyViolation Condition = "policy-violation"
	// ErrRecipientUnavailable: the intended recipient is temporarily
	// unavailable.
	ErrRecipientUnavailable Condition = "recipient-unavailable"
	// ErrRedirect: the request should go to another address, which
	// Error.Redirect holds.
	ErrRedirect Condition = "redirect"
	// ErrRegistrationRequired: the sender must register first.
	ErrRegistrationRequired Condition = "registration-required"
	// ErrRemoteServerNotFound: the recipient's server does not exist or
	// cannot be resolved.
	ErrRemoteServerNotFound Condition = "remote-server-not-found"
	// ErrRemoteServerTimeout: the recipient's server could not be reached
	// in time.
	ErrRemoteServerTimeout Condition = "remote-server-timeout"
	// ErrResourceConstraint: the recipient lacks the resources to serve
	// the request.
	ErrResourceConstraint Condition = "resource-constraint"
	// ErrServiceUnavailable: the recipient does not provide the service.
	// It is also the answer to an IQ nobody handles.
	ErrServiceUnavailable Condition = "service-unavailable"
	// ErrSubscriptionRequired: the sender must subscribe first.
	ErrSubscriptionRequired Condition = "subscription-required"
	// ErrUndefinedCondition: none of the other conditions; usually
	// accompanied by an application-specific condition (Error.App).
	ErrUndefinedCondition Condition = "undefined-condition"
	// ErrUnexpectedRequest: the request was not expected now, for
	// example it came out of order.
	ErrUnexpectedRequest Condition = "unexpected-request"
)

// conditionType returns the usual error type of c and whether c is a
// defined condition.
func conditionType(c Condition) (ErrorType, bool) {
	switch c {
	case ErrBadRequest, ErrJIDMalformed, ErrNotAcceptable, ErrPolicyViolation, ErrRedirect:
		return ErrorModify, true
	case ErrForbidden, ErrNotAuthorized, ErrRegistrationRequired, ErrSubscriptionRequired:
		return ErrorAuth, true
	case ErrRecipientUnavailable, ErrRemoteServerTimeout, ErrResourceConstraint, ErrUnexpectedRequest:
		return ErrorWait, true
	case ErrConflict, ErrFeatureNotImplemented, ErrGone, ErrInternalServerError, ErrItemNotFound,
		ErrNotAllowed, ErrRemoteServerNotFound, ErrServiceUnavailable, ErrUndefinedCondition:
		return ErrorCancel, true
	}
	return ErrorCancel, false
}

// DefaultType returns the error type that RFC 6120 section 8.3.3 gives as
// usual for c. Where the RFC allows two (feature-not-implemented,
// policy-violation, unexpected-request) it returns the first it names;
// for undefined-condition, which has none, and for unknown conditions, it
// returns ErrorCancel.
func (c Condition) DefaultType() ErrorType {
	t, _ := conditionType(c)
	return t
}

// Error returns "stanza error: " followed by the condition.
func (c Condition) Error() string { return "stanza error: " + string(c) }

// Error is a stanza error (RFC 6120 section 8.3): the <error/> child of a
// stanza of type error. It implements error; a request/response helper
// returns the peer's error as a *Error.
type Error struct {
	// Type says what the sender should do next. When empty, Element
	// writes Condition.DefaultType().
	Type ErrorType
	// Condition says what went wrong. When empty it is taken as
	// ErrUndefinedCondition.
	Condition Condition
	// Text is an optional human-readable description, for diagnostics
	// rather than for display to users.
	Text string
	// TextLang is the xml:lang of Text, or "".
	TextLang string
	// By is the entity that generated the error (the by attribute), or
	// zero.
	By jid.JID
	// Redirect is the text content of a <gone/> or <redirect/> condition:
	// the address (an XMPP IRI) to use instead. It is ignored for other
	// conditions.
	Redirect string
	// App is an application-specific condition element (in a namespace
	// other than NSStanzas), or nil.
	App *Element
}

// NewError returns an error with condition c, its default type and the
// descriptive text text (may be empty).
func NewError(c Condition, text string) *Error {
	return &Error{Type: c.DefaultType(), Condition: c, Text: text}
}

// condition returns e.Condition, with "" taken as undefined-condition.
func (e *Error) condition() Condition {
	if e.Condition == "" {
		return ErrUndefinedCondition
	}
	return e.Condition
}

// Error returns "stanza error: type condition: text", leaving out the type
// and the text when they are empty.
func (e *Error) Error() string {
	s := "stanza error: "
	if e.Type != "" {
		s += string(e.Type) + " "
	}
	s += string(e.condition())
	if e.Text != "" {
		s += ": " + e.Text
	}
	return s
}

// Is reports whether e matches target: a Condition equal to e's, or a
// *Error with the same type and condition. It lets errors.Is test a wrapped
// stanza error for a condition.
func (e *Error) Is(target error) bool {
	switch t := target.(type) {
	case Condition:
		return e.condition() == t
	case *Error:
		return t != nil && e.Type == t.Type && e.condition() == t.condition()
	}
	return false
}

// Element encodes e as an <error/> element in NSClient, with the type and
// by attributes, the condition, the text and the application-specific
// condition as children. The result shares App with e.
func (e *Error) Element() *Element {
	c := e.condition()
	typ := e.Type
	if typ == "" {
		typ = c.DefaultType()
	}
	el := NewElement(NSClient, "error", A("type", string(typ)))
	if !e.By.IsZero() {
		el.SetAttr("by", e.By.String())
	}
	ce := NewElement(NSStanzas, string(c))
	if c == ErrGone || c == ErrRedirect {
		ce.AddText(e.Redirect)
	}
	el.AddChild(ce)
	if e.Text != "" || e.TextLang != "" {
		el.AddChild(textElement(NSStanzas, e.Text, e.TextLang))
	}
	if e.App != nil {
		el.AddChild(e.App)
	}
	return el
}

// textElement returns a {space}text element with the given content and
// xml:lang.
func textElement(space, text, lang string) *Element {
	t := NewElement(space, "text")
	if lang != "" {
		t.SetAttrNS(NSXML, "lang", lang)
	}
	return t.AddText(text)
}

// ParseError decodes an <error/> element in NSClient or NSServer, the child
// of a stanza of type error. It fails with a *DecodeError when the type is
// missing or not a defined one, the by address is not a valid JID, or there
// are two defined conditions or two application-specific conditions.
//
// Conditions in NSStanzas this package does not know are ignored, and an
// error without a defined condition gets ErrUndefinedCondition, keeping
// its application-specific condition in App. Of several <text/> elements
// the first is kept.
func ParseError(e *Element) (*Error, error) { return parseError("error", e) }

// parseError is ParseError reporting errors as kind.
func parseError(kind string, e *Element) (*Error, error) {
	if e.Name.Local != "error" || !isStanzaNS(e.Name.Space) {
		return nil, unexpected(kind, e)
	}
	se := &Error{}
	for i := range e.Attrs {
		a := &e.Attrs[i]
		switch a.Name {
		case Name{Local: "type"}:
			se.Type = ErrorType(a.Value)
			if !validErrorType(se.Type) {
				return nil, badStanza(kind, "unknown type %q", a.Value)
			}
		case Name{Local: "by"}:
			by, err := parseAddr(kind, "by", a.Value)
			if err != nil {
				return nil, err
			}
			se.By = by
		}
	}
	if se.Type == "" {
		return nil, badStanza(kind, "missing type")
	}
	hasText := false
	for c := range e.Children() {
		switch {
		case c.Name.Space != NSStanzas:
			if se.App != nil {
				return nil, badStanza(kind, "more than one application-specific condition")
			}
			se.App = c
		case c.Name.Local == "text":
			if !hasText {
				hasText = true
				se.Text, se.TextLang = c.Text(), c.Lang()
			}
		default:
			if err := se.setCondition(kind, Condition(c.Name.Local), c); err != nil {
				return nil, err
			}
		}
	}
	if se.Condition == "" {
		se.Condition = ErrUndefinedCondition
	}
	return se, nil
}

// setCondition records the condition element c named cond, ignoring
// unknown conditions.
func (e *Error) setCondition(kind string, cond Condition, c *Element) error {
	if _, ok := conditionType(cond); !ok {
		return nil
	}
	if e.Condition != "" {
		return badStanza(kind, "more than one condition: %s and %s", string(e.Condition), string(cond))
	}
	e.Condition = cond
	if cond == ErrGone || cond == ErrRedirect {
		e.Redirect = c.Text()
	}
	return nil
}
