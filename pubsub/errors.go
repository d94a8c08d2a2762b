package pubsub

import (
	"errors"

	"github.com/xmppkit/xmpp/stanza"
)

var (
	// ErrMalformed is wrapped by the errors of payloads that do not
	// decode: an event, an item, a subscription, an answer.
	ErrMalformed = errors.New("pubsub: malformed payload")
	// ErrInvalidNode is returned for a request that names no node where
	// one is needed.
	ErrInvalidNode = errors.New("pubsub: no node given")
)

// Condition is a pubsub-specific error condition (XEP-0060 §6–§8): the
// element in NSErrors that a service puts beside the stanza error's
// defined condition, such as <precondition-not-met/> beside <conflict/>.
// A Condition matches, with errors.Is, any *stanza.Error that carries it.
type Condition string

// The conditions of XEP-0060 that callers most often act on; Is matches
// any other Condition value too.
const (
	CondPreconditionNotMet        Condition = "precondition-not-met"
	CondPresenceSubscriptionReqd  Condition = "presence-subscription-required"
	CondNotInRosterGroup          Condition = "not-in-roster-group"
	CondClosedNode                Condition = "closed-node"
	CondPendingSubscription       Condition = "pending-subscription"
	CondNotSubscribed             Condition = "not-subscribed"
	CondInvalidJID                Condition = "invalid-jid"
	CondSubIDRequired             Condition = "subid-required"
	CondInvalidSubID              Condition = "invalid-subid"
	CondItemRequired              Condition = "item-required"
	CondItemForbidden             Condition = "item-forbidden"
	CondInvalidPayload            Condition = "invalid-payload"
	CondPayloadTooBig             Condition = "payload-too-big"
	CondNodeIDRequired            Condition = "nodeid-required"
	CondMaxItemsExceeded          Condition = "max-items-exceeded"
	CondMaxNodesExceeded          Condition = "max-nodes-exceeded"
	CondConfigurationRequired     Condition = "configuration-required"
	CondUnsupported               Condition = "unsupported"
	CondUnsupportedAccessModel    Condition = "unsupported-access-model"
	CondInvalidOptions            Condition = "invalid-options"
	CondTooManySubscriptions      Condition = "too-many-subscriptions"
	CondJIDRequired               Condition = "jid-required"
	CondSubscriptionOptionsNeeded Condition = "subscription-options-required"
)

// Error returns the condition's name.
func (c Condition) Error() string { return "pubsub: " + string(c) }

// ErrorCondition returns the pubsub-specific condition of err, a
// *stanza.Error (or an error wrapping one), and for <unsupported/> the
// feature it names; "" when there is none.
func ErrorCondition(err error) (cond Condition, feature string) {
	var se *stanza.Error
	if !errors.As(err, &se) || se.App == nil || se.App.Name.Space != NSErrors {
		return "", ""
	}
	return Condition(se.App.Name.Local), se.App.Attr("feature")
}

// conditionError wraps a *stanza.Error so that errors.Is matches its
// pubsub condition as well as its defined one.
type conditionError struct{ se *stanza.Error }

func (e conditionError) Error() string { return e.se.Error() }

func (e conditionError) Unwrap() error { return e.se }

func (e conditionError) Is(target error) bool {
	c, ok := target.(Condition)
	return ok && Condition(e.se.App.Name.Local) == c
}

// wrapErr makes a service's *stanza.Error match its pubsub condition
// with errors.Is, keeping errors.As to *stanza.Error working.
func wrapErr(err error) error {
	var se *stanza.Error
	if errors.As(err, &se) && se.App != nil && se.App.Name.Space == NSErrors {
		return conditionError{se}
	}
	return err
}
