package stanza

import (
	"errors"
	"strconv"
	"strings"

	"github.com/xmppkit/xmpp/jid"
)

// PresenceType is the type attribute of a presence stanza (RFC 6121
// section 4.7.1). ParsePresence rejects values not listed here.
type PresenceType string

// Presence types.
const (
	// PresenceAvailable (no type attribute) says the sender is online.
	PresenceAvailable PresenceType = ""
	// PresenceUnavailable says the sender is no longer available.
	PresenceUnavailable PresenceType = "unavailable"
	// PresenceSubscribe asks to subscribe to the recipient's presence.
	PresenceSubscribe PresenceType = "subscribe"
	// PresenceSubscribed approves the recipient's subscription request.
	PresenceSubscribed PresenceType = "subscribed"
	// PresenceUnsubscribe ends the sender's subscription to the
	// recipient's presence.
	PresenceUnsubscribe PresenceType = "unsubscribe"
	// PresenceUnsubscribed denies or cancels the recipient's subscription.
	PresenceUnsubscribed PresenceType = "unsubscribed"
	// PresenceProbe asks (a server, normally) for the recipient's current
	// presence.
	PresenceProbe PresenceType = "probe"
	// PresenceError reports an error about a presence sent earlier.
	PresenceError PresenceType = "error"
)

// validPresenceType reports whether t is a defined presence type.
func validPresenceType(t PresenceType) bool {
	switch t {
	case PresenceAvailable, PresenceUnavailable, PresenceSubscribe, PresenceSubscribed,
		PresenceUnsubscribe, PresenceUnsubscribed, PresenceProbe, PresenceError:
		return true
	}
	return false
}

// Show is the <show/> element of an available presence (RFC 6121 section
// 4.7.2.1): a refinement of "online". The zero value, no <show/>, means
// plainly online.
type Show string

// Availability states.
const (
	// ShowAway means temporarily away.
	ShowAway Show = "away"
	// ShowChat means free to chat.
	ShowChat Show = "chat"
	// ShowDND means busy: do not disturb.
	ShowDND Show = "dnd"
	// ShowXA means away for an extended period.
	ShowXA Show = "xa"
)

// Presence is a presence stanza (RFC 6121 sections 3 and 4): availability
// broadcast, subscription management, or a probe.
//
// ParsePresence returns a Presence whose strings and payload elements are
// shared with the decoded element.
type Presence struct {
	Header
	// Type is the presence type; the zero value means available.
	Type PresenceType
	// Show refines availability; "" means plainly online.
	Show Show
	// Statuses holds the <status/> children, human-readable descriptions
	// of availability, at most one per language.
	Statuses []Text
	// Priority is the priority of the sending resource, -128 to 127; 0 is
	// the default and is not encoded.
	Priority int8
	// Payloads holds every other child element, in document order, such
	// as entity capabilities or a chat room join request.
	Payloads []*Element
	// Error is the error of a presence of type error, and nil otherwise.
	Error *Error
}

// NewPresence returns a presence of type typ to the address to (zero for a
// broadcast) with a fresh id from NewID.
func NewPresence(typ PresenceType, to jid.JID) *Presence {
	return &Presence{Header: Header{To: to, ID: NewID()}, Type: typ}
}

// Status returns the status in the presence's language (Header.Lang), else
// the first status, else "".
func (p *Presence) Status() string { return defaultText(p.Statuses, p.Lang) }

// StatusLang returns the status in the language lang and whether there is
// one. A status without xml:lang is in the presence's language.
func (p *Presence) StatusLang(lang string) (string, bool) {
	return lookupText(p.Statuses, p.Lang, lang)
}

// ErrorReply returns the error reply to p (see the function ErrorReply):
// addresses swapped, same id, type error, err as its error, no payload.
func (p *Presence) ErrorReply(err *Error) *Presence {
	return &Presence{Header: p.reply(), Type: PresenceError, Error: err}
}

// Element encodes p as a presence element in NSClient: show, statuses,
// priority (when not 0), payloads, then the error. The result shares
// payload elements with p.
func (p *Presence) Element() *Element {
	e := p.element("presence", string(p.Type))
	e.Nodes = make([]Node, 0, len(p.Statuses)+len(p.Payloads)+3)
	if p.Show != "" {
		e.AddChild(NewElement(NSClient, "show").AddText(string(p.Show)))
	}
	addTexts(e, "status", p.Statuses)
	if p.Priority != 0 {
		e.AddChild(NewElement(NSClient, "priority").AddText(strconv.Itoa(int(p.Priority))))
	}
	for _, c := range p.Payloads {
		e.AddChild(c)
	}
	if p.Error != nil {
		e.AddChild(p.Error.Element())
	}
	return e
}

// ParsePresence decodes a presence stanza in NSClient or NSServer. It
// fails with a *DecodeError when an address is not a valid JID, the type or
// the <show/> value is not a defined one, the priority is not an integer
// from -128 to 127, there is more than one <show/>, <priority/> or
// <error/>, two statuses in one language, an <error/> in a presence not of
// type error or none in one of type error, or a bad error (see ParseError).
// Whitespace around the show and priority values is ignored, and an empty
// type attribute or <show/> element is read as absent.
func ParsePresence(e *Element) (*Presence, error) {
	const kind = "presence"
	if err := checkName(e, kind); err != nil {
		return nil, err
	}
	p := &Presence{}
	typ, err := p.Header.decode(kind, e)
	if err != nil {
		return nil, err
	}
	p.Type = PresenceType(typ)
	if !validPresenceType(p.Type) {
		return nil, badStanza(kind, "unknown type %q", typ)
	}

	ns := e.Name.Space
	var nStatuses, nPayloads int
	for i := range e.Nodes {
		c := e.Nodes[i].Elem
		if c == nil {
			continue
		}
		if err := checkChildNS(kind, ns, c, presenceChild); err != nil {
			return nil, err
		}
		switch presenceChild(ns, c) {
		case "status":
			nStatuses++
		case "":
			nPayloads++
		}
	}
	if nStatuses > 0 {
		p.Statuses = make([]Text, 0, nStatuses)
	}
	if nPayloads > 0 {
		p.Payloads = make([]*Element, 0, nPayloads)
	}
	if err := p.decodeChildren(e); err != nil {
		return nil, err
	}
	if err := checkLangs(kind, "status", p.Statuses, p.Lang); err != nil {
		return nil, err
	}
	return p, nil
}

// presenceChild returns the local name of c if it is a child element with
// a meaning defined for presence, and "" for a payload.
func presenceChild(ns string, c *Element) string {
	if c.Name.Space == ns {
		switch c.Name.Local {
		case "show", "status", "priority", "error":
			return c.Name.Local
		}
	}
	return ""
}

// decodeChildren fills p from the child elements of e, into slices with
// enough capacity.
func (p *Presence) decodeChildren(e *Element) error {
	const kind = "presence"
	isError := p.Type == PresenceError
	hasShow, hasPriority := false, false
	for i := range e.Nodes {
		c := e.Nodes[i].Elem
		if c == nil {
			continue
		}
		var err error
		switch presenceChild(e.Name.Space, c) {
		case "show":
			if hasShow {
				return badStanza(kind, "more than one show")
			}
			hasShow = true
			p.Show, err = parseShow(c.Text())
		case "status":
			p.Statuses = append(p.Statuses, textOf(c))
		case "priority":
			if hasPriority {
				return badStanza(kind, "more than one priority")
			}
			hasPriority = true
			p.Priority, err = parsePriority(c.Text())
		case "error":
			p.Error, err = decodeErrorChild(kind, isError, p.Error, c)
		default:
			p.Payloads = append(p.Payloads, c)
		}
		if err != nil {
			return err
		}
	}
	return requireErrorChild(kind, isError, p.Error)
}

// parseShow parses the text of a <show/> element. An empty one is taken as
// absent.
func parseShow(s string) (Show, error) {
	switch v := Show(strings.TrimSpace(s)); v {
	case "", ShowAway, ShowChat, ShowDND, ShowXA:
		return v, nil
	}
	return "", badStanza("presence", "unknown show %q", s)
}

// parsePriority parses the text of a <priority/> element, an xs:byte.
func parsePriority(s string) (int8, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 8)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) {
			err = ne.Err
		}
		return 0, &DecodeError{
			Kind:      "presence",
			Reason:    "bad priority " + strconv.Quote(s),
			Condition: ErrBadRequest,
			Err:       err,
		}
	}
	return int8(n), nil
}
