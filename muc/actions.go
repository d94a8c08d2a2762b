package muc

import (
	"context"
	"fmt"

	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Send sends body to the room as a groupchat message. The room reflects
// it to every occupant, this one included (Message.Own).
func (r *Room) Send(ctx context.Context, body string) error {
	return r.SendMessage(ctx, stanza.NewMessage(stanza.MessageGroupchat, r.jid, body))
}

// SendMessage sends m to the room as a groupchat message: its To and
// Type are set.
func (r *Room) SendMessage(ctx context.Context, m *stanza.Message) error {
	if err := r.joined(); err != nil {
		return err
	}
	m.To, m.Type = r.jid, stanza.MessageGroupchat
	return r.rs.c.Send(ctx, m)
}

// SendPrivate sends body to the occupant nick as a private message,
// marked as one (XEP-0045 §7.5) so that the recipient's server and its
// other clients treat it as such.
func (r *Room) SendPrivate(ctx context.Context, nick, body string) error {
	if err := r.joined(); err != nil {
		return err
	}
	to, err := r.occupantJID(nick)
	if err != nil {
		return fmt.Errorf("muc: private message to %q: %w", nick, err)
	}
	m := stanza.NewMessage(stanza.MessageChat, to, body)
	m.Payloads = append(m.Payloads, stanza.NewElement(NSUser, "x"))
	return r.rs.c.Send(ctx, m)
}

// SetSubject asks the room to change its subject (XEP-0045 §8.1): the
// room announces it to every occupant (EventSubjectChanged), or answers
// with an error message if this occupant may not.
func (r *Room) SetSubject(ctx context.Context, subject string) error {
	if err := r.joined(); err != nil {
		return err
	}
	m := stanza.NewMessage(stanza.MessageGroupchat, r.jid, "")
	m.Subjects = []stanza.Text{{Value: subject}}
	return r.rs.c.Send(ctx, m)
}

// ChangeNick changes this occupant's nick (XEP-0045 §7.6) and returns once
// the room has, or refused (a *JoinError, ErrNickInUse for a nick in use).
// It must not be called from a handler (ErrInHandler).
func (r *Room) ChangeNick(ctx context.Context, nick string) error {
	if r.rs.c.InHandler(ctx) {
		return ErrInHandler
	}
	to, err := r.occupantJID(nick)
	if err != nil || nick == "" {
		return fmt.Errorf("muc: change nick to %q: %w", nick, err)
	}
	ch := make(chan error, 1)
	r.mu.Lock()
	switch {
	case r.state != stateJoined:
		r.mu.Unlock()
		return ErrNotJoined
	case r.nickCh != nil:
		r.mu.Unlock()
		return fmt.Errorf("muc: change nick to %q: another change is in progress", nick)
	case nick == r.nick:
		r.mu.Unlock()
		return nil
	}
	r.nickCh, r.nickWant = ch, nick
	r.mu.Unlock()
	if err := r.rs.c.Send(ctx, stanza.NewPresence(stanza.PresenceAvailable, to)); err != nil {
		r.cancelNick(ch)
		return err
	}
	select {
	case err := <-ch:
		return err
	case <-ctx.Done():
		r.cancelNick(ch)
		return ctx.Err()
	}
}

// cancelNick abandons the nick change waiting on ch.
func (r *Room) cancelNick(ch chan error) {
	r.mu.Lock()
	if r.nickCh == ch {
		r.nickCh, r.nickWant = nil, ""
	}
	r.mu.Unlock()
}

// Leave leaves the room with an optional status (XEP-0045 §7.14) and
// returns once the room confirms, or ctx ends; the Room is out either
// way, and Err returns ErrNotJoined. It must not be called from a handler
// (ErrInHandler) unless ctx is already done.
func (r *Room) Leave(ctx context.Context, status string) error {
	if r.rs.c.InHandler(ctx) {
		return ErrInHandler
	}
	r.mu.Lock()
	if r.state == stateOut {
		r.mu.Unlock()
		return nil
	}
	done := r.done
	nick := r.nick
	r.leaving = true
	r.mu.Unlock()
	to, err := r.occupantJID(nick)
	if err != nil {
		r.out(ErrNotJoined)
		return err
	}
	p := stanza.NewPresence(stanza.PresenceUnavailable, to)
	if status != "" {
		p.Statuses = []stanza.Text{{Value: status}}
	}
	if err := r.rs.c.Send(ctx, p); err != nil {
		r.out(ErrNotJoined)
		return err
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		r.out(ErrNotJoined)
		return ctx.Err()
	}
}

// Invite asks the room to invite to (a mediated invitation, XEP-0045
// §7.8.2), with an optional reason. The room adds its password, if any,
// and may refuse (an error message to this occupant).
func (r *Room) Invite(ctx context.Context, to jid.JID, reason string) error {
	if err := r.joined(); err != nil {
		return err
	}
	x := stanza.NewElement(NSUser, "x")
	inv := stanza.NewElement(NSUser, "invite")
	inv.SetAttr("to", to.String())
	if reason != "" {
		inv.AddChild(stanza.NewElement(NSUser, "reason").AddText(reason))
	}
	x.AddChild(inv)
	m := stanza.NewMessage(stanza.MessageNormal, r.jid, "")
	m.Payloads = append(m.Payloads, x)
	return r.rs.c.Send(ctx, m)
}

// RequestVoice asks the room's moderators for voice (XEP-0045 §7.13), for
// a visitor of a moderated room.
func (r *Room) RequestVoice(ctx context.Context) error {
	if err := r.joined(); err != nil {
		return err
	}
	f := form.New(form.TypeSubmit, FormRequest)
	f.Fields = append(f.Fields, form.Field{Var: "muc#role", Type: form.ListSingle, Values: []string{string(RoleParticipant)}})
	m := stanza.NewMessage(stanza.MessageNormal, r.jid, "")
	m.Payloads = append(m.Payloads, f.Element())
	return r.rs.c.Send(ctx, m)
}
