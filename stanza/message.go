package stanza

import (
	"github.com/xmppkit/xmpp/jid"
)

// MessageType is the type attribute of a message stanza (RFC 6121 section
// 5.2.2).
type MessageType string

// Message types. A message without a type attribute, or with a type this
// package does not know, is of type MessageNormal: RFC 6121 section 5.2.2
// says a receiver MUST treat it so, hence ParseMessage never fails on the
// type and never leaves Type empty.
const (
	// MessageNormal is a standalone message, outside a conversation; it
	// is the default type.
	MessageNormal MessageType = "normal"
	// MessageChat is a message in a one-to-one conversation.
	MessageChat MessageType = "chat"
	// MessageGroupchat is a message in a multi-user chat room.
	MessageGroupchat MessageType = "groupchat"
	// MessageHeadline is an alert or notification that expects no reply.
	MessageHeadline MessageType = "headline"
	// MessageError reports an error about a message sent earlier; the
	// message's Error field says which.
	MessageError MessageType = "error"
)

// parseMessageType maps a type attribute to a MessageType.
func parseMessageType(s string) MessageType {
	switch t := MessageType(s); t {
	case MessageChat, MessageGroupchat, MessageHeadline, MessageError:
		return t
	}
	return MessageNormal
}

// Thread is the <thread/> element of a message (RFC 6121 section 5.2.5),
// which ties messages to a conversation thread.
type Thread struct {
	// ID identifies the thread; the zero Thread means no <thread/>.
	ID string
	// Parent is the ID of the thread this one was spawned from, or "".
	Parent string
}

// Message is a message stanza (RFC 6121 section 5): a push of content that
// expects no reply.
//
// ParseMessage returns a Message whose strings and payload elements are
// shared with the decoded element.
type Message struct {
	Header
	// Type is the message type; see MessageType. The zero value encodes
	// like MessageNormal.
	Type MessageType
	// Subjects holds the <subject/> children, at most one per language.
	// An empty subject is kept: in a chat room it clears the subject.
	Subjects []Text
	// Bodies holds the <body/> children, at most one per language.
	Bodies []Text
	// Thread is the <thread/> child, if any.
	Thread Thread
	// Payloads holds every other child element, in document order:
	// extension payloads such as chat states or receipts.
	Payloads []*Element
	// Error is the error of a message of type error, and nil otherwise.
	Error *Error
}

// NewMessage returns a message of type typ to the address to, with body
// as its only body (none if body is empty) and a fresh id from NewID.
func NewMessage(typ MessageType, to jid.JID, body string) *Message {
	m := &Message{Header: Header{To: to, ID: NewID()}, Type: typ}
	if body != "" {
		m.Bodies = []Text{{Value: body}}
	}
	return m
}

// Body returns the body in the message's language (Header.Lang), that is a
// body with that xml:lang or with none, else the first body, else "".
func (m *Message) Body() string { return defaultText(m.Bodies, m.Lang) }

// BodyLang returns the body in the language lang and whether there is one.
// A body without xml:lang is in the message's language. Language tags are
// compared without regard to case.
func (m *Message) BodyLang(lang string) (string, bool) {
	return lookupText(m.Bodies, m.Lang, lang)
}

// Subject returns the subject in the message's language, else the first
// subject, else "".
func (m *Message) Subject() string { return defaultText(m.Subjects, m.Lang) }

// SubjectLang returns the subject in the language lang and whether there
// is one, as BodyLang does for bodies.
func (m *Message) SubjectLang(lang string) (string, bool) {
	return lookupText(m.Subjects, m.Lang, lang)
}

// ErrorReply returns the error reply to m (see the function ErrorReply):
// addresses swapped, same id, type error, err as its error, no payload.
func (m *Message) ErrorReply(err *Error) *Message {
	return &Message{Header: m.reply(), Type: MessageError, Error: err}
}

// Element encodes m as a message element in NSClient: subjects, bodies,
// thread, payloads, then the error. The type attribute is left out for
// MessageNormal, its default. The result shares payload elements with m.
func (m *Message) Element() *Element {
	typ := m.Type
	if typ == MessageNormal {
		typ = ""
	}
	e := m.element("message", string(typ))
	e.Nodes = make([]Node, 0, len(m.Subjects)+len(m.Bodies)+len(m.Payloads)+2)
	addTexts(e, "subject", m.Subjects)
	addTexts(e, "body", m.Bodies)
	if m.Thread != (Thread{}) {
		t := NewElement(NSClient, "thread")
		if m.Thread.Parent != "" {
			t.SetAttr("parent", m.Thread.Parent)
		}
		e.AddChild(t.AddText(m.Thread.ID))
	}
	for _, p := range m.Payloads {
		e.AddChild(p)
	}
	if m.Error != nil {
		e.AddChild(m.Error.Element())
	}
	return e
}

// ParseMessage decodes a message stanza in NSClient or NSServer. It fails
// with a *DecodeError when an address is not a valid JID, when there are
// two bodies or two subjects in one language, more than one <thread/> or
// <error/>, an <error/> in a message not of type error or none in one of
// type error, or a bad error (see ParseError).
//
// For a message with one body and one payload it makes three allocations.
func ParseMessage(e *Element) (*Message, error) {
	const kind = "message"
	if err := checkName(e, kind); err != nil {
		return nil, err
	}
	m := &Message{}
	typ, err := m.Header.decode(kind, e)
	if err != nil {
		return nil, err
	}
	m.Type = parseMessageType(typ)

	// Count first, so that each slice is allocated once at its size.
	ns := e.Name.Space
	var nSubjects, nBodies, nPayloads int
	for i := range e.Nodes {
		c := e.Nodes[i].Elem
		if c == nil {
			continue
		}
		if err := checkChildNS(kind, ns, c, messageChild); err != nil {
			return nil, err
		}
		switch messageChild(ns, c) {
		case "subject":
			nSubjects++
		case "body":
			nBodies++
		case "":
			nPayloads++
		}
	}
	if nSubjects > 0 {
		m.Subjects = make([]Text, 0, nSubjects)
	}
	if nBodies > 0 {
		m.Bodies = make([]Text, 0, nBodies)
	}
	if nPayloads > 0 {
		m.Payloads = make([]*Element, 0, nPayloads)
	}
	if err := m.decodeChildren(e); err != nil {
		return nil, err
	}
	if err := checkLangs(kind, "subject", m.Subjects, m.Lang); err != nil {
		return nil, err
	}
	if err := checkLangs(kind, "body", m.Bodies, m.Lang); err != nil {
		return nil, err
	}
	return m, nil
}

// messageChild returns the local name of c if it is a child element with
// a meaning defined for messages, and "" for a payload.
func messageChild(ns string, c *Element) string {
	if c.Name.Space == ns {
		switch c.Name.Local {
		case "subject", "body", "thread", "error":
			return c.Name.Local
		}
	}
	return ""
}

// decodeChildren fills m from the child elements of e, into slices with
// enough capacity.
func (m *Message) decodeChildren(e *Element) error {
	const kind = "message"
	isError := m.Type == MessageError
	hasThread := false
	for i := range e.Nodes {
		c := e.Nodes[i].Elem
		if c == nil {
			continue
		}
		switch messageChild(e.Name.Space, c) {
		case "subject":
			m.Subjects = append(m.Subjects, textOf(c))
		case "body":
			m.Bodies = append(m.Bodies, textOf(c))
		case "thread":
			if hasThread {
				return badStanza(kind, "more than one thread")
			}
			hasThread = true
			m.Thread = Thread{ID: c.Text(), Parent: c.Attr("parent")}
		case "error":
			se, err := decodeErrorChild(kind, isError, m.Error, c)
			if err != nil {
				return err
			}
			m.Error = se
		default:
			m.Payloads = append(m.Payloads, c)
		}
	}
	return requireErrorChild(kind, isError, m.Error)
}
