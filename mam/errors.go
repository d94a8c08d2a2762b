package mam

import (
	"errors"
	"fmt"

	"github.com/xmppkit/xmpp/stanza"
)

// Namespaces of MAM. Each archived message is wrapped in an XEP-0297
// <forwarded/> (forward.NS) and dated by an XEP-0203 <delay/> (delay.NS).
const (
	// NS is the namespace of XEP-0313 Message Archive Management, version 2.
	NS = "urn:xmpp:mam:2"
	// NSExtended is the disco feature of an archive that supports the
	// 'ids', 'before-id' and 'after-id' query fields, flipped pages and
	// metadata (XEP-0313 section 4.1).
	NSExtended = "urn:xmpp:mam:2#extended"
)

var (
	// ErrMalformed is wrapped by the errors of ParseResult and ParseFin,
	// and by Fetch's error when the archive sends a result or an answer
	// that does not follow XEP-0313.
	ErrMalformed = errors.New("mam: malformed payload")
	// ErrOverflow is returned by Fetch when the archive sends more results
	// for one query than the page size it was asked for. Fetch keeps no
	// more than the page size in memory, so it cannot return a correct
	// page: the rest would silently be missing.
	ErrOverflow = errors.New("mam: archive sent more results than the page size")
	// ErrUnrequested is returned by Fetch for a query with IDs when the
	// archive sends a result with another id: an archive without
	// urn:xmpp:mam:2#extended may ignore the ids field and return
	// everything instead.
	ErrUnrequested = errors.New("mam: archive sent a result that was not asked for")
	// ErrInvalidQuery is returned by Fetch and All, before anything is
	// sent, for a Query they cannot express: a negative Max, or both
	// After and Before.
	ErrInvalidQuery = errors.New("mam: invalid query")
	// ErrNoProgress is yielded by All when the archive answers a page
	// request with the same page again, which would loop forever.
	ErrNoProgress = errors.New("mam: archive paging does not advance")
)

// malformed returns an error wrapping ErrMalformed.
func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// unexpected is the error for an element e that is not the one expected.
func unexpected(e *stanza.Element, space, local string) error {
	if e == nil {
		return malformed("no {%s}%s element", space, local)
	}
	return malformed("unexpected element {%s}%s, want {%s}%s", e.Name.Space, e.Name.Local, space, local)
}
