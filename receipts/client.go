package receipts

import (
	"context"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Serve adds to c a message observer (see
// xmpp.Client.ObserveMessage) that answers receipt requests with Ack, for
// the senders allow accepts; the message still goes to its owner. It never answers a message of
// type error or groupchat, one without an id or a from address, or one
// that itself carries a receipt (XEP-0184 section 5.4, against loops);
// allow is asked only about the others. allow runs on c's dispatch
// goroutine, so it must return quickly.
//
// allow decides who learns that we are online: see the package
// documentation, which recommends allowing only contacts authorized to see
// our presence. Serve panics if allow is nil, so that the choice is
// always made in the code; a bot that answers everybody passes a function
// that returns true.
func Serve(c *xmpp.Client, allow func(from jid.JID) bool) {
	if allow == nil {
		panic("receipts: Serve: allow is nil")
	}
	c.Advertise(NS)
	c.ObserveMessage(xmpp.Route{Payload: stanza.Name{Space: NS, Local: "request"}}, func(ctx context.Context, m *stanza.Message) {
		if !deservesAck(m) || !allow(m.From) {
			return
		}
		// Nothing to do about a failure: the Client is ending, or the
		// stanza is queued for resumption.
		_ = c.Send(ctx, Ack(m))
	})
}

// deservesAck reports whether m asks for a receipt that may be sent.
func deservesAck(m *stanza.Message) bool {
	switch {
	case m.Type == stanza.MessageError, m.Type == stanza.MessageGroupchat:
		return false
	case m.ID == "", m.From.IsZero():
		return false
	}
	return Requested(m) && !isAck(m)
}

// Handle adds to c a message observer (see xmpp.Client.ObserveMessage)
// that calls h with the sender and the acknowledged id of every receipt
// that arrives (not of type error); the message still goes to its owner,
// the application's default message handler if nobody else claims it.
// It checks nothing else: whether the id is one of ours, and whether from
// is the address the message went to, is for h to check. h runs on c's
// dispatch goroutine, in arrival order, with the handlers' context.
func Handle(c *xmpp.Client, h func(ctx context.Context, from jid.JID, id string)) {
	c.ObserveMessage(xmpp.Route{Payload: stanza.Name{Space: NS, Local: "received"}}, func(ctx context.Context, m *stanza.Message) {
		if m.Type == stanza.MessageError {
			return
		}
		if id, ok := Received(m); ok {
			h(ctx, m.From, id)
		}
	})
}
