package chatstates

import (
	"errors"
	"fmt"
	"strings"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// NS is the namespace of XEP-0085 Chat State Notifications.
const NS = "http://jabber.org/protocol/chatstates"

// ErrMalformed is wrapped by the errors of Parse.
var ErrMalformed = errors.New("chatstates: malformed chat state")

// State is a chat state: the local name of its element in NS.
type State string

// The chat states of XEP-0085 section 2.
const (
	// Active: the user is actively participating in the chat.
	Active State = "active"
	// Composing: the user is composing a message.
	Composing State = "composing"
	// Paused: the user had been composing but now has stopped.
	Paused State = "paused"
	// Inactive: the user has not been actively participating for a
	// while.
	Inactive State = "inactive"
	// Gone: the user has effectively ended the chat (closed the window).
	Gone State = "gone"
)

// Valid reports whether s is one of the five states.
func (s State) Valid() bool {
	switch s {
	case Active, Composing, Paused, Inactive, Gone:
		return true
	}
	return false
}

// Element encodes s as an empty element in NS, or returns nil if s is not
// Valid.
func (s State) Element() *stanza.Element {
	if !s.Valid() {
		return nil
	}
	return stanza.NewElement(NS, string(s))
}

// Parse decodes a chat state element: one of the five states in NS,
// empty (no child elements, no text but white space). Errors wrap
// ErrMalformed.
func Parse(e *stanza.Element) (State, error) {
	if e == nil || e.Name.Space != NS || !State(e.Name.Local).Valid() {
		return "", fmt.Errorf("%w: not a chat state element", ErrMalformed)
	}
	if e.NumChildren() != 0 || strings.TrimSpace(e.Text()) != "" {
		return "", fmt.Errorf("%w: %s with content", ErrMalformed, e.Name.Local)
	}
	return State(e.Name.Local), nil
}

// Get returns the chat state that m carries, and false if it carries
// none, more than one (XEP-0085 allows one), a malformed one, or if m is
// of type error. It also returns false for <gone/> on a groupchat
// message, which XEP-0085 section 5.5 says to ignore.
func Get(m *stanza.Message) (State, bool) {
	if m.Type == stanza.MessageError {
		return "", false
	}
	var found State
	for _, p := range m.Payloads {
		if p.Name.Space != NS {
			continue
		}
		s, err := Parse(p)
		if err != nil || found != "" {
			return "", false
		}
		found = s
	}
	if found == Gone && m.Type == stanza.MessageGroupchat {
		return "", false
	}
	return found, found != ""
}

// Set puts the state s on m, replacing any chat state element m had; an
// s that is not Valid removes them. Set leaves a message of type error
// alone: chat states do not belong there.
func Set(m *stanza.Message, s State) {
	if m.Type == stanza.MessageError {
		return
	}
	kept := m.Payloads[:0]
	for _, p := range m.Payloads {
		if p.Name.Space != NS {
			kept = append(kept, p)
		}
	}
	clear(m.Payloads[len(kept):])
	m.Payloads = kept
	if e := s.Element(); e != nil {
		m.Payloads = append(m.Payloads, e)
	}
}

// Notification returns a standalone notification of state s to the
// address to: a message of type chat, with a fresh id, no body and no
// other payload (XEP-0085 section 5.5). For a chat room, set its Type to
// stanza.MessageGroupchat; where the chat uses threads, set its Thread.
func Notification(to jid.JID, s State) *stanza.Message {
	m := stanza.NewMessage(stanza.MessageChat, to, "")
	Set(m, s)
	return m
}
