package vcard

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/xmppkit/xmpp/stanza"
)

// NS is the namespace of vcard-temp (XEP-0054).
const NS = "vcard-temp"

var (
	// ErrMalformed is wrapped by the errors of Parse and Parse4 for
	// input that is not a vCard, and for a photo whose base64 does not
	// decode (then it wraps the base64.CorruptInputError too).
	ErrMalformed = errors.New("vcard: malformed vCard")
	// ErrPhotoTooLarge is wrapped by the errors for a photo larger than
	// MaxPhotoBytes, found before it is decoded.
	ErrPhotoTooLarge = errors.New("vcard: photo too large")
)

// Card is a vcard-temp vCard (XEP-0054). String fields are "" when
// absent; Photo is nil when there is no PHOTO element.
type Card struct {
	FN       string // formatted name
	N        Name
	Nickname string
	Photo    *Photo
	BDay     string // ISO 8601 date, "1966-08-06"
	// Addresses, Tels and Emails are the ADR, TEL and EMAIL elements,
	// in their order.
	Addresses []Address
	Tels      []Tel
	Emails    []Email
	JabberID  string
	Title     string
	Role      string
	Org       Org
	Note      string
	URL       string
	Desc      string
	// Extra holds every child element the fields above do not hold
	// exactly, in document order: elements of other kinds (LOGO, GEO,
	// TZ...), a second FN or URL, an element with an attribute or with
	// content its field cannot represent. Element writes them back
	// after the typed fields.
	Extra []*stanza.Element
}

// Name is the structured name (N).
type Name struct {
	Family, Given, Middle, Prefix, Suffix string
}

// Org is the organization (ORG): its name and its units, in order.
type Org struct {
	Name  string
	Units []string
}

// Address is a postal address (ADR). Types are its flags: "HOME",
// "WORK", "POSTAL", "PARCEL", "DOM", "INTL", "PREF".
type Address struct {
	Types    []string
	POBox    string
	ExtAdd   string // extended address: suite, apartment
	Street   string
	Locality string // town or city
	Region   string
	PCode    string // postal code
	Country  string
}

// Tel is a telephone number (TEL). Types are its flags: "HOME", "WORK",
// "VOICE", "FAX", "PAGER", "MSG", "CELL", "VIDEO", "BBS", "MODEM",
// "ISDN", "PCS", "PREF".
type Tel struct {
	Types  []string
	Number string
}

// Email is an email address (EMAIL, its USERID). Types are its flags:
// "HOME", "WORK", "INTERNET", "PREF", "X400".
type Email struct {
	Types   []string
	Address string
}

// The flags each structured element may carry, in XEP-0054's order.
var (
	adrFlags   = []string{"HOME", "WORK", "POSTAL", "PARCEL", "DOM", "INTL", "PREF"}
	telFlags   = []string{"HOME", "WORK", "VOICE", "FAX", "PAGER", "MSG", "CELL", "VIDEO", "BBS", "MODEM", "ISDN", "PCS", "PREF"}
	emailFlags = []string{"HOME", "WORK", "INTERNET", "PREF", "X400"}
)

// text is a single-valued text property of a Card, by element name.
func (c *Card) text(name string) *string {
	switch name {
	case "FN":
		return &c.FN
	case "NICKNAME":
		return &c.Nickname
	case "BDAY":
		return &c.BDay
	case "JABBERID":
		return &c.JabberID
	case "TITLE":
		return &c.Title
	case "ROLE":
		return &c.Role
	case "NOTE":
		return &c.Note
	case "URL":
		return &c.URL
	case "DESC":
		return &c.Desc
	}
	return nil
}

// Parse decodes a <vCard xmlns='vcard-temp'/> element. An empty one is
// the zero Card (no vCard). A PHOTO BINVAL that would decode to more
// than MaxPhotoBytes is refused (ErrPhotoTooLarge) before it is decoded;
// one that is not base64 is malformed (ErrMalformed).
func Parse(e *stanza.Element) (Card, error) {
	var c Card
	if e == nil || e.Name != (stanza.Name{Space: NS, Local: "vCard"}) {
		return c, fmt.Errorf("%w: not a vcard-temp vCard", ErrMalformed)
	}
	seen := make(map[string]bool)
	for x := range e.Children() {
		ok, err := c.take(x, seen)
		if err != nil {
			return Card{}, err
		}
		if !ok {
			c.Extra = append(c.Extra, x.Copy())
		}
	}
	return c, nil
}

// take sets the field of c that x is, and reports whether it did: x is
// the first of its name for a single-valued field, and the field holds
// it exactly.
func (c *Card) take(x *stanza.Element, seen map[string]bool) (bool, error) {
	if x.Name.Space != NS || len(x.Attrs) > 0 {
		return false, nil
	}
	name := x.Name.Local
	if p := c.text(name); p != nil {
		if seen[name] || x.NumChildren() > 0 {
			return false, nil
		}
		// An empty value is dropped, and does not stop a later one of
		// the same name from being taken.
		if v := strings.TrimSpace(x.Text()); v != "" {
			seen[name], *p = true, v
		}
		return true, nil
	}
	switch name {
	case "N":
		if seen[name] {
			return false, nil
		}
		var n Name
		if _, ok := structured(x, map[string]*string{"FAMILY": &n.Family, "GIVEN": &n.Given, "MIDDLE": &n.Middle, "PREFIX": &n.Prefix, "SUFFIX": &n.Suffix}, nil); !ok {
			return false, nil
		}
		seen[name], c.N = n != (Name{}), n
	case "ORG":
		if seen[name] {
			return false, nil
		}
		o, ok := parseOrg(x)
		if !ok {
			return false, nil
		}
		seen[name], c.Org = o.Name != "" || len(o.Units) > 0, o
	case "PHOTO":
		if seen[name] {
			return false, nil
		}
		p, ok, err := parsePhoto(x)
		if err != nil || !ok {
			return false, err
		}
		seen[name], c.Photo = true, p
	case "ADR":
		var a Address
		types, ok := structured(x, map[string]*string{"POBOX": &a.POBox, "EXTADD": &a.ExtAdd, "STREET": &a.Street,
			"LOCALITY": &a.Locality, "REGION": &a.Region, "PCODE": &a.PCode, "CTRY": &a.Country}, adrFlags)
		if !ok {
			return false, nil
		}
		a.Types = types
		c.Addresses = append(c.Addresses, a)
	case "TEL":
		var t Tel
		types, ok := structured(x, map[string]*string{"NUMBER": &t.Number}, telFlags)
		if !ok {
			return false, nil
		}
		t.Types = types
		c.Tels = append(c.Tels, t)
	case "EMAIL":
		var m Email
		types, ok := structured(x, map[string]*string{"USERID": &m.Address}, emailFlags)
		if !ok {
			return false, nil
		}
		m.Types = types
		c.Emails = append(c.Emails, m)
	default:
		return false, nil
	}
	return true, nil
}

// structured reads the children of x: each child named in vals, at most
// once and with text only, into its string; each empty child named in
// flags, at most once, into types. ok is false when x holds anything
// else (text beside the children included), which the caller then keeps
// whole.
func structured(x *stanza.Element, vals map[string]*string, flags []string) (types []string, ok bool) {
	seen := make(map[string]bool)
	for _, n := range x.Nodes {
		if n.Elem == nil {
			if strings.TrimSpace(n.Text) != "" {
				return nil, false
			}
			continue
		}
		y := n.Elem
		name := y.Name.Local
		if y.Name.Space != NS || len(y.Attrs) > 0 || y.NumChildren() > 0 || seen[name] {
			return nil, false
		}
		seen[name] = true
		switch p := vals[name]; {
		case p != nil:
			*p = strings.TrimSpace(y.Text())
		case slices.Contains(flags, name) && strings.TrimSpace(y.Text()) == "":
			types = append(types, name)
		default:
			return nil, false
		}
	}
	return types, true
}

// parseOrg reads an ORG: one ORGNAME, any ORGUNITs.
func parseOrg(x *stanza.Element) (Org, bool) {
	var o Org
	named := false
	for _, n := range x.Nodes {
		if n.Elem == nil {
			if strings.TrimSpace(n.Text) != "" {
				return Org{}, false
			}
			continue
		}
		y := n.Elem
		if y.Name.Space != NS || len(y.Attrs) > 0 || y.NumChildren() > 0 {
			return Org{}, false
		}
		switch {
		case y.Name.Local == "ORGNAME" && !named:
			named, o.Name = true, strings.TrimSpace(y.Text())
		case y.Name.Local == "ORGUNIT":
			o.Units = append(o.Units, strings.TrimSpace(y.Text()))
		default:
			return Org{}, false
		}
	}
	return o, true
}

// Element encodes c as a <vCard xmlns='vcard-temp'/> element, its
// fields in XEP-0054's order and Extra after them; the zero Card gives
// an empty element. Empty string fields are left out.
func (c Card) Element() *stanza.Element {
	e := stanza.NewElement(NS, "vCard")
	add := func(name, v string) {
		if v != "" {
			e.AddChild(leaf(name, v))
		}
	}
	add("FN", c.FN)
	if c.N != (Name{}) {
		n := stanza.NewElement(NS, "N")
		for _, f := range [][2]string{{"FAMILY", c.N.Family}, {"GIVEN", c.N.Given}, {"MIDDLE", c.N.Middle}, {"PREFIX", c.N.Prefix}, {"SUFFIX", c.N.Suffix}} {
			if f[1] != "" {
				n.AddChild(leaf(f[0], f[1]))
			}
		}
		e.AddChild(n)
	}
	add("NICKNAME", c.Nickname)
	if c.Photo != nil {
		e.AddChild(c.Photo.element())
	}
	add("BDAY", c.BDay)
	for _, a := range c.Addresses {
		e.AddChild(withFlags("ADR", a.Types, [][2]string{{"POBOX", a.POBox}, {"EXTADD", a.ExtAdd}, {"STREET", a.Street},
			{"LOCALITY", a.Locality}, {"REGION", a.Region}, {"PCODE", a.PCode}, {"CTRY", a.Country}}, false))
	}
	for _, t := range c.Tels {
		e.AddChild(withFlags("TEL", t.Types, [][2]string{{"NUMBER", t.Number}}, true))
	}
	for _, m := range c.Emails {
		e.AddChild(withFlags("EMAIL", m.Types, [][2]string{{"USERID", m.Address}}, true))
	}
	add("JABBERID", c.JabberID)
	add("TITLE", c.Title)
	add("ROLE", c.Role)
	if c.Org.Name != "" || len(c.Org.Units) > 0 {
		o := stanza.NewElement(NS, "ORG").AddChild(leaf("ORGNAME", c.Org.Name))
		for _, u := range c.Org.Units {
			o.AddChild(leaf("ORGUNIT", u))
		}
		e.AddChild(o)
	}
	add("NOTE", c.Note)
	add("URL", c.URL)
	add("DESC", c.Desc)
	for _, x := range c.Extra {
		e.AddChild(x.Copy())
	}
	return e
}

// leaf is <name>v</name> in NS.
func leaf(name, v string) *stanza.Element {
	return stanza.NewElement(NS, name).AddText(v)
}

// withFlags is a structured element: its flags, then its values (an
// empty value left out, unless keepEmpty: NUMBER and USERID are
// required by XEP-0054's DTD).
func withFlags(name string, flags []string, vals [][2]string, keepEmpty bool) *stanza.Element {
	e := stanza.NewElement(NS, name)
	for _, f := range flags {
		e.AddChild(stanza.NewElement(NS, f))
	}
	for _, v := range vals {
		if v[1] != "" || keepEmpty {
			e.AddChild(leaf(v[0], v[1]))
		}
	}
	return e
}
