package xmpp

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/xmppkit/xmpp/stanza"
)

const nsPing = "urn:xmpp:ping"

// IQHandlerFunc answers an IQ get or set. It returns the payload of the
// result (nil for an empty result) or an error: a *stanza.Error is sent
// back as it is, any other error as internal-server-error (its text is not
// disclosed to the peer).
type IQHandlerFunc func(ctx context.Context, iq *stanza.IQ) (*stanza.Element, error)

// MessageHandlerFunc handles a message.
type MessageHandlerFunc func(ctx context.Context, m *stanza.Message)

// PresenceHandlerFunc handles a presence.
type PresenceHandlerFunc func(ctx context.Context, p *stanza.Presence)

// HandlerFunc handles any stanza; see HandleFallback.
type HandlerFunc func(ctx context.Context, s stanza.Stanza)

// EventHandlerFunc handles a connection event; see HandleEvent.
type EventHandlerFunc func(ctx context.Context, ev Event)

type iqKey struct {
	typ          stanza.IQType
	space, local string
}

// handlers is the Client's routing table.
type handlers struct {
	mu       sync.RWMutex
	iq       map[iqKey]IQHandlerFunc
	builtin  map[iqKey]bool // keys whose handler is ours, replaceable
	message  []MessageHandlerFunc
	presence []PresenceHandlerFunc
	events   []EventHandlerFunc
	fallback HandlerFunc
	features []string // advertised in service discovery, sorted
}

// init installs the built-in handlers: the XEP-0199 ping responder. A
// user's handler may replace a built-in one.
func (h *handlers) init() {
	pong := iqKey{stanza.IQGet, nsPing, "ping"}
	h.iq = map[iqKey]IQHandlerFunc{
		pong: func(context.Context, *stanza.IQ) (*stanza.Element, error) { return nil, nil },
	}
	h.builtin = map[iqKey]bool{pong: true}
}

// item is one unit of work for the dispatcher: a stanza to hand to the
// handlers, a reply the reader could not send itself, or a connection
// event.
type item struct {
	s     stanza.Stanza
	reply *stanza.Element
	ev    *Event
}

// HandleIQ registers h for IQs of type typ (get or set) whose payload is
// {space}local. Registering a second handler for the same key panics, as
// http.ServeMux does: it is a programming error. IQ gets and sets without
// a handler are answered with service-unavailable (RFC 6120 section 8.4);
// IQ results never reach handlers.
func (c *Client) HandleIQ(typ stanza.IQType, space, local string, h IQHandlerFunc) {
	if typ != stanza.IQGet && typ != stanza.IQSet {
		panic("xmpp: HandleIQ: type must be get or set")
	}
	k := iqKey{typ, space, local}
	c.handlers.mu.Lock()
	defer c.handlers.mu.Unlock()
	if _, dup := c.handlers.iq[k]; dup && !c.handlers.builtin[k] {
		panic(fmt.Sprintf("xmpp: HandleIQ: a handler for %s {%s}%s is already registered", typ, space, local))
	}
	delete(c.handlers.builtin, k)
	c.handlers.iq[k] = h
}

// HandleMessage adds h to the handlers of messages. All message handlers
// run, in the order they were added, for every message.
func (c *Client) HandleMessage(h MessageHandlerFunc) {
	c.handlers.mu.Lock()
	defer c.handlers.mu.Unlock()
	c.handlers.message = append(c.handlers.message, h)
}

// HandlePresence adds h to the handlers of presence stanzas.
func (c *Client) HandlePresence(h PresenceHandlerFunc) {
	c.handlers.mu.Lock()
	defer c.handlers.mu.Unlock()
	c.handlers.presence = append(c.handlers.presence, h)
}

// HandleEvent adds h to the handlers of connection events (disconnected,
// resumed, new session; see Event). Unlike Options.OnEvent, which the
// reader calls at once, h runs on the dispatch goroutine in order with the
// stanzas: an EventNewSession reaches it before any stanza of the new
// session. So h may send and wait for answers, as extension packages do
// to restore what a new session lost (fetch the roster again, enable
// carbons), and, like a stanza handler, it delays the stanzas behind it.
// All event handlers run, in the order they were added.
func (c *Client) HandleEvent(h EventHandlerFunc) {
	c.handlers.mu.Lock()
	defer c.handlers.mu.Unlock()
	c.handlers.events = append(c.handlers.events, h)
}

// Advertise adds namespaces to the features this Client supports, as
// service discovery (XEP-0030) lists them: a package that answers a
// protocol advertises its namespace when it starts answering, and the
// disco package lists Advertised in its answers (and entity capabilities,
// XEP-0115, hash them). Duplicates are ignored.
func (c *Client) Advertise(namespaces ...string) {
	c.handlers.mu.Lock()
	defer c.handlers.mu.Unlock()
	for _, ns := range namespaces {
		if i, found := slices.BinarySearch(c.handlers.features, ns); !found && ns != "" {
			c.handlers.features = slices.Insert(c.handlers.features, i, ns)
		}
	}
}

// Advertised returns the features given to Advertise, sorted, and those
// of what the Client answers itself (XEP-0199 ping).
func (c *Client) Advertised() []string {
	c.handlers.mu.RLock()
	defer c.handlers.mu.RUnlock()
	out := slices.Clone(c.handlers.features)
	if i, found := slices.BinarySearch(out, nsPing); !found {
		out = slices.Insert(out, i, nsPing)
	}
	return out
}

// HandleFallback sets the handler of messages and presence stanzas that no
// other handler takes. It does not receive IQs: those without a handler
// are answered with service-unavailable.
func (c *Client) HandleFallback(h HandlerFunc) {
	c.handlers.mu.Lock()
	defer c.handlers.mu.Unlock()
	c.handlers.fallback = h
}

// dispatchLoop runs handlers one at a time in arrival order.
func (c *Client) dispatchLoop() {
	defer close(c.dispDone)
	for {
		select {
		case <-c.done:
			return
		case <-c.queue.signal:
		}
		for {
			it, ok := c.queue.pop()
			if !ok {
				break
			}
			select {
			case <-c.done:
				return
			default:
			}
			if it.reply != nil {
				_ = c.SendElement(c.ctx, it.reply)
				continue
			}
			c.inHandler.Store(true)
			if it.ev != nil {
				c.dispatchEvent(*it.ev)
			} else {
				c.dispatch(it.s)
			}
			c.inHandler.Store(false)
		}
	}
}

// dispatchEvent runs the event handlers.
func (c *Client) dispatchEvent(ev Event) {
	c.handlers.mu.RLock()
	hs := c.handlers.events
	c.handlers.mu.RUnlock()
	for _, h := range hs {
		h(c.ctx, ev)
	}
}

func (c *Client) dispatch(s stanza.Stanza) {
	h := &c.handlers
	switch s := s.(type) {
	case *stanza.Message:
		h.mu.RLock()
		hs, fb := h.message, h.fallback
		h.mu.RUnlock()
		for _, f := range hs {
			f(c.ctx, s)
		}
		if len(hs) == 0 && fb != nil {
			fb(c.ctx, s)
		}
	case *stanza.Presence:
		h.mu.RLock()
		hs, fb := h.presence, h.fallback
		h.mu.RUnlock()
		for _, f := range hs {
			f(c.ctx, s)
		}
		if len(hs) == 0 && fb != nil {
			fb(c.ctx, s)
		}
	case *stanza.IQ:
		c.serveIQ(s)
	}
}

// serveIQ answers an IQ get or set with its handler's result.
func (c *Client) serveIQ(iq *stanza.IQ) {
	var f IQHandlerFunc
	if iq.Payload != nil {
		c.handlers.mu.RLock()
		f = c.handlers.iq[iqKey{iq.Type, iq.Payload.Name.Space, iq.Payload.Name.Local}]
		c.handlers.mu.RUnlock()
	}
	var reply *stanza.IQ
	if f == nil {
		reply = iq.ErrorReply(stanza.NewError(stanza.ErrServiceUnavailable, ""))
	} else {
		payload, err := f(c.ctx, iq)
		var se *stanza.Error
		switch {
		case err == nil:
			reply = iq.Result(payload)
		case errors.As(err, &se):
			reply = iq.ErrorReply(se)
		default:
			c.opts.Logger.Warn("iq handler failed", "payload", iq.Payload.Name.Local, "error", err)
			reply = iq.ErrorReply(stanza.NewError(stanza.ErrInternalServerError, ""))
		}
	}
	if err := c.Send(c.ctx, reply); err != nil {
		c.opts.Logger.Debug("iq reply not sent", "error", err)
	}
}
