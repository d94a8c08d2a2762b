package xmpp

import (
	"context"
	"time"

	"github.com/xmppkit/xmpp/stanza"
)

// refreshTimeout bounds the background send of a refreshed presence.
const refreshTimeout = 30 * time.Second

// AddPresencePayload makes the Client add the element f returns to every
// available presence it sends (no type attribute, broadcast or directed),
// when the presence does not already carry a payload of the same name:
// this is how an extension keeps an annotation on the Client's presence
// that the application need not know about, such as the entity
// capabilities (XEP-0115) that disco.Serve adds. f runs when the presence
// is sent, again when the Client restores its presence in a new session,
// and again on RefreshPresence, so the payload is always current; it must
// be quick and must not call the Client. A nil result adds nothing.
//
// Register providers before Connect, like handlers.
func (c *Client) AddPresencePayload(f func() *stanza.Element) {
	c.presMu.Lock()
	defer c.presMu.Unlock()
	c.presPayloads = append(c.presPayloads[:len(c.presPayloads):len(c.presPayloads)], f)
}

// RefreshPresence tells the Client that what a presence payload provider
// (see AddPresencePayload) returns has changed: if the Client is
// connected and its last broadcast presence was available, it sends that
// presence again with fresh payloads, in the background, and returns at
// once. XEP-0115 requires this when the advertised features change;
// Advertise calls it when it adds a feature. A failure to send is logged,
// and the next presence the application sends carries the new payloads
// anyway.
func (c *Client) RefreshPresence() {
	c.presMu.Lock()
	last := c.lastPresence
	providers := len(c.presPayloads)
	c.presMu.Unlock()
	if last == nil || last.Attr("type") != "" || providers == 0 || !c.connected.Load() {
		return
	}
	if !c.refreshPending.CompareAndSwap(false, true) {
		return // one is about to start and will read the new payloads
	}
	c.lifeMu.Lock()
	if c.ended {
		c.lifeMu.Unlock()
		c.refreshPending.Store(false)
		return
	}
	c.background.Add(1)
	c.lifeMu.Unlock()
	go func() {
		defer c.background.Done()
		// Cleared before the payloads are built, so that a change from
		// now on starts another refresh rather than being missed.
		c.refreshPending.Store(false)
		ctx, cancel := context.WithTimeout(c.ctx, refreshTimeout)
		defer cancel()
		// The presence is read under the write lock, so that one the
		// application sends meanwhile (unavailable, say) is never
		// overtaken by this refresh of the one before.
		err := c.sendStanza(ctx, func() *stanza.Element {
			c.presMu.Lock()
			defer c.presMu.Unlock()
			if c.lastPresence == nil || c.lastPresence.Attr("type") != "" {
				return nil
			}
			return c.lastPresence
		})
		if err != nil {
			c.opts.Logger.Warn("presence refresh not sent", "err", err)
		}
	}()
}

// decoratePresence returns e, or, for an available presence when
// providers are registered, a copy of e with their payloads added.
func (c *Client) decoratePresence(e *stanza.Element) *stanza.Element {
	if e == nil || e.Name.Local != "presence" || e.Attr("type") != "" {
		return e
	}
	c.presMu.Lock()
	providers := c.presPayloads
	c.presMu.Unlock()
	return withPayloads(e, providers, func(f func() *stanza.Element, _ *stanza.Element) *stanza.Element { return f() })
}

// withPayloads returns e, or a copy of e with what each provider gives
// (call(provider, the element so far)) added, unless nil or the element
// already has a child of that name.
func withPayloads[P any](e *stanza.Element, providers []P, call func(P, *stanza.Element) *stanza.Element) *stanza.Element {
	out := e
	for _, f := range providers {
		p := call(f, out)
		if p == nil || out.Child(p.Name.Space, p.Name.Local) != nil {
			continue
		}
		if out == e {
			out = e.Copy()
		}
		out.AddChild(p)
	}
	return out
}

// AddMessagePayload makes the Client add the element f returns for each
// message it sends (except errors), when the message does not already
// carry a payload of the same name: for an annotation every message
// should have, such as the XEP-0359 origin-id by which a recipient
// recognizes a message sent twice. f gets the message about to be
// written; it runs once per message (a message sent again after a
// resumption keeps what it got), must be quick and must not call the
// Client. A nil result adds nothing.
//
// Register providers before Connect, like handlers.
func (c *Client) AddMessagePayload(f func(m *stanza.Element) *stanza.Element) {
	c.presMu.Lock()
	defer c.presMu.Unlock()
	c.msgPayloads = append(c.msgPayloads[:len(c.msgPayloads):len(c.msgPayloads)], f)
}

// decorate returns e with the payloads of the providers registered for
// its kind (AddPresencePayload, AddMessagePayload), copying e if it adds
// any.
func (c *Client) decorate(e *stanza.Element) *stanza.Element {
	if e == nil || e.Name.Local != "message" {
		return c.decoratePresence(e)
	}
	if e.Attr("type") == "error" {
		return e
	}
	c.presMu.Lock()
	providers := c.msgPayloads
	c.presMu.Unlock()
	return withPayloads(e, providers, func(f func(*stanza.Element) *stanza.Element, cur *stanza.Element) *stanza.Element { return f(cur) })
}
