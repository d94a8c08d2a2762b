package xmpptest

import (
	"slices"
	"strconv"
	"strings"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// mucConfig is the configuration of a room, as its owner sets it with the
// muc#roomconfig form (XEP-0045 section 10.2).
type mucConfig struct {
	name, desc        string
	persistent        bool
	public            bool
	membersOnly       bool
	moderated         bool
	passwordProtected bool
	secret            string
	whoisAnyone       bool // non-anonymous; semi-anonymous otherwise
	maxUsers          int  // 0: no limit
	changeSubject     bool // participants may change the subject
	allowInvites      bool // members may invite in a members-only room
}

// defaultMUCConfig is the configuration of a new room: public, open,
// unmoderated, semi-anonymous, temporary, without password or limit.
func defaultMUCConfig() mucConfig { return mucConfig{public: true} }

// Fields of the room configuration form.
const (
	cfgRoomName      = "muc#roomconfig_roomname"
	cfgRoomDesc      = "muc#roomconfig_roomdesc"
	cfgPersistent    = "muc#roomconfig_persistentroom"
	cfgPublic        = "muc#roomconfig_publicroom"
	cfgMembersOnly   = "muc#roomconfig_membersonly"
	cfgModerated     = "muc#roomconfig_moderatedroom"
	cfgPassword      = "muc#roomconfig_passwordprotectedroom"
	cfgSecret        = "muc#roomconfig_roomsecret"
	cfgWhois         = "muc#roomconfig_whois"
	cfgMaxUsers      = "muc#roomconfig_maxusers"
	cfgChangeSubject = "muc#roomconfig_changesubject"
	cfgAllowInvites  = "muc#roomconfig_allowinvites"
)

// formField adds a field to the data form x and returns it.
func formField(x *stanza.Element, name, typ, label string, values ...string) *stanza.Element {
	f := stanza.NewElement(nsData, "field", stanza.A("var", name))
	if typ != "" {
		f.SetAttr("type", typ)
	}
	if label != "" {
		f.SetAttr("label", label)
	}
	for _, v := range values {
		f.AddChild(stanza.NewElement(nsData, "value").AddText(v))
	}
	x.AddChild(f)
	return f
}

// formBool writes a boolean form value.
func formBool(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// form returns the configuration form with c as its values.
func (c mucConfig) form() *stanza.Element {
	x := stanza.NewElement(nsData, "x", stanza.A("type", "form"))
	x.AddChild(stanza.NewElement(nsData, "title").AddText("Room configuration"))
	formField(x, "FORM_TYPE", "hidden", "", nsMUC+"#roomconfig")
	formField(x, cfgRoomName, "text-single", "Name", c.name)
	formField(x, cfgRoomDesc, "text-single", "Description", c.desc)
	formField(x, cfgPersistent, "boolean", "Persistent", formBool(c.persistent))
	formField(x, cfgPublic, "boolean", "Listed in the directory", formBool(c.public))
	formField(x, cfgMembersOnly, "boolean", "Members only", formBool(c.membersOnly))
	formField(x, cfgModerated, "boolean", "Moderated", formBool(c.moderated))
	formField(x, cfgPassword, "boolean", "Password protected", formBool(c.passwordProtected))
	formField(x, cfgSecret, "text-private", "Password", c.secret)
	whois := "moderators"
	if c.whoisAnyone {
		whois = "anyone"
	}
	f := formField(x, cfgWhois, "list-single", "Who may see real JIDs", whois)
	for _, o := range []string{"moderators", "anyone"} {
		f.AddChild(stanza.NewElement(nsData, "option").AddChild(stanza.NewElement(nsData, "value").AddText(o)))
	}
	maxUsers := "none"
	if c.maxUsers > 0 {
		maxUsers = strconv.Itoa(c.maxUsers)
	}
	f = formField(x, cfgMaxUsers, "list-single", "Maximum number of occupants", maxUsers)
	for _, o := range []string{"none", "10", "20", "30", "50", "100"} {
		f.AddChild(stanza.NewElement(nsData, "option").AddChild(stanza.NewElement(nsData, "value").AddText(o)))
	}
	formField(x, cfgChangeSubject, "boolean", "Participants may change the subject", formBool(c.changeSubject))
	formField(x, cfgAllowInvites, "boolean", "Members may invite", formBool(c.allowInvites))
	return x
}

// formValues returns the values of each field of the data form x.
func formValues(x *stanza.Element) map[string][]string {
	out := make(map[string][]string)
	for f := range x.Children() {
		if f.Name != (stanza.Name{Space: nsData, Local: "field"}) || f.Attr("var") == "" {
			continue
		}
		vals := []string{}
		for v := range f.Children() {
			if v.Name == (stanza.Name{Space: nsData, Local: "value"}) {
				vals = append(vals, v.Text())
			}
		}
		out[f.Attr("var")] = vals
	}
	return out
}

// apply returns c changed by the fields of a submitted configuration
// form; fields not given keep their values, unknown ones are ignored. A
// malformed value is a bad-request, a password-protected room without a
// password not-acceptable (XEP-0045 section 10.1.3).
func (c mucConfig) apply(fields map[string][]string) (mucConfig, *stanza.Error) {
	bad := &stanza.Error{Condition: stanza.ErrBadRequest, Type: stanza.ErrorModify}
	value := func(name string) (string, bool) {
		vals, ok := fields[name]
		if !ok || len(vals) == 0 {
			return "", ok
		}
		return vals[0], true
	}
	for name, dst := range map[string]*string{cfgRoomName: &c.name, cfgRoomDesc: &c.desc, cfgSecret: &c.secret} {
		if v, ok := value(name); ok {
			*dst = v
		}
	}
	bools := map[string]*bool{
		cfgPersistent: &c.persistent, cfgPublic: &c.public, cfgMembersOnly: &c.membersOnly,
		cfgModerated: &c.moderated, cfgPassword: &c.passwordProtected,
		cfgChangeSubject: &c.changeSubject, cfgAllowInvites: &c.allowInvites,
	}
	for name, dst := range bools {
		v, ok := value(name)
		if !ok {
			continue
		}
		switch v {
		case "1", "true":
			*dst = true
		case "0", "false":
			*dst = false
		default:
			return c, bad
		}
	}
	if v, ok := value(cfgWhois); ok {
		switch v {
		case "moderators":
			c.whoisAnyone = false
		case "anyone":
			c.whoisAnyone = true
		default:
			return c, bad
		}
	}
	if v, ok := value(cfgMaxUsers); ok {
		switch n, err := strconv.Atoi(v); {
		case v == "" || v == "none":
			c.maxUsers = 0
		case err != nil || n < 0:
			return c, bad
		default:
			c.maxUsers = n
		}
	}
	if c.passwordProtected && c.secret == "" {
		return c, &stanza.Error{Condition: stanza.ErrNotAcceptable, Type: stanza.ErrorModify}
	}
	return c, nil
}

// mucReply answers the IQ request iq from ss with the result payload, or
// with err if it is not nil.
func mucReply(ss *session, iq *stanza.IQ, payload *stanza.Element, err *stanza.Error) {
	if err != nil {
		ss.send(iq.ErrorReply(err).Element())
		return
	}
	ss.send(iq.Result(payload).Element())
}

// mucIQLocked handles an IQ from ss to an address of the MUC service: the
// service, a room or an occupant. Server.mu is held.
func (s *Server) mucIQLocked(ss *session, iq *stanza.IQ) {
	to := iq.To
	request := iq.Type == stanza.IQGet || iq.Type == stanza.IQSet
	switch {
	case to.IsFull():
		s.mucOccupantIQLocked(ss, iq)
	case !request:
		// Results and errors for the service or a room: it asks
		// nothing.
	case iq.Payload == nil:
		mucReply(ss, iq, nil, mucError(stanza.ErrBadRequest, stanza.ErrorModify, to))
	case to.Localpart() == "":
		s.mucServiceIQLocked(ss, iq)
	default:
		s.mucRoomIQLocked(ss, iq)
	}
}

// mucServiceIQLocked answers an IQ request to the service itself:
// disco#info, disco#items (the public rooms) and ping. Server.mu is held.
func (s *Server) mucServiceIQLocked(ss *session, iq *stanza.IQ) {
	switch (iqKey{iq.Type, iq.Payload.Name.Space, iq.Payload.Name.Local}) {
	case iqKey{stanza.IQGet, nsDiscoInfo, "query"}:
		if iq.Payload.Attr("node") != "" {
			mucReply(ss, iq, nil, mucError(stanza.ErrItemNotFound, stanza.ErrorCancel, jid.JID{}))
			return
		}
		q := stanza.NewElement(nsDiscoInfo, "query")
		q.AddChild(stanza.NewElement(nsDiscoInfo, "identity", stanza.A("category", "conference"), stanza.A("type", "text"), stanza.A("name", "Chatrooms")))
		for _, f := range []string{nsDiscoInfo, nsDiscoItems, nsMUC, nsPing} {
			q.AddChild(stanza.NewElement(nsDiscoInfo, "feature", stanza.A("var", f)))
		}
		mucReply(ss, iq, q, nil)
	case iqKey{stanza.IQGet, nsDiscoItems, "query"}:
		if iq.Payload.Attr("node") != "" {
			mucReply(ss, iq, nil, mucError(stanza.ErrItemNotFound, stanza.ErrorCancel, jid.JID{}))
			return
		}
		var rooms []*mucRoom
		for _, r := range s.muc.rooms {
			if r.cfg.public && !r.locked {
				rooms = append(rooms, r)
			}
		}
		slices.SortFunc(rooms, func(a, b *mucRoom) int { return strings.Compare(a.addr.String(), b.addr.String()) })
		q, err := mucRoomList(rooms, iq.Payload)
		mucReply(ss, iq, q, err)
	case iqKey{stanza.IQGet, nsPing, "ping"}:
		mucReply(ss, iq, nil, nil)
	default:
		mucReply(ss, iq, nil, mucError(stanza.ErrServiceUnavailable, stanza.ErrorCancel, jid.JID{}))
	}
}

// name returns the room's name, or its localpart if it has none.
func (r *mucRoom) name() string {
	if r.cfg.name != "" {
		return r.cfg.name
	}
	return r.addr.Localpart()
}

// mucRoomIQLocked answers an IQ request to a room: disco#info,
// disco#items, ping, muc#admin and muc#owner. A room that does not exist,
// or is locked and asked by someone other than its owner, is
// item-not-found. Server.mu is held.
func (s *Server) mucRoomIQLocked(ss *session, iq *stanza.IQ) {
	r := s.muc.rooms[iq.To]
	if r == nil || (r.locked && r.affOf(ss.full) != affOwner) {
		mucReply(ss, iq, nil, mucError(stanza.ErrItemNotFound, stanza.ErrorCancel, iq.To))
		return
	}
	switch (iqKey{iq.Type, iq.Payload.Name.Space, iq.Payload.Name.Local}) {
	case iqKey{stanza.IQGet, nsDiscoInfo, "query"}:
		switch iq.Payload.Attr("node") {
		case "":
			mucReply(ss, iq, r.discoInfo(), nil)
		case nodeReservedNk:
			mucReply(ss, iq, r.reservedNickInfo(ss), nil)
		default:
			mucReply(ss, iq, nil, mucError(stanza.ErrItemNotFound, stanza.ErrorCancel, r.addr))
		}
	case iqKey{stanza.IQGet, nsRegister, "query"}, iqKey{stanza.IQSet, nsRegister, "query"}:
		s.mucRegisterLocked(ss, r, iq)
	case iqKey{stanza.IQGet, nsDiscoItems, "query"}:
		mucReply(ss, iq, stanza.NewElement(nsDiscoItems, "query"), nil)
	case iqKey{stanza.IQGet, nsPing, "ping"}:
		mucReply(ss, iq, nil, nil)
	case iqKey{stanza.IQGet, nsMUCAdmin, "query"}:
		q, err := r.adminList(ss, iq.Payload)
		mucReply(ss, iq, q, err)
	case iqKey{stanza.IQSet, nsMUCAdmin, "query"}:
		s.mucAdminSetLocked(ss, r, iq)
	case iqKey{stanza.IQGet, nsMUCOwner, "query"}:
		if r.affOf(ss.full) != affOwner {
			mucReply(ss, iq, nil, mucError(stanza.ErrForbidden, stanza.ErrorAuth, r.addr))
			return
		}
		mucReply(ss, iq, stanza.NewElement(nsMUCOwner, "query").AddChild(r.cfg.form()), nil)
	case iqKey{stanza.IQSet, nsMUCOwner, "query"}:
		s.mucOwnerSetLocked(ss, r, iq)
	default:
		mucReply(ss, iq, nil, mucError(stanza.ErrServiceUnavailable, stanza.ErrorCancel, r.addr))
	}
}

// discoInfo returns the disco#info of the room (XEP-0045 section 6.4):
// its identity, its features by configuration, and a muc#roominfo form.
func (r *mucRoom) discoInfo() *stanza.Element {
	q := stanza.NewElement(nsDiscoInfo, "query")
	q.AddChild(stanza.NewElement(nsDiscoInfo, "identity", stanza.A("category", "conference"), stanza.A("type", "text"), stanza.A("name", r.name())))
	pick := func(on bool, yes, no string) string {
		if on {
			return yes
		}
		return no
	}
	c := r.cfg
	for _, f := range []string{
		nsDiscoInfo, nsMUC, nsPing, nsMUCSelfPing, nsRegister, nsMUCRequest,
		pick(c.membersOnly, "muc_membersonly", "muc_open"),
		pick(c.moderated, "muc_moderated", "muc_unmoderated"),
		pick(c.passwordProtected, "muc_passwordprotected", "muc_unsecured"),
		pick(c.persistent, "muc_persistent", "muc_temporary"),
		pick(c.public, "muc_public", "muc_hidden"),
		pick(c.whoisAnyone, "muc_nonanonymous", "muc_semianonymous"),
	} {
		q.AddChild(stanza.NewElement(nsDiscoInfo, "feature", stanza.A("var", f)))
	}
	x := stanza.NewElement(nsData, "x", stanza.A("type", "result"))
	formField(x, "FORM_TYPE", "hidden", "", nsMUC+"#roominfo")
	formField(x, "muc#roominfo_occupants", "", "Number of occupants", strconv.Itoa(len(r.occupants)))
	formField(x, "muc#roominfo_subject", "", "Subject", r.subject)
	formField(x, "muc#roominfo_description", "", "Description", c.desc)
	formField(x, cfgRoomName, "", "Name", r.name())
	q.AddChild(x)
	return q
}

// mucOccupantIQLocked handles an IQ from ss to an occupant address. A
// self-ping (XEP-0410) is answered by the service: a result for an
// occupant pinging its own nick, not-acceptable for a non-occupant. Other
// IQs between occupants are relayed from the sender's occupant address,
// results and errors too. Server.mu is held.
func (s *Server) mucOccupantIQLocked(ss *session, iq *stanza.IQ) {
	request := iq.Type == stanza.IQGet || iq.Type == stanza.IQSet
	room := iq.To.Bare()
	r := s.muc.rooms[room]
	if iq.To.Localpart() == "" || r == nil {
		if request {
			mucReply(ss, iq, nil, mucError(stanza.ErrItemNotFound, stanza.ErrorCancel, room))
		}
		return
	}
	ping := iq.Type == stanza.IQGet && iq.Payload != nil && iq.Payload.Name == (stanza.Name{Space: nsPing, Local: "ping"})
	from := r.byReal(ss.full)
	if from == nil {
		switch {
		case !request:
		case ping:
			mucReply(ss, iq, nil, mucError(stanza.ErrNotAcceptable, stanza.ErrorCancel, room))
		default: // XEP-0045 section 6.6
			mucReply(ss, iq, nil, mucError(stanza.ErrBadRequest, stanza.ErrorModify, room))
		}
		return
	}
	to := r.byNick(iq.To.Resourcepart())
	switch {
	case ping && to == from:
		mucReply(ss, iq, nil, nil)
	case to == nil:
		if request {
			mucReply(ss, iq, nil, mucError(stanza.ErrItemNotFound, stanza.ErrorCancel, room))
		}
	default:
		out := *iq
		out.From, out.To = from.addr, to.real
		s.mucSendLocked(to.real, out.Element())
	}
}

// mucChange is one item of a muc#admin set, checked.
type mucChange struct {
	occ    *mucOccupant // a role change: the occupant
	role   mucRole
	bare   jid.JID // an affiliation change: the bare JID
	aff    mucAffiliation
	reason string
}

// adminList answers a muc#admin get (XEP-0045 sections 9 and 10): the
// JIDs of an affiliation, for admins and owners (the owner list for
// owners), or the occupants of a role, for moderators.
func (r *mucRoom) adminList(ss *session, q *stanza.Element) (*stanza.Element, *stanza.Error) {
	item := q.Child(nsMUCAdmin, "item")
	if item == nil {
		return nil, mucError(stanza.ErrBadRequest, stanza.ErrorModify, r.addr)
	}
	out := stanza.NewElement(nsMUCAdmin, "query")
	affAttr, roleAttr := item.Attr("affiliation"), item.Attr("role")
	switch {
	case affAttr != "" && roleAttr == "":
		aff, ok := parseAffiliation(affAttr)
		if !ok || aff == affNone {
			return nil, mucError(stanza.ErrBadRequest, stanza.ErrorModify, r.addr)
		}
		if mine := r.affOf(ss.full); mine < affAdmin || mine < aff {
			return nil, mucError(stanza.ErrForbidden, stanza.ErrorAuth, r.addr)
		}
		var list []jid.JID
		for j, a := range r.affs {
			if a == aff {
				list = append(list, j)
			}
		}
		slices.SortFunc(list, func(a, b jid.JID) int { return strings.Compare(a.String(), b.String()) })
		for _, j := range list {
			it := stanza.NewElement(nsMUCAdmin, "item", stanza.A("affiliation", aff.String()), stanza.A("jid", j.String()))
			if aff != affOutcast {
				for _, o := range r.occupants {
					if o.real.Bare() == j {
						it.SetAttr("nick", o.nick)
						break
					}
				}
			}
			out.AddChild(it)
		}
	case roleAttr != "" && affAttr == "":
		role, ok := parseRole(roleAttr)
		if !ok || role == roleNone {
			return nil, mucError(stanza.ErrBadRequest, stanza.ErrorModify, r.addr)
		}
		if me := r.byReal(ss.full); me == nil || me.role != roleModerator {
			return nil, mucError(stanza.ErrForbidden, stanza.ErrorAuth, r.addr)
		}
		for _, o := range r.occupants {
			if o.role == role {
				out.AddChild(stanza.NewElement(nsMUCAdmin, "item", stanza.A("nick", o.nick), stanza.A("role", role.String()),
					stanza.A("affiliation", r.affOf(o.real).String()), stanza.A("jid", o.real.String())))
			}
		}
	default:
		return nil, mucError(stanza.ErrBadRequest, stanza.ErrorModify, r.addr)
	}
	return out, nil
}

// checkAdminItem checks one item of a muc#admin set from ss against the
// privileges of XEP-0045 sections 8 to 10, as Prosody applies them: a
// role change needs a moderator of at least the target's affiliation,
// and an admin or owner when moderator status is given or taken; admins
// and owners keep their voice and moderator status; an affiliation
// change needs an admin, who may not touch admins and owners or make
// any; nobody bans themselves, and the last owner stays one.
func (r *mucRoom) checkAdminItem(ss *session, item *stanza.Element) (mucChange, *stanza.Error) {
	notAllowed := mucError(stanza.ErrNotAllowed, stanza.ErrorCancel, r.addr)
	badRequest := mucError(stanza.ErrBadRequest, stanza.ErrorModify, r.addr)
	c := mucChange{reason: item.ChildText(nsMUCAdmin, "reason")}
	mine := r.affOf(ss.full)
	roleAttr, hasRole := item.LookupAttr("", "role")
	affAttr, hasAff := item.LookupAttr("", "affiliation")
	switch {
	case hasRole && !hasAff:
		var ok bool
		if c.role, ok = parseRole(roleAttr); !ok {
			return c, badRequest
		}
		if me := r.byReal(ss.full); me == nil || me.role != roleModerator {
			return c, notAllowed
		}
		if c.occ = r.byNick(item.Attr("nick")); c.occ == nil {
			return c, mucError(stanza.ErrItemNotFound, stanza.ErrorCancel, r.addr)
		}
		theirs := r.affOf(c.occ.real)
		switch {
		case theirs > mine,
			(c.occ.role == roleModerator || c.role == roleModerator) && mine < affAdmin,
			theirs >= affAdmin && (c.role == roleVisitor || c.role == roleParticipant):
			return c, notAllowed
		}
	case hasAff && !hasRole:
		var ok bool
		if c.aff, ok = parseAffiliation(affAttr); !ok {
			return c, badRequest
		}
		if mine < affAdmin {
			return c, notAllowed
		}
		switch j, err := jid.Parse(item.Attr("jid")); {
		case item.Attr("jid") == "":
			o := r.byNick(item.Attr("nick"))
			if o == nil {
				return c, badRequest
			}
			c.bare = o.real.Bare()
		case err != nil:
			return c, mucError(stanza.ErrJIDMalformed, stanza.ErrorModify, r.addr)
		default:
			c.bare = j.Bare()
		}
		self := c.bare == ss.full.Bare()
		theirs := r.affOf(c.bare)
		switch {
		case self && c.aff == affOutcast:
			return c, mucError(stanza.ErrConflict, stanza.ErrorCancel, r.addr)
		case mine == affOwner:
			if self && c.aff != affOwner && r.owners() == 1 {
				return c, mucError(stanza.ErrConflict, stanza.ErrorCancel, r.addr)
			}
		case c.aff >= affAdmin || theirs >= affAdmin:
			return c, notAllowed
		}
	default:
		return c, badRequest
	}
	return c, nil
}

// owners returns the number of owners of r.
func (r *mucRoom) owners() int {
	n := 0
	for _, a := range r.affs {
		if a == affOwner {
			n++
		}
	}
	return n
}

// mucAdminSetLocked applies a muc#admin set (XEP-0045 sections 8 to 10):
// every item is checked first, and none is applied if one is refused.
// Occupants removed (kicked, banned, or no longer members of a
// members-only room) learn it first, then the requester gets the result,
// then the other occupants see the changes. Server.mu is held.
func (s *Server) mucAdminSetLocked(ss *session, r *mucRoom, iq *stanza.IQ) {
	var changes []mucChange
	for item := range iq.Payload.Children() {
		if item.Name != (stanza.Name{Space: nsMUCAdmin, Local: "item"}) {
			continue
		}
		c, err := r.checkAdminItem(ss, item)
		if err != nil {
			mucReply(ss, iq, nil, err)
			return
		}
		changes = append(changes, c)
	}
	if len(changes) == 0 {
		mucReply(ss, iq, nil, mucError(stanza.ErrBadRequest, stanza.ErrorModify, r.addr))
		return
	}
	actor := r.byReal(ss.full)
	var after []func()
	for _, c := range changes {
		after = append(after, s.mucApplyLocked(r, c, actor)...)
	}
	mucReply(ss, iq, nil, nil)
	for _, f := range after {
		f()
	}
	s.muc.collectLocked(r)
}

// mucApplyLocked applies one checked change by actor (nil if not an
// occupant), telling removed occupants at once, and returns what tells
// the others. Server.mu is held.
func (s *Server) mucApplyLocked(r *mucRoom, c mucChange, actor *mucOccupant) []func() {
	var after []func()
	if c.occ != nil {
		o := c.occ
		if !slices.Contains(r.occupants, o) {
			return nil // removed by an earlier item
		}
		if c.role == roleNone {
			return []func(){s.mucRemoveLocked(r, o, "307", actor, c.reason)}
		}
		o.role = c.role
		return []func(){func() { s.mucBroadcastLocked(r, o, o.pres, mucActor(actor, c.reason, "")) }}
	}
	old := r.affOf(c.bare)
	r.setAff(c.bare, c.aff)
	for _, o := range slices.Clone(r.occupants) {
		if o.real.Bare() != c.bare {
			continue
		}
		switch {
		case c.aff == affOutcast:
			after = append(after, s.mucRemoveLocked(r, o, "301", actor, c.reason))
		case c.aff < affMember && r.cfg.membersOnly:
			after = append(after, s.mucRemoveLocked(r, o, "321", actor, c.reason))
		default:
			switch {
			case c.aff >= affAdmin:
				o.role = roleModerator
			case old >= affAdmin && o.role == roleModerator:
				o.role = r.defaultRole(c.aff)
			case c.aff == affMember && o.role == roleVisitor:
				o.role = roleParticipant
			}
			after = append(after, func() { s.mucBroadcastLocked(r, o, o.pres, mucActor(actor, c.reason, "")) })
		}
	}
	return after
}

// mucActor returns a decoration of presence items naming the actor of a
// change (by nick) and its reason, with a status code for everyone.
func mucActor(actor *mucOccupant, reason, code string) func(x, item *stanza.Element, self bool) {
	return func(x, item *stanza.Element, _ bool) {
		if actor != nil {
			item.AddChild(stanza.NewElement(nsMUCUser, "actor", stanza.A("nick", actor.nick)))
		}
		if reason != "" {
			item.AddChild(stanza.NewElement(nsMUCUser, "reason").AddText(reason))
		}
		if code != "" {
			x.AddChild(mucStatus(code))
		}
	}
}

// mucRemoveLocked removes o from r on someone's decision, with the status
// code saying why (307 kicked, 301 banned, 321 not a member, 322 the room
// became members-only): o is told at once, and the returned function
// tells the others. Server.mu is held.
func (s *Server) mucRemoveLocked(r *mucRoom, o *mucOccupant, code string, actor *mucOccupant, reason string) func() {
	o.role = roleNone
	gone := &stanza.Presence{Type: stanza.PresenceUnavailable}
	deco := mucActor(actor, reason, code)
	s.mucSendLocked(o.real, r.presenceElement(o, o, gone, deco))
	r.remove(o)
	return func() { s.mucBroadcastLocked(r, o, gone, deco) }
}

// mucOwnerSetLocked handles a muc#owner set (XEP-0045 section 10): a
// submitted configuration form (which also unlocks a new room), a
// cancelled one (which destroys a room still locked), or a destroy
// request. Only owners may. Server.mu is held.
func (s *Server) mucOwnerSetLocked(ss *session, r *mucRoom, iq *stanza.IQ) {
	if r.affOf(ss.full) != affOwner {
		mucReply(ss, iq, nil, mucError(stanza.ErrForbidden, stanza.ErrorAuth, r.addr))
		return
	}
	badRequest := mucError(stanza.ErrBadRequest, stanza.ErrorModify, r.addr)
	child := iq.Payload.FirstChild()
	switch {
	case child == nil:
		mucReply(ss, iq, nil, badRequest)
	case child.Name == (stanza.Name{Space: nsMUCOwner, Local: "destroy"}):
		s.mucDestroyLocked(r, child)
		mucReply(ss, iq, nil, nil)
	case child.Name != (stanza.Name{Space: nsData, Local: "x"}):
		mucReply(ss, iq, nil, badRequest)
	case child.Attr("type") == "cancel":
		if r.locked {
			s.mucDestroyLocked(r, nil)
		}
		mucReply(ss, iq, nil, nil)
	case child.Attr("type") != "submit":
		mucReply(ss, iq, nil, badRequest)
	default:
		cfg, err := r.cfg.apply(formValues(child))
		if err != nil {
			err.By = r.addr
			mucReply(ss, iq, nil, err)
			return
		}
		after := s.mucConfigureLocked(r, cfg)
		mucReply(ss, iq, nil, nil)
		for _, f := range after {
			f()
		}
		s.muc.collectLocked(r)
	}
}

// mucConfigureLocked gives r the configuration cfg and unlocks it. For a
// room that was already unlocked, the returned functions tell the
// occupants (status 104, and 172 or 173 when the room becomes
// non-anonymous or semi-anonymous); a room that becomes members-only
// loses its occupants who are not members (status 322). Server.mu is
// held.
func (s *Server) mucConfigureLocked(r *mucRoom, cfg mucConfig) []func() {
	old, wasLocked := r.cfg, r.locked
	r.cfg, r.locked = cfg, false
	var after []func()
	if !wasLocked {
		codes := []string{"104"}
		switch {
		case cfg.whoisAnyone && !old.whoisAnyone:
			codes = append(codes, "172")
		case !cfg.whoisAnyone && old.whoisAnyone:
			codes = append(codes, "173")
		}
		after = append(after, func() {
			for _, o := range r.occupants {
				x := stanza.NewElement(nsMUCUser, "x")
				for _, c := range codes {
					x.AddChild(mucStatus(c))
				}
				m := &stanza.Message{Header: stanza.Header{From: r.addr, To: o.real, ID: stanza.NewID()}, Type: stanza.MessageGroupchat, Payloads: []*stanza.Element{x}}
				s.mucSendLocked(o.real, m.Element())
			}
		})
	}
	if cfg.membersOnly && !old.membersOnly {
		for _, o := range slices.Clone(r.occupants) {
			if r.affOf(o.real) < affMember {
				after = append(after, s.mucRemoveLocked(r, o, "322", nil, ""))
			}
		}
	}
	return after
}

// mucDestroyLocked destroys r (XEP-0045 section 10.9): each occupant gets
// its own unavailable presence, with affiliation and role none and the
// <destroy/> of the owner's request d (its alternate venue, reason and
// password), if any. Server.mu is held.
func (s *Server) mucDestroyLocked(r *mucRoom, d *stanza.Element) {
	destroy := stanza.NewElement(nsMUCUser, "destroy")
	if d != nil {
		if alt, err := jid.Parse(d.Attr("jid")); err == nil && !alt.IsZero() {
			destroy.SetAttr("jid", alt.String())
		}
		for _, name := range []string{"reason", "password"} {
			if c := d.Child(nsMUCOwner, name); c != nil {
				destroy.AddChild(stanza.NewElement(nsMUCUser, name).AddText(c.Text()))
			}
		}
	}
	clear(r.affs)
	gone := &stanza.Presence{Type: stanza.PresenceUnavailable}
	for _, o := range r.occupants {
		o.role = roleNone
		s.mucSendLocked(o.real, r.presenceElement(o, o, gone, func(x, _ *stanza.Element, _ bool) { x.AddChild(destroy) }))
	}
	r.occupants = nil
	if s.muc.rooms[r.addr] == r {
		delete(s.muc.rooms, r.addr)
	}
}
