package entitytime

import (
	"errors"
	"fmt"
	"time"

	"github.com/xmppkit/xmpp/internal/datetime"
	"github.com/xmppkit/xmpp/stanza"
)

// NS is the namespace of XEP-0202 Entity Time.
const NS = "urn:xmpp:time"

// ErrMalformed is the error, wrapped with details, of a payload that is
// not a valid urn:xmpp:time result.
var ErrMalformed = errors.New("entitytime: malformed time")

// Element encodes t as the <time/> payload of a result: <tzo/> from t's
// zone offset at t, as ±hh:mm, and <utc/> as an XEP-0082 DateTime in UTC
// with exactly three fractional digits (milliseconds, finer precision
// truncated), as the module writes every timestamp (see
// internal/datetime). An offset that is not whole minutes is truncated to
// minutes; one beyond ±14:00, which no real time zone has, is sent as
// +00:00.
func Element(t time.Time) *stanza.Element {
	_, off := t.Zone()
	off -= off % 60
	if off > datetime.MaxOffset || off < -datetime.MaxOffset {
		off = 0
	}
	e := stanza.NewElement(NS, "time")
	e.AddChild(stanza.NewElement(NS, "tzo").AddText(datetime.FormatTZD(off)))
	e.AddChild(stanza.NewElement(NS, "utc").AddText(datetime.FormatDateTime(t)))
	return e
}

// Parse decodes the <time/> payload of an Entity Time result into the
// instant of <utc/> in a time.FixedZone of the offset of <tzo/>; the
// zone's name is the offset as "+hh:mm" (or "UTC" for a zero offset).
//
// It fails with an error wrapping ErrMalformed when e is not a
// {urn:xmpp:time}time, when <tzo/> or <utc/> is missing, repeated or has
// element content, when tzo is not "Z" or ±hh:mm within ±14:00, or when
// utc is not an XEP-0082 DateTime (CCYY-MM-DDThh:mm:ss[.sss]TZD, four-digit
// year, a real calendar date) expressed in UTC: "Z", "+00:00" or "-00:00".
// Fractional seconds may have any number of digits; those beyond
// nanoseconds are dropped. No white space is allowed around the values.
// Other children in urn:xmpp:time are errors; children in other
// namespaces are ignored, as extensions.
func Parse(e *stanza.Element) (time.Time, error) {
	if e == nil {
		return time.Time{}, fmt.Errorf("%w: no payload", ErrMalformed)
	}
	if e.Name.Space != NS || e.Name.Local != "time" {
		return time.Time{}, fmt.Errorf("%w: element {%s}%s is not {%s}time", ErrMalformed, e.Name.Space, e.Name.Local, NS)
	}
	var tzo, utc *stanza.Element
	for c := range e.Children() {
		if c.Name.Space != NS {
			continue
		}
		var dst **stanza.Element
		switch c.Name.Local {
		case "tzo":
			dst = &tzo
		case "utc":
			dst = &utc
		default:
			return time.Time{}, fmt.Errorf("%w: unknown element <%s/>", ErrMalformed, c.Name.Local)
		}
		if *dst != nil {
			return time.Time{}, fmt.Errorf("%w: more than one <%s/>", ErrMalformed, c.Name.Local)
		}
		if c.NumChildren() != 0 {
			return time.Time{}, fmt.Errorf("%w: <%s/> has child elements", ErrMalformed, c.Name.Local)
		}
		*dst = c
	}
	if tzo == nil {
		return time.Time{}, fmt.Errorf("%w: missing <tzo/>", ErrMalformed)
	}
	if utc == nil {
		return time.Time{}, fmt.Errorf("%w: missing <utc/>", ErrMalformed)
	}
	off, err := datetime.ParseTZD(tzo.Text())
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: tzo: %w", ErrMalformed, err)
	}
	t, err := parseUTC(utc.Text())
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: utc: %w", ErrMalformed, err)
	}
	name := "UTC"
	if off != 0 {
		name = datetime.FormatTZD(off)
	}
	return t.In(time.FixedZone(name, off)), nil
}
