package stream

import (
	"context"
	"errors"
	"fmt"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// bind binds a resource (RFC 6120 section 7) and checks the address the
// server returns: it must be a full JID of our own account.
func (n *negotiator) bind(ctx context.Context, feats *stanza.Element) (jid.JID, error) {
	if feats.Child(NSBind, "bind") == nil {
		return jid.JID{}, n.protocolError(ctx, "the server offers no resource binding")
	}
	res := n.cfg.Resource
	if res == "" {
		res = n.cfg.JID.Resourcepart()
	}
	payload := stanza.NewElement(NSBind, "bind")
	if res != "" {
		payload.AddChild(stanza.NewElement(NSBind, "resource").AddText(res))
	}
	iq, err := n.request(ctx, stanza.NewIQ(stanza.IQSet, jid.JID{}, payload))
	if err != nil {
		return jid.JID{}, fmt.Errorf("stream: bind: %w", err)
	}
	var raw string
	if iq.Payload != nil && iq.Payload.Name == (stanza.Name{Space: NSBind, Local: "bind"}) {
		raw = iq.Payload.ChildText(NSBind, "jid")
	}
	bound, err := jid.Parse(raw)
	if err != nil {
		return jid.JID{}, n.protocolError(ctx, fmt.Sprintf("bind result has a bad address %q", raw))
	}
	if !bound.IsFull() || bound.Bare() != n.cfg.JID.Bare() {
		// Never adopt another account's address as our own.
		return jid.JID{}, n.protocolError(ctx, fmt.Sprintf("bind result %q is not an address of %s", raw, n.cfg.JID.Bare()))
	}
	n.log.Debug("bound", "jid", bound.String())
	return bound, nil
}

// session establishes a legacy session (RFC 3921 section 3) when the
// server offers it without marking it optional.
func (n *negotiator) session(ctx context.Context, feats *stanza.Element) error {
	s := feats.Child(NSSession, "session")
	if s == nil || s.Child(NSSession, "optional") != nil {
		return nil
	}
	if _, err := n.request(ctx, stanza.NewIQ(stanza.IQSet, jid.JID{}, stanza.NewElement(NSSession, "session"))); err != nil {
		return fmt.Errorf("stream: session: %w", err)
	}
	return nil
}

// request sends an IQ to the server during negotiation and reads its
// answer: a result from the server (no from, our bare JID or our domain)
// with the same id. A stanza error comes back as *stanza.Error.
func (n *negotiator) request(ctx context.Context, req *stanza.IQ) (*stanza.IQ, error) {
	if err := n.t.WriteElement(ctx, req.Element()); err != nil {
		return nil, err
	}
	for {
		e, err := n.read(ctx)
		if err != nil {
			return nil, err
		}
		if e.Name.Local != "iq" {
			continue // nothing else is expected yet; servers may push presence early
		}
		iq, err := stanza.ParseIQ(e)
		if err != nil {
			return nil, n.protocolError(ctx, "bad iq: "+err.Error())
		}
		if iq.ID != req.ID || (iq.Type != stanza.IQResult && iq.Type != stanza.IQError) {
			continue
		}
		if !iq.From.IsZero() && iq.From != n.cfg.JID.Bare() && iq.From != n.cfg.JID.Domain() {
			continue // not from our server: ignore it
		}
		if iq.Type == stanza.IQError {
			if iq.Error == nil {
				return nil, errors.New("iq error without an error element")
			}
			return nil, iq.Error
		}
		return iq, nil
	}
}
