package avatar

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/xmppkit/xmpp/stanza"
)

// The namespaces of XEP-0084, which are also the names of its PEP nodes.
const (
	NSData     = "urn:xmpp:avatar:data"
	NSMetadata = "urn:xmpp:avatar:metadata"
)

var (
	// ErrMalformed is wrapped by the errors of payloads that do not
	// decode: metadata, avatar data (with the base64.CorruptInputError
	// wrapped too), a vcard-temp:x:update element.
	ErrMalformed = errors.New("avatar: malformed payload")
	// ErrTooLarge is wrapped by the errors for an avatar larger than
	// MaxBytes, or larger than its metadata says, found before its data
	// is decoded (or, for Publish, sent).
	ErrTooLarge = errors.New("avatar: too large")
	// ErrHashMismatch is wrapped by Fetch's error when the data's SHA-1
	// is not the id it was fetched by: the publisher's service sent
	// another image than the one announced.
	ErrHashMismatch = errors.New("avatar: data does not match its id")
	// ErrNoData is wrapped by Fetch's error when the data node has no
	// item with the id, or the Info names a URL instead.
	ErrNoData = errors.New("avatar: no data for that id")
)

// MaxBytes bounds the size of an avatar that Publish sends and Fetch
// accepts: 1 MiB. XEP-0084 sets no limit (XEP-0153 asks for less than
// 8 KiB); servers limit PEP items far below this by default.
const MaxBytes = 1 << 20

// Info describes one version of the avatar (XEP-0084): the image
// of ID in one content type, at the data node, or at URL.
type Info struct {
	// ID is the hex SHA-1 of the image data, and the id of its item in
	// the data node.
	ID string
	// Bytes is the size of the image data.
	Bytes int
	// Type is the content type: "image/png" (which every avatar must
	// have), "image/jpeg"...
	Type string
	// Width and Height are in pixels; 0 when not given.
	Width, Height int
	// URL is where the image is, over HTTP, instead of the data node;
	// "" for an image at the data node.
	URL string
}

// Metadata is the content of the metadata node: the avatar's versions.
// An empty Metadata (no Infos) says that the user disabled the avatar.
type Metadata struct {
	Infos []Info
	// Pointers are the contents of <pointer/> elements: how to get the
	// avatar from a third-party service, in namespaces XEP-0084 leaves
	// open.
	Pointers []*stanza.Element
}

// InPEP returns the first version of m published at the data node (an
// Info without URL), the one Fetch can get, preferring image/png; ok is
// false when there is none.
func (m Metadata) InPEP() (Info, bool) {
	var found *Info
	for i := range m.Infos {
		in := &m.Infos[i]
		if in.URL != "" {
			continue
		}
		if in.Type == "image/png" {
			return *in, true
		}
		if found == nil {
			found = in
		}
	}
	if found == nil {
		return Info{}, false
	}
	return *found, true
}

// Element encodes m as a <metadata xmlns='urn:xmpp:avatar:metadata'/>
// element; the zero Metadata gives an empty one, which disables the
// avatar.
func (m Metadata) Element() *stanza.Element {
	e := stanza.NewElement(NSMetadata, "metadata")
	for _, in := range m.Infos {
		e.AddChild(in.element())
	}
	for _, p := range m.Pointers {
		e.AddChild(stanza.NewElement(NSMetadata, "pointer").AddChild(p.Copy()))
	}
	return e
}

func (in Info) element() *stanza.Element {
	e := stanza.NewElement(NSMetadata, "info", stanza.A("bytes", strconv.Itoa(in.Bytes)), stanza.A("id", in.ID), stanza.A("type", in.Type))
	if in.Height > 0 {
		e.SetAttr("height", strconv.Itoa(in.Height))
	}
	if in.Width > 0 {
		e.SetAttr("width", strconv.Itoa(in.Width))
	}
	if in.URL != "" {
		e.SetAttr("url", in.URL)
	}
	return e
}

// ParseMetadata decodes a <metadata xmlns='urn:xmpp:avatar:metadata'/>
// element. An <info/> without a valid id (40 hex digits), bytes or type,
// or with a width or height that is not a positive integer, is
// malformed, as are a <pointer/> that does not hold one element and a
// <pointer/> before any <info/> (XEP-0084). The deprecated
// <stop/> child reads as an empty Metadata; other children are ignored.
// Ids are returned in lower case.
func ParseMetadata(e *stanza.Element) (Metadata, error) {
	var m Metadata
	if e == nil || e.Name != (stanza.Name{Space: NSMetadata, Local: "metadata"}) {
		return m, fmt.Errorf("%w: not avatar metadata", ErrMalformed)
	}
	for c := range e.Children() {
		if c.Name.Space != NSMetadata {
			continue
		}
		switch c.Name.Local {
		case "info":
			in, err := parseInfo(c)
			if err != nil {
				return Metadata{}, err
			}
			m.Infos = append(m.Infos, in)
		case "pointer":
			if len(m.Infos) == 0 || c.NumChildren() != 1 {
				return Metadata{}, fmt.Errorf("%w: a pointer must hold one element and follow an info", ErrMalformed)
			}
			m.Pointers = append(m.Pointers, c.FirstChild().Copy())
		case "stop":
			return Metadata{}, nil
		}
	}
	return m, nil
}

// parseInfo reads an <info/>.
func parseInfo(c *stanza.Element) (Info, error) {
	in := Info{ID: strings.ToLower(c.Attr("id")), Type: c.Attr("type"), URL: c.Attr("url")}
	if !IsHash(in.ID) {
		return Info{}, fmt.Errorf("%w: info id %.50q is not a SHA-1", ErrMalformed, c.Attr("id"))
	}
	if in.Type == "" {
		return Info{}, fmt.Errorf("%w: info %s without a type", ErrMalformed, in.ID)
	}
	b, err := strconv.Atoi(c.Attr("bytes"))
	if err != nil || b < 0 {
		return Info{}, fmt.Errorf("%w: info %s bytes %.20q", ErrMalformed, in.ID, c.Attr("bytes"))
	}
	in.Bytes = b
	for _, d := range []struct {
		name string
		v    *int
	}{{"width", &in.Width}, {"height", &in.Height}} {
		s := c.Attr(d.name)
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 || n > 65535 {
			return Info{}, fmt.Errorf("%w: info %s %s %.20q", ErrMalformed, in.ID, d.name, s)
		}
		*d.v = n
	}
	return in, nil
}

// IsHash reports whether s is a SHA-1 in hex: 40 hex digits, of either
// case.
func IsHash(s string) bool {
	if len(s) != 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
