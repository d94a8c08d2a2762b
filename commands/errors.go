package commands

import (
	"errors"

	"github.com/xmppkit/xmpp/stanza"
)

// SpecificCondition is one of the application-specific error conditions of
// XEP-0050 section 4.4: the element of namespace NS that a stanza error
// carries beside its general condition.
type SpecificCondition string

// The specific conditions of XEP-0050, with the general condition each
// goes with.
const (
	MalformedAction SpecificCondition = "malformed-action" // bad-request: unknown action
	BadAction       SpecificCondition = "bad-action"       // bad-request: action not allowed now
	BadLocale       SpecificCondition = "bad-locale"       // bad-request: language not served
	BadPayload      SpecificCondition = "bad-payload"      // bad-request: the data did not do
	BadSessionID    SpecificCondition = "bad-sessionid"    // bad-request: unknown session
	SessionExpired  SpecificCondition = "session-expired"  // not-allowed: session timed out or ended
)

// NewError returns the stanza error XEP-0050 pairs with the specific
// condition sc (not-allowed for SessionExpired, bad-request for the
// others), with the descriptive text text (may be empty). A HandlerFunc
// returns NewError(BadPayload, "...") for a submission it refuses.
func NewError(sc SpecificCondition, text string) *stanza.Error {
	cond := stanza.ErrBadRequest
	if sc == SessionExpired {
		cond = stanza.ErrNotAllowed
	}
	e := stanza.NewError(cond, text)
	e.App = stanza.NewElement(NS, string(sc))
	return e
}

// ConditionOf returns the specific condition of XEP-0050 that err (a
// *stanza.Error, possibly wrapped) carries, or "" when it has none.
func ConditionOf(err error) SpecificCondition {
	var se *stanza.Error
	if !errors.As(err, &se) || se.App == nil || se.App.Name.Space != NS {
		return ""
	}
	return SpecificCondition(se.App.Name.Local)
}
