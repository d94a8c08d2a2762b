package avatar

import (
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/xmppkit/xmpp/internal/b64"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pep"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/stanza"
)

// Hash returns the hex SHA-1 of data, lower case: an avatar's id
// (XEP-0084) and the hash of a vCard photo in presence (XEP-0153).
func Hash(data []byte) string {
	sum := sha1.Sum(data)
	return hex.EncodeToString(sum[:])
}

// DataElement encodes data as a <data xmlns='urn:xmpp:avatar:data'/>
// element, base64 without line breaks.
func DataElement(data []byte) *stanza.Element {
	return stanza.NewElement(NSData, "data").AddText(base64.StdEncoding.EncodeToString(data))
}

// ParseData decodes a <data xmlns='urn:xmpp:avatar:data'/> element,
// ignoring white space in the base64 (XEP-0084). Before decoding
// it counts what the text would decode to, and refuses more than limit
// bytes (ErrTooLarge); limit 0 means MaxBytes. Base64 that does not
// decode is malformed (ErrMalformed, wrapping base64.CorruptInputError).
func ParseData(e *stanza.Element, limit int) ([]byte, error) {
	if e == nil || e.Name != (stanza.Name{Space: NSData, Local: "data"}) {
		return nil, fmt.Errorf("%w: not avatar data", ErrMalformed)
	}
	if e.NumChildren() > 0 {
		return nil, fmt.Errorf("%w: avatar data with child elements", ErrMalformed)
	}
	if limit <= 0 || limit > MaxBytes {
		limit = MaxBytes
	}
	return decodeBase64(e.Text(), limit)
}

// decodeBase64 decodes s with internal/b64, after checking that it
// decodes to at most limit bytes (ErrTooLarge).
func decodeBase64(s string, limit int) ([]byte, error) {
	out, err := b64.Decode(s, limit)
	var big *b64.TooLargeError
	switch {
	case errors.As(err, &big):
		return nil, fmt.Errorf("%w: %d bytes of data, more than %d", ErrTooLarge, big.Size, big.Limit)
	case err != nil:
		return nil, fmt.Errorf("%w: avatar data: %w", ErrMalformed, err)
	}
	return out, nil
}

// Publish publishes data as the account's avatar (XEP-0084):
// first to the data node, as the item whose id is Hash(data), then, once
// the service has it, the metadata that announces it. meta gives the
// image's Type ("image/png" when empty: the one content type every
// receiver supports), Width and Height; Publish sets ID and Bytes, and
// returns the Info it announced. More than MaxBytes of data is refused
// before anything is sent (ErrTooLarge). It blocks until the service
// answers both publications or ctx ends.
//
// The data goes out as one PEP item: a server's payload limit applies
// (a refusal is its *stanza.Error, e.g. pubsub.CondPayloadTooBig).
func Publish(ctx context.Context, ps *pubsub.Client, data []byte, meta Info) (Info, error) {
	if len(data) > MaxBytes {
		return Info{}, fmt.Errorf("avatar: publish: %w: %d bytes, more than %d", ErrTooLarge, len(data), MaxBytes)
	}
	if len(data) == 0 {
		return Info{}, fmt.Errorf("avatar: publish: no data (Disable withdraws the avatar)")
	}
	in := Info{ID: Hash(data), Bytes: len(data), Type: meta.Type, Width: meta.Width, Height: meta.Height}
	if in.Type == "" {
		in.Type = "image/png"
	}
	if _, err := ps.Publish(ctx, jid.JID{}, NSData, pubsub.Item{ID: in.ID, Payload: DataElement(data)}, nil); err != nil {
		return Info{}, fmt.Errorf("avatar: publish data: %w", err)
	}
	md := Metadata{Infos: []Info{in}}
	if _, err := ps.Publish(ctx, jid.JID{}, NSMetadata, pubsub.Item{ID: in.ID, Payload: md.Element()}, nil); err != nil {
		return Info{}, fmt.Errorf("avatar: publish metadata: %w", err)
	}
	return in, nil
}

// PublishMetadata publishes md as the account's avatar metadata as it
// is: for versions at URLs, pointers, or data published to the data
// node by other means. Its item id is the first Info's ID. Publish is
// the usual way; Disable publishes empty metadata.
func PublishMetadata(ctx context.Context, ps *pubsub.Client, md Metadata) error {
	it := pubsub.Item{Payload: md.Element()}
	if len(md.Infos) > 0 {
		it.ID = md.Infos[0].ID
	}
	if _, err := ps.Publish(ctx, jid.JID{}, NSMetadata, it, nil); err != nil {
		return fmt.Errorf("avatar: publish metadata: %w", err)
	}
	return nil
}

// Disable withdraws the account's avatar: it publishes empty metadata
// (XEP-0084), which receivers take as "no avatar". The data stays
// at the data node.
func Disable(ctx context.Context, ps *pubsub.Client) error {
	if err := pep.Publish(ctx, ps, NSMetadata, Metadata{}.Element()); err != nil {
		return fmt.Errorf("avatar: disable: %w", err)
	}
	return nil
}

// Handle makes h receive the avatar metadata the account's contacts
// (and the account itself, from its other resources) publish, and asks
// for it with urn:xmpp:avatar:metadata+notify: XEP-0084 has
// receivers notified of the metadata node only, and fetch the data
// (Fetch) for an id they do not have cached. An Update with Retracted
// set, or with no Infos, says the user disabled the avatar. Events are
// accepted only from the publisher's bare JID (package pubsub). Call it
// before Connect.
func Handle(ps *pubsub.Client, h func(ctx context.Context, u pep.Update[Metadata])) {
	pep.Handle(ps, NSMetadata, ParseMetadata, func(ctx context.Context, u pep.Update[Metadata]) {
		if len(u.Value.Infos) == 0 {
			u.Retracted = true
		}
		h(ctx, u)
	}, nil)
}

// FetchMetadata returns the avatar metadata owner published (the zero
// JID for the account's own), and false when there is none or the
// avatar is disabled.
func FetchMetadata(ctx context.Context, ps *pubsub.Client, owner jid.JID) (Metadata, bool, error) {
	md, ok, err := pep.Fetch(ctx, ps, owner, NSMetadata, ParseMetadata)
	if err != nil {
		return Metadata{}, false, fmt.Errorf("avatar: %w", err)
	}
	return md, ok && len(md.Infos) > 0, nil
}

// Fetch returns the image that in describes, from the data node of
// owner (the zero JID for the account's own): the item whose id is
// in.ID. It checks, in this order: that in.Bytes is at most MaxBytes and
// that the data would decode to at most MaxBytes and to no more than
// in.Bytes (when given), before decoding it (ErrTooLarge); that it is
// base64 (ErrMalformed); and that its SHA-1 is in.ID (ErrHashMismatch),
// so that what it returns is the image announced. An Info with a URL
// is not at the data node (ErrNoData): fetching it over HTTP is the
// caller's choice. It blocks until the answer arrives or ctx ends.
func Fetch(ctx context.Context, ps *pubsub.Client, owner jid.JID, in Info) ([]byte, error) {
	id := strings.ToLower(in.ID)
	switch {
	case !IsHash(id):
		return nil, fmt.Errorf("avatar: fetch: %w: id %.50q is not a SHA-1", ErrMalformed, in.ID)
	case in.URL != "":
		return nil, fmt.Errorf("avatar: fetch %s: %w: it is at %s", id, ErrNoData, in.URL)
	case in.Bytes > MaxBytes:
		return nil, fmt.Errorf("avatar: fetch %s: %w: %d bytes, more than %d", id, ErrTooLarge, in.Bytes, MaxBytes)
	}
	page, err := ps.Items(ctx, owner, NSData, &pubsub.ItemsQuery{IDs: []string{in.ID}})
	if err != nil {
		return nil, fmt.Errorf("avatar: fetch %s: %w", id, err)
	}
	for _, it := range page.Items {
		if strings.ToLower(it.ID) != id || it.Payload == nil {
			continue
		}
		limit := MaxBytes
		if in.Bytes > 0 {
			limit = in.Bytes
		}
		data, err := ParseData(it.Payload, limit)
		if err != nil {
			return nil, fmt.Errorf("avatar: fetch %s: %w", id, err)
		}
		if got := Hash(data); got != id {
			return nil, fmt.Errorf("avatar: fetch %s: %w: the data's SHA-1 is %s", id, ErrHashMismatch, got)
		}
		return data, nil
	}
	return nil, fmt.Errorf("avatar: fetch %s: %w", id, ErrNoData)
}
