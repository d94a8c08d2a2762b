package vcard

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pep"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/stanza"
)

// The names of vCard4 over XMPP (XEP-0292).
const (
	// NS4 is the namespace of the vCard4 XML format (RFC 6351).
	NS4 = "urn:ietf:params:xml:ns:vcard-4.0"
	// Node4 is the PEP node where an account publishes its vCard4.
	Node4 = "urn:xmpp:vcard4"
)

// maxPhotoURI bounds the photo URI of a Card4: a data: URI of
// MaxPhotoBytes, with room for its header.
var maxPhotoURI = base64EncodedLen(MaxPhotoBytes) + 1024

func base64EncodedLen(n int) int { return (n + 2) / 3 * 4 }

// Card4 is a vCard4 (RFC 6350, in the XML of RFC 6351) as XEP-0292
// publishes it. String fields are "" when absent.
type Card4 struct {
	FN        string   // formatted name
	Nicknames []string // nickname, each of its values in order
	// Photo is the photo's URI: https:, or a data: URI holding the
	// image; at most MaxPhotoBytes of base64 and a header.
	Photo string
	BDay  string // the <date> of bday: "1966-08-06", "--08-06"
	// Emails are text values ("juliet@example.org"); Tels and URLs are
	// URIs ("tel:+1-303-555-1212", "https://example.org/").
	Emails []Entry
	Tels   []Entry
	URLs   []Entry
	Note   string
	// Extra holds every property the fields above do not hold exactly,
	// in document order: other properties (n, adr, org, impp, key...),
	// a second fn, a tel given as text instead of a URI, a property
	// with parameters other than type and pref. Element writes them
	// back after the typed fields.
	Extra []*stanza.Element
}

// Entry is one value of a property that may occur many times (email,
// tel, url), with its parameters.
type Entry struct {
	Value string
	// Types is the TYPE parameter: "work", "home", "voice", "cell"...
	Types []string
	// Pref is the PREF parameter, 1 (most preferred) to 100; 0 when
	// absent.
	Pref int
}

// Parse4 decodes a <vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'/>
// element. A photo URI longer than a data: URI of MaxPhotoBytes is
// refused (ErrPhotoTooLarge).
func Parse4(e *stanza.Element) (Card4, error) {
	var c Card4
	if e == nil || e.Name != (stanza.Name{Space: NS4, Local: "vcard"}) {
		return c, fmt.Errorf("%w: not a vCard4", ErrMalformed)
	}
	seen := make(map[string]bool)
	for x := range e.Children() {
		ok, err := c.take(x, seen)
		if err != nil {
			return Card4{}, err
		}
		if !ok {
			c.Extra = append(c.Extra, x.Copy())
		}
	}
	return c, nil
}

// take sets the field of c that x is, and reports whether it did.
func (c *Card4) take(x *stanza.Element, seen map[string]bool) (bool, error) {
	if x.Name.Space != NS4 || len(x.Attrs) > 0 {
		return false, nil
	}
	name := x.Name.Local
	single := func(kind string, dst *string) bool {
		vals, ent, ok := prop4(x, kind, true)
		if !ok || seen[name] || len(vals) != 1 || len(ent.Types) > 0 || ent.Pref != 0 {
			return false
		}
		if vals[0] != "" { // an empty one is dropped
			seen[name], *dst = true, vals[0]
		}
		return true
	}
	multi := func(kind string, dst *[]Entry) bool {
		vals, ent, ok := prop4(x, kind, true)
		if !ok || len(vals) != 1 {
			return false
		}
		ent.Value = vals[0]
		*dst = append(*dst, ent)
		return true
	}
	switch name {
	case "fn":
		return single("text", &c.FN), nil
	case "nickname":
		vals, ent, ok := prop4(x, "text", true)
		if !ok || len(vals) == 0 || len(ent.Types) > 0 || ent.Pref != 0 {
			return false, nil
		}
		c.Nicknames = append(c.Nicknames, vals...)
		return true, nil
	case "photo":
		if !single("uri", &c.Photo) {
			return false, nil
		}
		if len(c.Photo) > maxPhotoURI {
			return false, fmt.Errorf("%w: a photo URI of %d bytes, more than %d", ErrPhotoTooLarge, len(c.Photo), maxPhotoURI)
		}
		return true, nil
	case "bday":
		return single("date", &c.BDay), nil
	case "note":
		return single("text", &c.Note), nil
	case "email":
		return multi("text", &c.Emails), nil
	case "tel":
		return multi("uri", &c.Tels), nil
	case "url":
		return multi("uri", &c.URLs), nil
	}
	return false, nil
}

// prop4 reads a property x: its values, each a child named kind with
// text only, and its parameters (type and pref only, where params
// allows them), before or after the values (RFC 6351 puts them first,
// Prosody 0.12 after). ok is false when x holds anything else.
func prop4(x *stanza.Element, kind string, params bool) (vals []string, ent Entry, ok bool) {
	seenParams := false
	for _, n := range x.Nodes {
		if n.Elem == nil {
			if strings.TrimSpace(n.Text) != "" {
				return nil, Entry{}, false
			}
			continue
		}
		y := n.Elem
		switch {
		case params && y.Name == stanza.Name{Space: NS4, Local: "parameters"} && !seenParams:
			seenParams = true
			if ent, ok = params4(y); !ok {
				return nil, Entry{}, false
			}
		case y.Name == stanza.Name{Space: NS4, Local: kind} && len(y.Attrs) == 0 && y.NumChildren() == 0:
			vals = append(vals, strings.TrimSpace(y.Text()))
		default:
			return nil, Entry{}, false
		}
	}
	return vals, ent, true
}

// params4 reads <parameters/> holding type and pref only.
func params4(p *stanza.Element) (Entry, bool) {
	var ent Entry
	typed := false
	if len(p.Attrs) > 0 {
		return Entry{}, false
	}
	for _, n := range p.Nodes {
		if n.Elem == nil {
			if strings.TrimSpace(n.Text) != "" {
				return Entry{}, false
			}
			continue
		}
		y := n.Elem
		if y.Name.Space != NS4 || len(y.Attrs) > 0 {
			return Entry{}, false
		}
		switch {
		case y.Name.Local == "type" && !typed:
			// An empty <type/> (Prosody 0.12 writes one) says nothing.
			vals, _, ok := prop4(y, "text", false)
			if !ok {
				return Entry{}, false
			}
			typed, ent.Types = true, vals
		case y.Name.Local == "pref" && ent.Pref == 0:
			vals, _, ok := prop4(y, "integer", false)
			if !ok || len(vals) != 1 {
				return Entry{}, false
			}
			v, err := strconv.Atoi(vals[0])
			if err != nil || v < 1 || v > 100 {
				return Entry{}, false
			}
			ent.Pref = v
		default:
			return Entry{}, false
		}
	}
	return ent, true
}

// Element encodes c as a <vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'/>
// element, Extra after the typed fields; the zero Card4 gives an empty
// one, which withdraws a published vCard4.
func (c Card4) Element() *stanza.Element {
	e := stanza.NewElement(NS4, "vcard")
	single := func(name, kind, v string) {
		if v != "" {
			e.AddChild(stanza.NewElement(NS4, name).AddChild(stanza.NewElement(NS4, kind).AddText(v)))
		}
	}
	single("fn", "text", c.FN)
	if len(c.Nicknames) > 0 {
		n := stanza.NewElement(NS4, "nickname")
		for _, v := range c.Nicknames {
			n.AddChild(stanza.NewElement(NS4, "text").AddText(v))
		}
		e.AddChild(n)
	}
	single("photo", "uri", c.Photo)
	single("bday", "date", c.BDay)
	for _, p := range []struct {
		name, kind string
		ents       []Entry
	}{{"tel", "uri", c.Tels}, {"email", "text", c.Emails}, {"url", "uri", c.URLs}} {
		for _, ent := range p.ents {
			e.AddChild(ent.element(p.name, p.kind))
		}
	}
	single("note", "text", c.Note)
	for _, x := range c.Extra {
		e.AddChild(x.Copy())
	}
	return e
}

// element encodes ent as a property name with a value of kind.
func (ent Entry) element(name, kind string) *stanza.Element {
	e := stanza.NewElement(NS4, name)
	if len(ent.Types) > 0 || ent.Pref != 0 {
		p := stanza.NewElement(NS4, "parameters")
		if len(ent.Types) > 0 {
			t := stanza.NewElement(NS4, "type")
			for _, v := range ent.Types {
				t.AddChild(stanza.NewElement(NS4, "text").AddText(v))
			}
			p.AddChild(t)
		}
		if ent.Pref != 0 {
			p.AddChild(stanza.NewElement(NS4, "pref").AddChild(stanza.NewElement(NS4, "integer").AddText(strconv.Itoa(ent.Pref))))
		}
		e.AddChild(p)
	}
	return e.AddChild(stanza.NewElement(NS4, kind).AddText(ent.Value))
}

// Publish4 publishes card as the account's vCard4 (XEP-0292) on its PEP
// node Node4, item "current", readable by its contacts; the zero Card4
// withdraws it. It blocks until the server answers or ctx ends.
func Publish4(ctx context.Context, ps *pubsub.Client, card Card4) error {
	if len(card.Photo) > maxPhotoURI {
		return fmt.Errorf("vcard: publish vCard4: %w: a photo URI of %d bytes", ErrPhotoTooLarge, len(card.Photo))
	}
	if err := pep.Publish(ctx, ps, Node4, card.Element()); err != nil {
		return fmt.Errorf("vcard: publish vCard4: %w", err)
	}
	return nil
}

// Fetch4 returns the vCard4 owner published (the zero JID for the
// account's own), and false when there is none. Reading a contact's
// needs a presence subscription to it (the PEP default access model).
func Fetch4(ctx context.Context, ps *pubsub.Client, owner jid.JID) (Card4, bool, error) {
	return pep.Fetch(ctx, ps, owner, Node4, Parse4)
}

// Handle4 makes h receive the vCard4s that the account's contacts (and
// the account itself, from its other resources) publish, and asks for
// them (urn:xmpp:vcard4+notify). A notification without a payload, which
// XEP-0292 allows, is not passed on: Fetch4 reads the vCard then. Call it
// before Connect.
func Handle4(ps *pubsub.Client, h func(ctx context.Context, u pep.Update[Card4])) {
	pep.Handle(ps, Node4, Parse4, h, nil)
}
