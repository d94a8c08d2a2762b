package mam

import (
	"fmt"
	"time"

	"github.com/xmppkit/xmpp/delay"
	"github.com/xmppkit/xmpp/forward"
	"github.com/xmppkit/xmpp/stanza"
)

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
	// delay), in UTC, or zero if the archive did not say.
	Stamp time.Time
}

// Element encodes r as a <result/> element in NS carrying the forwarded
// message and its delay (none when r.Stamp is zero; the stamp written to
// the millisecond, as delay.Delay.Element does), as an archive sends it
// inside a message. It shares payload elements with r.Message.
func (r Result) Element() *stanza.Element {
	e := stanza.NewElement(NS, "result")
	if r.QueryID != "" {
		e.SetAttr("queryid", r.QueryID)
	}
	e.SetAttr("id", r.ID)
	return e.AddChild(forward.Forwarded{Delay: delay.Delay{Stamp: r.Stamp}, Message: r.Message}.Element())
}

// ParseResult decodes a <result/> element in NS: it needs a non-empty id
// attribute (queryid is optional) and exactly one <forwarded/> in
// forward.NS, which forward.Parse must accept: exactly one <message/> in
// jabber:client (XEP-0297 keeps the original namespace) and at most one
// <delay/> that delay.Parse accepts (an XEP-0082 stamp). A forwarded
// presence or IQ, or a message in jabber:server, is an error; elements in
// other namespaces are ignored. The delay's from and reason are not kept.
// Errors wrap ErrMalformed, and forward.ErrMalformed when
// the <forwarded/> is at fault. ParseResult checks nothing about where
// the result came from: Querier.Fetch does.
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
		if c.Name.Space != forward.NS {
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
	f, err := forward.Parse(fwd)
	if err != nil {
		return Result{}, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	r.Message, r.Stamp = f.Message, f.Delay.Stamp
	return r, nil
}
