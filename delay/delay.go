package delay

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/xmppkit/xmpp/internal/datetime"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// NS is the namespace of XEP-0203 Delayed Delivery.
const NS = "urn:xmpp:delay"

// ErrMalformed is wrapped by the errors of Parse.
var ErrMalformed = errors.New("delay: malformed delay")

// Delay is a XEP-0203 <delay/> element: when a stanza was originally
// sent, and by whom it was delayed. The zero Delay means there is none.
type Delay struct {
	// Stamp is when the stanza was originally sent. Parse returns it in
	// UTC with up to nanosecond precision; Element writes it in UTC, as
	// XEP-0203 requires, to the millisecond.
	Stamp time.Time
	// From is the entity that sent or delayed the stanza (a server, a
	// chat room), or zero if the delay does not say.
	From jid.JID
	// Reason is the natural-language reason for the delay, or "".
	Reason string
}

// IsZero reports whether d is the zero Delay, that is no <delay/>.
func (d Delay) IsZero() bool { return d.Stamp.IsZero() && d.From.IsZero() && d.Reason == "" }

// Element encodes d as a <delay/> element in NS, its stamp an XEP-0082
// DateTime in UTC with exactly three fractional digits (milliseconds,
// finer precision truncated: some peers fail on more than six digits;
// see internal/datetime). The zero Delay encodes as nil.
func (d Delay) Element() *stanza.Element {
	if d.IsZero() {
		return nil
	}
	e := stanza.NewElement(NS, "delay", stanza.A("stamp", datetime.FormatDateTime(d.Stamp)))
	if !d.From.IsZero() {
		e.SetAttr("from", d.From.String())
	}
	if d.Reason != "" {
		e.AddText(d.Reason)
	}
	return e
}

// Parse decodes a <delay/> element in NS; it is the module's only parser
// of the element (carbons, mam and forward use it). The stamp attribute
// is required and must be an XEP-0082 DateTime (CCYY-MM-DDThh:mm:ss[.s+]
// followed by Z or a ±hh:mm offset of at most 14 hours; fractions of any
// length, nanoseconds kept) whose year, once converted to UTC, is between
// 0000 and 9999; Stamp holds it in UTC.
// The from attribute, if present, must be a JID. The text content, with
// surrounding white space trimmed, is the Reason; a child element is an
// error. Errors wrap ErrMalformed.
func Parse(e *stanza.Element) (Delay, error) {
	if e == nil || e.Name != (stanza.Name{Space: NS, Local: "delay"}) {
		return Delay{}, fmt.Errorf("%w: not a delay element", ErrMalformed)
	}
	raw, ok := e.LookupAttr("", "stamp")
	if !ok {
		return Delay{}, fmt.Errorf("%w: no stamp", ErrMalformed)
	}
	t, err := datetime.ParseDateTime(raw)
	if err != nil {
		return Delay{}, fmt.Errorf("%w: stamp: %w", ErrMalformed, err)
	}
	d := Delay{Stamp: t}
	if f, ok := e.LookupAttr("", "from"); ok {
		if d.From, err = jid.Parse(f); err != nil {
			return Delay{}, fmt.Errorf("%w: from: %w", ErrMalformed, err)
		}
	}
	if e.NumChildren() != 0 {
		return Delay{}, fmt.Errorf("%w: child elements", ErrMalformed)
	}
	d.Reason = strings.TrimSpace(e.Text())
	return d, nil
}

// Get returns the delay of s, a *stanza.Message or a *stanza.Presence,
// and false if it carries no well-formed one or is of another kind.
// Malformed <delay/> elements are skipped. XEP-0203 allows one delay per
// stanza; if there are more, Get returns the last, since the entity that
// delays a stanza appends its delay to what the stanza already carried
// (a forgery by the sender comes first). Read the package documentation
// on trust before relying on the result.
func Get(s stanza.Stanza) (Delay, bool) {
	var payloads []*stanza.Element
	switch s := s.(type) {
	case *stanza.Message:
		payloads = s.Payloads
	case *stanza.Presence:
		payloads = s.Payloads
	}
	for i := len(payloads) - 1; i >= 0; i-- {
		p := payloads[i]
		if p.Name != (stanza.Name{Space: NS, Local: "delay"}) {
			continue
		}
		if d, err := Parse(p); err == nil {
			return d, true
		}
	}
	return Delay{}, false
}
