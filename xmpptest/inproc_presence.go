package xmpptest

import (
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"strconv"
)

// routePresence handles a presence stanza from ss (RFC 6121 sections 3 and
// 4). Server.mu is held.
func (s *Server) routePresence(ss *session, p *stanza.Presence) {
	switch p.Type {
	case stanza.PresenceAvailable, stanza.PresenceUnavailable:
		switch {
		case p.To.IsZero():
			s.broadcastLocked(ss, p)
		case s.isMUC(p.To):
			s.mucPresenceLocked(ss, p)
		default:
			s.directedLocked(ss, p)
		}
	case stanza.PresenceSubscribe, stanza.PresenceSubscribed, stanza.PresenceUnsubscribe, stanza.PresenceUnsubscribed:
		s.subscriptionLocked(ss, p)
	case stanza.PresenceProbe:
		s.probeLocked(ss, p)
	case stanza.PresenceError:
		for _, t := range s.presenceTargetsLocked(p.To) {
			t.send(p.Element())
		}
	}
}

// sendPresence delivers a copy of p to the session t, addressed to it.
func sendPresence(t *session, p *stanza.Presence) {
	cp := *p
	cp.To = t.full
	t.send(cp.Element())
}

// presenceTargetsLocked returns the sessions a presence addressed to j
// reaches: the session bound to a full j, or the available sessions of a
// bare j. Addresses of other domains and unknown accounts reach nobody
// (RFC 6121 section 8.5.1). Server.mu is held.
func (s *Server) presenceTargetsLocked(j jid.JID) []*session {
	if j.IsFull() {
		if t := s.sessionLocked(j); t != nil {
			return []*session{t}
		}
		return nil
	}
	if a := s.accountOf(j); a != nil {
		return a.available()
	}
	return nil
}

// broadcastLocked handles presence without a to address: an available
// presence goes to the account's subscribers and to its own available
// resources, sender included; the first one (initial presence) also
// brings the sender the presence of its contacts and of its other
// resources, and the subscription requests waiting for it. An unavailable
// presence also goes to everyone who got directed presence. Server.mu is
// held.
func (s *Server) broadcastLocked(ss *session, p *stanza.Presence) {
	a := ss.acct
	initial := p.Type == stanza.PresenceAvailable && !ss.available
	targets := make(map[*session]bool)
	if p.Type == stanza.PresenceAvailable {
		ss.available, ss.priority, ss.presence = true, p.Priority, p
	} else {
		targets = s.directedTargetsLocked(ss)
		ss.available, ss.priority, ss.presence, ss.directed = false, 0, nil, nil
		s.mucGoneLocked(ss.full, p) // its rooms got its presence
	}
	for _, c := range a.roster.subscribers() {
		if ca := s.accountOf(c); ca != nil {
			for _, t := range ca.available() {
				targets[t] = true
			}
		}
	}
	for _, t := range a.available() {
		targets[t] = true
	}
	for t := range targets {
		sendPresence(t, p)
	}
	if !initial {
		return
	}
	for _, c := range a.roster.subscriptions() {
		if ca := s.accountOf(c); ca != nil && ca != a {
			for _, t := range ca.available() {
				sendPresence(ss, t.presence)
			}
		}
	}
	for _, t := range a.available() {
		if t != ss {
			sendPresence(ss, t.presence)
		}
	}
	for _, c := range a.roster.pendingIn() {
		ss.send((&stanza.Presence{Header: stanza.Header{From: c, To: a.bare, ID: stanza.NewID()}, Type: stanza.PresenceSubscribe}).Element())
	}
}

// directedTargetsLocked returns the sessions that got directed presence
// from ss, each once. Server.mu is held.
func (s *Server) directedTargetsLocked(ss *session) map[*session]bool {
	targets := make(map[*session]bool)
	for j := range ss.directed {
		for _, t := range s.presenceTargetsLocked(j) {
			targets[t] = true
		}
	}
	return targets
}

// directedLocked delivers presence addressed to someone (RFC 6121 section
// 4.6) and remembers it, so that the addressee learns when the sender
// goes offline. Server.mu is held.
func (s *Server) directedLocked(ss *session, p *stanza.Presence) {
	for _, t := range s.presenceTargetsLocked(p.To) {
		t.send(p.Element())
	}
	if p.Type == stanza.PresenceAvailable {
		if ss.directed == nil {
			ss.directed = make(map[jid.JID]bool)
		}
		ss.directed[p.To] = true
	} else {
		delete(ss.directed, p.To)
	}
}

// probeLocked answers a probe from the client with the current presence
// of the probed account, if the client's account is subscribed to it or
// is that account (RFC 6121 section 4.3.2). Server.mu is held.
func (s *Server) probeLocked(ss *session, p *stanza.Presence) {
	target := p.To.Bare()
	ta := s.accountOf(target)
	if ta == nil || (ta != ss.acct && !ss.acct.roster.state(target).to) {
		return
	}
	for _, t := range ta.available() {
		if t != ss {
			sendPresence(ss, t.presence)
		}
	}
}

// subscriptionLocked handles a subscription stanza from the client
// (RFC 6121 section 3): the state machine of the user's roster, then, if
// it is routed, that of the contact's. Subscription stanzas carry bare
// addresses. Server.mu is held.
func (s *Server) subscriptionLocked(ss *session, p *stanza.Presence) {
	user := ss.acct
	contact := p.To.Bare()
	if contact.IsZero() || contact == user.bare {
		return
	}
	ev, _ := subEventOf(p.Type, true)
	eff := user.roster.apply(contact, ev)
	if eff.push {
		s.pushLocked(user, contact)
	}
	if eff.pass {
		out := &stanza.Presence{
			Header:   stanza.Header{To: contact, From: user.bare, ID: p.ID, Lang: p.Lang},
			Type:     p.Type,
			Statuses: p.Statuses,
			Payloads: p.Payloads,
		}
		if ca := s.accountOf(contact); ca != nil {
			s.inboundSubscriptionLocked(ca, user.bare, out)
		} else if p.Type == stanza.PresenceSubscribe && contact.Domainpart() == s.domain && contact.Localpart() != "" {
			// No such account: refuse on its behalf (RFC 6121 8.5.1).
			s.inboundSubscriptionLocked(user, contact, &stanza.Presence{Header: stanza.Header{From: contact, To: user.bare, ID: stanza.NewID()}, Type: stanza.PresenceUnsubscribed})
		}
	}
	if eff.sendUnavailable {
		s.sendUnavailableLocked(user, contact)
	}
	if eff.sendPresence {
		s.sendCurrentPresenceLocked(user, contact)
	}
}

// inboundSubscriptionLocked handles a subscription stanza p from the bare
// address from to the account a. Server.mu is held.
func (s *Server) inboundSubscriptionLocked(a *account, from jid.JID, p *stanza.Presence) {
	ev, _ := subEventOf(p.Type, false)
	eff := a.roster.apply(from, ev)
	if eff.push {
		s.pushLocked(a, from)
	}
	if eff.pass {
		// A subscription request that finds no available resource waits
		// in the roster (pending in) for the next initial presence.
		for _, t := range a.available() {
			t.send(p.Element())
		}
	}
	if eff.autoApprove {
		if fa := s.accountOf(from); fa != nil {
			s.inboundSubscriptionLocked(fa, a.bare, &stanza.Presence{Header: stanza.Header{From: a.bare, To: from, ID: stanza.NewID()}, Type: stanza.PresenceSubscribed})
			s.sendCurrentPresenceLocked(a, from)
		}
	}
	if eff.sendUnavailable {
		s.sendUnavailableLocked(a, from)
	}
}

// sendCurrentPresenceLocked sends the presence of every available session
// of a to the contact's available sessions. Server.mu is held.
func (s *Server) sendCurrentPresenceLocked(a *account, contact jid.JID) {
	ca := s.accountOf(contact)
	if ca == nil {
		return
	}
	for _, us := range a.available() {
		for _, t := range ca.available() {
			sendPresence(t, us.presence)
		}
	}
}

// sendUnavailableLocked sends unavailable presence from every available
// session of a to the contact's available sessions. Server.mu is held.
func (s *Server) sendUnavailableLocked(a *account, contact jid.JID) {
	ca := s.accountOf(contact)
	if ca == nil {
		return
	}
	for _, us := range a.available() {
		p := &stanza.Presence{Header: stanza.Header{From: us.full}, Type: stanza.PresenceUnavailable}
		for _, t := range ca.available() {
			sendPresence(t, p)
		}
	}
}

// pushLocked sends a roster push about contact to every interested
// session of a (RFC 6121 section 2.1.6): the item, or a removal when
// there is none. Server.mu is held.
func (s *Server) pushLocked(a *account, contact jid.JID) {
	a.roster.ver++
	ver := strconv.FormatUint(a.roster.ver, 10)
	var item *stanza.Element
	if it := a.roster.item(contact); it != nil {
		item = it.element()
	} else {
		item = stanza.NewElement(nsRoster, "item", stanza.A("jid", contact.String()), stanza.A("subscription", "remove"))
	}
	for _, t := range a.resources {
		if t.interested {
			query := stanza.NewElement(nsRoster, "query").AddChild(item)
			if t.versioned {
				query.SetAttr("ver", ver)
			}
			t.send(stanza.NewIQ(stanza.IQSet, t.full, query).Element())
		}
	}
}
