package mam

import (
	"fmt"
	"time"

	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/internal/datetime"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/rsm"
	"github.com/xmppkit/xmpp/stanza"
)

// DefaultMax is the page size of a Query whose Max is zero. Fetch always
// sends a page size, so that it knows how many results to expect; the
// archive may lower it (Prosody and ejabberd cap pages at their own
// limits).
const DefaultMax = 50

// Query selects messages from an archive and one page of them. The zero
// Query asks for the first DefaultMax messages of the whole archive.
type Query struct {
	// With keeps only the messages exchanged with this address (sent to
	// or received from it; a bare JID matches all its resources). In a
	// room's archive it keeps the messages of that occupant. Zero keeps
	// all.
	With jid.JID
	// Start and End keep only the messages archived at or after Start
	// and at or before End; zero leaves that side open. They are sent as
	// XEP-0082 DateTimes in UTC to the millisecond, like every timestamp
	// the module writes, so finer precision is truncated: a Start taken
	// from the microsecond stamp of a result (ejabberd's) also selects
	// what the archive received earlier in the same millisecond.
	Start, End time.Time
	// IDs keeps only the messages with these archive UIDs. It needs an
	// archive that advertises urn:xmpp:mam:2#extended (see
	// Querier.Features): others answer feature-not-implemented, and Fetch
	// fails with ErrUnrequested if one sends any other message.
	IDs []string
	// Max is the page size: at most Max results are returned. Zero means
	// DefaultMax; the archive may return fewer.
	Max int
	// After asks for the page that follows the result with this UID (the
	// Last of the previous page).
	After string
	// Before asks for the page that precedes the result with this UID
	// (the First of the next page). Setting both After and Before is an
	// error (ErrInvalidQuery).
	Before string
	// Reverse, with Before empty, asks for the last page of the matching
	// messages (the most recent ones) instead of the first: Fetch sends
	// an empty RSM <before/>. All pages backward when Reverse is set or
	// Before is given.
	Reverse bool
}

// validate reports a query Fetch cannot send.
func (q Query) validate() error {
	switch {
	case q.Max < 0:
		return fmt.Errorf("%w: negative Max %d", ErrInvalidQuery, q.Max)
	case q.After != "" && (q.Before != "" || q.Reverse):
		return fmt.Errorf("%w: both After and Before (or Reverse)", ErrInvalidQuery)
	}
	return nil
}

// pageSize is the page size Fetch asks for.
func (q Query) pageSize() int {
	if q.Max == 0 {
		return DefaultMax
	}
	return q.Max
}

// backward reports whether q pages from the end.
func (q Query) backward() bool { return q.Reverse || q.Before != "" }

// element encodes q as the <query/> payload of an IQ set, with the given
// queryid: the data form (if any field is set), then the RSM set.
func (q Query) element(queryID string) *stanza.Element {
	e := stanza.NewElement(NS, "query", stanza.A("queryid", queryID))
	e.AddChild(queryForm(q))
	set := rsm.Set{Max: new(q.pageSize()), After: q.After}
	if q.backward() {
		set.Before = new(q.Before)
	}
	return e.AddChild(set.Element())
}

// queryForm builds the XEP-0004 form of a query: a submitted form with
// the FORM_TYPE hidden field and one field per filter set, or nil when
// no filter is set. Fields are untyped, as in a submission.
func queryForm(q Query) *stanza.Element {
	f := form.New(form.TypeSubmit, NS)
	set := func(v string, values ...string) {
		f.Fields = append(f.Fields, form.Field{Var: v, Values: values})
	}
	if !q.With.IsZero() {
		set("with", q.With.String())
	}
	if !q.Start.IsZero() {
		set("start", datetime.FormatDateTime(q.Start))
	}
	if !q.End.IsZero() {
		set("end", datetime.FormatDateTime(q.End))
	}
	if len(q.IDs) > 0 {
		set("ids", q.IDs...)
	}
	if len(f.Fields) == 1 { // FORM_TYPE alone
		return nil
	}
	return f.Element()
}
