package roster

import (
	"context"
	"fmt"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Presence subscriptions (RFC 6121 section 3). Each function sends one
// presence stanza of a subscription type to the contact's bare JID; the
// server updates both rosters and pushes the new states, and the contact
// answers (or not) with presence of its own, which Handle and
// presence handlers see.

// Subscribe asks to receive the contact's presence (section 3.1.1). Until
// the contact answers, the roster item shows Ask.
func Subscribe(ctx context.Context, c *xmpp.Client, contact jid.JID) error {
	return send(ctx, c, contact, stanza.PresenceSubscribe)
}

// Approve lets the contact receive our presence: it answers a pending
// subscription request (section 3.1.5), or, sent before any request,
// pre-approves one where the server supports it (section 3.4; see
// PreApproval).
func Approve(ctx context.Context, c *xmpp.Client, contact jid.JID) error {
	return send(ctx, c, contact, stanza.PresenceSubscribed)
}

// Cancel stops the contact from receiving our presence: it denies a
// pending subscription request (section 3.1.4), cancels a subscription
// the contact has (section 3.2), or withdraws a pre-approval.
func Cancel(ctx context.Context, c *xmpp.Client, contact jid.JID) error {
	return send(ctx, c, contact, stanza.PresenceUnsubscribed)
}

// Unsubscribe stops our receiving the contact's presence (section 3.3),
// or withdraws a request not yet answered.
func Unsubscribe(ctx context.Context, c *xmpp.Client, contact jid.JID) error {
	return send(ctx, c, contact, stanza.PresenceUnsubscribe)
}

func send(ctx context.Context, c *xmpp.Client, contact jid.JID, typ stanza.PresenceType) error {
	if contact.IsZero() {
		return fmt.Errorf("roster: %s: no contact address", typ)
	}
	if err := c.Send(ctx, stanza.NewPresence(typ, contact.Bare())); err != nil {
		return fmt.Errorf("roster: %s: %w", typ, err)
	}
	return nil
}

// PreApproval reports whether c's server supports subscription
// pre-approval (RFC 6121 section 3.4): whether Approve before a request
// is remembered.
func PreApproval(c *xmpp.Client) bool {
	return c.Features().Child(NSPreApproval, "sub") != nil
}

// Request is a subscription request from a contact: it wants to receive
// our presence.
type Request struct {
	// From is the bare address of the contact asking.
	From jid.JID
	// Status is the request's status text, if any (in the stanza's
	// default language). It comes from the contact: show it as such.
	Status string
	// Presence is the whole stanza, for extensions (a nickname, XEP-0172).
	Presence *stanza.Presence
}

// Handle calls h for every subscription request that reaches the
// Client (RFC 6121 section 3.1.3): it claims presence of type subscribe
// (see xmpp.Route), which then reaches no other presence handler, and
// calling it twice on one Client panics. h answers with Approve or Cancel, now
// or later, or not at all (the server keeps the request and sends it again
// at the next login). The server answers on our behalf, without calling
// h, a request from a contact that already has our presence.
func Handle(c *xmpp.Client, h func(ctx context.Context, r Request)) {
	c.HandlePresence(xmpp.Route{Type: string(stanza.PresenceSubscribe)}, func(ctx context.Context, p *stanza.Presence) {
		if p.From.IsZero() {
			return
		}
		r := Request{From: p.From.Bare(), Presence: p}
		if len(p.Statuses) > 0 {
			r.Status = p.Statuses[0].Value
		}
		h(ctx, r)
	})
}
