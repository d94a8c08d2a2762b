package muc

import (
	"context"
	"errors"
	"fmt"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Registration with a room (XEP-0045 §7.10).
const (
	// NSRegister is the namespace of registration requests (XEP-0077),
	// which a room answers with its registration form.
	NSRegister = "jabber:iq:register"
	// FormRegister is the FORM_TYPE of a room's registration form.
	FormRegister = NS + "#register"
	// FieldRoomNick is the field of the registration form that names the
	// nick to reserve.
	FieldRoomNick = "muc#register_roomnick"
)

// Why a room refused a registration, beside ErrNickInUse (conflict: the
// nick is reserved by another user, or another occupant has it),
// ErrBanned (forbidden) and ErrRoomLocked (item-not-found: no such room).
// The errors of GetRegistration, Register, RegisterNick and Unregister
// wrap one of them and the room's *stanza.Error.
var (
	// ErrRegistrationClosed: the room does not let this user register
	// (not-allowed; Prosody answers registration-required to those who
	// have no affiliation with the room).
	ErrRegistrationClosed = errors.New("muc: the room does not let this user register")
	// ErrRegistrationUnsupported: the room, or its service, does not
	// offer registration (service-unavailable, feature-not-implemented).
	// ejabberd 23.01 offers it at the service's address instead, for a
	// nick reserved in all its rooms.
	ErrRegistrationUnsupported = errors.New("muc: the room does not offer registration")
)

// registerReason maps a room's error condition to its meaning for a
// registration.
func registerReason(c stanza.Condition) error {
	switch c {
	case stanza.ErrConflict:
		return ErrNickInUse
	case stanza.ErrForbidden:
		return ErrBanned
	case stanza.ErrItemNotFound:
		return ErrRoomLocked
	case stanza.ErrNotAllowed, stanza.ErrRegistrationRequired:
		return ErrRegistrationClosed
	case stanza.ErrServiceUnavailable, stanza.ErrFeatureNotImplemented:
		return ErrRegistrationUnsupported
	}
	return nil
}

// registerError wraps err, from a registration request to room, with its
// meaning.
func registerError(what string, room jid.JID, err error) error {
	var se *stanza.Error
	if errors.As(err, &se) {
		if why := registerReason(se.Condition); why != nil {
			return fmt.Errorf("muc: %s %s: %w (%w)", what, room, why, err)
		}
	}
	return fmt.Errorf("muc: %s %s: %w", what, room, err)
}

// Registration is a room's answer to a registration request: the form to
// fill in, or, for a user registered already, the nick reserved.
type Registration struct {
	// Registered says that the user is registered with the room, under
	// Nick.
	Registered bool
	Nick       string
	// Instructions are the room's instructions, for a human.
	Instructions string
	// Form is the registration form (FORM_TYPE FormRegister, with at
	// least FieldRoomNick), nil when the room sent none.
	Form *form.Form
}

// ParseRegistration decodes a room's <query xmlns='jabber:iq:register'/>
// answer. Errors wrap ErrMalformed: another element, two data forms, or a
// malformed one (the error wraps form.ErrMalformed too). The legacy
// fields of XEP-0077 other than <username/> are ignored.
func ParseRegistration(q *stanza.Element) (Registration, error) {
	if q == nil || q.Name != (stanza.Name{Space: NSRegister, Local: "query"}) {
		return Registration{}, fmt.Errorf("%w: not a registration query", ErrMalformed)
	}
	var r Registration
	for c := range q.Children() {
		switch c.Name {
		case stanza.Name{Space: form.NS, Local: "x"}:
			if r.Form != nil {
				return Registration{}, fmt.Errorf("%w: two registration forms", ErrMalformed)
			}
			f, err := form.Parse(c)
			if err != nil {
				return Registration{}, fmt.Errorf("%w: registration form: %w", ErrMalformed, err)
			}
			r.Form = f
		case stanza.Name{Space: NSRegister, Local: "registered"}:
			r.Registered = true
		case stanza.Name{Space: NSRegister, Local: "username"}:
			r.Nick = c.Text()
		case stanza.Name{Space: NSRegister, Local: "instructions"}:
			r.Instructions = c.Text()
		}
	}
	return r, nil
}

// Element encodes r as a <query xmlns='jabber:iq:register'/>.
func (r Registration) Element() *stanza.Element {
	q := stanza.NewElement(NSRegister, "query")
	if r.Instructions != "" {
		q.AddChild(stanza.NewElement(NSRegister, "instructions").AddText(r.Instructions))
	}
	if r.Registered {
		q.AddChild(stanza.NewElement(NSRegister, "registered"))
	}
	if r.Nick != "" {
		q.AddChild(stanza.NewElement(NSRegister, "username").AddText(r.Nick))
	}
	if r.Form != nil {
		q.AddChild(r.Form.Element())
	}
	return q
}

// GetRegistration asks the room (or, on ejabberd, the MUC service) for
// its registration form (XEP-0045 §7.10), or, if the user is registered
// already, for the nick reserved. Errors wrap the reason of a refusal
// (ErrRegistrationClosed, ErrRegistrationUnsupported, ErrBanned,
// ErrRoomLocked) and the room's *stanza.Error, or ErrMalformed.
func GetRegistration(ctx context.Context, c *xmpp.Client, room jid.JID) (Registration, error) {
	res, err := c.Request(ctx, stanza.NewIQ(stanza.IQGet, room, stanza.NewElement(NSRegister, "query")))
	if err != nil {
		return Registration{}, registerError("registration form of", room, err)
	}
	r, err := ParseRegistration(res.Payload)
	if err != nil {
		return Registration{}, fmt.Errorf("muc: registration form of %s: %w", room, err)
	}
	return r, nil
}

// Register submits the filled-in registration form f (type submit, see
// form.Form.Submit) to the room. Once the room accepts, the user is a
// member and the nick is reserved: others who join with it are refused
// (ErrNickInUse). A nick reserved by someone else is refused with an
// error wrapping ErrNickInUse; the other refusals are those of
// GetRegistration.
func Register(ctx context.Context, c *xmpp.Client, room jid.JID, f *form.Form) error {
	if f == nil || f.Type != form.TypeSubmit {
		return fmt.Errorf("muc: register with %s: want a form of type submit", room)
	}
	q := stanza.NewElement(NSRegister, "query")
	q.AddChild(f.Element())
	if _, err := c.Request(ctx, stanza.NewIQ(stanza.IQSet, room, q)); err != nil {
		return registerError("register with", room, err)
	}
	return nil
}

// RegisterNick registers the user with the room under nick: it fetches
// the form, fills in FieldRoomNick, checks the submission against the
// form (an error wrapping form.ErrRequired if the room asks for more) and
// submits it. A user registered under nick already is left as is; one
// registered under another nick asks the room for the new one.
func RegisterNick(ctx context.Context, c *xmpp.Client, room jid.JID, nick string) error {
	if nick == "" {
		return fmt.Errorf("muc: register with %s: empty nick", room)
	}
	reg, err := GetRegistration(ctx, c, room)
	if err != nil {
		return err
	}
	var sub *form.Form
	switch {
	case reg.Registered && reg.Nick == nick:
		return nil
	case reg.Form != nil && reg.Form.Type == form.TypeForm:
		sub = reg.Form.Submit()
		if err := sub.SetString(FieldRoomNick, nick); err != nil {
			return fmt.Errorf("muc: register with %s: %w", room, err)
		}
		if err := form.Validate(reg.Form, sub); err != nil {
			return fmt.Errorf("muc: register with %s: %w", room, err)
		}
	case reg.Registered:
		sub = form.New(form.TypeSubmit, FormRegister)
		sub.Fields = append(sub.Fields, form.Field{Var: FieldRoomNick, Values: []string{nick}})
	default:
		return fmt.Errorf("muc: register with %s: %w: the room sent no form", room, ErrMalformed)
	}
	return Register(ctx, c, room, sub)
}

// Unregister cancels the user's registration with the room (XEP-0077
// §3.2 <remove/>): the nick is no longer reserved, and the membership
// it gave is removed. Errors are those of GetRegistration.
func Unregister(ctx context.Context, c *xmpp.Client, room jid.JID) error {
	q := stanza.NewElement(NSRegister, "query")
	q.AddChild(stanza.NewElement(NSRegister, "remove"))
	if _, err := c.Request(ctx, stanza.NewIQ(stanza.IQSet, room, q)); err != nil {
		return registerError("unregister from", room, err)
	}
	return nil
}
