package xmpptest

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/xmppkit/xmpp/internal/datetime"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Namespaces of Multi-User Chat (XEP-0045) and of what its rooms use.
const (
	nsMUC         = "http://jabber.org/protocol/muc"
	nsMUCUser     = nsMUC + "#user"
	nsMUCAdmin    = nsMUC + "#admin"
	nsMUCOwner    = nsMUC + "#owner"
	nsMUCSelfPing = nsMUC + "#self-ping-optimization" // XEP-0410
	nsData        = "jabber:x:data"
	nsDelay       = "urn:xmpp:delay"
)

const (
	// mucHistoryKept is how many groupchat messages a room keeps for
	// the history it sends to a new occupant.
	mucHistoryKept = 100
	// mucHistorySent is how many of them a new occupant gets when its
	// join request does not say (as Prosody and ejabberd do).
	mucHistorySent = 20
)

// mucService is the Multi-User Chat service of a Server (ServerOptions.MUC).
// All of its state, and that of its rooms, is guarded by Server.mu.
type mucService struct {
	addr  jid.JID // conference.<domain>
	rooms map[jid.JID]*mucRoom
}

// mucAffiliation is a long-lived relation of a bare JID to a room,
// ordered by rank.
type mucAffiliation int

const (
	affOutcast mucAffiliation = iota
	affNone
	affMember
	affAdmin
	affOwner
)

var affNames = [...]string{"outcast", "none", "member", "admin", "owner"}

func (a mucAffiliation) String() string { return affNames[a] }

// parseAffiliation reads an affiliation attribute.
func parseAffiliation(s string) (mucAffiliation, bool) {
	i := slices.Index(affNames[:], s)
	return mucAffiliation(i), i >= 0
}

// mucRole is the role of an occupant while it is in a room, ordered by
// privilege.
type mucRole int

const (
	roleNone mucRole = iota
	roleVisitor
	roleParticipant
	roleModerator
)

var roleNames = [...]string{"none", "visitor", "participant", "moderator"}

func (r mucRole) String() string { return roleNames[r] }

// parseRole reads a role attribute.
func parseRole(s string) (mucRole, bool) {
	i := slices.Index(roleNames[:], s)
	return mucRole(i), i >= 0
}

// mucRoom is one room of the service.
type mucRoom struct {
	addr      jid.JID // room@conference.<domain>
	locked    bool    // created, not yet configured by its owner
	cfg       mucConfig
	subject   string
	affs      map[jid.JID]mucAffiliation // by bare JID; none is absent
	reserved  map[jid.JID]string         // nicks registered, by bare JID
	occupants []*mucOccupant             // in order of arrival
	history   []mucHistory               // oldest first
}

// mucOccupant is one occupant of a room: one session under one nick.
type mucOccupant struct {
	nick string
	addr jid.JID // room@service/nick
	real jid.JID // the full JID of its session
	role mucRole
	pres *stanza.Presence // last available presence, without addresses, id or MUC elements
}

// mucHistory is a groupchat message a room keeps, from its occupant
// address, and when the room received it.
type mucHistory struct {
	m  *stanza.Message
	at time.Time
}

// newMUC returns the service of a Server hosting domain.
func newMUC(domain string) (*mucService, error) {
	addr, err := jid.Parse(mucHost(domain))
	if err != nil {
		return nil, fmt.Errorf("xmpptest: MUC service for %s: %w", domain, err)
	}
	return &mucService{addr: addr, rooms: make(map[jid.JID]*mucRoom)}, nil
}

// PubSub returns the zero JID: the Server has no publish-subscribe
// service.
func (s *Server) PubSub() jid.JID { return jid.JID{} }

// MUC returns the address of the Server's Multi-User Chat service
// (XEP-0045), conference.<Domain>, or the zero JID if ServerOptions.MUC
// was not set.
func (s *Server) MUC() jid.JID {
	if s.muc == nil {
		return jid.JID{}
	}
	return s.muc.addr
}

// isMUC reports whether j is an address of the Server's MUC service.
func (s *Server) isMUC(j jid.JID) bool {
	return s.muc != nil && j.Domainpart() == s.muc.addr.Domainpart()
}

// DropOccupant makes the MUC service forget the occupant nick of room
// without telling anyone: no presence goes out, the occupant's client
// still believes it is in the room, and the others still see it there.
// This is what a real service does when it loses track of an occupant
// (a restart, a lost server-to-server link), and what XEP-0410 self-pings
// detect: a self-ping from the forgotten client now gets not-acceptable.
// A room left empty goes away unless it is persistent, as when its last
// occupant leaves. DropOccupant returns an error when the Server has no
// MUC service or the room has no occupant nick.
func (s *Server) DropOccupant(room jid.JID, nick string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.muc == nil {
		return errors.New("xmpptest: DropOccupant: the Server has no MUC service (ServerOptions.MUC)")
	}
	r := s.muc.rooms[room.Bare()]
	if r == nil {
		return fmt.Errorf("xmpptest: DropOccupant: no room %s", room.Bare())
	}
	o := r.byNick(nick)
	if o == nil {
		return fmt.Errorf("xmpptest: DropOccupant: no occupant %q in %s", nick, r.addr)
	}
	r.remove(o)
	s.muc.collectLocked(r)
	return nil
}

// affOf returns the affiliation of the bare JID of j.
func (r *mucRoom) affOf(j jid.JID) mucAffiliation {
	if a, ok := r.affs[j.Bare()]; ok {
		return a
	}
	return affNone
}

// setAff records the affiliation of a bare JID.
func (r *mucRoom) setAff(bare jid.JID, a mucAffiliation) {
	if a == affNone {
		delete(r.affs, bare)
	} else {
		r.affs[bare] = a
	}
}

// byNick returns the occupant with that nick, or nil.
func (r *mucRoom) byNick(nick string) *mucOccupant {
	for _, o := range r.occupants {
		if o.nick == nick {
			return o
		}
	}
	return nil
}

// byReal returns the occupant whose session is the full JID real, or nil.
func (r *mucRoom) byReal(real jid.JID) *mucOccupant {
	for _, o := range r.occupants {
		if o.real == real {
			return o
		}
	}
	return nil
}

// remove takes o out of the room.
func (r *mucRoom) remove(o *mucOccupant) {
	r.occupants = slices.DeleteFunc(r.occupants, func(x *mucOccupant) bool { return x == o })
}

// defaultRole is the role an occupant with affiliation a gets on entry.
func (r *mucRoom) defaultRole(a mucAffiliation) mucRole {
	switch {
	case a >= affAdmin:
		return roleModerator
	case a == affMember || !r.cfg.moderated:
		return roleParticipant
	default:
		return roleVisitor
	}
}

// collectLocked forgets r if it is empty and not persistent. Server.mu
// is held.
func (m *mucService) collectLocked(r *mucRoom) {
	if len(r.occupants) == 0 && (!r.cfg.persistent || r.locked) && m.rooms[r.addr] == r {
		delete(m.rooms, r.addr)
	}
}

// mucSendLocked delivers e to the session bound to the full JID to, if
// there is one. Server.mu is held.
func (s *Server) mucSendLocked(to jid.JID, e *stanza.Element) {
	if t := s.sessionLocked(to); t != nil {
		t.send(e)
	}
}

// mucDeliverLocked delivers a message from the service to a local
// account, as a message to a bare or full address is delivered; it is
// dropped if nobody can take it (the Server keeps no offline messages
// and talks to no other server). Server.mu is held.
func (s *Server) mucDeliverLocked(m *stanza.Message) {
	a := s.accountOf(m.To)
	if a == nil {
		return
	}
	if m.To.IsFull() {
		if t := a.resources[m.To.Resourcepart()]; t != nil {
			t.send(m.Element())
			return
		}
	}
	for _, t := range a.mostAvailable() {
		t.send(m.Element())
	}
}

// mucError returns a stanza error generated by the entity by.
func mucError(c stanza.Condition, t stanza.ErrorType, by jid.JID) *stanza.Error {
	return &stanza.Error{Condition: c, Type: t, By: by}
}

// mucRejectLocked answers st, sent by ss, with the error e, and echo as
// the payload of a presence or message error (the join request's <x/>).
// Errors and IQ results are not answered. Server.mu is held.
func (s *Server) mucRejectLocked(ss *session, st stanza.Stanza, e *stanza.Error, echo *stanza.Element) {
	if !answerable(st) {
		return
	}
	reply := stanza.ErrorReply(st, e)
	if echo != nil {
		switch r := reply.(type) {
		case *stanza.Presence:
			r.Payloads = []*stanza.Element{echo}
		case *stanza.Message:
			r.Payloads = []*stanza.Element{echo}
		}
	}
	ss.send(reply.Element())
}

// mucStatus returns a muc#user status code element.
func mucStatus(code string) *stanza.Element {
	return stanza.NewElement(nsMUCUser, "status", stanza.A("code", code))
}

// stored returns what a room keeps of an occupant's presence p: no
// addresses, no id, none of the MUC elements (XEP-0045 section 17.3.6:
// only the service writes muc#user data).
func stored(p *stanza.Presence) *stanza.Presence {
	q := &stanza.Presence{
		Header:   stanza.Header{Lang: p.Lang},
		Type:     p.Type,
		Show:     p.Show,
		Statuses: p.Statuses,
		Priority: p.Priority,
	}
	for _, e := range p.Payloads {
		if e.Name.Space != nsMUC && e.Name.Space != nsMUCUser {
			q.Payloads = append(q.Payloads, e)
		}
	}
	return q
}

// withID returns a copy of p with the id attribute id.
func withID(p *stanza.Presence, id string) *stanza.Presence {
	q := *p
	q.ID = id
	return &q
}

// presenceElement returns the presence base about occupant o as the
// occupant rcpt gets it: from o's occupant address, with a muc#user item
// of o's affiliation and role, naming o's real JID when the room is
// non-anonymous, rcpt is a moderator or rcpt is o itself, and status 110
// for o itself. decorate, if not nil, adds to the item and to the <x/>.
func (r *mucRoom) presenceElement(o, rcpt *mucOccupant, base *stanza.Presence, decorate func(x, item *stanza.Element, self bool)) *stanza.Element {
	p := *base
	p.From, p.To = o.addr, rcpt.real
	self := o == rcpt
	x := stanza.NewElement(nsMUCUser, "x")
	item := stanza.NewElement(nsMUCUser, "item", stanza.A("affiliation", r.affOf(o.real).String()), stanza.A("role", o.role.String()))
	if self || r.cfg.whoisAnyone || rcpt.role == roleModerator {
		item.SetAttr("jid", o.real.String())
	}
	x.AddChild(item)
	if decorate != nil {
		decorate(x, item, self)
	}
	if self {
		x.AddChild(mucStatus("110"))
	}
	p.Payloads = append(slices.Clip(base.Payloads), x)
	return p.Element()
}

// mucBroadcastLocked sends the presence base about o to every occupant, o
// last. Server.mu is held.
func (s *Server) mucBroadcastLocked(r *mucRoom, o *mucOccupant, base *stanza.Presence, decorate func(x, item *stanza.Element, self bool)) {
	for _, rc := range r.occupants {
		if rc != o {
			s.mucSendLocked(rc.real, r.presenceElement(o, rc, base, decorate))
		}
	}
	if slices.Contains(r.occupants, o) {
		s.mucSendLocked(o.real, r.presenceElement(o, o, base, decorate))
	}
}

// mucPresenceLocked handles available and unavailable presence from ss to
// an address of the MUC service: joining a room, changing nick or
// presence, leaving. Server.mu is held.
func (s *Server) mucPresenceLocked(ss *session, p *stanza.Presence) {
	to := p.To
	if to.Localpart() == "" {
		return // to the service itself
	}
	r := s.muc.rooms[to.Bare()]
	var o *mucOccupant
	if r != nil {
		o = r.byReal(ss.full)
	}
	if p.Type == stanza.PresenceUnavailable {
		if o != nil {
			s.mucLeaveLocked(r, o, p)
		}
		return // 17.3.5: ignored from a non-occupant
	}
	mx := mucJoinElement(p)
	switch {
	case !to.IsFull() && mx != nil:
		s.mucRejectLocked(ss, p, mucError(stanza.ErrJIDMalformed, stanza.ErrorModify, to.Bare()), mx)
	case !to.IsFull():
		if o != nil { // some clients send presence updates to the room itself
			o.pres = stored(p)
			s.mucBroadcastLocked(r, o, withID(o.pres, p.ID), nil)
		}
	case o == nil:
		s.mucJoinLocked(ss, r, p, mx)
	case o.nick != to.Resourcepart():
		s.mucNickLocked(ss, r, o, p, mx)
	case mx != nil:
		// 17.3.3: a join from an occupant asks for everything again.
		o.pres = stored(p)
		s.mucOthersLocked(r, o)
		s.mucEnterLocked(r, o, p.ID, mx, false)
	default:
		o.pres = stored(p)
		s.mucBroadcastLocked(r, o, withID(o.pres, p.ID), nil)
	}
}

// mucJoinElement returns the <x xmlns='http://jabber.org/protocol/muc'/>
// of a join request, or nil.
func mucJoinElement(p *stanza.Presence) *stanza.Element {
	for _, e := range p.Payloads {
		if e.Name == (stanza.Name{Space: nsMUC, Local: "x"}) {
			return e
		}
	}
	return nil
}

// mucJoinLocked lets ss enter the room p is addressed to under the nick
// it names, creating the room (locked, ss's account its owner) if it does
// not exist, or answers with the error XEP-0045 section 7.2 names.
// Server.mu is held.
func (s *Server) mucJoinLocked(ss *session, r *mucRoom, p *stanza.Presence, mx *stanza.Element) {
	nick := p.To.Resourcepart()
	created := r == nil
	if created {
		r = &mucRoom{
			addr:     p.To.Bare(),
			locked:   true,
			cfg:      defaultMUCConfig(),
			affs:     map[jid.JID]mucAffiliation{ss.full.Bare(): affOwner},
			reserved: map[jid.JID]string{},
		}
		s.muc.rooms[r.addr] = r
	}
	aff := r.affOf(ss.full)
	var echo *stanza.Element
	if mx != nil {
		echo = mx.Copy()
	}
	if e := r.admit(ss, aff, nick, mx); e != nil {
		s.mucRejectLocked(ss, p, e, echo)
		return
	}
	o := &mucOccupant{nick: nick, addr: p.To, real: ss.full, role: r.defaultRole(aff), pres: stored(p)}
	s.mucOthersLocked(r, o)
	r.occupants = append(r.occupants, o)
	s.mucEnterLocked(r, o, p.ID, mx, created)
}

// mucOthersLocked sends o the presence of every other occupant of r.
// Server.mu is held.
func (s *Server) mucOthersLocked(r *mucRoom, o *mucOccupant) {
	for _, other := range r.occupants {
		if other != o {
			s.mucSendLocked(o.real, r.presenceElement(other, o, other.pres, nil))
		}
	}
}

// admit checks that ss, of affiliation aff, may enter r as nick, with the
// password in mx, and returns the error that refuses it otherwise.
func (r *mucRoom) admit(ss *session, aff mucAffiliation, nick string, mx *stanza.Element) *stanza.Error {
	switch {
	case r.locked && aff != affOwner:
		return mucError(stanza.ErrItemNotFound, stanza.ErrorCancel, r.addr)
	case aff == affOutcast:
		return mucError(stanza.ErrForbidden, stanza.ErrorAuth, r.addr)
	case r.cfg.membersOnly && aff < affMember:
		return mucError(stanza.ErrRegistrationRequired, stanza.ErrorAuth, r.addr)
	case r.cfg.passwordProtected && aff < affAdmin && (mx == nil || mx.ChildText(nsMUC, "password") != r.cfg.secret):
		return mucError(stanza.ErrNotAuthorized, stanza.ErrorAuth, r.addr)
	case r.byNick(nick) != nil, !r.reservedBy(nick).IsZero() && r.reservedBy(nick) != ss.full.Bare():
		// Held by another session: the session itself would be an
		// occupant already.
		return mucError(stanza.ErrConflict, stanza.ErrorCancel, r.addr)
	case r.cfg.maxUsers > 0 && len(r.occupants) >= r.cfg.maxUsers && aff < affAdmin:
		return mucError(stanza.ErrServiceUnavailable, stanza.ErrorWait, r.addr)
	}
	return nil
}

// mucEnterLocked completes the entry of o, which is in r.occupants and
// has had the other occupants' presence: it sends o's presence to all
// (the self-presence last, with 100 for a non-anonymous room and 201 for
// a new one), then the history mx asks for, then the subject. Server.mu is
// held.
func (s *Server) mucEnterLocked(r *mucRoom, o *mucOccupant, id string, mx *stanza.Element, created bool) {
	s.mucBroadcastLocked(r, o, withID(o.pres, id), func(x, _ *stanza.Element, self bool) {
		if self && r.cfg.whoisAnyone {
			x.AddChild(mucStatus("100"))
		}
		if self && created {
			x.AddChild(mucStatus("201"))
		}
	})
	now := time.Now()
	for _, e := range r.historyFor(o, mx, now) {
		s.mucSendLocked(o.real, e)
	}
	subj := &stanza.Message{
		Header:   stanza.Header{From: r.addr, To: o.real, ID: stanza.NewID()},
		Type:     stanza.MessageGroupchat,
		Subjects: []stanza.Text{{Value: r.subject}},
	}
	s.mucSendLocked(o.real, subj.Element())
}

// historyFor returns the history messages for o, oldest first, each with
// a delay (XEP-0203) from the room: the last mucHistorySent, or what the
// <history/> of the join request mx asks for (XEP-0045 section 7.2.15:
// maxstanzas, maxchars, seconds and since, all of them applying).
func (r *mucRoom) historyFor(o *mucOccupant, mx *stanza.Element, now time.Time) []*stanza.Element {
	maxStanzas, maxChars := mucHistorySent, -1
	var since time.Time
	var h *stanza.Element
	if mx != nil {
		h = mx.Child(nsMUC, "history")
	}
	if h != nil {
		if n, err := strconv.Atoi(h.Attr("maxstanzas")); err == nil && n >= 0 {
			maxStanzas = n
		}
		if n, err := strconv.Atoi(h.Attr("maxchars")); err == nil && n >= 0 {
			maxChars = n
		}
		if n, err := strconv.Atoi(h.Attr("seconds")); err == nil && n >= 0 {
			since = now.Add(-time.Duration(n) * time.Second)
		}
		if t, err := datetime.ParseDateTime(h.Attr("since")); err == nil && t.After(since) {
			since = t
		}
	}
	var out []*stanza.Element
	chars := 0
	for i := len(r.history) - 1; i >= 0 && len(out) < maxStanzas; i-- {
		h := r.history[i]
		if !since.IsZero() && !h.at.After(since) {
			break
		}
		m := *h.m
		m.To = o.real
		m.Payloads = append(slices.Clip(m.Payloads), stanza.NewElement(nsDelay, "delay",
			stanza.A("from", r.addr.String()), stanza.A("stamp", datetime.FormatDateTime(h.at))))
		e := m.Element()
		if maxChars >= 0 {
			chars += utf8.RuneCountInString(e.String())
			if chars > maxChars {
				break
			}
		}
		out = append(out, e)
	}
	slices.Reverse(out)
	return out
}

// mucNickLocked changes the nick of o to the one p is addressed to
// (XEP-0045 section 7.6): unavailable presence from the old nick with
// status 303 and the new nick, then available presence from the new one.
// Server.mu is held.
func (s *Server) mucNickLocked(ss *session, r *mucRoom, o *mucOccupant, p *stanza.Presence, mx *stanza.Element) {
	nick := p.To.Resourcepart()
	if r.byNick(nick) != nil {
		var echo *stanza.Element
		if mx != nil {
			echo = mx.Copy()
		}
		s.mucRejectLocked(ss, p, mucError(stanza.ErrConflict, stanza.ErrorCancel, r.addr), echo)
		return
	}
	gone := &stanza.Presence{Header: stanza.Header{ID: p.ID}, Type: stanza.PresenceUnavailable}
	s.mucBroadcastLocked(r, o, gone, func(x, item *stanza.Element, _ bool) {
		item.SetAttr("nick", nick)
		x.AddChild(mucStatus("303"))
	})
	o.nick, o.addr, o.pres = nick, p.To, stored(p)
	s.mucBroadcastLocked(r, o, withID(o.pres, p.ID), nil)
}

// mucLeaveLocked takes o out of r (XEP-0045 section 7.14), telling every
// occupant, o included, with the status of its unavailable presence p
// (nil for none); the room goes away if it is left empty and is not
// persistent. Server.mu is held.
func (s *Server) mucLeaveLocked(r *mucRoom, o *mucOccupant, p *stanza.Presence) {
	gone := &stanza.Presence{Type: stanza.PresenceUnavailable}
	if p != nil {
		gone.ID, gone.Lang, gone.Statuses = p.ID, p.Lang, p.Statuses
	}
	o.role = roleNone
	s.mucBroadcastLocked(r, o, gone, nil)
	r.remove(o)
	s.muc.collectLocked(r)
}

// mucGoneLocked takes the session real out of every room it is in, after
// it sent unavailable presence p (nil when it went away without one).
// Server.mu is held.
func (s *Server) mucGoneLocked(real jid.JID, p *stanza.Presence) {
	if s.muc == nil {
		return
	}
	for _, r := range s.muc.rooms {
		if o := r.byReal(real); o != nil {
			s.mucLeaveLocked(r, o, p)
		}
	}
}

// mucMessageLocked handles a message from ss to an address of the MUC
// service. Server.mu is held.
func (s *Server) mucMessageLocked(ss *session, m *stanza.Message) {
	to := m.To
	if to.Localpart() == "" {
		if m.Type != stanza.MessageError && m.Type != stanza.MessageGroupchat {
			s.mucRejectLocked(ss, m, mucError(stanza.ErrServiceUnavailable, stanza.ErrorCancel, s.muc.addr), nil)
		}
		return
	}
	r := s.muc.rooms[to.Bare()]
	if r == nil || (r.locked && r.affOf(ss.full) != affOwner) {
		s.mucRejectLocked(ss, m, mucError(stanza.ErrItemNotFound, stanza.ErrorCancel, to.Bare()), nil)
		return
	}
	if to.IsFull() {
		s.mucPrivateLocked(ss, r, m)
		return
	}
	ux := mucUserElement(m.Payloads)
	switch {
	case m.Type == stanza.MessageError:
	case m.Type == stanza.MessageGroupchat:
		s.mucGroupchatLocked(ss, r, m)
	case ux != nil && ux.Child(nsMUCUser, "invite") != nil:
		s.mucInviteLocked(ss, r, m, ux)
	case ux != nil && ux.Child(nsMUCUser, "decline") != nil:
		s.mucDeclineLocked(ss, r, m, ux.Child(nsMUCUser, "decline"))
	case mucFormElement(m.Payloads) != nil && s.mucVoiceRequestLocked(ss, r, mucFormElement(m.Payloads)):
	default:
		s.mucRejectLocked(ss, m, mucError(stanza.ErrBadRequest, stanza.ErrorModify, r.addr), nil)
	}
}

// mucFormElement returns the first data form among payloads, or nil.
func mucFormElement(payloads []*stanza.Element) *stanza.Element {
	for _, e := range payloads {
		if e.Name == (stanza.Name{Space: nsData, Local: "x"}) {
			return e
		}
	}
	return nil
}

// mucUserElement returns the muc#user <x/> among payloads, or nil.
func mucUserElement(payloads []*stanza.Element) *stanza.Element {
	for _, e := range payloads {
		if e.Name == (stanza.Name{Space: nsMUCUser, Local: "x"}) {
			return e
		}
	}
	return nil
}

// mucGroupchatLocked reflects a groupchat message from an occupant to
// every occupant, the sender included, from the sender's occupant
// address with the same id (XEP-0045 section 7.4), and keeps it for the
// history; a message with a subject and no body changes the subject
// (section 8.1). Server.mu is held.
func (s *Server) mucGroupchatLocked(ss *session, r *mucRoom, m *stanza.Message) {
	o := r.byReal(ss.full)
	subjectChange := len(m.Subjects) > 0 && len(m.Bodies) == 0
	switch {
	case o == nil:
		s.mucRejectLocked(ss, m, mucError(stanza.ErrNotAcceptable, stanza.ErrorCancel, r.addr), nil)
		return
	case subjectChange && o.role != roleModerator && !(r.cfg.changeSubject && o.role >= roleParticipant):
		s.mucRejectLocked(ss, m, mucError(stanza.ErrForbidden, stanza.ErrorAuth, r.addr), nil)
		return
	case o.role < roleParticipant:
		s.mucRejectLocked(ss, m, mucError(stanza.ErrForbidden, stanza.ErrorAuth, r.addr), nil)
		return
	}
	out := *m
	out.From, out.To = o.addr, jid.JID{}
	if out.ID == "" {
		out.ID = stanza.NewID()
	}
	if subjectChange {
		r.subject = m.Subject()
	} else if len(m.Bodies) > 0 {
		keep := out
		r.history = append(r.history, mucHistory{m: &keep, at: time.Now()})
		if n := len(r.history) - mucHistoryKept; n > 0 {
			r.history = slices.Delete(r.history, 0, n)
		}
	}
	for _, rc := range r.occupants {
		c := out
		c.To = rc.real
		s.mucSendLocked(rc.real, c.Element())
	}
}

// mucPrivateLocked relays a private message from an occupant to another
// (XEP-0045 section 7.5), from the sender's occupant address with an
// empty muc#user <x/> added; an error is relayed without it. Server.mu is
// held.
func (s *Server) mucPrivateLocked(ss *session, r *mucRoom, m *stanza.Message) {
	from := r.byReal(ss.full)
	if from == nil {
		s.mucRejectLocked(ss, m, mucError(stanza.ErrNotAcceptable, stanza.ErrorCancel, r.addr), nil)
		return
	}
	if m.Type == stanza.MessageGroupchat {
		s.mucRejectLocked(ss, m, mucError(stanza.ErrBadRequest, stanza.ErrorModify, r.addr), nil)
		return
	}
	to := r.byNick(m.To.Resourcepart())
	if to == nil {
		s.mucRejectLocked(ss, m, mucError(stanza.ErrItemNotFound, stanza.ErrorCancel, r.addr), nil)
		return
	}
	out := *m
	out.From, out.To = from.addr, to.real
	if m.Type != stanza.MessageError {
		out.Payloads = append(slices.Clip(m.Payloads), stanza.NewElement(nsMUCUser, "x"))
	}
	s.mucSendLocked(to.real, out.Element())
}

// mucInviteLocked relays the mediated invitations of ux (XEP-0045 section
// 7.8.2) from the room to each invitee, naming the inviter's real JID and
// adding the room's password. In a members-only room only admins and
// owners may invite, unless the room allows invites, and each invitee
// becomes a member. Server.mu is held.
func (s *Server) mucInviteLocked(ss *session, r *mucRoom, m *stanza.Message, ux *stanza.Element) {
	o := r.byReal(ss.full)
	aff := r.affOf(ss.full)
	switch {
	case o == nil:
		s.mucRejectLocked(ss, m, mucError(stanza.ErrNotAcceptable, stanza.ErrorCancel, r.addr), nil)
		return
	case o.role < roleParticipant, r.cfg.membersOnly && aff < affAdmin && !r.cfg.allowInvites:
		s.mucRejectLocked(ss, m, mucError(stanza.ErrForbidden, stanza.ErrorAuth, r.addr), nil)
		return
	}
	invites := mucChildren(ux, "invite")
	invitees := make([]jid.JID, len(invites))
	for i, inv := range invites {
		to, err := jid.Parse(inv.Attr("to"))
		if err != nil || to.IsZero() {
			s.mucRejectLocked(ss, m, mucError(stanza.ErrJIDMalformed, stanza.ErrorModify, r.addr), nil)
			return
		}
		invitees[i] = to
	}
	for i, inv := range invites {
		to := invitees[i]
		if r.cfg.membersOnly && r.affOf(to) == affNone {
			r.setAff(to.Bare(), affMember)
		}
		x := stanza.NewElement(nsMUCUser, "x")
		out := stanza.NewElement(nsMUCUser, "invite", stanza.A("from", ss.full.String()))
		if reason := inv.Child(nsMUCUser, "reason"); reason != nil {
			out.AddChild(stanza.NewElement(nsMUCUser, "reason").AddText(reason.Text()))
		}
		x.AddChild(out)
		if r.cfg.passwordProtected {
			x.AddChild(stanza.NewElement(nsMUCUser, "password").AddText(r.cfg.secret))
		}
		s.mucDeliverLocked(&stanza.Message{
			Header:   stanza.Header{From: r.addr, To: to, ID: stanza.NewID()},
			Type:     stanza.MessageNormal,
			Payloads: []*stanza.Element{x},
		})
	}
}

// mucChildren returns the muc#user children named local of e.
func mucChildren(e *stanza.Element, local string) []*stanza.Element {
	var out []*stanza.Element
	for c := range e.Children() {
		if c.Name == (stanza.Name{Space: nsMUCUser, Local: local}) {
			out = append(out, c)
		}
	}
	return out
}

// mucDeclineLocked relays a declined invitation (XEP-0045 section 7.8.2)
// from the room to the inviter it names, naming the invitee's real JID.
// Server.mu is held.
func (s *Server) mucDeclineLocked(ss *session, r *mucRoom, m *stanza.Message, d *stanza.Element) {
	to, err := jid.Parse(d.Attr("to"))
	if err != nil || to.IsZero() {
		s.mucRejectLocked(ss, m, mucError(stanza.ErrJIDMalformed, stanza.ErrorModify, r.addr), nil)
		return
	}
	out := stanza.NewElement(nsMUCUser, "decline", stanza.A("from", ss.full.String()))
	if reason := d.Child(nsMUCUser, "reason"); reason != nil {
		out.AddChild(stanza.NewElement(nsMUCUser, "reason").AddText(reason.Text()))
	}
	s.mucDeliverLocked(&stanza.Message{
		Header:   stanza.Header{From: r.addr, To: to, ID: stanza.NewID()},
		Type:     stanza.MessageNormal,
		Payloads: []*stanza.Element{stanza.NewElement(nsMUCUser, "x").AddChild(out)},
	})
}
