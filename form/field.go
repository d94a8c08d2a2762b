package form

import (
	"slices"

	"github.com/xmppkit/xmpp/stanza"
)

// FieldType is the type attribute of a field: the kind of data it holds.
//
// The empty FieldType stands for an absent attribute. In a form of type
// form that means text-single; in a submission or a result the type is
// known from the context (the form that was filled in, the protocol), so
// such a field is taken as it comes. A type this package does not know is
// kept as it is, and treated as text-single, as XEP-0004 requires.
type FieldType string

// The ten field types of XEP-0004 section 3.3.
const (
	Boolean     FieldType = "boolean"      // a yes-or-no choice; false by default
	Fixed       FieldType = "fixed"        // text to show, such as a section header, not data
	Hidden      FieldType = "hidden"       // not shown, but sent back with the form
	JIDMulti    FieldType = "jid-multi"    // several addresses
	JIDSingle   FieldType = "jid-single"   // one address
	ListMulti   FieldType = "list-multi"   // several options chosen among Options
	ListSingle  FieldType = "list-single"  // one option chosen among Options
	TextMulti   FieldType = "text-multi"   // several lines of text, one per value
	TextPrivate FieldType = "text-private" // one line of text, obscured when typed (a password)
	TextSingle  FieldType = "text-single"  // one line of text
)

// known reports whether t is one of the ten types.
func (t FieldType) known() bool {
	switch t {
	case Boolean, Fixed, Hidden, JIDMulti, JIDSingle, ListMulti, ListSingle, TextMulti, TextPrivate, TextSingle:
		return true
	}
	return false
}

// effective returns the type rules apply by for a field of type t in a
// form of type ft: t itself when known, text-single for an unknown type
// and for an absent one in a form of type form, and "" (no rule) for an
// absent one elsewhere.
func (t FieldType) effective(ft Type) FieldType {
	switch {
	case t.known():
		return t
	case t != "" || ft == TypeForm:
		return TextSingle
	}
	return ""
}

// multi reports whether a field of effective type t may hold several
// values; "" (unknown) may.
func (t FieldType) multi() bool {
	switch t {
	case ListMulti, JIDMulti, TextMulti, Hidden, "":
		return true
	}
	return false
}

// list reports whether a field of effective type t may have options; ""
// (unknown) may.
func (t FieldType) list() bool {
	return t == ListSingle || t == ListMulti || t == ""
}

// Field is one field of a form.
type Field struct {
	// Var identifies the field within its form. Every field but a fixed
	// one must have one, and no two fields of a form may share one.
	Var string
	// Type is the field's type attribute; "" when absent.
	Type FieldType
	// Label is a human-readable name for the field.
	Label string
	// Desc is a natural-language description of the field, for a tooltip
	// or a help text.
	Desc string
	// Required flags a field that a submission must fill in.
	Required bool
	// Values holds the values, in order: the defaults of a form, the data
	// of a submission or a result. Only hidden, jid-multi, list-multi and
	// text-multi fields may have more than one.
	Values []string
	// Options holds the choices of a list-single or list-multi field.
	Options []Option
	// Validation is the XEP-0122 <validate/> element of the field, nil
	// when it has none.
	Validation *Validation
	// Extensions holds the child elements in other namespaces, in order,
	// such as an XEP-0221 <media/> element (the image of a CAPTCHA).
	Extensions []*stanza.Element
}

// Option is one choice of a list-single or list-multi field.
type Option struct {
	Label string // the human-readable name of the option; may be empty
	Value string // the value a submission carries when the option is chosen
}

// Copy returns a deep copy of fd that shares nothing with it.
func (fd Field) Copy() Field {
	c := fd
	c.Values = slices.Clone(fd.Values)
	c.Options = slices.Clone(fd.Options)
	if fd.Validation != nil {
		v := *fd.Validation
		c.Validation = &v
	}
	if fd.Extensions != nil {
		c.Extensions = make([]*stanza.Element, len(fd.Extensions))
		for i, e := range fd.Extensions {
			c.Extensions[i] = e.Copy()
		}
	}
	return c
}

// hasOption reports whether v is the value of one of fd's options.
func (fd *Field) hasOption(v string) bool {
	for _, o := range fd.Options {
		if o.Value == v {
			return true
		}
	}
	return false
}
