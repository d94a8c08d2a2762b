package xmpptest

import (
	"errors"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// bindSession binds ss to the full address full and queues the bind
// result, both under the lock, so that nothing routed to the new session
// overtakes its bind result. An older session with that address is
// replaced: it ends with a conflict stream error. It reports false if the
// Server or the session is closing.
func (s *Server) bindSession(ss *session, full jid.JID, result *stanza.Element) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || ss.ended() {
		return false
	}
	a := ss.acct
	if old := a.resources[full.Resourcepart()]; old != nil {
		s.log.Info("session replaced", "session", old.id, "jid", full.String(), "by", ss.id)
		s.unbindLocked(old)
		old.end(endClosed, streamError(stanza.StreamConflict, "replaced by a new session"))
	}
	ss.full, ss.bound = full, true
	a.resources[full.Resourcepart()] = ss
	ss.setAddress(full)
	ss.send(result)
	s.notifyLocked()
	return true
}

// detach forgets a session whose reader has stopped.
func (s *Server) detach(ss *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, ss)
	s.dropLocked(ss, ss.mode == endCut)
}

// unbindLocked removes ss from the bound sessions and, if it was
// available, tells everyone who saw its presence that it is gone (RFC 6121
// section 4.6.3). s.mu is held.
func (s *Server) unbindLocked(ss *session) {
	if !ss.bound {
		return
	}
	ss.bound = false
	a := ss.acct
	if a.resources[ss.full.Resourcepart()] == ss {
		delete(a.resources, ss.full.Resourcepart())
	}
	p := &stanza.Presence{Header: stanza.Header{From: ss.full}, Type: stanza.PresenceUnavailable}
	if ss.available {
		s.broadcastLocked(ss, p)
	} else {
		// Never broadcast its presence, but may have sent directed
		// presence.
		for t := range s.directedTargetsLocked(ss) {
			sendPresence(t, p)
		}
		ss.directed = nil
		s.mucGoneLocked(ss.full, nil)
	}
	s.notifyLocked()
}

// serve reads stanzas from a bound client until its stream ends.
func (ss *session) serve() error {
	for {
		e, err := ss.next()
		if err != nil {
			return err
		}
		switch e.Name {
		case stanza.Name{Space: stanza.NSClient, Local: "message"},
			stanza.Name{Space: stanza.NSClient, Local: "presence"},
			stanza.Name{Space: stanza.NSClient, Local: "iq"}:
			ss.srv.handleStanza(ss, e)
		case stanza.Name{Space: nsSM, Local: e.Name.Local}:
			if !ss.srv.sm {
				return streamError(stanza.StreamUnsupportedStanzaType, "stream management is not offered")
			}
			if err := ss.serveSM(e); err != nil {
				return err
			}
		default:
			return streamError(stanza.StreamUnsupportedStanzaType, "unexpected <"+e.Name.Local+">")
		}
	}
}

// handleStanza stamps the sender's address on a stanza from ss and routes
// it. The client's own from attribute is never trusted.
func (s *Server) handleStanza(ss *session, e *stanza.Element) {
	st, err := stanza.Parse(e)
	if err != nil {
		s.rejectInvalid(ss, e, err)
		return
	}
	st.StanzaHeader().From = ss.full
	switch st := st.(type) {
	case *stanza.IQ:
		s.routeIQ(ss, st)
	case *stanza.Message:
		s.mu.Lock()
		s.routeMessage(ss, st)
		s.mu.Unlock()
	case *stanza.Presence:
		s.mu.Lock()
		s.routePresence(ss, st)
		s.mu.Unlock()
	}
}

// rejectInvalid answers a stanza that does not decode with the error its
// problem calls for (RFC 6120 section 8.3.3: jid-malformed for a bad
// address, bad-request otherwise). Errors and results are dropped.
func (s *Server) rejectInvalid(ss *session, e *stanza.Element, err error) {
	s.log.Info("invalid stanza", "session", ss.id, "jid", ss.full.String(), "error", err)
	typ := e.Attr("type")
	if typ == "error" || typ == "result" {
		return
	}
	cond := stanza.ErrBadRequest
	var de *stanza.DecodeError
	if errors.As(err, &de) && de.Condition != "" {
		cond = de.Condition
	}
	reply := stanza.NewElement(stanza.NSClient, e.Name.Local, stanza.A("type", "error"), stanza.A("to", ss.full.String()))
	if id := e.Attr("id"); id != "" {
		reply.SetAttr("id", id)
	}
	if to, err := jid.Parse(e.Attr("to")); err == nil && !to.IsZero() {
		reply.SetAttr("from", to.String())
	}
	reply.AddChild(stanza.NewError(cond, "").Element())
	ss.send(reply)
}

// bounceLocked answers st, sent by ss, with a stanza error of condition
// c, unless st is itself an error or an IQ result (RFC 6120 section
// 8.3.1). s.mu is held.
func (s *Server) bounceLocked(ss *session, st stanza.Stanza, c stanza.Condition) {
	if !answerable(st) {
		return
	}
	ss.send(stanza.ErrorReply(st, stanza.NewError(c, "")).Element())
}

// answerable reports whether st may be answered with an error: not an
// error itself, nor an IQ result (RFC 6120 section 8.3.1).
func answerable(st stanza.Stanza) bool {
	switch st := st.(type) {
	case *stanza.IQ:
		return st.Type == stanza.IQGet || st.Type == stanza.IQSet
	case *stanza.Message:
		return st.Type != stanza.MessageError
	case *stanza.Presence:
		return st.Type != stanza.PresenceError
	}
	return true
}

// routeMessage delivers a message as RFC 6121 section 8.5 says. Without
// offline storage, a chat or normal message for an account with no
// available resource is answered with service-unavailable. s.mu is held.
func (s *Server) routeMessage(ss *session, m *stanza.Message) {
	if m.To.IsZero() {
		m.To = ss.full.Bare() // RFC 6121 section 8.1.1.1
	}
	to := m.To
	if s.isMUC(to) {
		s.mucMessageLocked(ss, m)
		return
	}
	if to.Domainpart() != s.domain {
		s.bounceLocked(ss, m, stanza.ErrRemoteServerNotFound)
		return
	}
	if to.Localpart() == "" {
		return // for the server itself, which takes no messages
	}
	a := s.users[to.Localpart()]
	if a == nil {
		s.bounceLocked(ss, m, stanza.ErrServiceUnavailable) // 8.5.1
		return
	}
	if to.IsFull() {
		if t := a.resources[to.Resourcepart()]; t != nil {
			t.send(m.Element())
			return
		}
		// 8.5.3.2.1: no such resource.
		switch m.Type {
		case stanza.MessageGroupchat:
			s.bounceLocked(ss, m, stanza.ErrServiceUnavailable)
			return
		case stanza.MessageHeadline, stanza.MessageError:
			return
		}
		// normal and chat: as if sent to the bare address.
	}
	switch m.Type {
	case stanza.MessageNormal, stanza.MessageChat:
		targets := a.mostAvailable()
		if len(targets) == 0 {
			s.bounceLocked(ss, m, stanza.ErrServiceUnavailable)
			return
		}
		for _, t := range targets {
			t.send(m.Element())
		}
	case stanza.MessageHeadline:
		for _, t := range a.available() {
			if t.priority >= 0 {
				t.send(m.Element())
			}
		}
	case stanza.MessageGroupchat:
		s.bounceLocked(ss, m, stanza.ErrServiceUnavailable)
	}
}

// available returns the bound sessions of a that sent available
// presence. Server.mu is held.
func (a *account) available() []*session {
	var out []*session
	for _, t := range a.resources {
		if t.available {
			out = append(out, t)
		}
	}
	return out
}

// mostAvailable returns the available sessions of a with the highest
// non-negative priority: one, or all that share it (RFC 6121 section
// 8.5.2.1.1). Server.mu is held.
func (a *account) mostAvailable() []*session {
	var out []*session
	for _, t := range a.available() {
		switch {
		case t.priority < 0:
		case len(out) == 0 || t.priority == out[0].priority:
			out = append(out, t)
		case t.priority > out[0].priority:
			out = append(out[:0], t)
		}
	}
	return out
}

// routeIQ delivers an IQ to the full address it names, answers it itself
// when it is for the server or the sender's own account, and answers
// service-unavailable when nobody can (RFC 6121 section 8.5).
func (s *Server) routeIQ(ss *session, iq *stanza.IQ) {
	to := iq.To
	if s.pep && isPubSub(iq) && (to.IsZero() || to.IsBare() && s.accountOf(to) != nil) {
		s.mu.Lock()
		defer s.mu.Unlock()
		owner := s.accountOf(ss.full)
		if !to.IsZero() {
			owner = s.accountOf(to)
		}
		s.pepIQLocked(ss, owner, iq)
		return
	}
	if to.IsZero() || to == s.domainJ || to == ss.full.Bare() {
		if iq.Type == stanza.IQGet || iq.Type == stanza.IQSet {
			s.serveIQ(ss, iq)
		}
		return // answers to the server: it asks nothing that waits
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.isMUC(to) {
		s.mucIQLocked(ss, iq)
		return
	}
	if to.Domainpart() != s.domain {
		s.bounceLocked(ss, iq, stanza.ErrRemoteServerNotFound)
		return
	}
	if t := s.sessionLocked(to); t != nil {
		t.send(iq.Element())
		return
	}
	// A missing account or resource, a bare address of another
	// account, or an address of the domain with a resource.
	s.bounceLocked(ss, iq, stanza.ErrServiceUnavailable)
}
