package form

import (
	"fmt"
	"slices"
	"strings"

	"github.com/xmppkit/xmpp/jid"
)

// The getters and setters below find a field by its var among f.Fields
// (not in Reported or Items). Their errors are *FieldError values naming
// the var. A field without a type attribute fits every getter and setter,
// since its type is known only from the context.

// lookup returns the field whose var is v, or a FieldError wrapping
// ErrNoField.
func (f *Form) lookup(v string) (*Field, error) {
	if fd := f.Field(v); fd != nil {
		return fd, nil
	}
	return nil, fieldErr(v, ErrNoField)
}

// wrongType returns the FieldError of a getter or setter that does not fit
// fd's type.
func wrongType(fd *Field, what string) error {
	return fieldErr(fd.Var, fmt.Errorf("%w: %s on a %s field", ErrWrongType, what, fd.Type))
}

func typeIs(fd *Field, types ...FieldType) bool {
	return fd.Type == "" || slices.Contains(types, fd.Type)
}

// Bool returns the value of the boolean field v: false when it has no
// value, as XEP-0004 defines. The error wraps ErrNoField, ErrWrongType
// (the field is not boolean) or ErrBadBoolean (its value is not 0, 1,
// false or true).
func (f *Form) Bool(v string) (bool, error) {
	fd, err := f.lookup(v)
	if err != nil {
		return false, err
	}
	if !typeIs(fd, Boolean) {
		return false, wrongType(fd, "Bool")
	}
	switch len(fd.Values) {
	case 0:
		return false, nil
	case 1:
		b, ok := parseBool(fd.Values[0])
		if !ok {
			return false, fieldErr(v, fmt.Errorf("%w: %.64q", ErrBadBoolean, fd.Values[0]))
		}
		return b, nil
	}
	return false, fieldErr(v, fmt.Errorf("%w: %d values in a boolean", ErrWrongType, len(fd.Values)))
}

// String returns the value of the field v, "" when it has none. The values
// of a text-multi field are its lines, and come back joined with "\n". The
// error wraps ErrNoField, or ErrWrongType for a list-multi or jid-multi
// field (use Strings or JIDs) and for any other field that holds several
// values.
func (f *Form) String(v string) (string, error) {
	fd, err := f.lookup(v)
	if err != nil {
		return "", err
	}
	switch {
	case fd.Type == TextMulti:
		return strings.Join(fd.Values, "\n"), nil
	case fd.Type == ListMulti || fd.Type == JIDMulti:
		return "", wrongType(fd, "String")
	case len(fd.Values) == 0:
		return "", nil
	case len(fd.Values) == 1:
		return fd.Values[0], nil
	}
	return "", fieldErr(v, fmt.Errorf("%w: String on a field with %d values", ErrWrongType, len(fd.Values)))
}

// Strings returns a copy of the values of the field v, whatever its type.
// The error wraps ErrNoField.
func (f *Form) Strings(v string) ([]string, error) {
	fd, err := f.lookup(v)
	if err != nil {
		return nil, err
	}
	return slices.Clone(fd.Values), nil
}

// JID returns the address in the jid-single field v, or the zero JID when
// the field has no value or an empty one. The error wraps ErrNoField,
// ErrWrongType (another type, or several values), or ErrBadJID together
// with the *jid.Error of the invalid address.
func (f *Form) JID(v string) (jid.JID, error) {
	fd, err := f.lookup(v)
	if err != nil {
		return jid.JID{}, err
	}
	if !typeIs(fd, JIDSingle) {
		return jid.JID{}, wrongType(fd, "JID")
	}
	switch len(fd.Values) {
	case 0:
		return jid.JID{}, nil
	case 1:
		if fd.Values[0] == "" {
			return jid.JID{}, nil
		}
		j, err := jid.Parse(fd.Values[0])
		if err != nil {
			return jid.JID{}, fieldErr(v, fmt.Errorf("%w: %w", ErrBadJID, err))
		}
		return j, nil
	}
	return jid.JID{}, fieldErr(v, fmt.Errorf("%w: JID on a field with %d values", ErrWrongType, len(fd.Values)))
}

// JIDs returns the addresses in the jid-multi (or jid-single) field v, in
// order, without duplicates (XEP-0004 requires that they be ignored) and
// without empty values. The error wraps ErrNoField, ErrWrongType, or
// ErrBadJID together with the *jid.Error of the first invalid address.
func (f *Form) JIDs(v string) ([]jid.JID, error) {
	fd, err := f.lookup(v)
	if err != nil {
		return nil, err
	}
	if !typeIs(fd, JIDMulti, JIDSingle) {
		return nil, wrongType(fd, "JIDs")
	}
	var js []jid.JID
	for _, s := range fd.Values {
		if s == "" {
			continue
		}
		j, err := jid.Parse(s)
		if err != nil {
			return nil, fieldErr(v, fmt.Errorf("%w: %w", ErrBadJID, err))
		}
		if !slices.Contains(js, j) {
			js = append(js, j)
		}
	}
	return js, nil
}

// fieldFor returns the field v, adding it at the end of f.Fields when f
// has none. An added field has no type in a submission (XEP-0004 lets the
// receiver infer it, and the XEPs' own examples leave it out), and typ in
// other forms.
func (f *Form) fieldFor(v string, typ FieldType) *Field {
	if fd := f.Field(v); fd != nil {
		return fd
	}
	if f.Type == TypeSubmit {
		typ = ""
	}
	f.Fields = append(f.Fields, Field{Var: v, Type: typ})
	return &f.Fields[len(f.Fields)-1]
}

// set checks values against the type of fd and stores a copy of them.
func (f *Form) set(fd *Field, values []string) error {
	if err := checkValues(fd.Type.effective(f.Type), values); err != nil {
		return fieldErr(fd.Var, err)
	}
	fd.Values = slices.Clone(values)
	return nil
}

// checkValues checks values against a field type: their number, booleans,
// addresses.
func checkValues(t FieldType, values []string) error {
	if len(values) > 1 && !t.multi() {
		return fmt.Errorf("%w: %d values in a %s field", ErrWrongType, len(values), t)
	}
	for _, s := range values {
		switch t {
		case Boolean:
			if _, ok := parseBool(s); !ok {
				return fmt.Errorf("%w: %.64q", ErrBadBoolean, s)
			}
		case JIDSingle, JIDMulti:
			if s == "" {
				continue
			}
			if _, err := jid.Parse(s); err != nil {
				return fmt.Errorf("%w: %w", ErrBadJID, err)
			}
		}
	}
	return nil
}

// SetBool sets the boolean field v to b ("1" or "0"), adding the field if
// f has none. The error wraps ErrWrongType if the field is not boolean.
func (f *Form) SetBool(v string, b bool) error {
	fd := f.fieldFor(v, Boolean)
	if !typeIs(fd, Boolean) {
		return wrongType(fd, "SetBool")
	}
	s := "0"
	if b {
		s = "1"
	}
	return f.set(fd, []string{s})
}

// SetString sets the field v to the single value s, adding a text-single
// field if f has none. In a text-multi field s is split into lines, one
// value each. The value is checked against the field's type: the error
// wraps ErrBadBoolean for a boolean field and s other than 0, 1, false or
// true, ErrBadJID for a jid field and an invalid address.
func (f *Form) SetString(v, s string) error {
	fd := f.fieldFor(v, TextSingle)
	if fd.Type == TextMulti {
		return f.set(fd, strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n"))
	}
	return f.set(fd, []string{s})
}

// SetStrings sets the values of the field v, adding a text-multi field if
// f has none. The values are checked against the field's type: the error
// wraps ErrWrongType when the type allows one value and there are several,
// ErrBadBoolean or ErrBadJID for a value that does not fit a boolean or a
// jid field. Options are not checked: Validate does that.
func (f *Form) SetStrings(v string, values ...string) error {
	return f.set(f.fieldFor(v, TextMulti), values)
}

// SetJID sets the jid-single field v to j, adding the field if f has none;
// the zero JID removes the value (and adds nothing). The error wraps
// ErrWrongType if the field is not a jid field.
func (f *Form) SetJID(v string, j jid.JID) error {
	if j.IsZero() && f.Field(v) == nil {
		return nil
	}
	fd := f.fieldFor(v, JIDSingle)
	if !typeIs(fd, JIDSingle, JIDMulti) {
		return wrongType(fd, "SetJID")
	}
	if j.IsZero() {
		fd.Values = nil
		return nil
	}
	return f.set(fd, []string{j.String()})
}

// SetJIDs sets the jid-multi field v to js, adding the field if f has
// none. The error wraps ErrWrongType if the field is not a jid field, or
// is jid-single and js has several addresses.
func (f *Form) SetJIDs(v string, js ...jid.JID) error {
	fd := f.fieldFor(v, JIDMulti)
	if !typeIs(fd, JIDMulti, JIDSingle) {
		return wrongType(fd, "SetJIDs")
	}
	values := make([]string, 0, len(js))
	for _, j := range js {
		if !j.IsZero() {
			values = append(values, j.String())
		}
	}
	if len(values) == 0 {
		values = nil
	}
	return f.set(fd, values)
}
