package muc

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/delay"
	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/mam"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stanzaid"
)

// Occupant is someone in a room, as the room last presented them.
type Occupant struct {
	Nick        string
	Role        Role
	Affiliation Affiliation
	// JID is the occupant's real JID, when the room shows it (a
	// non-anonymous room, or to moderators); zero otherwise.
	JID jid.JID
	// ID is the XEP-0421 occupant id, stable across nick changes, when
	// the room gives one.
	ID string
	// Show and Status are the occupant's availability.
	Show   stanza.Show
	Status string
}

// Subject is a room's subject and who set it.
type Subject struct {
	Text string
	// Nick is the occupant who set it, "" when the room did (or did not
	// say).
	Nick string
}

// Message is a message of a room: Nick says who sent it.
type Message struct {
	*stanza.Message
	// Nick is the sending occupant's nick, "" for the room itself.
	Nick string
	// Private is true for a private message from an occupant (type chat
	// or normal, from room/nick), false for a groupchat message.
	Private bool
	// History is true for a message the room sent from its history on
	// join (before the subject), with a <delay/> saying when it was sent.
	History bool
	// Own is true for the room's reflection of a message this occupant
	// sent.
	Own bool
}

// EventKind says what happened in a room.
type EventKind int

// The events of a room. Occupant-related events carry the Occupant; the
// ones about this occupant have Self set.
const (
	// EventOccupantJoined: someone entered the room.
	EventOccupantJoined EventKind = iota + 1
	// EventOccupantLeft: someone left the room (Status, if any, in
	// Event.Reason). A removal is reported as Kicked, Banned or Removed
	// instead.
	EventOccupantLeft
	// EventNickChanged: Event.OldNick is now Event.Occupant.Nick.
	EventNickChanged
	// EventRoleChanged: the occupant's role changed (Event.OldRole).
	EventRoleChanged
	// EventAffiliationChanged: the occupant's affiliation changed
	// (Event.OldAffiliation).
	EventAffiliationChanged
	// EventPresenceChanged: the occupant's show or status changed.
	EventPresenceChanged
	// EventKicked: the occupant was kicked (status 307), by Event.Actor
	// for Event.Reason.
	EventKicked
	// EventBanned: the occupant was banned (status 301).
	EventBanned
	// EventRemoved: the occupant was removed for another cause:
	// affiliation change (321), members-only (322), shutdown (332),
	// error (333); the codes are in Event.Status.
	EventRemoved
	// EventSubjectChanged: Event.Subject is the new subject.
	EventSubjectChanged
	// EventDestroyed: the room was destroyed (Event.Destroy says where
	// to go instead); the Room is left.
	EventDestroyed
	// EventConfigChanged: the room's configuration changed (status 104).
	EventConfigChanged
	// EventRejoined: after a new session, or after the self-ping found
	// the room had forgotten us, the room was joined again. Event.Since
	// is when the last message before the gap arrived; the room's
	// history since then has been delivered (History messages), but a
	// room keeps a limited history: Event.HistoryFull says it sent as
	// many as it keeps, so that some may be missing.
	EventRejoined
	// EventRejoinFailed: joining again was refused (Event.Err); the Room
	// is left.
	EventRejoinFailed
	// EventVoiceRequest: an occupant asks a moderator for voice (XEP-0045
	// §7.13); Event.Occupant names them.
	EventVoiceRequest
)

var eventNames = map[EventKind]string{
	EventOccupantJoined: "occupant joined", EventOccupantLeft: "occupant left",
	EventNickChanged: "nick changed", EventRoleChanged: "role changed",
	EventAffiliationChanged: "affiliation changed", EventPresenceChanged: "presence changed",
	EventKicked: "kicked", EventBanned: "banned", EventRemoved: "removed",
	EventSubjectChanged: "subject changed", EventDestroyed: "destroyed",
	EventConfigChanged: "configuration changed", EventRejoined: "rejoined",
	EventRejoinFailed: "rejoin failed", EventVoiceRequest: "voice request",
}

// String names the kind.
func (k EventKind) String() string {
	if s, ok := eventNames[k]; ok {
		return s
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event is something that happened in a room.
type Event struct {
	Kind EventKind
	// Occupant is who it is about, after the change (for a departure,
	// as they were).
	Occupant Occupant
	// Self says that the event is about this occupant.
	Self           bool
	OldNick        string
	OldRole        Role
	OldAffiliation Affiliation
	// Actor and Reason: who made the change and why, when the room says.
	Actor  *Actor
	Reason string
	// Status holds the room's status codes.
	Status  []int
	Subject Subject
	Destroy *Destroy
	// Since and HistoryFull describe the gap of an EventRejoined.
	Since       time.Time
	HistoryFull bool
	// FromArchive says that the messages of an EventRejoined's gap came
	// from the room's archive (Options.Archive), all of them unless
	// HistoryFull says otherwise; Recovered is how many were delivered.
	FromArchive bool
	Recovered   int
	// Err is why an EventRejoinFailed failed, or why the archive could
	// not give an EventRejoined's gap (HistoryFull is then true).
	Err error
}

// roomState is where a Room stands.
type roomState int

const (
	stateJoining   roomState = iota // join sent, no self-presence yet
	stateHistory                    // self-presence seen, history until the subject
	stateJoined                     // in the room
	stateRejoining                  // joining again after a new session
	stateOut                        // left, removed, or never admitted
)

// Room is a room joined through Rooms.Join. Its methods are safe for
// concurrent use. Once the occupant is out of it (Leave, a kick, the
// room's destruction, a failed rejoin), Done is closed, Err says why, and
// the calls that need the room return ErrNotJoined.
type Room struct {
	rs  *Rooms
	jid jid.JID

	mu        sync.Mutex
	nick      string
	opts      JoinOptions
	state     roomState
	self      Occupant
	occupants map[string]Occupant
	subject   Subject
	created   bool
	info      disco.Info
	lastAt    time.Time  // arrival of the last live groupchat message
	lastID    string     // the room's stanza-id of that message, if it had one
	archived  bool       // this rejoin fetches its gap from the room's archive
	early     []*Message // live messages that came during a rejoin, before its end
	lateDrop  int        // early messages dropped beyond maxEarly
	history   int        // history messages since the last (re)join
	before    map[string]Occupant
	since     time.Time       // the gap a rejoin covers
	renames   map[string]bool // new nicks announced by a 303, not yet present
	seen      map[string]bool // keys of recent live messages (see messageKey)
	seenOrder []string        // seen, oldest first, at most maxSeen
	joinCh    chan error      // Join's wait; buffered 1
	nickCh    chan error      // ChangeNick's wait
	nickWant  string
	leaving   bool // Leave sent our unavailable presence
	done      chan struct{}
	err       error
	claimed   bool
}

func newRoom(rs *Rooms, room jid.JID, nick string, o JoinOptions) *Room {
	return &Room{
		rs: rs, jid: room, nick: nick, opts: o,
		occupants: make(map[string]Occupant),
		renames:   make(map[string]bool),
		seen:      make(map[string]bool),
		joinCh:    make(chan error, 1),
		done:      make(chan struct{}),
	}
}

// JID returns the room's bare JID.
func (r *Room) JID() jid.JID { return r.jid }

// Nick returns this occupant's nick.
func (r *Room) Nick() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.nick
}

// Self returns this occupant as the room presents it: role, affiliation.
func (r *Room) Self() Occupant {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.self
}

// Occupants returns the occupants, this one included, sorted by nick.
func (r *Room) Occupants() []Occupant {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := slices.Collect(maps.Values(r.occupants))
	slices.SortFunc(out, func(a, b Occupant) int {
		switch {
		case a.Nick < b.Nick:
			return -1
		case a.Nick > b.Nick:
			return 1
		}
		return 0
	})
	return out
}

// Occupant returns the occupant with nick, if present.
func (r *Room) Occupant(nick string) (Occupant, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	o, ok := r.occupants[nick]
	return o, ok
}

// Subject returns the room's subject.
func (r *Room) Subject() Subject {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.subject
}

// Created reports whether the join created the room (status 201).
func (r *Room) Created() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.created
}

// Info returns what the room said of itself in disco#info after the join:
// its features (muc_membersonly, muc_nonanonymous...) and its muc#roominfo
// form. It is zero if the room did not answer.
func (r *Room) Info() disco.Info {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.info
}

func (r *Room) setInfo(info disco.Info) {
	r.mu.Lock()
	r.info = info
	r.mu.Unlock()
}

// Done is closed once the occupant is out of the room.
func (r *Room) Done() <-chan struct{} { return r.done }

// Err says why the occupant is out of the room: nil while in it,
// ErrNotJoined after Leave, or the kick, ban, destruction or refusal.
func (r *Room) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// occupantJID returns room/nick.
func (r *Room) occupantJID(nick string) (jid.JID, error) {
	return r.jid.WithResource(nick)
}

// claim makes the room's address the room's on the Client.
func (r *Room) claim() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.claimed {
		return
	}
	r.claimed = true
	route := xmpp.Route{From: r.jid}
	r.rs.c.HandleMessage(route, r.message)
	r.rs.c.HandlePresence(route, r.presence)
}

// out ends the room: releases its address, forgets it, records why.
func (r *Room) out(why error) {
	r.mu.Lock()
	if r.state == stateOut {
		r.mu.Unlock()
		return
	}
	r.state = stateOut
	r.err = why
	claimed := r.claimed
	r.claimed = false
	if r.nickCh != nil {
		r.nickCh <- ErrNotJoined
		r.nickCh = nil
	}
	close(r.done)
	r.mu.Unlock()
	if claimed {
		route := xmpp.Route{From: r.jid}
		r.rs.c.ReleaseMessage(route)
		r.rs.c.ReleasePresence(route)
	}
	r.rs.forget(r)
}

// joined reports whether the room may be used.
func (r *Room) joined() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.state == stateOut {
		return ErrNotJoined
	}
	return nil
}

// presence handles a presence from the room or one of its occupants.
func (r *Room) presence(ctx context.Context, p *stanza.Presence) {
	if p.Type == stanza.PresenceError {
		r.presenceError(ctx, p)
		return
	}
	nick := p.From.Resourcepart()
	if nick == "" {
		r.rs.log.Debug("muc: ignored a presence from the room itself", "room", r.jid)
		return
	}
	var x *UserX
	for _, pl := range p.Payloads {
		if pl.Name.Space == NSUser && pl.Name.Local == "x" {
			ux, err := ParseUserX(pl)
			if err != nil {
				r.rs.log.Warn("muc: dropped an occupant presence with a malformed muc#user payload", "from", p.From, "error", err)
				return
			}
			x = &ux
			break
		}
	}
	if x == nil || len(x.Items) == 0 {
		r.rs.log.Warn("muc: dropped an occupant presence without its item", "from", p.From)
		return
	}
	it := x.Items[0]
	occ := Occupant{Nick: nick, Role: it.Role, Affiliation: it.Affiliation, JID: it.JID, Show: p.Show, Status: p.Status()}
	for _, pl := range p.Payloads {
		if pl.Name.Space == NSOccupantID && pl.Name.Local == "occupant-id" {
			occ.ID = pl.Attr("id")
		}
	}
	if occ.Role == "" {
		occ.Role = RoleNone
	}
	if occ.Affiliation == "" {
		occ.Affiliation = AffiliationNone
	}
	self := x.HasStatus(StatusSelf)
	if p.Type == stanza.PresenceUnavailable {
		r.unavailable(ctx, occ, it, x, self)
		return
	}
	if p.Type != stanza.PresenceAvailable {
		return
	}
	r.available(ctx, occ, x, self)
}

// available handles an occupant's available presence.
func (r *Room) available(ctx context.Context, occ Occupant, x *UserX, self bool) {
	own := r.rs.c.JID()
	r.mu.Lock()
	if self {
		switch {
		case occ.Nick == r.nick:
		case r.nickWant != "" && occ.Nick == r.nickWant:
		case x.HasStatus(StatusNickAssigned) && (r.state == stateJoining || r.state == stateRejoining):
		default:
			r.mu.Unlock()
			r.rs.log.Warn("muc: dropped a self-presence for a nick not asked for", "from", occ.Nick, "nick", r.nick)
			return
		}
		if !occ.JID.IsZero() && occ.JID != own {
			r.mu.Unlock()
			r.rs.log.Warn("muc: dropped a self-presence naming another JID", "room", r.jid, "jid", occ.JID)
			return
		}
		r.self = occ
	}
	prev, had := r.occupants[occ.Nick]
	r.occupants[occ.Nick] = occ
	renamed := r.renames[occ.Nick]
	delete(r.renames, occ.Nick)
	state := r.state
	var events []Event
	recreated := false
	switch {
	case self && (state == stateJoining || state == stateRejoining):
		if occ.Nick != r.nick { // the room assigned another nick (210)
			delete(r.occupants, r.nick)
			r.nick = occ.Nick
		}
		if x.HasStatus(StatusCreated) {
			r.created = true
			// A new room has no history; its subject may or may not
			// come: the join is done.
			r.state = stateJoined
			r.finishJoinLocked(nil)
			if state == stateRejoining {
				// The room went away while we were out (a temporary
				// room empties): joining again made it anew.
				recreated = true
				events = append(events, Event{Kind: EventRejoined, Self: true, Since: r.since, Status: x.Status})
			}
		} else {
			r.state = stateHistory
			r.history = 0
		}
	case self && r.nickWant == occ.Nick && r.nickCh != nil:
		r.nick = occ.Nick
		r.nickWant = ""
		r.nickCh <- nil
		r.nickCh = nil
	case state != stateJoined:
		// The room's list of occupants, sent before the self-presence:
		// no events.
	case renamed:
		// Announced by the 303 already.
	case !had:
		events = append(events, Event{Kind: EventOccupantJoined, Occupant: occ, Self: self, Status: x.Status})
	default:
		if prev.Role != occ.Role {
			events = append(events, Event{Kind: EventRoleChanged, Occupant: occ, Self: self, OldRole: prev.Role, Status: x.Status})
		}
		if prev.Affiliation != occ.Affiliation {
			events = append(events, Event{Kind: EventAffiliationChanged, Occupant: occ, Self: self, OldAffiliation: prev.Affiliation, Status: x.Status})
		}
		if prev.Show != occ.Show || prev.Status != occ.Status {
			events = append(events, Event{Kind: EventPresenceChanged, Occupant: occ, Self: self, Status: x.Status})
		}
	}
	opts := r.opts
	if recreated {
		r.before = nil
	}
	r.mu.Unlock()
	if recreated {
		r.flushEarly(ctx, nil)
	}
	if recreated && !opts.KeepLocked {
		cfg := opts.Config
		if cfg == nil {
			cfg = form.New(form.TypeSubmit, "")
		}
		if err := r.Configure(ctx, cfg); err != nil {
			r.rs.log.Warn("muc: configuring the room made anew failed", "room", r.jid, "error", err)
		}
	}
	for _, ev := range events {
		r.rs.emit(ctx, r, ev)
	}
}

// unavailable handles an occupant's unavailable presence: a departure, a
// removal, a nick change, or the room's destruction.
func (r *Room) unavailable(ctx context.Context, occ Occupant, it Item, x *UserX, self bool) {
	r.mu.Lock()
	if self && occ.Nick != r.nick {
		r.mu.Unlock()
		r.rs.log.Warn("muc: dropped a self unavailable presence for another nick", "from", occ.Nick, "nick", r.nick)
		return
	}
	// A room that is destroyed sends each occupant its own unavailable
	// presence with <destroy/>, and XEP-0045's example (and ejabberd
	// 23.01) leave status 110 out; so may a room removing us. Our own
	// occupant JID going away is about us, whatever the codes say.
	if occ.Nick == r.nick || x.Destroy != nil {
		self = true
	}
	removal := x.Destroy != nil || x.HasStatus(StatusKicked) || x.HasStatus(StatusBanned) || x.HasStatus(StatusAffiliationLost) ||
		x.HasStatus(StatusMembersOnly) || x.HasStatus(StatusShutdown) || x.HasStatus(StatusRemovedError) || x.HasStatus(StatusNickChanged)
	if self && !removal && !r.leaving {
		// A plain departure we did not ask for: the old session's,
		// which a server tells the room when a new session replaces it,
		// possibly after our join again (ejabberd 23.01 does). A room
		// that removes an occupant says why with a status code; should
		// it have forgotten us without one, the self-ping finds out.
		r.mu.Unlock()
		r.rs.log.Debug("muc: a departure of our nick we did not ask for (a replaced session's?): checking with a self-ping", "room", r.jid)
		// ejabberd 23.01 may take the rejoined occupant out with the
		// replaced session, both having one full JID: ask the room.
		go r.rs.verify(r)
		return
	}
	prev, had := r.occupants[occ.Nick]
	if had {
		occ.JID = cmp.Or(occ.JID, prev.JID)
		occ.ID = cmp.Or(occ.ID, prev.ID)
	}
	if x.HasStatus(StatusNickChanged) && it.Nick != "" {
		delete(r.occupants, occ.Nick)
		moved := occ
		moved.Nick = it.Nick
		r.occupants[it.Nick] = moved
		r.renames[it.Nick] = true
		if self {
			r.self = moved
		}
		joined := r.state == stateJoined
		r.mu.Unlock()
		if joined {
			r.rs.emit(ctx, r, Event{Kind: EventNickChanged, Occupant: moved, Self: self, OldNick: occ.Nick, Status: x.Status})
		}
		return
	}
	delete(r.occupants, occ.Nick)
	joined := r.state == stateJoined || r.state == stateHistory
	r.mu.Unlock()

	ev := Event{Occupant: occ, Self: self, Actor: it.Actor, Reason: it.Reason, Status: x.Status, Destroy: x.Destroy}
	var why error = ErrNotJoined
	switch {
	case x.Destroy != nil:
		ev.Kind = EventDestroyed
		why = fmt.Errorf("muc: room %s destroyed: %w", r.jid, ErrNotJoined)
	case x.HasStatus(StatusKicked):
		ev.Kind = EventKicked
		why = fmt.Errorf("muc: kicked from %s: %w", r.jid, ErrNotJoined)
	case x.HasStatus(StatusBanned):
		ev.Kind = EventBanned
		why = fmt.Errorf("muc: banned from %s: %w", r.jid, ErrNotJoined)
	case x.HasStatus(StatusAffiliationLost) || x.HasStatus(StatusMembersOnly) || x.HasStatus(StatusShutdown) || x.HasStatus(StatusRemovedError):
		ev.Kind = EventRemoved
		why = fmt.Errorf("muc: removed from %s (status %v): %w", r.jid, x.Status, ErrNotJoined)
	default:
		ev.Kind = EventOccupantLeft
		ev.Reason = occ.Status
	}
	if !self {
		if joined && (had || ev.Kind == EventDestroyed) {
			r.rs.emit(ctx, r, ev)
		}
		return
	}
	r.out(why)
	if ev.Kind != EventOccupantLeft {
		r.rs.emit(ctx, r, ev)
	}
}

// presenceError handles an error presence: a refused join, rejoin or
// nick change.
func (r *Room) presenceError(ctx context.Context, p *stanza.Presence) {
	serr := p.Error
	if serr == nil {
		serr = stanza.NewError(stanza.ErrUndefinedCondition, "")
	}
	r.mu.Lock()
	nick := p.From.Resourcepart()
	state := r.state
	switch {
	case r.nickCh != nil && (nick == r.nickWant || nick == ""):
		r.nickCh <- &JoinError{Room: r.jid, Nick: r.nickWant, Reason: joinReason(serr.Condition), Stanza: serr}
		r.nickCh = nil
		r.nickWant = ""
		r.mu.Unlock()
		return
	case state == stateJoining && (nick == r.nick || nick == ""):
		r.finishJoinLocked(&JoinError{Room: r.jid, Nick: r.nick, Reason: joinReason(serr.Condition), Stanza: serr})
		r.mu.Unlock()
		return
	case state == stateRejoining && (nick == r.nick || nick == ""):
		r.mu.Unlock()
		err := &JoinError{Room: r.jid, Nick: r.nick, Reason: joinReason(serr.Condition), Stanza: serr}
		r.rs.log.Warn("muc: joining again failed", "room", r.jid, "error", err)
		r.out(err)
		r.rs.emit(ctx, r, Event{Kind: EventRejoinFailed, Self: true, Err: err})
		return
	}
	r.mu.Unlock()
	r.rs.log.Debug("muc: presence error from the room", "from", p.From, "error", serr)
}

// finishJoinLocked ends Join's wait with err (nil: joined).
func (r *Room) finishJoinLocked(err error) {
	select {
	case r.joinCh <- err:
	default:
	}
}

// message handles a message from the room or one of its occupants.
func (r *Room) message(ctx context.Context, m *stanza.Message) {
	nick := m.From.Resourcepart()
	if m.Type == stanza.MessageGroupchat && m.Body() == "" && hasSubject(m) {
		r.subjectMessage(ctx, m, nick)
		return
	}
	r.mu.Lock()
	state := r.state
	own := nick != "" && nick == r.nick
	r.mu.Unlock()
	if nick == "" {
		if x, ok := userX(m); ok && x.HasStatus(StatusConfigChanged) {
			r.rs.emit(ctx, r, Event{Kind: EventConfigChanged, Status: x.Status})
			return
		}
		if r.voiceRequest(ctx, m) {
			return
		}
	}
	msg := &Message{Message: m, Nick: nick, Own: own}
	switch m.Type {
	case stanza.MessageGroupchat:
		key := r.messageKey(m, nick)
		_, delayed := delay.Get(m)
		r.mu.Lock()
		if (state == stateHistory || state == stateRejoining) && !delayed && r.before != nil {
			// Live traffic of a rejoin, before the room finished it
			// (ejabberd routes the room's messages to the full JID while
			// the session it replaced is still an occupant): it comes
			// after the gap, so it waits for the gap's end (see
			// flushEarly).
			if len(r.early) < maxEarly {
				r.early = append(r.early, msg)
			} else {
				r.lateDrop++
			}
			r.mu.Unlock()
			return
		}
		if state == stateHistory || state == stateRejoining {
			msg.History = true
			r.history++
			if key != "" && r.seen[key] {
				// Seen live before the gap: the history of a rejoin
				// starts a little before the last message seen.
				r.mu.Unlock()
				return
			}
			if r.before != nil {
				r.rememberLocked(key) // so that a live copy is dropped
			}
		} else if !delayed {
			if strings.HasPrefix(key, sidKey) && r.seen[key] {
				// Delivered from the archive already: a rejoin's gap
				// reaches to the archive's end, which may hold what the
				// room sent us live since.
				r.mu.Unlock()
				return
			}
			r.lastAt = time.Now()
			if id, ok := strings.CutPrefix(key, sidKey); ok {
				r.lastID = id
			}
			r.rememberLocked(key)
		}
		r.mu.Unlock()
	case stanza.MessageError:
	default:
		msg.Private = nick != ""
	}
	r.rs.deliver(ctx, r, msg)
}

// subjectMessage handles a subject change, which also ends the history
// of a join.
func (r *Room) subjectMessage(ctx context.Context, m *stanza.Message, nick string) {
	subj := Subject{Text: subjectText(m), Nick: nick}
	r.mu.Lock()
	r.subject = subj
	state := r.state
	var rejoined *Event
	archived := false
	switch state {
	case stateHistory:
		r.state = stateJoined
		if r.before != nil {
			rejoined = &Event{Kind: EventRejoined, Self: true, Since: r.since, HistoryFull: r.historyFullLocked()}
			archived = r.archived
		}
		r.finishJoinLocked(nil)
	}
	before := r.before
	r.before = nil
	now := r.occupants
	r.mu.Unlock()
	switch {
	case rejoined != nil:
		if archived {
			// On the dispatch goroutine: the gap comes before the live
			// messages the room sends from now on.
			n, full, err := r.fetchGap(ctx)
			rejoined.FromArchive, rejoined.Recovered, rejoined.HistoryFull, rejoined.Err = true, n, full, err
		}
		r.flushEarly(ctx, rejoined)
		r.emitGap(ctx, before, now)
		r.rs.emit(ctx, r, *rejoined)
	case state == stateJoined:
		r.rs.emit(ctx, r, Event{Kind: EventSubjectChanged, Subject: subj})
	}
}

// historyFullLocked reports whether a rejoin's history may have been cut
// by the room's limit: it sent 20 or more messages (the default limit of
// Prosody and ejabberd), or as many as asked for.
func (r *Room) historyFullLocked() bool {
	limit := 20
	if r.opts.History.MaxStanzas > 0 {
		limit = r.opts.History.MaxStanzas
	}
	return r.history >= limit
}

// emitGap reports the occupants who came or went while the room was
// being joined again.
func (r *Room) emitGap(ctx context.Context, before, now map[string]Occupant) {
	r.mu.Lock()
	nowCopy := maps.Clone(now)
	r.mu.Unlock()
	for nick, o := range before {
		if _, ok := nowCopy[nick]; !ok {
			r.rs.emit(ctx, r, Event{Kind: EventOccupantLeft, Occupant: o})
		}
	}
	for nick, o := range nowCopy {
		if _, ok := before[nick]; !ok {
			r.rs.emit(ctx, r, Event{Kind: EventOccupantJoined, Occupant: o})
		}
	}
}

// maxSeen bounds the live messages remembered to recognise them in a
// rejoin's history.
const maxSeen = 200

// messageKey identifies a groupchat message across its live delivery and
// the room's history: the room's stanza-id (XEP-0359, by the room's
// JID) where the room gives one, else the sender's nick and message id,
// which rooms keep; "" when there is neither.
func (r *Room) messageKey(m *stanza.Message, nick string) string {
	if id, ok := stanzaid.StanzaID(m, r.jid); ok {
		return sidKey + id
	}
	if m.ID != "" {
		return "id\x00" + nick + "\x00" + m.ID
	}
	return ""
}

// maxEarly bounds the live messages held while a rejoin finishes.
const maxEarly = 1000

// flushEarly delivers the live messages that came while the room was
// being joined again, after the gap's history or archive, but those the
// gap held. Some dropped beyond maxEarly make ev (if not nil) say that
// messages may be missing.
func (r *Room) flushEarly(ctx context.Context, ev *Event) {
	r.mu.Lock()
	early, dropped := r.early, r.lateDrop
	r.early, r.lateDrop = nil, 0
	var deliver []*Message
	for _, m := range early {
		key := r.messageKey(m.Message, m.Nick)
		if key != "" && r.seen[key] {
			continue
		}
		r.rememberLocked(key)
		r.lastAt = time.Now()
		if id, ok := strings.CutPrefix(key, sidKey); ok {
			r.lastID = id
		}
		deliver = append(deliver, m)
	}
	r.mu.Unlock()
	if dropped > 0 {
		r.rs.log.Warn("muc: live messages dropped while joining again", "room", r.jid, "dropped", dropped)
		if ev != nil {
			ev.HistoryFull = true
		}
	}
	for _, m := range deliver {
		r.rs.deliver(ctx, r, m)
	}
}

// sidKey prefixes the messageKey made of a room's stanza-id.
const sidKey = "sid\x00"

// rememberLocked notes key as seen live, forgetting the oldest beyond
// maxSeen.
func (r *Room) rememberLocked(key string) {
	if key == "" || r.seen[key] {
		return
	}
	if len(r.seenOrder) >= maxSeen {
		delete(r.seen, r.seenOrder[0])
		r.seenOrder = r.seenOrder[1:]
	}
	r.seen[key] = true
	r.seenOrder = append(r.seenOrder, key)
}

func hasSubject(m *stanza.Message) bool { return len(m.Subjects) > 0 }

func subjectText(m *stanza.Message) string { return m.Subject() }

// userX returns the decoded muc#user payload of m, if any.
func userX(m *stanza.Message) (UserX, bool) {
	for _, p := range m.Payloads {
		if p.Name.Space == NSUser && p.Name.Local == "x" {
			x, err := ParseUserX(p)
			return x, err == nil
		}
	}
	return UserX{}, false
}

// rejoin sends the join again after a new session, asking for the history
// since the last message seen. It runs on the dispatch goroutine, so it
// does not wait: the room's answers are handled as they come.
func (r *Room) rejoin(ctx context.Context) {
	r.mu.Lock()
	if r.state == stateOut {
		r.mu.Unlock()
		return
	}
	r.state = stateRejoining
	r.before = r.occupants
	r.occupants = make(map[string]Occupant)
	r.renames = make(map[string]bool)
	r.history = 0
	r.early, r.lateDrop = nil, 0
	r.since = r.lastAt
	// The history of the gap, whatever the first join asked for: from a
	// second before the last live message (clocks differ; what was seen
	// is recognised and dropped), or, if none was seen, as first asked.
	h, none := r.opts.History, r.opts.NoHistory
	r.archived = false
	switch {
	case r.rs.archive != nil && r.info.HasFeature(mam.NS) && (r.lastID != "" || !r.lastAt.IsZero()):
		// The gap comes from the archive once the room has us back
		// (see subjectMessage): no history.
		h, none, r.archived = History{}, true, true
	case !r.lastAt.IsZero():
		h, none = History{Since: r.lastAt.Add(-time.Second), MaxStanzas: h.MaxStanzas}, false
	}
	nick, password := r.nick, r.opts.Password
	r.mu.Unlock()
	occ, err := r.occupantJID(nick)
	if err != nil {
		r.out(err)
		return
	}
	p := stanza.NewPresence(stanza.PresenceAvailable, occ)
	p.Payloads = append(p.Payloads, joinElement(password, h, none))
	if err := r.rs.c.Send(ctx, p); err != nil {
		r.rs.log.Warn("muc: joining again failed", "room", r.jid, "error", err)
	}
}

const (
	// archivePage is the page size of a rejoin's archive query.
	archivePage = 100
	// archivePages bounds the pages a rejoin fetches: a longer gap is
	// reported as possibly incomplete (HistoryFull).
	archivePages = 20
	// archiveTimeout bounds a rejoin's archive queries, which hold back
	// the Client's handlers.
	archiveTimeout = 30 * time.Second
)

// fetchGap delivers the messages the room archived since the last one
// seen live (by its stanza-id, or from a second before it arrived when
// the room gave none), marked History, those seen live dropped. It
// reports how many it delivered, and whether some may be missing: more
// than archivePages pages, or an error, which it returns.
func (r *Room) fetchGap(ctx context.Context) (n int, full bool, err error) {
	r.mu.Lock()
	after, since := r.lastID, r.lastAt
	r.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, archiveTimeout)
	defer cancel()
	byTime := mam.Query{Start: since.Add(-time.Second), Max: archivePage}
	q := byTime
	if after != "" {
		q = mam.Query{After: after, Max: archivePage}
	}
	for range archivePages {
		page, err := r.rs.archive.Fetch(ctx, r.jid, q)
		if err != nil && q.After == after && after != "" && errors.Is(err, stanza.ErrItemNotFound) && !since.IsZero() {
			// The archive no longer has the last message seen (a room
			// that keeps a limited archive): from its time instead.
			after = ""
			q = byTime
			page, err = r.rs.archive.Fetch(ctx, r.jid, q)
		}
		if err != nil {
			r.rs.log.Warn("muc: fetching a rejoin's gap from the room's archive failed", "room", r.jid, "error", err)
			return n, true, fmt.Errorf("muc: the archive of %s: %w", r.jid, err)
		}
		for _, res := range page.Results {
			if r.deliverArchived(ctx, res) {
				n++
			}
		}
		if page.Complete || len(page.Results) == 0 || page.RSM.Last == "" {
			return n, false, nil
		}
		q = mam.Query{After: page.RSM.Last, Max: archivePage}
	}
	return n, true, nil
}

// deliverArchived hands an archived groupchat message of the room to the
// message handler as History, unless it was seen live; it reports whether
// it did.
func (r *Room) deliverArchived(ctx context.Context, res mam.Result) bool {
	m := res.Message
	if m == nil || m.Type != stanza.MessageGroupchat || m.From.Bare() != r.jid {
		return false
	}
	key := sidKey + res.ID
	r.mu.Lock()
	if r.seen[key] || r.seen[r.messageKey(m, m.From.Resourcepart())] {
		r.mu.Unlock()
		return false
	}
	r.rememberLocked(key)
	r.lastID = res.ID
	if !res.Stamp.IsZero() {
		r.lastAt = res.Stamp
	}
	own := m.From.Resourcepart() == r.nick
	r.mu.Unlock()
	if _, ok := stanzaid.StanzaID(m, r.jid); !ok {
		m.Payloads = append(m.Payloads, stanzaid.ID{ID: res.ID, By: r.jid}.Element())
	}
	if _, ok := delay.Get(m); !ok && !res.Stamp.IsZero() {
		m.Payloads = append(m.Payloads, delay.Delay{Stamp: res.Stamp, From: r.jid}.Element())
	}
	r.rs.deliver(ctx, r, &Message{Message: m, Nick: m.From.Resourcepart(), Own: own, History: true})
	return true
}
