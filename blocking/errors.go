package blocking

import (
	"errors"

	"github.com/xmppkit/xmpp/stanza"
)

// IsBlocked reports whether err is, or wraps, a *stanza.Error carrying the
// <blocked xmlns='urn:xmpp:blocking:errors'/> application condition: the
// answer of a server to a stanza the user sent to an address the user has
// blocked (XEP-0191 section 3.3). For a message, test the Error field of
// the returned message of type error.
func IsBlocked(err error) bool {
	var se *stanza.Error
	if !errors.As(err, &se) || se == nil || se.App == nil {
		return false
	}
	return se.App.Name == stanza.Name{Space: NSErrors, Local: "blocked"}
}

// BlockedError returns the error a server sends back for a stanza that the
// user addressed to a blocked JID: not-acceptable with the <blocked/>
// application condition, as XEP-0191 prescribes. It is for scripting a
// server in tests; IsBlocked recognises it.
func BlockedError() *stanza.Error {
	e := stanza.NewError(stanza.ErrNotAcceptable, "")
	e.Type = stanza.ErrorCancel
	e.App = stanza.NewElement(NSErrors, "blocked")
	return e
}
