package muc

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/mam"
	"github.com/xmppkit/xmpp/stanza"
)

// MessageHandlerFunc handles a message of a joined room: a groupchat
// message (live or from the room's history), a private message from an
// occupant, or a message from the room itself.
type MessageHandlerFunc func(ctx context.Context, room *Room, m *Message)

// EventHandlerFunc handles an event of a joined room: occupants coming,
// going and changing, the subject, the room's end, rejoins.
type EventHandlerFunc func(ctx context.Context, room *Room, ev Event)

// InviteHandlerFunc handles an invitation to a room, mediated or direct.
type InviteHandlerFunc func(ctx context.Context, inv Invite)

// DeclineHandlerFunc handles an invitee's refusal of an invitation.
type DeclineHandlerFunc func(ctx context.Context, d Decline)

// Options configures Rooms. The zero value (or nil) is ready to use.
type Options struct {
	// Logger receives, at Warn level, stanzas dropped because they break
	// XEP-0045 or claim to come from a room not joined, and rejoins that
	// failed; at Debug level, the rest. nil is silent.
	Logger *slog.Logger
	// SelfPing is the interval of the XEP-0410 self-ping of every joined
	// room, which finds out that a room forgot us (a server restart, a
	// lost presence) and joins again. Zero means 15 minutes; negative
	// turns it off.
	SelfPing time.Duration
	// Archive, if set, fetches what a rejoin missed from the room's
	// message archive (XEP-0313) where the room has one: every message
	// since the last one seen live, where a room's history keeps only
	// the last few (20 on Prosody and ejabberd). See Event.FromArchive.
	// It is the account's mam.Querier (made once per Client with
	// mam.New).
	Archive *mam.Querier
}

// defaultSelfPing is the self-ping interval when Options.SelfPing is zero.
const defaultSelfPing = 15 * time.Minute

// Rooms is the occupant side of Multi-User Chat (XEP-0045) for one
// xmpp.Client: it joins rooms, keeps each room's occupants and subject,
// hands the rooms' messages and events to the application's handlers,
// joins again after a new session, and receives invitations.
//
// Make one with New before the Client connects, register the handlers,
// then Join rooms once connected. A joined room claims its address on the
// Client (see xmpp.Route): its messages and presence reach Rooms, not the
// Client's default handlers, until it is left. Messages with a muc#user
// payload (invitations, declines, private messages' markers) and XEP-0249
// invitations are claimed by Rooms too.
type Rooms struct {
	c        *xmpp.Client
	log      *slog.Logger
	selfPing time.Duration
	archive  *mam.Querier

	mu        sync.Mutex
	rooms     map[jid.JID]*Room // by bare room JID, while joining or joined
	onMessage MessageHandlerFunc
	onEvent   EventHandlerFunc
	onInvite  InviteHandlerFunc
	onDecline DeclineHandlerFunc
	onVoice   VoiceRequestHandlerFunc
	pinging   bool // the self-ping goroutine runs
}

// New makes the Rooms of c and attaches them. opts may be nil.
func New(c *xmpp.Client, opts *Options) *Rooms {
	var o Options
	if opts != nil {
		o = *opts
	}
	rs := &Rooms{c: c, log: o.Logger, selfPing: o.SelfPing, archive: o.Archive, rooms: make(map[jid.JID]*Room)}
	if rs.log == nil {
		rs.log = slog.New(slog.DiscardHandler)
	}
	if rs.selfPing == 0 {
		rs.selfPing = defaultSelfPing
	}
	c.HandleMessage(xmpp.Route{Payload: stanza.Name{Space: NSUser, Local: "x"}}, rs.userXMessage)
	c.HandleMessage(xmpp.Route{Payload: stanza.Name{Space: NSDirectInvite, Local: "x"}}, rs.directInvite)
	c.HandleEvent(rs.event)
	return rs
}

// HandleMessage makes h the handler of the joined rooms' messages. It
// replaces the previous one; without one, messages are dropped.
func (rs *Rooms) HandleMessage(h MessageHandlerFunc) {
	rs.mu.Lock()
	rs.onMessage = h
	rs.mu.Unlock()
}

// HandleEvent makes h the handler of the joined rooms' events. It
// replaces the previous one.
func (rs *Rooms) HandleEvent(h EventHandlerFunc) {
	rs.mu.Lock()
	rs.onEvent = h
	rs.mu.Unlock()
}

// HandleInvite makes h the handler of invitations to rooms. It replaces
// the previous one; without one, invitations are dropped (logged at
// Debug).
func (rs *Rooms) HandleInvite(h InviteHandlerFunc) {
	rs.mu.Lock()
	rs.onInvite = h
	rs.mu.Unlock()
}

// HandleDecline makes h the handler of declined invitations, which rooms
// relay to their inviters.
func (rs *Rooms) HandleDecline(h DeclineHandlerFunc) {
	rs.mu.Lock()
	rs.onDecline = h
	rs.mu.Unlock()
}

// Room returns the room with the bare JID room, if it is joined (or
// being joined).
func (rs *Rooms) Room(room jid.JID) (*Room, bool) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	r, ok := rs.rooms[room.Bare()]
	return r, ok
}

// Joined returns the rooms joined or being joined.
func (rs *Rooms) Joined() []*Room {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	out := make([]*Room, 0, len(rs.rooms))
	for _, r := range rs.rooms {
		out = append(out, r)
	}
	return out
}

// History limits the discussion history a room sends on join (XEP-0045
// §7.2.13). Zero fields are left out; a room applies all that are set.
type History struct {
	MaxChars   int
	MaxStanzas int
	Seconds    int
	Since      time.Time
}

// JoinOptions are the options of one join. The zero value (or nil) asks
// for the room's default history and creates an instant room if the join
// creates one.
type JoinOptions struct {
	// Password is the room's password, for a password-protected room.
	Password string
	// History limits the history the room sends; NoHistory asks for
	// none (for a client that fetches the room's archive instead).
	History   History
	NoHistory bool
	// Config is submitted when the join creates the room (status 201),
	// instead of accepting the default configuration (an instant room).
	// It is a form of type submit (see Room.Config for the fields).
	Config *form.Form
	// KeepLocked leaves a room this join created locked, for the caller
	// to configure with Room.Configure; others cannot join it until then.
	KeepLocked bool
	// Show and Status are the availability sent to the room.
	Show   stanza.Show
	Status string
}

// joinElement is the <x xmlns='http://jabber.org/protocol/muc'/> of a join.
func joinElement(password string, h History, none bool) *stanza.Element {
	x := stanza.NewElement(NS, "x")
	hist := stanza.NewElement(NS, "history")
	if none {
		hist.SetAttr("maxstanzas", "0")
	} else {
		if h.MaxChars > 0 {
			hist.SetAttr("maxchars", fmt.Sprint(h.MaxChars))
		}
		if h.MaxStanzas > 0 {
			hist.SetAttr("maxstanzas", fmt.Sprint(h.MaxStanzas))
		}
		if h.Seconds > 0 {
			hist.SetAttr("seconds", fmt.Sprint(h.Seconds))
		}
		if !h.Since.IsZero() {
			hist.SetAttr("since", h.Since.UTC().Format("2006-01-02T15:04:05.000Z"))
		}
	}
	if len(hist.Attrs) > 0 {
		x.AddChild(hist)
	}
	if password != "" {
		x.AddChild(stanza.NewElement(NS, "password").AddText(password))
	}
	return x
}

// Join enters the room with the bare JID room under nick, and returns once
// the room has sent its occupants, its history and its subject (XEP-0045
// §7.2), with the Room holding them. A room the join creates (Created
// reports it) is made an instant room, or configured with opts.Config,
// unless opts.KeepLocked.
//
// A refusal is a *JoinError wrapping its reason (ErrNickInUse,
// ErrPasswordRequired, ErrMembersOnly, ErrBanned, ErrRoomFull,
// ErrRoomLocked, ErrCreateNotAllowed, ErrNickRequired) and the room's
// stanza error. If ctx ends first, the join is abandoned (an unavailable
// presence is sent, should the room admit us later) and ctx's error
// returned. Join must not be called from a handler (ErrInHandler).
func (rs *Rooms) Join(ctx context.Context, room jid.JID, nick string, opts *JoinOptions) (*Room, error) {
	if rs.c.InHandler(ctx) {
		return nil, ErrInHandler
	}
	var o JoinOptions
	if opts != nil {
		o = *opts
	}
	if room.Localpart() == "" || room.Resourcepart() != "" {
		return nil, fmt.Errorf("muc: join: %q is not a room's bare JID", room)
	}
	occ, err := room.WithResource(nick)
	if err != nil || nick == "" {
		return nil, fmt.Errorf("muc: join %s: nick %q: %w", room, nick, err)
	}
	r := newRoom(rs, room, nick, o)
	rs.mu.Lock()
	if _, ok := rs.rooms[room]; ok {
		rs.mu.Unlock()
		return nil, ErrAlreadyJoined
	}
	rs.rooms[room] = r
	rs.mu.Unlock()
	r.claim()

	p := stanza.NewPresence(stanza.PresenceAvailable, occ)
	p.Show = o.Show
	if o.Status != "" {
		p.Statuses = []stanza.Text{{Value: o.Status}}
	}
	p.Payloads = append(p.Payloads, joinElement(o.Password, o.History, o.NoHistory))
	if err := rs.c.Send(ctx, p); err != nil {
		r.out(err)
		return nil, fmt.Errorf("muc: join %s: %w", room, err)
	}
	select {
	case err = <-r.joinCh:
	case <-ctx.Done():
		err = ctx.Err()
		// Should the room admit us after all, leave at once.
		leave := stanza.NewPresence(stanza.PresenceUnavailable, occ)
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = rs.c.Send(sctx, leave)
		cancel()
	case <-rs.c.Done():
		err = rs.c.Err()
	}
	if err != nil {
		r.out(err)
		return nil, err
	}
	if r.Created() && !o.KeepLocked {
		cfg := o.Config
		if cfg == nil {
			cfg = form.New(form.TypeSubmit, "") // an instant room (§10.1.2)
		}
		if err := r.Configure(ctx, cfg); err != nil {
			return r, fmt.Errorf("muc: join %s: configuring the new room: %w", room, err)
		}
	}
	if info, err := disco.GetInfo(ctx, rs.c, room, ""); err == nil {
		r.setInfo(info)
	} else {
		rs.log.Debug("muc: room disco#info failed", "room", room, "error", err)
	}
	rs.startSelfPing()
	return r, nil
}

// forget removes r from the rooms joined, if it is the one there.
func (rs *Rooms) forget(r *Room) {
	rs.mu.Lock()
	if rs.rooms[r.jid] == r {
		delete(rs.rooms, r.jid)
	}
	rs.mu.Unlock()
}

// handlers returns the current handlers.
func (rs *Rooms) handlers() (MessageHandlerFunc, EventHandlerFunc) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.onMessage, rs.onEvent
}

// emit hands ev about r to the event handler.
func (rs *Rooms) emit(ctx context.Context, r *Room, ev Event) {
	if _, h := rs.handlers(); h != nil {
		h(ctx, r, ev)
	}
}

// deliver hands m of r to the message handler.
func (rs *Rooms) deliver(ctx context.Context, r *Room, m *Message) {
	if h, _ := rs.handlers(); h != nil {
		h(ctx, r, m)
	}
}

// userXMessage takes every message with a muc#user payload: invitations
// and declines, relayed by rooms, and the messages of joined rooms that
// carry one (private messages, status notices), which go to their room.
func (rs *Rooms) userXMessage(ctx context.Context, m *stanza.Message) {
	var x UserX
	for _, p := range m.Payloads {
		if p.Name.Space == NSUser && p.Name.Local == "x" {
			var err error
			if x, err = ParseUserX(p); err != nil {
				rs.log.Warn("muc: dropped a message with a malformed muc#user payload", "from", m.From, "error", err)
				return
			}
			break
		}
	}
	room := m.From.Bare()
	if len(x.Invites) > 0 || len(x.Declines) > 0 {
		if m.Type == stanza.MessageError {
			rs.log.Debug("muc: invitation error", "from", m.From, "error", m.Error)
			return
		}
		if m.From.Localpart() == "" || m.From.Resourcepart() != "" {
			rs.log.Warn("muc: dropped an invitation not from a room's bare JID", "from", m.From)
			return
		}
		rs.mu.Lock()
		onInvite, onDecline := rs.onInvite, rs.onDecline
		rs.mu.Unlock()
		for _, inv := range x.Invites {
			inv.Room, inv.Password = room, x.Password
			if inv.Thread == "" {
				inv.Thread = m.Thread.ID
			}
			if onInvite != nil {
				onInvite(ctx, inv)
			} else {
				rs.log.Debug("muc: invitation dropped: no handler", "room", room)
			}
		}
		for _, d := range x.Declines {
			d.Room = room
			if onDecline != nil {
				onDecline(ctx, d)
			}
		}
		return
	}
	if r, ok := rs.Room(room); ok {
		r.message(ctx, m)
		return
	}
	rs.log.Warn("muc: dropped a muc#user message from a room not joined", "from", m.From)
}

// directInvite takes XEP-0249 invitations.
func (rs *Rooms) directInvite(ctx context.Context, m *stanza.Message) {
	if m.Type == stanza.MessageError {
		return
	}
	for _, p := range m.Payloads {
		if p.Name.Space != NSDirectInvite || p.Name.Local != "x" {
			continue
		}
		inv, err := ParseDirectInvite(p, m.From)
		if err != nil {
			rs.log.Warn("muc: dropped a malformed direct invitation", "from", m.From, "error", err)
			return
		}
		rs.mu.Lock()
		h := rs.onInvite
		rs.mu.Unlock()
		if h != nil {
			h(ctx, inv)
		}
		return
	}
}

// Invite sends a direct invitation (XEP-0249) to room to the user to,
// with an optional reason and the room's password.
func (rs *Rooms) Invite(ctx context.Context, to, room jid.JID, reason, password string) error {
	m := stanza.NewMessage(stanza.MessageNormal, to, "")
	m.Payloads = append(m.Payloads, directInviteElement(Invite{Room: room.Bare(), Reason: reason, Password: password}))
	return rs.c.Send(ctx, m)
}

// Decline refuses the mediated invitation inv, through its room, with an
// optional reason. A direct invitation needs no answer.
func (rs *Rooms) Decline(ctx context.Context, inv Invite, reason string) error {
	if inv.Direct {
		return nil
	}
	x := stanza.NewElement(NSUser, "x")
	d := stanza.NewElement(NSUser, "decline")
	d.SetAttr("to", inv.From.String())
	if reason != "" {
		d.AddChild(stanza.NewElement(NSUser, "reason").AddText(reason))
	}
	x.AddChild(d)
	m := stanza.NewMessage(stanza.MessageNormal, inv.Room, "")
	m.Payloads = append(m.Payloads, x)
	return rs.c.Send(ctx, m)
}

// event joins every room again after a new session: the server took the
// old session's occupants out of their rooms.
func (rs *Rooms) event(ctx context.Context, ev xmpp.Event) {
	if ev.Kind != xmpp.EventNewSession {
		return
	}
	for _, r := range rs.Joined() {
		r.rejoin(ctx)
	}
}
