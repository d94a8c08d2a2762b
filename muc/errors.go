package muc

import (
	"errors"
	"fmt"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Why a join failed, as XEP-0045 §7.2 names the room's refusals. A
// *JoinError wraps one of them and the room's *stanza.Error, so that
// errors.Is works with either.
var (
	// ErrPasswordRequired: the room is password-protected and no
	// password, or a wrong one, was given (not-authorized).
	ErrPasswordRequired = errors.New("muc: the room needs a password, or another one")
	// ErrMembersOnly: the room admits members only (registration-required).
	ErrMembersOnly = errors.New("muc: the room admits members only")
	// ErrNickInUse: another occupant has the nick, or another user
	// registered it (conflict).
	ErrNickInUse = errors.New("muc: the nick is in use or reserved")
	// ErrBanned: the user is an outcast of the room (forbidden).
	ErrBanned = errors.New("muc: banned from the room")
	// ErrRoomFull: the room has as many occupants as it admits
	// (service-unavailable, as XEP-0045 §7.2.10 says; ejabberd answers
	// resource-constraint).
	ErrRoomFull = errors.New("muc: the room is full")
	// ErrRoomLocked: the room does not exist and cannot be created by
	// this join, or is locked until its owner configures it
	// (item-not-found).
	ErrRoomLocked = errors.New("muc: the room does not exist or is locked")
	// ErrCreateNotAllowed: the service does not let this user create
	// rooms (not-allowed).
	ErrCreateNotAllowed = errors.New("muc: room creation is not allowed")
	// ErrNickRequired: the room requires the user's registered nick
	// (not-acceptable).
	ErrNickRequired = errors.New("muc: the room requires the registered nick")
)

// Errors of the calls on rooms.
var (
	// ErrNotJoined is returned by calls on a Room that was left, or
	// from which the occupant was removed.
	ErrNotJoined = errors.New("muc: not in the room")
	// ErrAlreadyJoined is returned by Join for a room joined already, or
	// being joined, through the same Rooms.
	ErrAlreadyJoined = errors.New("muc: room joined already")
	// ErrInHandler is returned by the calls that wait for the room's
	// presence (Join, ChangeNick, Leave) when called from a handler of
	// the Client: the presence they wait for would be held back behind
	// that handler. Call them from another goroutine.
	ErrInHandler = errors.New("muc: called from a handler, whose stanzas it would wait for (use a goroutine)")
)

// JoinError is a room's refusal of a join or of a nick change: the
// room's stanza error and what it means.
type JoinError struct {
	Room jid.JID
	Nick string
	// Reason is one of the sentinel errors of this package (ErrNickInUse,
	// ...), or nil for a condition XEP-0045 gives no meaning.
	Reason error
	// Stanza is the room's error.
	Stanza *stanza.Error
}

// Error describes the refusal.
func (e *JoinError) Error() string {
	why := "refused"
	if e.Reason != nil {
		why = e.Reason.Error()
	}
	return fmt.Sprintf("muc: join %s as %q: %s (%v)", e.Room, e.Nick, why, e.Stanza)
}

// Unwrap returns the reason and the stanza error.
func (e *JoinError) Unwrap() []error {
	var errs []error
	if e.Reason != nil {
		errs = append(errs, e.Reason)
	}
	if e.Stanza != nil {
		errs = append(errs, e.Stanza)
	}
	return errs
}

// joinReason maps a room's error condition to its meaning for a join.
func joinReason(c stanza.Condition) error {
	switch c {
	case stanza.ErrNotAuthorized:
		return ErrPasswordRequired
	case stanza.ErrRegistrationRequired:
		return ErrMembersOnly
	case stanza.ErrConflict:
		return ErrNickInUse
	case stanza.ErrForbidden:
		return ErrBanned
	case stanza.ErrServiceUnavailable, stanza.ErrResourceConstraint:
		return ErrRoomFull
	case stanza.ErrItemNotFound:
		return ErrRoomLocked
	case stanza.ErrNotAllowed:
		return ErrCreateNotAllowed
	case stanza.ErrNotAcceptable:
		return ErrNickRequired
	}
	return nil
}
