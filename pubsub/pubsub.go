package pubsub

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// The namespaces of XEP-0060.
const (
	NS        = "http://jabber.org/protocol/pubsub"
	NSEvent   = NS + "#event"
	NSOwner   = NS + "#owner"
	NSErrors  = NS + "#errors"
	NSOptions = NS + "#publish-options"
)

// EventHandlerFunc handles a node's event.
type EventHandlerFunc func(ctx context.Context, ev Event)

// Options configures New. The zero value (or nil) is ready to use.
type Options struct {
	// Logger receives, at Warn level, events dropped because they came
	// from someone the Client has no reason to hear them from, or did
	// not decode; at Debug level, events no handler took. nil is silent.
	Logger *slog.Logger
	// Services are pubsub services whose events are accepted for every
	// node, without a subscription made or listed by this Client: for
	// subscriptions an earlier run made. Events of a node subscribed to
	// with Subscribe, or listed by Subscriptions, are accepted without.
	Services []jid.JID
}

// Client is the publish-subscribe side (XEP-0060, with XEP-0163 PEP) of
// one xmpp.Client: it makes requests to pubsub services and PEP accounts
// in all three roles (subscriber, publisher, owner), and hands the
// events it receives to the handlers registered for their nodes.
//
// Make it with New before the xmpp.Client connects, register handlers
// (HandleNode, HandlePEP, HandleEvent), then connect. Its methods are
// safe for concurrent use.
type Client struct {
	c   *xmpp.Client
	log *slog.Logger

	mu       sync.Mutex
	services map[jid.JID]bool            // Options.Services
	follows  map[jid.JID]map[string]bool // nodes subscribed to, by service
	pep      map[string]bool             // nodes with +notify interest: true if contacts' events count
	nodes    map[string]EventHandlerFunc // HandleNode, HandlePEP
	fallback EventHandlerFunc            // HandleEvent
	onAuth   AuthorizationHandlerFunc    // HandleAuthorization
	// formsFrom are the services whose data-form messages are claimed
	// (see claimForms).
	formsFrom map[jid.JID]bool
}

// New returns the pubsub Client of c. It claims the messages that carry
// a pubsub <event/> (see xmpp.Route), so that they reach the handlers of
// their nodes, never c's default message handler. Call it once per
// xmpp.Client, before Connect: a second call panics.
//
// An event is accepted only from whom the Client has reason to hear it:
// the account's own bare JID (its PEP nodes: nobody else may speak for
// them), a service and node it subscribed to (Subscribe, Subscriptions)
// or a service of Options.Services, or another account's bare JID for a
// PEP node it asked to be notified of (HandlePEP, Notify). Others are
// dropped with a log line, as are events from a full JID and events that
// do not decode. Event.From is always the stanza's sender.
func New(c *xmpp.Client, opts *Options) *Client {
	var o Options
	if opts != nil {
		o = *opts
	}
	ps := &Client{
		c: c, log: o.Logger,
		services: make(map[jid.JID]bool), follows: make(map[jid.JID]map[string]bool),
		pep: make(map[string]bool), nodes: make(map[string]EventHandlerFunc),
		formsFrom: make(map[jid.JID]bool),
	}
	if ps.log == nil {
		ps.log = slog.New(slog.DiscardHandler)
	}
	c.HandleMessage(xmpp.Route{Payload: stanza.Name{Space: NSEvent, Local: "event"}}, ps.message)
	for _, s := range o.Services {
		ps.services[s] = true
		ps.claimForms(s)
	}
	return ps
}

// HandleNode makes h handle the events of node, from whichever service
// they are accepted from. It panics if node already has a handler.
func (ps *Client) HandleNode(node string, h EventHandlerFunc) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if _, dup := ps.nodes[node]; dup {
		panic(fmt.Sprintf("pubsub: HandleNode: node %q already has a handler", node))
	}
	ps.nodes[node] = h
}

// HandlePEP makes h handle the events of the PEP node (XEP-0163) named
// node, usually the namespace of its payload, and asks to be notified of
// it (Notify): contacts' servers then send their updates.
func (ps *Client) HandlePEP(node string, h EventHandlerFunc) {
	ps.HandleNode(node, h)
	ps.Notify(node)
}

// HandleOwnPEP is HandlePEP for a node that only the account itself
// publishes to, for its own clients (bookmarks, settings): its events
// are accepted from the account's own bare JID alone, never from a
// contact's.
func (ps *Client) HandleOwnPEP(node string, h EventHandlerFunc) {
	ps.HandleNode(node, h)
	ps.mu.Lock()
	if _, ok := ps.pep[node]; !ok {
		ps.pep[node] = false
	}
	ps.mu.Unlock()
	ps.c.Advertise(node + "+notify")
}

// Notify advertises the interest in PEP node (XEP-0163 §4: the
// node+"+notify" feature, which disco.Serve publishes in the entity
// capabilities of the account's presence), so that the account's server
// sends the node's notifications from the contacts it has a presence
// subscription to; and it accepts those events from any account's bare
// JID.
func (ps *Client) Notify(node string) {
	ps.mu.Lock()
	ps.pep[node] = true
	ps.mu.Unlock()
	ps.c.Advertise(node + "+notify")
}

// HandleEvent makes h handle the accepted events of nodes that have no
// handler of their own; without it they are dropped (logged at Debug).
func (ps *Client) HandleEvent(h EventHandlerFunc) {
	ps.mu.Lock()
	ps.fallback = h
	ps.mu.Unlock()
}

// follow starts (or, with on false, ends) accepting node's events from
// service.
func (ps *Client) follow(service jid.JID, node string, on bool) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if on {
		if ps.follows[service] == nil {
			ps.follows[service] = make(map[string]bool)
		}
		ps.follows[service][node] = true
		return
	}
	delete(ps.follows[service], node)
}

// message takes a message with an <event/>: it checks whom it comes
// from, and hands the event to its node's handler.
func (ps *Client) message(ctx context.Context, msg *stanza.Message) {
	ev, err := ParseEvent(msg)
	if err != nil {
		ps.log.Warn("pubsub: dropped an event that does not decode", "from", msg.From, "error", err)
		return
	}
	if why := ps.refuse(ev); why != "" {
		ps.log.Warn("pubsub: dropped an event", "from", ev.From, "node", ev.Node, "why", why)
		return
	}
	ps.mu.Lock()
	h := ps.nodes[ev.Node]
	if h == nil {
		h = ps.fallback
	}
	ps.mu.Unlock()
	if h == nil {
		ps.log.Debug("pubsub: no handler for an event", "from", ev.From, "node", ev.Node, "kind", ev.Kind)
		return
	}
	h(ctx, ev)
}

// refuse says why ev is not accepted from its sender, or "".
func (ps *Client) refuse(ev Event) string {
	from := ev.From
	switch {
	case from.IsZero():
		return "no sender"
	case from.Resourcepart() != "":
		return "sent from a full JID"
	case from == ps.c.JID().Bare():
		return "" // the account's own PEP service
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	switch {
	case ps.services[from], ps.follows[from][ev.Node]:
		return ""
	case from.Localpart() != "" && ps.pep[ev.Node]:
		return "" // a contact's PEP node we asked to be notified of
	case from.Localpart() != "":
		if _, own := ps.pep[ev.Node]; own {
			return "a node only the account itself may send"
		}
		return "a PEP node not asked for"
	}
	return "no subscription to the node at this service"
}

// request sends an IQ of typ to to with payload, and returns the
// answer's payload (nil for an empty result); a service's error matches
// its pubsub Condition with errors.Is.
func (ps *Client) request(ctx context.Context, typ stanza.IQType, to jid.JID, payload *stanza.Element) (*stanza.Element, error) {
	res, err := ps.c.Request(ctx, stanza.NewIQ(typ, to, payload))
	if err != nil {
		return nil, wrapErr(err)
	}
	return res.Payload, nil
}

// at names service in errors: the account's own PEP service for zero.
func at(service jid.JID) string {
	if service.IsZero() {
		return "own PEP"
	}
	return service.String()
}
