package mam

import (
	"fmt"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// stampLayout writes XEP-0082 DateTime values in UTC with as many
// fractional digits as needed.
const stampLayout = "2006-01-02T15:04:05.999999999Z07:00"

// Result is one archived message: the payload of a <result/> message.
type Result struct {
	// ID is the archive's UID of the message, which RSM paging and the
	// IDs of a Query use. It is opaque: no order can be read from it.
	ID string
	// QueryID is the queryid the result answers. Fetch checks it; in the
	// results Fetch returns it is the one Fetch sent.
	QueryID string
	// Message is the archived message as it was sent or received, with
	// its original addresses.
	Message *stanza.Message
	// Stamp is when the archive received the message (the XEP-0203
	// delay), or zero if the archive did not say.
	Stamp time.Time
}

// Element encodes r as a <result/> element in NS carrying the forwarded
// message and its delay (none when r.Stamp is zero), as an archive sends
// it inside a message. It shares payload elements with r.Message.
func (r Result) Element() *stanza.Element {
	e := stanza.NewElement(NS, "result")
	if r.QueryID != "" {
		e.SetAttr("queryid", r.QueryID)
	}
	e.SetAttr("id", r.ID)
	fwd := stanza.NewElement(NSForward, "forwarded")
	if !r.Stamp.IsZero() {
		fwd.AddChild(stanza.NewElement(NSDelay, "delay", stanza.A("stamp", r.Stamp.UTC().Format(stampLayout))))
	}
	if r.Message != nil {
		fwd.AddChild(r.Message.Element())
	}
	return e.AddChild(fwd)
}

// ParseResult decodes a <result/> element in NS: it needs a non-empty id
// attribute (queryid is optional) and exactly one <forwarded/> in
// NSForward, which must hold exactly one <message/> in jabber:client
// (XEP-0297 keeps the original namespace) and at most one <delay/> with a
// XEP-0082 stamp. A forwarded presence or IQ, or a message in
// jabber:server, is an error; elements in other namespaces are ignored.
// Errors wrap ErrMalformed. ParseResult checks nothing about where the
// result came from: Querier.Fetch does.
func ParseResult(e *stanza.Element) (Result, error) {
	if e == nil || e.Name != (stanza.Name{Space: NS, Local: "result"}) {
		return Result{}, unexpected(e, NS, "result")
	}
	r := Result{ID: e.Attr("id"), QueryID: e.Attr("queryid")}
	if r.ID == "" {
		return Result{}, malformed("result without an id")
	}
	var fwd *stanza.Element
	for c := range e.Children() {
		if c.Name.Space != NSForward {
			continue
		}
		if c.Name.Local != "forwarded" || fwd != nil {
			return Result{}, malformed("result must hold exactly one forwarded, not <%s/>", c.Name.Local)
		}
		fwd = c
	}
	if fwd == nil {
		return Result{}, malformed("result without a forwarded message")
	}
	var err error
	r.Message, r.Stamp, err = parseForwarded(fwd)
	if err != nil {
		return Result{}, err
	}
	return r, nil
}

// parseForwarded decodes a XEP-0297 <forwarded/> element as carbons do:
// one jabber:client message, at most one delay.
func parseForwarded(e *stanza.Element) (*stanza.Message, time.Time, error) {
	var m *stanza.Message
	var stamp time.Time
	seenDelay := false
	for c := range e.Children() {
		switch {
		case c.Name == stanza.Name{Space: NSDelay, Local: "delay"}:
			if seenDelay {
				return nil, time.Time{}, malformed("more than one delay")
			}
			seenDelay = true
			t, err := parseStamp(c)
			if err != nil {
				return nil, time.Time{}, err
			}
			stamp = t
		case c.Name.Space == stanza.NSClient && c.Name.Local == "message":
			if m != nil {
				return nil, time.Time{}, malformed("more than one forwarded message")
			}
			var err error
			if m, err = stanza.ParseMessage(c); err != nil {
				return nil, time.Time{}, fmt.Errorf("%w: %w", ErrMalformed, err)
			}
		case c.Name.Space == stanza.NSClient || c.Name.Space == stanza.NSServer:
			return nil, time.Time{}, malformed("forwarded {%s}%s is not a jabber:client message", c.Name.Space, c.Name.Local)
		}
	}
	if m == nil {
		return nil, time.Time{}, malformed("forwarded without a message")
	}
	return m, stamp, nil
}

// parseStamp decodes the stamp of a <delay/>: a XEP-0082 DateTime whose
// year, in UTC, has four digits. Its from attribute, if any, must be a
// JID; the reason text is ignored.
func parseStamp(e *stanza.Element) (time.Time, error) {
	raw, ok := e.LookupAttr("", "stamp")
	if !ok {
		return time.Time{}, malformed("delay without a stamp")
	}
	t, err := time.Parse(time.RFC3339Nano, raw)
	if err != nil {
		return time.Time{}, malformed("delay stamp %q: %v", raw, err)
	}
	if y := t.UTC().Year(); y < 0 || y > 9999 {
		return time.Time{}, malformed("delay stamp %q out of range", raw)
	}
	if f, ok := e.LookupAttr("", "from"); ok {
		if _, err := jid.Parse(f); err != nil {
			return time.Time{}, fmt.Errorf("%w: delay from: %w", ErrMalformed, err)
		}
	}
	return t, nil
}
