package disco

import (
	"errors"
	"fmt"
	"slices"

	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/stanza"
)

// Namespaces of XEP-0030 and XEP-0115. NSInfo and NSItems are also the
// features of an entity that answers the two kinds of request; NSCaps is
// the feature of one that uses entity capabilities.
const (
	NSInfo  = "http://jabber.org/protocol/disco#info"
	NSItems = "http://jabber.org/protocol/disco#items"
	NSCaps  = "http://jabber.org/protocol/caps"
)

// Errors of this package; the errors it returns wrap them, so callers test
// the reason with errors.Is.
var (
	// ErrMalformed is wrapped by the errors of ParseInfo, ParseItems and
	// ParseCaps, and by those of GetInfo and GetItems when the answer is
	// not a valid result.
	ErrMalformed = errors.New("disco: malformed payload")

	// ErrNotHashable is returned by Ver for information that XEP-0115
	// section 5.4 calls ill-formed (a repeated identity or feature, two
	// extended forms with one FORM_TYPE, a FORM_TYPE with several values)
	// or whose strings contain '<', which would make the verification
	// string ambiguous (see Ver).
	ErrNotHashable = errors.New("disco: information cannot be hashed for entity capabilities")

	// ErrUnsupportedHash is returned by Ver for a hash function this
	// package does not use for entity capabilities.
	ErrUnsupportedHash = errors.New("disco: unsupported caps hash function")

	// ErrVerMismatch is returned by Cache.Lookup when the information the
	// contact gave for its caps node does not hash to the verification
	// string it announced: the answer is not trusted and not cached.
	ErrVerMismatch = errors.New("disco: caps verification string does not match the information")

	// ErrBadForm is returned by Server.AddForm for a form that cannot be
	// extended information: not of type result, or without a hidden
	// FORM_TYPE field with one value.
	ErrBadForm = errors.New("disco: extended information needs a result form with a hidden FORM_TYPE")

	// ErrNoCaps is returned by Cache.Lookup for an address from which the
	// Cache has seen no presence with entity capabilities.
	ErrNoCaps = errors.New("disco: no entity capabilities known for the address")
)

// Identity is one identity of an entity (XEP-0030 section 3.1): what kind
// of entity it is, from the registry of categories and types (client/pc,
// conference/text, server/im, ...), with an optional human-readable name
// in an optional language.
type Identity struct {
	Category string // required
	Type     string // required
	Name     string // "" when it has none
	Lang     string // the identity's xml:lang, "" when it has none
}

// Info is the answer to a disco#info request: the identities and features
// of an entity (or of one of its nodes), and its XEP-0128 extended
// information, data forms of type result each with a FORM_TYPE.
type Info struct {
	// Node is the node the information is about, "" for the entity
	// itself.
	Node       string
	Identities []Identity
	Features   []string
	Forms      []*form.Form
}

// HasFeature reports whether info lists the feature ns.
func (info Info) HasFeature(ns string) bool {
	return slices.Contains(info.Features, ns)
}

// HasIdentity reports whether info has an identity of the category and
// type given (in any language).
func (info Info) HasIdentity(category, typ string) bool {
	return slices.ContainsFunc(info.Identities, func(id Identity) bool {
		return id.Category == category && id.Type == typ
	})
}

// Form returns the extended information form of info whose FORM_TYPE is
// formType, or nil.
func (info Info) Form(formType string) *form.Form {
	for _, f := range info.Forms {
		if f != nil && f.FormType() == formType {
			return f
		}
	}
	return nil
}

// Element encodes info as a disco#info <query/> payload. Forms are encoded
// with form.Form.Element; nil forms are skipped.
func (info Info) Element() *stanza.Element {
	q := stanza.NewElement(NSInfo, "query")
	if info.Node != "" {
		q.SetAttr("node", info.Node)
	}
	for _, id := range info.Identities {
		e := stanza.NewElement(NSInfo, "identity", stanza.A("category", id.Category), stanza.A("type", id.Type))
		if id.Name != "" {
			e.SetAttr("name", id.Name)
		}
		if id.Lang != "" {
			e.SetAttrNS(stanza.NSXML, "lang", id.Lang)
		}
		q.AddChild(e)
	}
	for _, f := range info.Features {
		q.AddChild(stanza.NewElement(NSInfo, "feature", stanza.A("var", f)))
	}
	for _, f := range info.Forms {
		if f != nil {
			q.AddChild(f.Element())
		}
	}
	return q
}

// clone returns a deep copy of info.
func (info Info) clone() Info {
	c := Info{Node: info.Node, Identities: slices.Clone(info.Identities), Features: slices.Clone(info.Features)}
	for _, f := range info.Forms {
		c.Forms = append(c.Forms, f.Copy())
	}
	return c
}

// identityKey is what must be unique among an entity's identities
// (XEP-0030 section 3.1): category, type and language.
type identityKey struct{ category, typ, lang string }

// ParseInfo decodes a disco#info <query/> payload. It is strict where
// XEP-0030 is: an error wrapping ErrMalformed is returned when e is nil or
// not {http://jabber.org/protocol/disco#info}query, when there is no
// identity, when an identity lacks its category or type, when two
// identities share category, type and xml:lang, when a feature has no var
// or has child elements, when a feature is repeated, when an element of
// the namespace is unknown, when character data appears beside the
// children, and when a data form is malformed (form.Parse; the error wraps
// form.ErrMalformed too). Elements of other namespaces are ignored. A
// result without features is accepted, although every entity should list
// at least disco#info.
func ParseInfo(e *stanza.Element) (Info, error) {
	if err := checkQuery(e, NSInfo); err != nil {
		return Info{}, err
	}
	info := Info{Node: e.Attr("node")}
	ids := map[identityKey]bool{}
	features := map[string]bool{}
	for c := range e.Children() {
		switch c.Name {
		case stanza.Name{Space: NSInfo, Local: "identity"}:
			id := Identity{Category: c.Attr("category"), Type: c.Attr("type"), Name: c.Attr("name"), Lang: c.Lang()}
			if id.Category == "" || id.Type == "" {
				return Info{}, fmt.Errorf("%w: identity without category or type", ErrMalformed)
			}
			k := identityKey{id.Category, id.Type, id.Lang}
			if ids[k] {
				return Info{}, fmt.Errorf("%w: identity %.64s/%.64s (lang %.16q) repeated", ErrMalformed, id.Category, id.Type, id.Lang)
			}
			ids[k] = true
			info.Identities = append(info.Identities, id)
		case stanza.Name{Space: NSInfo, Local: "feature"}:
			v := c.Attr("var")
			if v == "" {
				return Info{}, fmt.Errorf("%w: feature without var", ErrMalformed)
			}
			if c.NumChildren() != 0 {
				return Info{}, fmt.Errorf("%w: feature %.64q has children", ErrMalformed, v)
			}
			if features[v] {
				return Info{}, fmt.Errorf("%w: feature %.64q repeated", ErrMalformed, v)
			}
			features[v] = true
			info.Features = append(info.Features, v)
		case stanza.Name{Space: form.NS, Local: "x"}:
			f, err := form.Parse(c)
			if err != nil {
				return Info{}, fmt.Errorf("%w: extended information: %w", ErrMalformed, err)
			}
			info.Forms = append(info.Forms, f)
		default:
			if c.Name.Space == NSInfo {
				return Info{}, fmt.Errorf("%w: unknown element <%.64s/>", ErrMalformed, c.Name.Local)
			}
		}
	}
	if len(info.Identities) == 0 {
		return Info{}, fmt.Errorf("%w: no identity", ErrMalformed)
	}
	return info, nil
}

// checkQuery checks that e is a <query/> of namespace space with no
// character data beside its children.
func checkQuery(e *stanza.Element, space string) error {
	if e == nil {
		return fmt.Errorf("%w: no payload", ErrMalformed)
	}
	if e.Name != (stanza.Name{Space: space, Local: "query"}) {
		return fmt.Errorf("%w: element {%.64s}%.64s is not {%s}query", ErrMalformed, e.Name.Space, e.Name.Local, space)
	}
	for _, n := range e.Nodes {
		if n.Elem == nil && !isXMLSpace(n.Text) {
			return fmt.Errorf("%w: character data in <query/>", ErrMalformed)
		}
	}
	return nil
}

// isXMLSpace reports whether s is only XML white space.
func isXMLSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\r', '\n':
		default:
			return false
		}
	}
	return true
}
