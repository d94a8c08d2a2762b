package muc

import (
	"fmt"

	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// OwnerQuery is a muc#owner <query/> (XEP-0045 §10): the room's
// configuration form, as the room sends it to an owner or the owner
// submits it, or the owner's request to destroy the room.
type OwnerQuery struct {
	// Config is the configuration form (FORM_TYPE FormRoomConfig, or
	// none, as in an instant room's empty submission).
	Config *form.Form
	// Destroy is the destruction request: where the occupants may go
	// instead, with its password, and why.
	Destroy *Destroy
}

// ParseOwnerQuery decodes a muc#owner <query/>. Errors wrap ErrMalformed:
// another element, a malformed form (the error wraps form.ErrMalformed
// too), a form of another FORM_TYPE, two forms, two <destroy/>s or a
// <destroy/> beside a form, an alternate venue that is not a JID.
func ParseOwnerQuery(q *stanza.Element) (OwnerQuery, error) {
	if q == nil || q.Name != (stanza.Name{Space: NSOwner, Local: "query"}) {
		return OwnerQuery{}, fmt.Errorf("%w: not a muc#owner query", ErrMalformed)
	}
	var oq OwnerQuery
	for c := range q.Children() {
		switch c.Name {
		case stanza.Name{Space: form.NS, Local: "x"}:
			if oq.Config != nil {
				return OwnerQuery{}, fmt.Errorf("%w: two configuration forms", ErrMalformed)
			}
			f, err := form.Parse(c)
			if err != nil {
				return OwnerQuery{}, fmt.Errorf("%w: configuration: %w", ErrMalformed, err)
			}
			if ft := f.FormType(); ft != "" && ft != FormRoomConfig {
				return OwnerQuery{}, fmt.Errorf("%w: configuration form of type %.64q", ErrMalformed, ft)
			}
			oq.Config = f
		case stanza.Name{Space: NSOwner, Local: "destroy"}:
			if oq.Destroy != nil {
				return OwnerQuery{}, fmt.Errorf("%w: two destroy elements", ErrMalformed)
			}
			d := &Destroy{Reason: c.ChildText(NSOwner, "reason"), Password: c.ChildText(NSOwner, "password")}
			if s := c.Attr("jid"); s != "" {
				j, err := jid.Parse(s)
				if err != nil {
					return OwnerQuery{}, fmt.Errorf("%w: destroy jid: %w", ErrMalformed, err)
				}
				d.Alternate = j
			}
			oq.Destroy = d
		}
	}
	if oq.Config != nil && oq.Destroy != nil {
		return OwnerQuery{}, fmt.Errorf("%w: a configuration form beside a destroy element", ErrMalformed)
	}
	return oq, nil
}

// Element encodes oq as a muc#owner <query/>.
func (oq OwnerQuery) Element() *stanza.Element {
	q := stanza.NewElement(NSOwner, "query")
	if oq.Config != nil {
		q.AddChild(oq.Config.Element())
	}
	if d := oq.Destroy; d != nil {
		e := stanza.NewElement(NSOwner, "destroy")
		if !d.Alternate.IsZero() {
			e.SetAttr("jid", d.Alternate.String())
		}
		if d.Password != "" {
			e.AddChild(stanza.NewElement(NSOwner, "password").AddText(d.Password))
		}
		if d.Reason != "" {
			e.AddChild(stanza.NewElement(NSOwner, "reason").AddText(d.Reason))
		}
		q.AddChild(e)
	}
	return q
}
