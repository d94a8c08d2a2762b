package avatar

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// NSUpdate is the namespace of XEP-0153's presence element,
// <x xmlns='vcard-temp:x:update'/>.
const NSUpdate = "vcard-temp:x:update"

// VCardHash is what a presence says about the sender's vCard avatar
// (XEP-0153): the <x xmlns='vcard-temp:x:update'/> element.
type VCardHash struct {
	// Known is false for an <x/> without <photo/>: the sender supports
	// XEP-0153 but has not yet read its vCard, and says nothing about
	// its avatar.
	Known bool
	// Hash is the hex SHA-1 of the vCard's photo (lower case); "" with
	// Known set means that the vCard has no photo.
	Hash string
}

// Element encodes h as an <x xmlns='vcard-temp:x:update'/> element.
func (h VCardHash) Element() *stanza.Element {
	x := stanza.NewElement(NSUpdate, "x")
	if h.Known {
		x.AddChild(stanza.NewElement(NSUpdate, "photo").AddText(h.Hash))
	}
	return x
}

// ParseVCardHash decodes an <x xmlns='vcard-temp:x:update'/> element. A
// photo that is neither empty nor a SHA-1 in hex (either case, white
// space around it ignored) is malformed, as are two photos; other
// children are ignored.
func ParseVCardHash(e *stanza.Element) (VCardHash, error) {
	var h VCardHash
	if e == nil || e.Name != (stanza.Name{Space: NSUpdate, Local: "x"}) {
		return h, fmt.Errorf("%w: not a vcard-temp:x:update element", ErrMalformed)
	}
	for c := range e.Children() {
		if c.Name != (stanza.Name{Space: NSUpdate, Local: "photo"}) {
			continue
		}
		if h.Known {
			return VCardHash{}, fmt.Errorf("%w: two photos in vcard-temp:x:update", ErrMalformed)
		}
		s := strings.TrimSpace(c.Text())
		if s != "" && !IsHash(s) || c.NumChildren() > 0 {
			return VCardHash{}, fmt.Errorf("%w: photo %.50q is not a SHA-1", ErrMalformed, s)
		}
		h = VCardHash{Known: true, Hash: strings.ToLower(s)}
	}
	return h, nil
}

// GetVCardHash returns the XEP-0153 element of a presence, decoded; ok
// is false when the presence has none, or a malformed one (as if the
// sender did not support XEP-0153).
func GetVCardHash(p *stanza.Presence) (h VCardHash, ok bool) {
	for _, e := range p.Payloads {
		if e.Name == (stanza.Name{Space: NSUpdate, Local: "x"}) {
			h, err := ParseVCardHash(e)
			return h, err == nil
		}
	}
	return VCardHash{}, false
}

// HandleVCardHash makes h see the XEP-0153 element of every presence
// that carries one, with the presence's sender: a contact's full JID, or
// a chat room occupant's. It observes and claims nothing (see
// xmpp.Client.ObservePresence), so presence handlers see these presence
// stanzas too. A malformed element is not passed on. The sender is who
// the server says; a hash is only a hint of which image to fetch with
// vcard.Get, which the receiver checks against the photo it gets. Call it
// before Connect.
func HandleVCardHash(c *xmpp.Client, h func(ctx context.Context, from jid.JID, vh VCardHash)) {
	c.ObservePresence(xmpp.Route{Payload: stanza.Name{Space: NSUpdate, Local: "x"}}, func(ctx context.Context, p *stanza.Presence) {
		if p.Type != stanza.PresenceAvailable {
			return
		}
		if vh, ok := GetVCardHash(p); ok {
			h(ctx, p.From, vh)
		}
	})
}

// Announcer keeps the XEP-0153 element in every available presence the
// Client sends, broadcast or directed (a chat room join included), as
// XEP-0153 asks, through xmpp.Client.AddPresencePayload. It starts
// with an unknown hash (an <x/> without <photo/>), which XEP-0153 asks
// for until the client has read its vCard. Its methods are safe for
// concurrent use.
type Announcer struct {
	c  *xmpp.Client
	mu sync.Mutex
	h  VCardHash
}

// NewAnnouncer makes c announce its vCard avatar hash in presence. Call
// it once per Client, before Connect, and Set the hash once the vCard is
// read (vcard.Get, Card.PhotoHash) or written (vcard.SetPhoto).
func NewAnnouncer(c *xmpp.Client) *Announcer {
	a := &Announcer{c: c}
	c.AddPresencePayload(func() *stanza.Element {
		a.mu.Lock()
		defer a.mu.Unlock()
		return a.h.Element()
	})
	return a
}

// Set announces hash, the hex SHA-1 of the vCard's photo ("" for a
// vCard without photo), from now on: when it changes and the Client is
// online, its presence is sent again (xmpp.Client.RefreshPresence). A
// hash that is neither "" nor a SHA-1 in hex is refused (ErrMalformed).
func (a *Announcer) Set(hash string) error {
	if hash != "" && !IsHash(hash) {
		return fmt.Errorf("%w: %.50q is not a SHA-1", ErrMalformed, hash)
	}
	a.set(VCardHash{Known: true, Hash: strings.ToLower(hash)})
	return nil
}

// Reset announces an unknown hash (an <x/> without <photo/>), as
// XEP-0153 asks while the client reads its vCard again: after
// another resource of the account announced a different hash.
func (a *Announcer) Reset() { a.set(VCardHash{}) }

// Get returns what a presence sent now would announce.
func (a *Announcer) Get() VCardHash {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.h
}

func (a *Announcer) set(h VCardHash) {
	a.mu.Lock()
	changed := a.h != h
	a.h = h
	a.mu.Unlock()
	if changed {
		a.c.RefreshPresence()
	}
}
