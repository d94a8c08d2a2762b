package form

import (
	"errors"
	"fmt"
	"slices"

	"github.com/xmppkit/xmpp/jid"
)

// Validate checks a submission against the form it fills in, def: the
// check a form-processing entity makes before acting on the data (XEP-0004
// section 4; answer a failure with a not-acceptable stanza error).
//
// For each field of def that has a var and is not fixed, in order, it
// checks the submitted field of the same var, taking the type, options
// and XEP-0122 validation from def (a submission need not repeat them):
//
//   - a required field must be there with a non-empty value (ErrRequired);
//   - a field that is not multi-valued may have one value (ErrBadValue);
//   - a boolean value is 0, 1, false or true (ErrBadBoolean);
//   - a jid-single or jid-multi value is a valid address (ErrBadJID, with
//     the *jid.Error);
//   - a list-single or list-multi value is one of the options, unless the
//     field's validation makes the list open (ErrNotInOptions);
//   - a value is of the validation's datatype and within its range, and a
//     list-multi field has as many values as its list range allows
//     (ErrBadValue, or ErrBadBoolean for xs:boolean);
//   - a FORM_TYPE, when the submission has one, is def's (ErrBadValue).
//
// An empty value counts as no value. Fields of sub that def does not have
// are ignored, as XEP-0004 requires; so is sub's Type.
//
// A nil sub is an empty submission. Validate returns nil when the
// submission passes, or the problems found
// joined with errors.Join, each a *FieldError naming its var: errors.Is
// finds each reason, and errors.As the first FieldError.
func Validate(def, sub *Form) error {
	if def == nil {
		return nil
	}
	if sub == nil {
		sub = &Form{Type: TypeSubmit}
	}
	var errs []error
	ft := def.FormType()
	if ft != "" {
		if got := sub.Field(VarFormType); got != nil && !slices.Equal(got.Values, []string{ft}) {
			errs = append(errs, fieldErr(VarFormType, fmt.Errorf("%w: not %.64q", ErrBadValue, ft)))
		}
	}
	for i := range def.Fields {
		d := &def.Fields[i]
		if d.Var == "" || d.Type == Fixed || (ft != "" && d.Var == VarFormType) {
			continue
		}
		if err := validateField(d, d.Type.effective(def.Type), sub.Field(d.Var)); err != nil {
			errs = append(errs, fieldErr(d.Var, err))
		}
	}
	return errors.Join(errs...)
}

// validateField checks the submitted field s (nil when absent) against
// its definition d, of effective type t.
func validateField(d *Field, t FieldType, s *Field) error {
	var values []string
	if s != nil {
		for _, v := range s.Values {
			if v != "" {
				values = append(values, v)
			}
		}
	}
	if len(values) == 0 {
		if d.Required {
			return ErrRequired
		}
		return nil
	}
	if len(values) > 1 && !t.multi() {
		return fmt.Errorf("%w: %d values in a %s field", ErrBadValue, len(values), t)
	}
	v := d.Validation
	if t == ListMulti && v != nil {
		if v.ListMin > 0 && len(values) < v.ListMin {
			return fmt.Errorf("%w: %d selected, the minimum is %d", ErrBadValue, len(values), v.ListMin)
		}
		if v.ListMax > 0 && len(values) > v.ListMax {
			return fmt.Errorf("%w: %d selected, the maximum is %d", ErrBadValue, len(values), v.ListMax)
		}
	}
	for _, s := range values {
		if err := validateValue(d, t, s); err != nil {
			return err
		}
	}
	return nil
}

// validateValue checks one non-empty value s of a field defined by d, of
// effective type t.
func validateValue(d *Field, t FieldType, s string) error {
	switch t {
	case Boolean:
		if _, ok := parseBool(s); !ok {
			return fmt.Errorf("%w: %.64q", ErrBadBoolean, s)
		}
	case JIDSingle, JIDMulti:
		if _, err := jid.Parse(s); err != nil {
			return fmt.Errorf("%w: %w", ErrBadJID, err)
		}
	case ListSingle, ListMulti:
		if !d.Validation.open() && !d.hasOption(s) {
			return fmt.Errorf("%w: %.64q", ErrNotInOptions, s)
		}
	}
	return d.Validation.check(s)
}
