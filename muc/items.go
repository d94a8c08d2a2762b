package muc

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Namespaces of XEP-0045 and of the extensions this package speaks.
const (
	// NS is the namespace of the join request, <x/> in presence.
	NS = "http://jabber.org/protocol/muc"
	// NSUser is the namespace of what a room tells its occupants: items,
	// status codes, invitations, destruction.
	NSUser = NS + "#user"
	// NSAdmin is the namespace of moderator and admin requests.
	NSAdmin = NS + "#admin"
	// NSOwner is the namespace of owner requests: configuration and
	// destruction.
	NSOwner = NS + "#owner"
	// NSDirectInvite is the namespace of XEP-0249 direct invitations.
	NSDirectInvite = "jabber:x:conference"
	// NSOccupantID is the namespace of XEP-0421 occupant ids.
	NSOccupantID = "urn:xmpp:occupant-id:0"
	// FormRoomConfig is the FORM_TYPE of the room configuration form.
	FormRoomConfig = NS + "#roomconfig"
	// FormRoomInfo is the FORM_TYPE of a room's extended disco#info.
	FormRoomInfo = NS + "#roominfo"
	// FormRequest is the FORM_TYPE of a voice request (XEP-0045 §7.13).
	FormRequest = NS + "#request"
)

// Role is an occupant's role in a room: what it may do there while it is
// in it (XEP-0045 §5.1).
type Role string

// The roles of XEP-0045. RoleNone is the role of one who is not in the
// room (left, kicked).
const (
	RoleModerator   Role = "moderator"
	RoleParticipant Role = "participant"
	RoleVisitor     Role = "visitor"
	RoleNone        Role = "none"
)

// Affiliation is a user's lasting relation with a room, which survives
// leaving it (XEP-0045 §5.2).
type Affiliation string

// The affiliations of XEP-0045. An outcast is banned.
const (
	AffiliationOwner   Affiliation = "owner"
	AffiliationAdmin   Affiliation = "admin"
	AffiliationMember  Affiliation = "member"
	AffiliationOutcast Affiliation = "outcast"
	AffiliationNone    Affiliation = "none"
)

func validRole(r Role) bool {
	switch r {
	case RoleModerator, RoleParticipant, RoleVisitor, RoleNone:
		return true
	}
	return false
}

func validAffiliation(a Affiliation) bool {
	switch a {
	case AffiliationOwner, AffiliationAdmin, AffiliationMember, AffiliationOutcast, AffiliationNone:
		return true
	}
	return false
}

// Status codes of XEP-0045 §15.6 that this package acts on. Codes it does
// not know are kept in UserX.Status and otherwise ignored.
const (
	StatusNonAnonymous    = 100 // the room shows real JIDs to everyone
	StatusAffiliationOut  = 101 // an affiliation changed while out of the room
	StatusConfigChanged   = 104 // the room's configuration changed
	StatusSelf            = 110 // this presence is about the receiver
	StatusLogged          = 170 // the room is logged (archived)
	StatusCreated         = 201 // the room was created by this join
	StatusBanned          = 301 // removed: banned
	StatusNickChanged     = 303 // the occupant changed its nick
	StatusKicked          = 307 // removed: kicked
	StatusAffiliationLost = 321 // removed: no longer an affiliation the room requires
	StatusMembersOnly     = 322 // removed: the room became members-only
	StatusShutdown        = 332 // removed: the service is shutting down
	StatusNickAssigned    = 210 // the room changed the nick asked for
	StatusRemovedError    = 333 // removed after a technical error
)

// Actor is who made a change (a kick, a ban, a role change), as far as the
// room says: a nick, a JID, or both.
type Actor struct {
	JID  jid.JID
	Nick string
}

// Item is an <item/> of muc#user or muc#admin: an occupant's or a user's
// role and affiliation, with their real JID where the room shows it, and,
// for a change, who made it and why.
type Item struct {
	Affiliation Affiliation
	Role        Role
	JID         jid.JID
	Nick        string
	Actor       *Actor
	Reason      string
	// Continue is the thread an invitation continues, from <continue/>.
	Continue string
}

// parseItem reads an <item/> in namespace ns.
func parseItem(e *stanza.Element, ns string) (Item, error) {
	it := Item{
		Affiliation: Affiliation(e.Attr("affiliation")),
		Role:        Role(e.Attr("role")),
		Nick:        e.Attr("nick"),
		Reason:      e.ChildText(ns, "reason"),
	}
	if it.Affiliation != "" && !validAffiliation(it.Affiliation) {
		return Item{}, fmt.Errorf("%w: affiliation %q", ErrMalformed, it.Affiliation)
	}
	if it.Role != "" && !validRole(it.Role) {
		return Item{}, fmt.Errorf("%w: role %q", ErrMalformed, it.Role)
	}
	if s := e.Attr("jid"); s != "" {
		j, err := jid.Parse(s)
		if err != nil {
			return Item{}, fmt.Errorf("%w: item jid: %v", ErrMalformed, err)
		}
		it.JID = j
	}
	if a := e.Child(ns, "actor"); a != nil {
		act := &Actor{Nick: a.Attr("nick")}
		if s := a.Attr("jid"); s != "" {
			j, err := jid.Parse(s)
			if err != nil {
				return Item{}, fmt.Errorf("%w: actor jid: %v", ErrMalformed, err)
			}
			act.JID = j
		}
		it.Actor = act
	}
	if c := e.Child(ns, "continue"); c != nil {
		it.Continue = c.Attr("thread")
	}
	return it, nil
}

// element encodes it as an <item/> in namespace ns.
func (it Item) element(ns string) *stanza.Element {
	e := stanza.NewElement(ns, "item")
	if it.Affiliation != "" {
		e.SetAttr("affiliation", string(it.Affiliation))
	}
	if it.Role != "" {
		e.SetAttr("role", string(it.Role))
	}
	if !it.JID.IsZero() {
		e.SetAttr("jid", it.JID.String())
	}
	if it.Nick != "" {
		e.SetAttr("nick", it.Nick)
	}
	if it.Actor != nil {
		a := stanza.NewElement(ns, "actor")
		if !it.Actor.JID.IsZero() {
			a.SetAttr("jid", it.Actor.JID.String())
		}
		if it.Actor.Nick != "" {
			a.SetAttr("nick", it.Actor.Nick)
		}
		e.AddChild(a)
	}
	if it.Reason != "" {
		e.AddChild(stanza.NewElement(ns, "reason").AddText(it.Reason))
	}
	return e
}

// Invite is an invitation to a room: mediated (XEP-0045 §7.8.2, through
// the room, which adds the password) or direct (XEP-0249, from the
// inviter).
type Invite struct {
	// Room is the room invited to.
	Room jid.JID
	// From is the inviter's JID (for a mediated invitation, as the room
	// reports it).
	From     jid.JID
	Reason   string
	Password string
	// Thread and Continue: the one-to-one conversation the invitation
	// continues, if any (XEP-0045 §7.8, XEP-0249).
	Thread   string
	Continue bool
	// Direct says that the invitation came from the inviter itself
	// (XEP-0249) rather than through the room.
	Direct bool
}

// Decline is an invitee's answer that it will not join, relayed by the
// room to the inviter.
type Decline struct {
	Room   jid.JID
	From   jid.JID // the invitee
	Reason string
}

// Destroy is a room's destruction notice: where the occupants may go
// instead, and why.
type Destroy struct {
	Alternate jid.JID
	Password  string
	Reason    string
}

// UserX is the decoded <x xmlns='http://jabber.org/protocol/muc#user'/>
// of a room's presence or message.
type UserX struct {
	Items  []Item
	Status []int
	// Invites and Declines are, in a message to an invitee or inviter,
	// what the room relays: their To is left zero and From is set.
	Invites  []Invite
	Declines []Decline
	Destroy  *Destroy
	Password string
}

// HasStatus reports whether x carries status code code.
func (x UserX) HasStatus(code int) bool {
	for _, c := range x.Status {
		if c == code {
			return true
		}
	}
	return false
}

// ErrMalformed is wrapped by the errors of the decoders when a MUC
// payload breaks XEP-0045.
var ErrMalformed = errors.New("muc: malformed payload")

// maxCodes bounds the status codes one payload may carry: a room sends a
// handful. Items, invitations and declines are bounded by the stanza size.
const maxCodes = 64

// ParseUserX decodes a muc#user <x/>.
func ParseUserX(e *stanza.Element) (UserX, error) {
	if e == nil || e.Name.Space != NSUser || e.Name.Local != "x" {
		return UserX{}, fmt.Errorf("%w: not a muc#user x", ErrMalformed)
	}
	var x UserX
	for c := range e.Children() {
		if c.Name.Space != NSUser {
			continue
		}
		switch c.Name.Local {
		case "item":
			it, err := parseItem(c, NSUser)
			if err != nil {
				return UserX{}, err
			}
			x.Items = append(x.Items, it)
		case "status":
			if len(x.Status) >= maxCodes {
				return UserX{}, fmt.Errorf("%w: more than %d status codes", ErrMalformed, maxCodes)
			}
			code, err := strconv.Atoi(c.Attr("code"))
			if err != nil || code < 100 || code > 999 {
				return UserX{}, fmt.Errorf("%w: status code %q", ErrMalformed, c.Attr("code"))
			}
			x.Status = append(x.Status, code)
		case "invite":
			inv := Invite{Reason: c.ChildText(NSUser, "reason")}
			if s := c.Attr("from"); s != "" {
				j, err := jid.Parse(s)
				if err != nil {
					return UserX{}, fmt.Errorf("%w: invite from: %v", ErrMalformed, err)
				}
				inv.From = j
			}
			if cont := c.Child(NSUser, "continue"); cont != nil {
				inv.Continue = true
				inv.Thread = cont.Attr("thread")
			}
			x.Invites = append(x.Invites, inv)
		case "decline":
			d := Decline{Reason: c.ChildText(NSUser, "reason")}
			if s := c.Attr("from"); s != "" {
				j, err := jid.Parse(s)
				if err != nil {
					return UserX{}, fmt.Errorf("%w: decline from: %v", ErrMalformed, err)
				}
				d.From = j
			}
			x.Declines = append(x.Declines, d)
		case "destroy":
			d := &Destroy{Reason: c.ChildText(NSUser, "reason"), Password: c.ChildText(NSUser, "password")}
			if s := c.Attr("jid"); s != "" {
				j, err := jid.Parse(s)
				if err != nil {
					return UserX{}, fmt.Errorf("%w: destroy jid: %v", ErrMalformed, err)
				}
				d.Alternate = j
			}
			x.Destroy = d
		case "password":
			x.Password = c.Text()
		}
	}
	return x, nil
}

// Element encodes x as a muc#user <x/>. Invitations and declines are
// encoded with their From as the to attribute's counterpart: a client
// sends them with To set (see Room.Invite), which Element does not know;
// it is for the decoded form, as the room sends it.
func (x UserX) Element() *stanza.Element {
	e := stanza.NewElement(NSUser, "x")
	for _, inv := range x.Invites {
		c := stanza.NewElement(NSUser, "invite")
		if !inv.From.IsZero() {
			c.SetAttr("from", inv.From.String())
		}
		if inv.Reason != "" {
			c.AddChild(stanza.NewElement(NSUser, "reason").AddText(inv.Reason))
		}
		if inv.Continue {
			cont := stanza.NewElement(NSUser, "continue")
			if inv.Thread != "" {
				cont.SetAttr("thread", inv.Thread)
			}
			c.AddChild(cont)
		}
		e.AddChild(c)
	}
	for _, d := range x.Declines {
		c := stanza.NewElement(NSUser, "decline")
		if !d.From.IsZero() {
			c.SetAttr("from", d.From.String())
		}
		if d.Reason != "" {
			c.AddChild(stanza.NewElement(NSUser, "reason").AddText(d.Reason))
		}
		e.AddChild(c)
	}
	if x.Destroy != nil {
		c := stanza.NewElement(NSUser, "destroy")
		if !x.Destroy.Alternate.IsZero() {
			c.SetAttr("jid", x.Destroy.Alternate.String())
		}
		if x.Destroy.Reason != "" {
			c.AddChild(stanza.NewElement(NSUser, "reason").AddText(x.Destroy.Reason))
		}
		if x.Destroy.Password != "" {
			c.AddChild(stanza.NewElement(NSUser, "password").AddText(x.Destroy.Password))
		}
		e.AddChild(c)
	}
	for _, it := range x.Items {
		e.AddChild(it.element(NSUser))
	}
	for _, code := range x.Status {
		e.AddChild(stanza.NewElement(NSUser, "status", stanza.Attr{Name: stanza.Name{Local: "code"}, Value: strconv.Itoa(code)}))
	}
	if x.Password != "" {
		e.AddChild(stanza.NewElement(NSUser, "password").AddText(x.Password))
	}
	return e
}

// ParseAdminItems decodes the items of a muc#admin <query/>: the answer
// to a list request (members, outcasts...) or a change request.
func ParseAdminItems(q *stanza.Element) ([]Item, error) {
	if q == nil || q.Name.Space != NSAdmin || q.Name.Local != "query" {
		return nil, fmt.Errorf("%w: not a muc#admin query", ErrMalformed)
	}
	var items []Item
	for c := range q.Children() {
		if c.Name.Space != NSAdmin || c.Name.Local != "item" {
			continue
		}
		it, err := parseItem(c, NSAdmin)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return items, nil
}

// adminQuery builds a muc#admin <query/> holding items.
func adminQuery(items ...Item) *stanza.Element {
	q := stanza.NewElement(NSAdmin, "query")
	for _, it := range items {
		q.AddChild(it.element(NSAdmin))
	}
	return q
}

// ParseDirectInvite decodes a XEP-0249 <x xmlns='jabber:x:conference'/>,
// sent by from.
func ParseDirectInvite(e *stanza.Element, from jid.JID) (Invite, error) {
	if e == nil || e.Name.Space != NSDirectInvite || e.Name.Local != "x" {
		return Invite{}, fmt.Errorf("%w: not a direct invitation", ErrMalformed)
	}
	room, err := jid.Parse(e.Attr("jid"))
	if err != nil || room.Localpart() == "" || room.Resourcepart() != "" {
		return Invite{}, fmt.Errorf("%w: direct invitation to %q", ErrMalformed, e.Attr("jid"))
	}
	inv := Invite{Room: room, From: from, Reason: e.Attr("reason"), Password: e.Attr("password"), Thread: e.Attr("thread"), Direct: true}
	switch e.Attr("continue") {
	case "true", "1":
		inv.Continue = true
	}
	return inv, nil
}

// directInviteElement encodes inv as a XEP-0249 <x/>.
func directInviteElement(inv Invite) *stanza.Element {
	e := stanza.NewElement(NSDirectInvite, "x")
	e.SetAttr("jid", inv.Room.String())
	if inv.Reason != "" {
		e.SetAttr("reason", inv.Reason)
	}
	if inv.Password != "" {
		e.SetAttr("password", inv.Password)
	}
	if inv.Continue {
		e.SetAttr("continue", "true")
	}
	if inv.Thread != "" {
		e.SetAttr("thread", inv.Thread)
	}
	return e
}
