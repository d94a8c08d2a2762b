package pubsub

import (
	"context"
	"fmt"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// AuthorizationFormType is the FORM_TYPE of the form a service sends a
// node's owner to approve a subscription (XEP-0060 §8.6).
const AuthorizationFormType = NS + "#subscribe_authorization"

// AuthorizationRequest is a service's request that the owner of a node
// approve or refuse a pending subscription (XEP-0060 §8.6).
type AuthorizationRequest struct {
	// Service is the service that asks: the message's sender.
	Service    jid.JID
	Node       string
	Subscriber jid.JID
	// SubID identifies the subscription, where the service gives one.
	SubID string
	// Form is the form the service sent.
	Form *form.Form
}

// AuthorizationHandlerFunc handles a subscription authorization request.
type AuthorizationHandlerFunc func(ctx context.Context, req AuthorizationRequest)

// HandleAuthorization makes h receive the subscription authorization
// requests (§8.6) of the services where this Client created a node
// (Create) and of Options.Services; answer each with Authorize. It
// replaces the previous handler. Without one, the requests are dropped
// (logged at Debug), and a pending subscription stays pending.
//
// Such requests are messages carrying a data form; they are claimed from
// those services only (a route with their address), so that the data
// forms others send (a room's voice request) are not taken.
func (ps *Client) HandleAuthorization(h AuthorizationHandlerFunc) {
	ps.mu.Lock()
	ps.onAuth = h
	ps.mu.Unlock()
}

// claimForms claims, once, the data-form messages from service, which
// is where a node's owner hears of subscriptions to approve.
func (ps *Client) claimForms(service jid.JID) {
	if service.IsZero() {
		return
	}
	ps.mu.Lock()
	if ps.formsFrom[service] {
		ps.mu.Unlock()
		return
	}
	ps.formsFrom[service] = true
	ps.mu.Unlock()
	ps.c.HandleMessage(xmpp.Route{Payload: stanza.Name{Space: form.NS, Local: "x"}, From: service}, ps.formMessage)
}

// formMessage takes a data-form message from a service claimed by
// claimForms: an authorization request goes to the handler.
func (ps *Client) formMessage(ctx context.Context, msg *stanza.Message) {
	req, err := ParseAuthorizationRequest(msg)
	if err != nil {
		ps.log.Debug("pubsub: dropped a form message from a service", "from", msg.From, "error", err)
		return
	}
	ps.mu.Lock()
	h := ps.onAuth
	ps.mu.Unlock()
	if h == nil {
		ps.log.Debug("pubsub: no handler for a subscription authorization request", "from", req.Service, "node", req.Node, "subscriber", req.Subscriber)
		return
	}
	h(ctx, req)
}

// ParseAuthorizationRequest decodes the subscription authorization
// request in msg (§8.6): a form of AuthorizationFormType naming the node
// and the subscriber. Its Service is msg's sender.
func ParseAuthorizationRequest(msg *stanza.Message) (AuthorizationRequest, error) {
	var f *form.Form
	for _, p := range msg.Payloads {
		if p.Name == (stanza.Name{Space: form.NS, Local: "x"}) {
			var err error
			if f, err = form.Parse(p); err != nil {
				return AuthorizationRequest{}, fmt.Errorf("%w: %w", ErrMalformed, err)
			}
			break
		}
	}
	if f == nil || f.FormType() != AuthorizationFormType {
		return AuthorizationRequest{}, fmt.Errorf("%w: no subscription authorization form", ErrMalformed)
	}
	req := AuthorizationRequest{Service: msg.From, Form: f}
	req.Node, _ = f.String("pubsub#node")
	req.SubID, _ = f.String("pubsub#subid")
	sub, err := f.JID("pubsub#subscriber_jid")
	if err != nil || sub.IsZero() || req.Node == "" {
		return AuthorizationRequest{}, fmt.Errorf("%w: an authorization request without node or subscriber", ErrMalformed)
	}
	req.Subscriber = sub
	return req, nil
}

// Authorize answers req (§8.6.2): allow true approves the subscription,
// false refuses it. It sends the form back submitted, with pubsub#allow
// set, in a message to the service.
func (ps *Client) Authorize(ctx context.Context, req AuthorizationRequest, allow bool) error {
	if req.Form == nil {
		return fmt.Errorf("%w: an authorization request without its form", ErrMalformed)
	}
	sub := req.Form.Submit()
	if err := sub.SetBool("pubsub#allow", allow); err != nil {
		return fmt.Errorf("pubsub: authorize: %w", err)
	}
	m := stanza.NewMessage(stanza.MessageNormal, req.Service, "")
	m.Payloads = append(m.Payloads, sub.Element())
	if err := ps.c.Send(ctx, m); err != nil {
		return fmt.Errorf("pubsub: authorize %s at %s %q: %w", req.Subscriber, req.Service, req.Node, err)
	}
	return nil
}
