package form

import (
	"errors"
	"fmt"

	"github.com/xmppkit/xmpp/stanza"
)

// Parse decodes a data form element, <x xmlns='jabber:x:data'/>. It is
// strict where XEP-0004 section 3 is: an error wrapping ErrMalformed is
// returned when e is nil or not a form, when the type attribute is missing
// or unknown, when a field other than a fixed one has no var, when two
// fields (other than fixed ones) share a var, when a single-valued field
// has several values, when a boolean field has a value other than 0, 1,
// false and true (ErrBadBoolean is wrapped too), when a field that is not
// a list has options, when an option has not exactly one value or two
// options share a value, when <reported/> or <item/> appear in a form that
// is not a result or <reported/> is empty or repeated, when an element of
// the namespace is unknown or repeated where it may appear once, and when
// character data or child elements appear where the schema has none.
//
// What XEP-0004 leaves open is accepted: a field without a type (taken as
// text-single in a form of type form, as it comes in a submission or a
// result), a type it does not define (kept, and treated as text-single),
// <reported/> after <item/>, fields beside them. Elements in other
// namespaces are ignored inside <x/>, and kept in Field.Extensions inside a
// field. JID values are not checked here: JID, JIDs and Validate do it.
func Parse(e *stanza.Element) (*Form, error) {
	if e == nil {
		return nil, fmt.Errorf("%w: no element", ErrMalformed)
	}
	if e.Name.Space != NS || e.Name.Local != "x" {
		return nil, fmt.Errorf("%w: element {%s}%s is not {%s}x", ErrMalformed, e.Name.Space, e.Name.Local, NS)
	}
	f := &Form{Type: Type(e.Attr("type"))}
	if !f.Type.known() {
		return nil, fmt.Errorf("%w: missing or unknown form type %.64q", ErrMalformed, f.Type)
	}
	var hasTitle, hasReported bool
	for _, n := range e.Nodes {
		if n.Elem == nil {
			if !isXMLSpace(n.Text) {
				return nil, fmt.Errorf("%w: character data in <x/>", ErrMalformed)
			}
			continue
		}
		c := n.Elem
		if c.Name.Space != NS {
			continue
		}
		switch c.Name.Local {
		case "title":
			if hasTitle {
				return nil, fmt.Errorf("%w: more than one <title/>", ErrMalformed)
			}
			hasTitle = true
			s, err := textOf(c)
			if err != nil {
				return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
			}
			f.Title = s
		case "instructions":
			s, err := textOf(c)
			if err != nil {
				return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
			}
			f.Instructions = append(f.Instructions, s)
		case "field":
			fd, err := parseField(c, f.Type)
			if err != nil {
				return nil, err
			}
			f.Fields = append(f.Fields, fd)
		case "reported", "item":
			if f.Type != TypeResult {
				return nil, fmt.Errorf("%w: <%s/> in a form of type %s", ErrMalformed, c.Name.Local, f.Type)
			}
			fields, err := parseFieldList(c, f.Type)
			if err != nil {
				return nil, err
			}
			if c.Name.Local == "item" {
				f.Items = append(f.Items, fields)
				continue
			}
			if hasReported {
				return nil, fmt.Errorf("%w: more than one <reported/>", ErrMalformed)
			}
			if len(fields) == 0 {
				return nil, fmt.Errorf("%w: <reported/> without fields", ErrMalformed)
			}
			hasReported = true
			f.Reported = fields
		default:
			return nil, fmt.Errorf("%w: unknown element <%.64s/>", ErrMalformed, c.Name.Local)
		}
	}
	if err := uniqueVars(f.Fields, "form"); err != nil {
		return nil, err
	}
	return f, nil
}

// ParseAll decodes every data form among the children of parent, in
// order: the several forms of an XEP-0128 disco#info result, for example.
// It returns nil and no error when there is none, and an error wrapping
// ErrMalformed, with the form's position, when one of them is malformed.
func ParseAll(parent *stanza.Element) ([]*Form, error) {
	if parent == nil {
		return nil, nil
	}
	var forms []*Form
	for c := range parent.Children() {
		if c.Name.Space != NS || c.Name.Local != "x" {
			continue
		}
		f, err := Parse(c)
		if err != nil {
			return nil, fmt.Errorf("%w (data form %d)", err, len(forms)+1)
		}
		forms = append(forms, f)
	}
	return forms, nil
}

// parseFieldList decodes the fields of a <reported/> or an <item/>.
func parseFieldList(e *stanza.Element, ft Type) ([]Field, error) {
	var fields []Field
	for _, n := range e.Nodes {
		if n.Elem == nil {
			if !isXMLSpace(n.Text) {
				return nil, fmt.Errorf("%w: character data in <%s/>", ErrMalformed, e.Name.Local)
			}
			continue
		}
		c := n.Elem
		if c.Name.Space != NS {
			continue
		}
		if c.Name.Local != "field" {
			return nil, fmt.Errorf("%w: <%.64s/> in <%s/>", ErrMalformed, c.Name.Local, e.Name.Local)
		}
		fd, err := parseField(c, ft)
		if err != nil {
			return nil, err
		}
		fields = append(fields, fd)
	}
	if err := uniqueVars(fields, e.Name.Local); err != nil {
		return nil, err
	}
	return fields, nil
}

// uniqueVars checks that no two fields but fixed ones share a var.
func uniqueVars(fields []Field, where string) error {
	seen := make(map[string]bool, len(fields))
	for _, fd := range fields {
		if fd.Type == Fixed {
			continue
		}
		if seen[fd.Var] {
			return fmt.Errorf("%w: two fields %.64q in the %s", ErrMalformed, fd.Var, where)
		}
		seen[fd.Var] = true
	}
	return nil
}

// parseField decodes a <field/> of a form of type ft.
func parseField(e *stanza.Element, ft Type) (Field, error) {
	fd := Field{Var: e.Attr("var"), Type: FieldType(e.Attr("type")), Label: e.Attr("label")}
	if fd.Var == "" && fd.Type != Fixed {
		return Field{}, fmt.Errorf("%w: field of type %.64q without var", ErrMalformed, fd.Type)
	}
	malformed := func(format string, args ...any) (Field, error) {
		return Field{}, fmt.Errorf("%w: field %.64q: %s", ErrMalformed, fd.Var, fmt.Sprintf(format, args...))
	}
	var hasDesc bool
	for _, n := range e.Nodes {
		if n.Elem == nil {
			if !isXMLSpace(n.Text) {
				return malformed("character data")
			}
			continue
		}
		c := n.Elem
		switch {
		case c.Name.Space == NSValidate && c.Name.Local == "validate":
			if fd.Validation != nil {
				return malformed("more than one <validate/>")
			}
			v, err := parseValidation(c)
			if err != nil {
				return malformed("%v", err)
			}
			fd.Validation = v
			continue
		case c.Name.Space != NS:
			fd.Extensions = append(fd.Extensions, c.Copy())
			continue
		}
		switch c.Name.Local {
		case "desc":
			if hasDesc {
				return malformed("more than one <desc/>")
			}
			hasDesc = true
			s, err := textOf(c)
			if err != nil {
				return malformed("%v", err)
			}
			fd.Desc = s
		case "required":
			if fd.Required {
				return malformed("more than one <required/>")
			}
			if !isEmpty(c) {
				return malformed("<required/> is not empty")
			}
			fd.Required = true
		case "value":
			s, err := textOf(c)
			if err != nil {
				return malformed("%v", err)
			}
			fd.Values = append(fd.Values, s)
		case "option":
			o, err := parseOption(c)
			if err != nil {
				return malformed("%v", err)
			}
			if fd.hasOption(o.Value) {
				return malformed("two options %.64q", o.Value)
			}
			fd.Options = append(fd.Options, o)
		default:
			return malformed("unknown element <%.64s/>", c.Name.Local)
		}
	}
	eff := fd.Type.effective(ft)
	if len(fd.Values) > 1 && !eff.multi() {
		return malformed("%d values in a %s field", len(fd.Values), eff)
	}
	if len(fd.Options) > 0 && !eff.list() {
		return malformed("options in a %s field", eff)
	}
	if eff == Boolean {
		for _, v := range fd.Values {
			if _, ok := parseBool(v); !ok {
				msg := fmt.Sprintf("%v: field %.64q: %s %.64q", ErrMalformed, fd.Var, trimPrefix(ErrBadBoolean), v)
				return Field{}, &joinedError{msg: msg, errs: []error{ErrMalformed, ErrBadBoolean}}
			}
		}
	}
	return fd, nil
}

// parseOption decodes an <option/>, which has exactly one <value/>.
func parseOption(e *stanza.Element) (Option, error) {
	o := Option{Label: e.Attr("label")}
	values := 0
	for _, n := range e.Nodes {
		if n.Elem == nil {
			if !isXMLSpace(n.Text) {
				return Option{}, errors.New("character data in <option/>")
			}
			continue
		}
		c := n.Elem
		if c.Name.Space != NS {
			continue
		}
		if c.Name.Local != "value" {
			return Option{}, fmt.Errorf("<%.64s/> in <option/>", c.Name.Local)
		}
		s, err := textOf(c)
		if err != nil {
			return Option{}, err
		}
		o.Value = s
		values++
	}
	if values != 1 {
		return Option{}, fmt.Errorf("<option/> with %d values", values)
	}
	return o, nil
}

// textOf returns the character data of e, which must have no child
// elements.
func textOf(e *stanza.Element) (string, error) {
	if e.NumChildren() != 0 {
		return "", fmt.Errorf("<%s/> has child elements", e.Name.Local)
	}
	return e.Text(), nil
}

// isEmpty reports whether e has neither child elements nor character data
// other than white space.
func isEmpty(e *stanza.Element) bool {
	for _, n := range e.Nodes {
		if n.Elem != nil || !isXMLSpace(n.Text) {
			return false
		}
	}
	return true
}

func isXMLSpace(s string) bool {
	return trimXMLSpace(s) == ""
}

// joinedError is an error with its own message that wraps several
// sentinels.
type joinedError struct {
	msg  string
	errs []error
}

func (e *joinedError) Error() string   { return e.msg }
func (e *joinedError) Unwrap() []error { return e.errs }
