package muc

import (
	"context"
	"errors"
	"fmt"

	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// request sends an IQ of type typ with payload to the room and returns
// the answer's payload.
func (r *Room) request(ctx context.Context, typ stanza.IQType, payload *stanza.Element) (*stanza.Element, error) {
	res, err := r.rs.c.Request(ctx, stanza.NewIQ(typ, r.jid, payload))
	if err != nil {
		return nil, err
	}
	return res.Payload, nil
}

// admin sends a muc#admin change with items.
func (r *Room) admin(ctx context.Context, items ...Item) error {
	_, err := r.request(ctx, stanza.IQSet, adminQuery(items...))
	return err
}

// Kick removes the occupant nick from the room (XEP-0045 §8.2), with an
// optional reason; for moderators. The room then tells every occupant
// (EventKicked).
func (r *Room) Kick(ctx context.Context, nick, reason string) error {
	return r.SetRole(ctx, nick, RoleNone, reason)
}

// SetRole gives the occupant nick the role role (XEP-0045 §8.3-8.6, §9.6-
// 9.7): RoleParticipant grants voice, RoleVisitor revokes it,
// RoleModerator and back for admins, RoleNone kicks.
func (r *Room) SetRole(ctx context.Context, nick string, role Role, reason string) error {
	if !validRole(role) || nick == "" {
		return fmt.Errorf("muc: set role %q of %q: invalid", role, nick)
	}
	return r.admin(ctx, Item{Nick: nick, Role: role, Reason: reason})
}

// SetAffiliation gives the user the affiliation aff (XEP-0045 §9.1-9.5,
// §10.3-10.8): AffiliationOutcast bans, AffiliationMember grants
// membership, AffiliationAdmin and AffiliationOwner for owners,
// AffiliationNone removes any.
func (r *Room) SetAffiliation(ctx context.Context, user jid.JID, aff Affiliation, reason string) error {
	if !validAffiliation(aff) || user.IsZero() {
		return fmt.Errorf("muc: set affiliation %q of %q: invalid", aff, user)
	}
	return r.admin(ctx, Item{JID: user.Bare(), Affiliation: aff, Reason: reason})
}

// Ban makes the user an outcast of the room (XEP-0045 §9.1), removing
// them if present.
func (r *Room) Ban(ctx context.Context, user jid.JID, reason string) error {
	return r.SetAffiliation(ctx, user, AffiliationOutcast, reason)
}

// Affiliations returns the users with affiliation aff: the member list,
// the ban list (AffiliationOutcast), the admin or owner list (XEP-0045
// §9.5, §9.8, §10.5, §10.8). Rooms give these to admins and owners.
func (r *Room) Affiliations(ctx context.Context, aff Affiliation) ([]Item, error) {
	if !validAffiliation(aff) || aff == AffiliationNone {
		return nil, fmt.Errorf("muc: list affiliation %q: invalid", aff)
	}
	return r.list(ctx, Item{Affiliation: aff})
}

// Roles returns the occupants with role role: the voice list
// (RoleParticipant) or the moderator list (XEP-0045 §8.5, §9.9).
func (r *Room) Roles(ctx context.Context, role Role) ([]Item, error) {
	if !validRole(role) || role == RoleNone {
		return nil, fmt.Errorf("muc: list role %q: invalid", role)
	}
	return r.list(ctx, Item{Role: role})
}

func (r *Room) list(ctx context.Context, which Item) ([]Item, error) {
	q, err := r.request(ctx, stanza.IQGet, adminQuery(which))
	if err != nil {
		return nil, err
	}
	if q == nil {
		return nil, nil
	}
	return ParseAdminItems(q)
}

// SetAffiliations changes several affiliations at once (XEP-0045 §9.5: a
// modified list); each item names a JID and its new affiliation.
// Prosody 0.12 applies the first item of such a request alone and
// answers success: with it, call SetAffiliation for each user.
func (r *Room) SetAffiliations(ctx context.Context, items []Item) error {
	for _, it := range items {
		if it.JID.IsZero() || !validAffiliation(it.Affiliation) {
			return fmt.Errorf("muc: set affiliations: invalid item %+v", it)
		}
	}
	return r.admin(ctx, items...)
}

// Config fetches the room's configuration form (XEP-0045 §10.2), for
// owners. Fill in its Submit with the muc#roomconfig fields and give it
// to Configure.
func (r *Room) Config(ctx context.Context) (*form.Form, error) {
	q, err := r.request(ctx, stanza.IQGet, stanza.NewElement(NSOwner, "query"))
	if err != nil {
		return nil, err
	}
	if q == nil {
		return nil, errors.New("muc: configuration: empty answer")
	}
	oq, err := ParseOwnerQuery(q)
	if err != nil {
		return nil, fmt.Errorf("muc: configuration: %w", err)
	}
	if oq.Config == nil {
		return nil, errors.New("muc: configuration: no muc#roomconfig form")
	}
	return oq.Config, nil
}

// Configure submits the room configuration f (a form of type submit),
// for owners; an empty submission accepts the defaults (an instant room,
// XEP-0045 §10.1.2). It unlocks a room created locked.
func (r *Room) Configure(ctx context.Context, f *form.Form) error {
	if f.Type != form.TypeSubmit {
		return fmt.Errorf("muc: configure: form of type %q, want submit", f.Type)
	}
	_, err := r.request(ctx, stanza.IQSet, OwnerQuery{Config: f}.Element())
	return err
}

// Destroy destroys the room (XEP-0045 §10.9), for owners, telling its
// occupants where to go instead (alternate, which may be zero) and why.
func (r *Room) Destroy(ctx context.Context, alternate jid.JID, reason string) error {
	q := OwnerQuery{Destroy: &Destroy{Alternate: alternate, Reason: reason}}
	_, err := r.request(ctx, stanza.IQSet, q.Element())
	return err
}
