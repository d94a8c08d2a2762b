package form

import (
	"errors"
	"fmt"
	"slices"
)

// NS is the namespace of XEP-0004 Data Forms. It is also the service
// discovery feature of an entity that accepts forms directly inside
// messages.
const NS = "jabber:x:data"

// VarFormType is the var of the XEP-0068 hidden field that names the kind
// of a form, its FORM_TYPE.
const VarFormType = "FORM_TYPE"

// Errors of this package. Every error it returns wraps one of them (some
// wrap two), so callers test the reason with errors.Is.
var (
	// ErrMalformed is wrapped by the errors of Parse and ParseAll: the
	// element breaks a rule of XEP-0004 section 3.
	ErrMalformed = errors.New("form: malformed data form")

	// ErrNoField is returned by a getter asked for a var the form has no
	// field for.
	ErrNoField = errors.New("form: no such field")

	// ErrWrongType is returned by a getter or setter that does not fit the
	// type of the field: Bool on a text-single field, String on a
	// list-multi one, SetJID on a boolean one.
	ErrWrongType = errors.New("form: wrong field type")

	// ErrRequired reports a field the definition marks <required/> that the
	// submission leaves out or leaves empty.
	ErrRequired = errors.New("form: required field missing")

	// ErrNotInOptions reports a value of a list-single or list-multi field
	// that is not one of the field's options, in a list that is not open.
	ErrNotInOptions = errors.New("form: value not among the options")

	// ErrBadJID reports a value of a jid-single or jid-multi field that is
	// not a valid address. The error wraps the *jid.Error too.
	ErrBadJID = errors.New("form: invalid JID")

	// ErrBadValue reports a value that breaks a rule of the definition
	// other than those above: an XEP-0122 datatype, range or list-range,
	// several values in a single-valued field, or a FORM_TYPE other than
	// the definition's.
	ErrBadValue = errors.New("form: invalid value")

	// ErrBadBoolean reports a value of a boolean field (or of an
	// xs:boolean datatype) other than 0, 1, false and true.
	ErrBadBoolean = errors.New("form: invalid boolean")
)

// FieldError is the error about one field: a setter's refusal, or one
// problem Validate found. Err is one of the package's sentinel errors,
// possibly wrapping a further cause; errors.Is sees through it.
type FieldError struct {
	Var string // the var of the field
	Err error
}

// Error returns "form: field "var": " followed by the reason.
func (e *FieldError) Error() string {
	return fmt.Sprintf("form: field %q: %v", e.Var, trimPrefix(e.Err))
}

// Unwrap returns e.Err.
func (e *FieldError) Unwrap() error { return e.Err }

// trimPrefix drops the "form: " of a sentinel's message when it is
// repeated inside a FieldError.
func trimPrefix(err error) string {
	s := err.Error()
	if len(s) > 6 && s[:6] == "form: " {
		return s[6:]
	}
	return s
}

func fieldErr(v string, err error) error { return &FieldError{Var: v, Err: err} }

// Type is the type attribute of a form: what the form is doing in the
// exchange.
type Type string

// The four form types of XEP-0004 section 3.1.
const (
	// TypeForm asks the receiver to fill the form in.
	TypeForm Type = "form"
	// TypeSubmit carries the data the receiver of a TypeForm filled in.
	TypeSubmit Type = "submit"
	// TypeCancel says the receiver of a TypeForm will not fill it in.
	TypeCancel Type = "cancel"
	// TypeResult reports data: the outcome of a submission, search results
	// (with Reported and Items), or a plain data set such as XEP-0128
	// extended service discovery information.
	TypeResult Type = "result"
)

func (t Type) known() bool {
	return t == TypeForm || t == TypeSubmit || t == TypeCancel || t == TypeResult
}

// Form is a data form: the <x xmlns='jabber:x:data'/> element, decoded.
//
// The zero Form is not valid (it has no Type); build one with New, Submit
// or a composite literal. A Form is a plain value: it is not safe for
// concurrent mutation, and the getters and setters work on its Fields.
type Form struct {
	// Type is the form's type attribute. It is required.
	Type Type
	// Title is the title of the form, "" when it has none.
	Title string
	// Instructions holds the natural-language instructions, one string per
	// <instructions/> element, in order.
	Instructions []string
	// Fields holds the fields, in the order they are presented.
	Fields []Field
	// Reported is the "table header" of a TypeResult form that reports
	// several items (XEP-0004 section 3.4): the fields each item has,
	// usually with a label and a type but no value. It is nil when the
	// form has no <reported/> element.
	Reported []Field
	// Items holds the "table rows" of a TypeResult form, each one the
	// fields of one item, with values.
	Items [][]Field
}

// New returns an empty form of type typ. When formType is not empty, the
// form starts with the hidden FORM_TYPE field (XEP-0068) that carries it,
// as the forms of a protocol with a registered FORM_TYPE must.
func New(typ Type, formType string) *Form {
	f := &Form{Type: typ}
	if formType != "" {
		f.Fields = []Field{{Var: VarFormType, Type: Hidden, Values: []string{formType}}}
	}
	return f
}

// Field returns the field of f whose var is v, or nil. The pointer is into
// f.Fields: changes through it change f, until f.Fields is appended to.
func (f *Form) Field(v string) *Field {
	return Lookup(f.Fields, v)
}

// Lookup returns the field of fields whose var is v, or nil: a column of
// one of a result's Items, for example. The pointer is into fields.
func Lookup(fields []Field, v string) *Field {
	if v == "" {
		return nil
	}
	for i := range fields {
		if fields[i].Var == v {
			return &fields[i]
		}
	}
	return nil
}

// FormType returns the FORM_TYPE of f (XEP-0068): the value of its
// FORM_TYPE field, or "" when the form has none. In forms of type form and
// result the field counts only if it is hidden, as XEP-0068 requires; in a
// submission any FORM_TYPE field counts. A FORM_TYPE field with several
// values names no type, and gives "".
func (f *Form) FormType() string {
	fd := f.Field(VarFormType)
	if fd == nil || len(fd.Values) != 1 {
		return ""
	}
	switch f.Type {
	case TypeSubmit:
		return fd.Values[0]
	case TypeForm, TypeResult:
		if fd.Type == Hidden {
			return fd.Values[0]
		}
	}
	return ""
}

// Submit returns a new submission (type submit) for the form f: one field
// for each field of f that has a var, is not fixed and has a value, with
// the var, the type and a copy of the values (the defaults of the form,
// and the hidden values such as FORM_TYPE, which the submitter should send
// back unchanged). Labels, descriptions, options, <required/>, validation
// and extensions are left out; the title and instructions too.
//
// Fields without a value are left out: XEP-0004 lets a submission omit
// any field that is not required (the processor keeps its current value),
// and ejabberd refuses some empty ones, such as the start of a MAM query.
// The setters add them back when the caller fills them in, without a type
// (so without the checks a type brings: set the lines of a text-multi
// field with SetStrings); Validate reports the required ones left empty.
//
// Submit does not change f.
func (f *Form) Submit() *Form {
	s := &Form{Type: TypeSubmit}
	for _, fd := range f.Fields {
		if fd.Var == "" || fd.Type == Fixed || len(fd.Values) == 0 {
			continue
		}
		s.Fields = append(s.Fields, Field{Var: fd.Var, Type: fd.Type, Values: slices.Clone(fd.Values)})
	}
	return s
}

// Copy returns a deep copy of f that shares nothing with it: a definition
// kept as a template can be copied and changed for each use.
func (f *Form) Copy() *Form {
	if f == nil {
		return nil
	}
	c := &Form{Type: f.Type, Title: f.Title, Instructions: slices.Clone(f.Instructions)}
	c.Fields = copyFields(f.Fields)
	c.Reported = copyFields(f.Reported)
	if f.Items != nil {
		c.Items = make([][]Field, len(f.Items))
		for i, it := range f.Items {
			c.Items[i] = copyFields(it)
		}
	}
	return c
}

func copyFields(fs []Field) []Field {
	if fs == nil {
		return nil
	}
	c := make([]Field, len(fs))
	for i := range fs {
		c[i] = fs[i].Copy()
	}
	return c
}
