package vcard

import (
	"context"
	"errors"
	"fmt"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Get returns the vcard-temp vCard of who (a bare JID, answered by its
// server; a chat room occupant's full JID), or of the account itself when
// who is the zero JID. It blocks until the answer arrives or ctx ends.
//
// No vCard is the zero Card and a nil error, whether the server says so
// with an empty vCard or with item-not-found (XEP-0054 allows both). For
// another account, servers answer service-unavailable both when it has
// no vCard and when it does not exist (XEP-0054): that is returned
// as the *stanza.Error, for the caller to tell with errors.Is.
func Get(ctx context.Context, c *xmpp.Client, who jid.JID) (Card, error) {
	res, err := c.Request(ctx, stanza.NewIQ(stanza.IQGet, who, stanza.NewElement(NS, "vCard")))
	if errors.Is(err, stanza.ErrItemNotFound) {
		return Card{}, nil
	}
	if err != nil {
		return Card{}, fmt.Errorf("vcard: get %s: %w", whose(who), err)
	}
	if res.Payload == nil {
		return Card{}, nil
	}
	card, err := Parse(res.Payload)
	if err != nil {
		return Card{}, fmt.Errorf("vcard: get %s: %w", whose(who), err)
	}
	return card, nil
}

// Set replaces the account's vcard-temp vCard with card (XEP-0054 has no
// partial update: get, change, set). It blocks until the server answers
// or ctx ends. A photo larger than MaxPhotoBytes is refused before
// anything is sent (ErrPhotoTooLarge); the server's refusal is its
// *stanza.Error.
func Set(ctx context.Context, c *xmpp.Client, card Card) error {
	if card.Photo != nil && len(card.Photo.Data) > MaxPhotoBytes {
		return fmt.Errorf("vcard: set: %w: %d bytes, more than %d", ErrPhotoTooLarge, len(card.Photo.Data), MaxPhotoBytes)
	}
	if _, err := c.Request(ctx, stanza.NewIQ(stanza.IQSet, jid.JID{}, card.Element())); err != nil {
		return fmt.Errorf("vcard: set: %w", err)
	}
	return nil
}

// SetPhoto replaces the photo of the account's vCard with p, keeping
// everything else: it gets the vCard and sets it back. A nil p removes
// the photo. It returns the vCard as set; its PhotoHash is what to
// announce in presence (XEP-0153, see package pep/avatar). Two clients
// of the account doing this at once may lose one's other changes, as
// with any read-modify-write of vcard-temp.
func SetPhoto(ctx context.Context, c *xmpp.Client, p *Photo) (Card, error) {
	card, err := Get(ctx, c, jid.JID{})
	if err != nil {
		return Card{}, err
	}
	card.Photo = p
	if err := Set(ctx, c, card); err != nil {
		return Card{}, err
	}
	return card, nil
}

// whose names who in errors.
func whose(who jid.JID) string {
	if who.IsZero() {
		return "own vCard"
	}
	return who.String()
}
