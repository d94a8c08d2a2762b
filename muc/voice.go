package muc

import (
	"context"
	"fmt"

	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// The fields of the voice request form (XEP-0045 §7.13, §8.6).
const (
	FieldRequestRole  = "muc#role"
	FieldRequestJID   = "muc#jid"
	FieldRequestNick  = "muc#roomnick"
	FieldRequestAllow = "muc#request_allow"
)

// VoiceRequest is a visitor's request for voice that a moderated room
// forwards to its moderators (XEP-0045 §8.6), for them to approve with
// Room.ApproveVoice or to leave unanswered.
type VoiceRequest struct {
	// Nick is the requesting occupant's nick.
	Nick string
	// JID is the occupant's real JID, as the room gives it.
	JID jid.JID
	// Role is the role asked for: RoleParticipant.
	Role Role
	// Form is the approval form the room sent.
	Form *form.Form
}

// VoiceRequestHandlerFunc handles a voice request forwarded by a room in
// which this occupant is a moderator.
type VoiceRequestHandlerFunc func(ctx context.Context, room *Room, req VoiceRequest)

// HandleVoiceRequest makes h the handler of the voice requests the joined
// rooms forward to this occupant as a moderator. It replaces the previous
// one. Without one, a voice request is an EventVoiceRequest naming the
// occupant.
func (rs *Rooms) HandleVoiceRequest(h VoiceRequestHandlerFunc) {
	rs.mu.Lock()
	rs.onVoice = h
	rs.mu.Unlock()
}

// ParseVoiceRequest decodes the voice approval form of a room (FORM_TYPE
// FormRequest, type form). It must name the occupant, by nick or by
// real JID; a JID that does not parse or a role that XEP-0045 does not
// know is malformed. Errors wrap ErrMalformed.
func ParseVoiceRequest(f *form.Form) (VoiceRequest, error) {
	if f == nil || f.Type != form.TypeForm || f.FormType() != FormRequest {
		return VoiceRequest{}, fmt.Errorf("%w: not a voice request form", ErrMalformed)
	}
	req := VoiceRequest{Role: RoleParticipant, Form: f}
	if fd := f.Field(FieldRequestNick); fd != nil {
		req.Nick = first(*fd)
	}
	if fd := f.Field(FieldRequestJID); fd != nil && first(*fd) != "" {
		j, err := jid.Parse(first(*fd))
		if err != nil {
			return VoiceRequest{}, fmt.Errorf("%w: voice request jid: %w", ErrMalformed, err)
		}
		req.JID = j
	}
	if fd := f.Field(FieldRequestRole); fd != nil && first(*fd) != "" {
		req.Role = Role(first(*fd))
		if !validRole(req.Role) {
			return VoiceRequest{}, fmt.Errorf("%w: voice request for role %.32q", ErrMalformed, req.Role)
		}
	}
	if req.Nick == "" && req.JID.IsZero() {
		return VoiceRequest{}, fmt.Errorf("%w: voice request naming nobody", ErrMalformed)
	}
	return req, nil
}

// Approval returns the submission that answers req: its form's values
// sent back, with FieldRequestAllow set to allow.
func (req VoiceRequest) Approval(allow bool) *form.Form {
	var sub *form.Form
	if req.Form != nil {
		sub = req.Form.Submit()
	} else {
		sub = form.New(form.TypeSubmit, FormRequest)
	}
	set := func(v string, s string) {
		if s == "" {
			return
		}
		if fd := sub.Field(v); fd != nil {
			fd.Values = []string{s}
			return
		}
		sub.Fields = append(sub.Fields, form.Field{Var: v, Values: []string{s}})
	}
	set(FieldRequestRole, string(req.Role))
	set(FieldRequestNick, req.Nick)
	if !req.JID.IsZero() {
		set(FieldRequestJID, req.JID.String())
	}
	set(FieldRequestAllow, fmt.Sprint(allow))
	return sub
}

// ApproveVoice grants the voice req asks for (XEP-0045 §8.6): it submits
// the room's approval form with FieldRequestAllow true. The room then
// makes the occupant a participant and tells everyone
// (EventRoleChanged). To deny a request, leave it unanswered.
func (r *Room) ApproveVoice(ctx context.Context, req VoiceRequest) error {
	if err := r.joined(); err != nil {
		return err
	}
	m := stanza.NewMessage(stanza.MessageNormal, r.jid, "")
	m.Payloads = append(m.Payloads, req.Approval(true).Element())
	return r.rs.c.Send(ctx, m)
}

// voiceRequest hands a voice request the room sent, m, to the handler,
// and reports whether m was one.
func (r *Room) voiceRequest(ctx context.Context, m *stanza.Message) bool {
	if m.Type == stanza.MessageError || m.Type == stanza.MessageGroupchat {
		return false
	}
	for _, p := range m.Payloads {
		if p.Name != (stanza.Name{Space: form.NS, Local: "x"}) {
			continue
		}
		f, err := form.Parse(p)
		if err != nil || f.FormType() != FormRequest {
			continue
		}
		req, err := ParseVoiceRequest(f)
		if err != nil {
			r.rs.log.Warn("muc: dropped a malformed voice request", "room", r.jid, "error", err)
			return true
		}
		r.rs.mu.Lock()
		h := r.rs.onVoice
		r.rs.mu.Unlock()
		if h != nil {
			h(ctx, r, req)
		} else {
			r.rs.emit(ctx, r, Event{Kind: EventVoiceRequest, Occupant: Occupant{Nick: req.Nick, JID: req.JID, Role: RoleVisitor}})
		}
		return true
	}
	return false
}
