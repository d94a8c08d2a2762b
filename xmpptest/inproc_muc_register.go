package xmpptest

import (
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Namespaces of room registration and voice requests.
const (
	nsRegister     = "jabber:iq:register"
	nsMUCRegister  = nsMUC + "#register"
	nsMUCRequest   = nsMUC + "#request"
	regRoomNick    = "muc#register_roomnick"
	nodeReservedNk = "x-roomuser-item"
)

// reservedBy returns the bare JID that reserved nick in r, or the zero
// JID.
func (r *mucRoom) reservedBy(nick string) jid.JID {
	for j, n := range r.reserved {
		if n == nick {
			return j
		}
	}
	return jid.JID{}
}

// reservedNickInfo answers a disco#info request for the x-roomuser-item
// node (XEP-0045 section 7.12): the nick ss reserved as the name of an
// identity, or an empty query.
func (r *mucRoom) reservedNickInfo(ss *session) *stanza.Element {
	q := stanza.NewElement(nsDiscoInfo, "query", stanza.A("node", nodeReservedNk))
	if nick, ok := r.reserved[ss.full.Bare()]; ok {
		q.AddChild(stanza.NewElement(nsDiscoInfo, "identity", stanza.A("category", "conference"), stanza.A("type", "text"), stanza.A("name", nick)))
	}
	return q
}

// mucRegisterLocked answers a registration request to r (XEP-0045
// section 7.10) as Prosody 0.12 does: outcasts are forbidden and users
// without an affiliation get registration-required; a get returns the
// form, or the nick reserved; a set with a form reserves the nick (a
// conflict if another user reserved it or another occupant has it) and
// makes the user a member, and a <remove/> cancels both. Server.mu is
// held.
func (s *Server) mucRegisterLocked(ss *session, r *mucRoom, iq *stanza.IQ) {
	bare := ss.full.Bare()
	aff := r.affOf(bare)
	switch {
	case aff == affOutcast:
		mucReply(ss, iq, nil, mucError(stanza.ErrForbidden, stanza.ErrorAuth, r.addr))
		return
	case aff == affNone:
		mucReply(ss, iq, nil, mucError(stanza.ErrRegistrationRequired, stanza.ErrorAuth, r.addr))
		return
	}
	if iq.Type == stanza.IQGet {
		q := stanza.NewElement(nsRegister, "query")
		if nick, ok := r.reserved[bare]; ok {
			q.AddChild(stanza.NewElement(nsRegister, "registered"))
			q.AddChild(stanza.NewElement(nsRegister, "username").AddText(nick))
		} else {
			x := stanza.NewElement(nsData, "x", stanza.A("type", "form"))
			formField(x, "FORM_TYPE", "hidden", "", nsMUCRegister)
			formField(x, regRoomNick, "text-single", "Nickname").AddChild(stanza.NewElement(nsData, "required"))
			q.AddChild(x)
		}
		mucReply(ss, iq, q, nil)
		return
	}
	if iq.Payload.Child(nsRegister, "remove") != nil {
		delete(r.reserved, bare)
		if aff == affMember {
			r.setAff(bare, affNone)
		}
		mucReply(ss, iq, nil, nil)
		return
	}
	x := iq.Payload.Child(nsData, "x")
	var fields map[string][]string
	if x != nil {
		fields = formValues(x)
	}
	badRequest := mucError(stanza.ErrBadRequest, stanza.ErrorModify, r.addr)
	if x == nil || x.Attr("type") != "submit" || len(fields["FORM_TYPE"]) != 1 || fields["FORM_TYPE"][0] != nsMUCRegister ||
		len(fields[regRoomNick]) != 1 || fields[regRoomNick][0] == "" {
		mucReply(ss, iq, nil, badRequest)
		return
	}
	nick := fields[regRoomNick][0]
	if by := r.reservedBy(nick); !by.IsZero() && by != bare {
		mucReply(ss, iq, nil, mucError(stanza.ErrConflict, stanza.ErrorCancel, r.addr))
		return
	}
	if o := r.byNick(nick); o != nil && o.real.Bare() != bare {
		mucReply(ss, iq, nil, mucError(stanza.ErrConflict, stanza.ErrorCancel, r.addr))
		return
	}
	r.reserved[bare] = nick
	mucReply(ss, iq, nil, nil)
}

// mucVoiceRequestLocked handles a message with a muc#request form x
// (XEP-0045 sections 7.13 and 8.6): from a visitor, a request for voice,
// which every moderator gets as an approval form; from a moderator, the
// submitted approval, which makes the occupant it names a participant if
// muc#request_allow is true. It reports whether the form was one.
// Server.mu is held.
func (s *Server) mucVoiceRequestLocked(ss *session, r *mucRoom, x *stanza.Element) bool {
	fields := formValues(x)
	if ft := fields["FORM_TYPE"]; len(ft) != 1 || ft[0] != nsMUCRequest {
		return false
	}
	from := r.byReal(ss.full)
	switch {
	case from == nil:
	case from.role == roleVisitor:
		for _, mod := range r.occupants {
			if mod.role != roleModerator {
				continue
			}
			f := stanza.NewElement(nsData, "x", stanza.A("type", "form"))
			f.AddChild(stanza.NewElement(nsData, "title").AddText("Voice request"))
			formField(f, "FORM_TYPE", "hidden", "", nsMUCRequest)
			formField(f, "muc#role", "list-single", "Requested role", "participant")
			formField(f, "muc#jid", "jid-single", "User ID", from.real.String())
			formField(f, "muc#roomnick", "text-single", "Room nickname", from.nick)
			formField(f, "muc#request_allow", "boolean", "Grant voice to this person?", "false")
			m := &stanza.Message{Header: stanza.Header{From: r.addr, To: mod.real, ID: stanza.NewID()}, Type: stanza.MessageNormal, Payloads: []*stanza.Element{f}}
			s.mucSendLocked(mod.real, m.Element())
		}
	case from.role == roleModerator && x.Attr("type") == "submit":
		allow := fields["muc#request_allow"]
		nick := fields["muc#roomnick"]
		if len(allow) != 1 || (allow[0] != "1" && allow[0] != "true") || len(nick) != 1 {
			return true
		}
		if o := r.byNick(nick[0]); o != nil && o.role == roleVisitor {
			o.role = roleParticipant
			s.mucBroadcastLocked(r, o, o.pres, mucActor(from, "", ""))
		}
	}
	return true
}
