package vcard

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/xmppkit/xmpp/internal/b64"
	"github.com/xmppkit/xmpp/stanza"
)

// MaxPhotoBytes bounds, decoded, the photo of a vCard that Parse accepts
// and Set sends: 1 MiB. XEP-0153 asks for less than 8 KiB, but some
// clients store photos of a few hundred KiB; servers bound the stanza
// (and so the vCard) by their own limits, usually far below this. A
// larger BINVAL is refused before it is decoded.
const MaxPhotoBytes = 1 << 20

// Photo is a vCard's PHOTO: an image given inline (Data, with its media
// type in Type, "image/png") or by reference (URL, the EXTVAL).
type Photo struct {
	Type string
	Data []byte
	URL  string
}

// Hash returns the hex SHA-1 of the photo's data, lower case: the hash
// that XEP-0153 puts in presence and XEP-0084 uses as the avatar's id;
// "" when there is no data (p nil, or a photo by URL).
func (p *Photo) Hash() string {
	if p == nil || len(p.Data) == 0 {
		return ""
	}
	sum := sha1.Sum(p.Data)
	return hex.EncodeToString(sum[:])
}

// PhotoHash returns the hash of c's photo (see Photo.Hash): "" when it
// has none.
func (c Card) PhotoHash() string { return c.Photo.Hash() }

// element encodes p as a PHOTO: TYPE and BINVAL, or EXTVAL.
func (p *Photo) element() *stanza.Element {
	e := stanza.NewElement(NS, "PHOTO")
	if p.Type != "" {
		e.AddChild(leaf("TYPE", p.Type))
	}
	if len(p.Data) > 0 {
		e.AddChild(leaf("BINVAL", base64.StdEncoding.EncodeToString(p.Data)))
	}
	if p.URL != "" {
		e.AddChild(leaf("EXTVAL", p.URL))
	}
	return e
}

// parsePhoto reads a PHOTO. ok is false when it holds what a Photo
// cannot (then it is kept whole); err is set for a BINVAL too large or
// not base64.
func parsePhoto(x *stanza.Element) (p *Photo, ok bool, err error) {
	var typ, bin, ext string
	if _, ok := structured(x, map[string]*string{"TYPE": &typ, "BINVAL": &bin, "EXTVAL": &ext}, nil); !ok {
		return nil, false, nil
	}
	data, err := decodeBase64(bin, MaxPhotoBytes)
	if err != nil {
		return nil, false, fmt.Errorf("PHOTO BINVAL: %w", err)
	}
	return &Photo{Type: typ, Data: data, URL: ext}, true, nil
}

// decodeBase64 decodes s with internal/b64, refusing more than limit
// bytes with ErrPhotoTooLarge before decoding.
func decodeBase64(s string, limit int) ([]byte, error) {
	out, err := b64.Decode(s, limit)
	var big *b64.TooLargeError
	switch {
	case errors.As(err, &big):
		return nil, fmt.Errorf("%w: %d bytes, more than %d", ErrPhotoTooLarge, big.Size, big.Limit)
	case err != nil:
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return out, nil
}
