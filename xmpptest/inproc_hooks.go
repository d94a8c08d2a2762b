package xmpptest

import (
	"context"
	"slices"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// ElementEvent is a top-level element passing between the Server and one
// of its clients, as a hook sees it.
type ElementEvent struct {
	// Dir is ClientToServer for an element the client sent,
	// ServerToClient for one the Server sends to the client.
	Dir Direction
	// JID is the session's address: zero before authentication, the
	// bare address after SASL, the full address once bound.
	JID jid.JID
	// Element is the element: a stanza, or a nonza such as <auth/> or
	// <stream:features/>. Stream headers and closing tags are not
	// elements and are not shown. A stream error from the client is
	// shown, but ends the stream whatever the verdict. The hook must not change it; to send
	// or handle something else, return it in Verdict.Replace.
	Element *stanza.Element
}

// Verdict is what a hook decides about an element. The zero Verdict lets
// it pass unchanged.
type Verdict struct {
	// Drop discards the element: the Server does not handle it (from a
	// client) or does not write it (to a client).
	Drop bool
	// Delay holds the element back before it is handled or written. It
	// delays that session's elements in the same direction behind it,
	// as a slow link would, and no other session.
	Delay time.Duration
	// Replace, if not nil, is handled or written instead of the element.
	Replace *stanza.Element
}

// hook is one function given to OnElement.
type hook struct {
	f func(ElementEvent) Verdict
}

// OnElement adds f to the hooks that see every top-level element between
// the Server and its clients, in both directions, from the first one of
// the negotiation on, and returns a function that removes it.
//
// Hooks run in the order they were added; each sees the element as the
// previous ones left it (replaced or not), and a dropped element is shown
// to no later hook. Delays add up. A hook runs on the goroutine that
// reads (ClientToServer) or writes (ServerToClient) that session's stream, so it
// may block that session and no other. It may call the Server's methods,
// but not Close.
func (s *Server) OnElement(f func(ElementEvent) Verdict) (remove func()) {
	h := &hook{f: f}
	s.hmu.Lock()
	s.hooks = append(slices.Clip(s.hooks), h)
	s.hmu.Unlock()
	return func() {
		s.hmu.Lock()
		defer s.hmu.Unlock()
		if i := slices.Index(s.hooks, h); i >= 0 {
			s.hooks = slices.Delete(slices.Clone(s.hooks), i, i+1)
		}
	}
}

// runHooks passes e through the hooks and returns what to handle or write
// instead, or false when a hook dropped it or the session ended during a
// delay.
func (s *Server) runHooks(ss *session, dir Direction, e *stanza.Element) (*stanza.Element, bool) {
	s.hmu.RLock()
	hooks := s.hooks
	s.hmu.RUnlock()
	if len(hooks) == 0 {
		return e, true
	}
	ev := ElementEvent{Dir: dir, JID: ss.address(), Element: e}
	for _, h := range hooks {
		v := h.f(ev)
		if v.Drop {
			s.log.Debug("hook dropped an element", "session", ss.id, "dir", dir.String(), "element", ev.Element.String())
			return nil, false
		}
		if v.Delay > 0 {
			t := time.NewTimer(v.Delay)
			select {
			case <-t.C:
			case <-ss.quit:
				t.Stop()
				return nil, false
			}
		}
		if v.Replace != nil {
			ev.Element = v.Replace
		}
	}
	return ev.Element, true
}

// Inject queues e for the client whose session is bound to the full
// address to, after what is already queued for it. It is written as it
// is, with no address stamped, and the hooks see it like any other
// element. Inject returns ErrNoSession when no session is bound to to.
func (s *Server) Inject(to jid.JID, e *stanza.Element) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessionLocked(to)
	if ss == nil {
		return ErrNoSession
	}
	ss.send(e)
	return nil
}

// InjectRaw queues b for the client whose session is bound to the full
// address to, to be written as it is, without the hooks: garbage, half an
// element, whitespace. It returns ErrNoSession when no session is bound
// to to.
func (s *Server) InjectRaw(to jid.JID, b []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessionLocked(to)
	if ss == nil {
		return ErrNoSession
	}
	ss.push(outItem{raw: slices.Clone(b)})
	return nil
}

// Flush waits until everything queued for the client whose session is
// bound to the full address to, up to now, has been written to its
// connection: over DialPipe, read by the client. A test calls it between
// InjectRaw and Cut to cut the stream right after the bytes it injected.
// It returns ErrNoSession when no session is bound to to or the session
// ends first, and ctx's error when ctx ends first.
func (s *Server) Flush(ctx context.Context, to jid.JID) error {
	s.mu.Lock()
	ss := s.sessionLocked(to)
	if ss == nil {
		s.mu.Unlock()
		return ErrNoSession
	}
	done := ss.flushMark()
	s.mu.Unlock()
	if err := ss.flushed(ctx, done); err != nil {
		if err == errQuit {
			return ErrNoSession
		}
		return err
	}
	return nil
}

// Cut closes the connection of the session bound to the full address to
// at once, without a closing tag or a TLS close, as a network failure
// would. The Server forgets the session before Cut returns, and its
// contacts get unavailable presence on its behalf; but a session with
// stream management and resumption enabled waits for its client to resume
// it instead (XEP-0198), keeping what was queued for it and what comes
// meanwhile. Cut returns ErrNoSession when no session is bound to to.
func (s *Server) Cut(to jid.JID) error {
	s.mu.Lock()
	ss := s.sessionLocked(to)
	if ss == nil {
		s.mu.Unlock()
		return ErrNoSession
	}
	s.dropLocked(ss, true)
	s.mu.Unlock()
	s.log.Info("cutting the connection", "session", ss.id, "jid", to.String())
	ss.end(endCut, nil)
	return nil
}
