package bookmarks

import "errors"

// Errors of this package. The errors its functions and methods return
// wrap them, and a server's refusal wraps its *stanza.Error too, so that
// callers test both with errors.Is and errors.As.
var (
	// ErrMalformed is wrapped by the errors of Parse and ParseStorage,
	// and by those of the calls that got an answer they cannot read.
	ErrMalformed = errors.New("bookmarks: malformed payload")
	// ErrNotFound is returned by Get, and by Remove, when the account
	// has no bookmark of the room.
	ErrNotFound = errors.New("bookmarks: no bookmark of the room")
	// ErrPreconditionNotMet is wrapped, beside the server's stanza
	// error, by the error of Set in XEP-0402 mode when the bookmarks
	// node is configured otherwise than XEP-0402 requires
	// (precondition-not-met) and reconfiguring it did not help.
	ErrPreconditionNotMet = errors.New("bookmarks: the bookmarks node is not configured as XEP-0402 requires")
	// ErrBadRoom is returned by Set, Get and Remove for a room address
	// that is not a bare JID.
	ErrBadRoom = errors.New("bookmarks: the room must be a bare JID")
)
