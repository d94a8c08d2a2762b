package form_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
)

// validationDef is a definition with a field for each rule Validate
// enforces.
const validationDef = `<x xmlns='jabber:x:data' type='form'>
  <field var='FORM_TYPE' type='hidden'><value>urn:example:test</value></field>
  <field type='fixed'><value>Header</value></field>
  <field var='name' type='text-single'><required/></field>
  <field var='untyped'/>
  <field var='flag' type='boolean'/>
  <field var='owner' type='jid-single'/>
  <field var='admins' type='jid-multi'/>
  <field var='colour' type='list-single'>
    <option><value>red</value></option><option><value>blue</value></option>
  </field>
  <field var='tags' type='list-multi'>
    <validate xmlns='http://jabber.org/protocol/xdata-validate'><list-range min='2' max='3'/></validate>
    <option><value>a</value></option><option><value>b</value></option><option><value>c</value></option><option><value>d</value></option>
  </field>
  <field var='category' type='list-single'>
    <validate xmlns='http://jabber.org/protocol/xdata-validate' datatype='xs:string'><open/></validate>
    <option><value>holiday</value></option>
  </field>
  <field var='size' type='list-single'>
    <validate xmlns='http://jabber.org/protocol/xdata-validate' datatype='xs:integer'><range min='1' max='100'/></validate>
    <option><value>10</value></option>
  </field>
  <field var='count' type='text-single'>
    <validate xmlns='http://jabber.org/protocol/xdata-validate' datatype='xs:int'><range min='-5'/></validate>
  </field>
  <field var='big' type='text-single'>
    <validate xmlns='http://jabber.org/protocol/xdata-validate' datatype='xs:integer'/>
  </field>
  <field var='long' type='text-single'>
    <validate xmlns='http://jabber.org/protocol/xdata-validate' datatype='xs:long'/>
  </field>
  <field var='yes' type='text-single'>
    <validate xmlns='http://jabber.org/protocol/xdata-validate' datatype='xs:boolean'/>
  </field>
  <field var='when' type='text-single'>
    <validate xmlns='http://jabber.org/protocol/xdata-validate' datatype='xs:dateTime'>
      <range min='2003-10-05T00:00:00-07:00' max='2003-10-24T23:59:59-07:00'/>
    </validate>
  </field>
  <field var='stamp' type='text-single'>
    <validate xmlns='http://jabber.org/protocol/xdata-validate' datatype='xs:dateTime'/>
  </field>
  <field var='ssn' type='text-single'>
    <validate xmlns='http://jabber.org/protocol/xdata-validate'><regex>[0-9]+</regex></validate>
  </field>
  <field var='date' type='text-single'>
    <validate xmlns='http://jabber.org/protocol/xdata-validate' datatype='xs:date'/>
  </field>
  <field var='max_items' type='text-single'>
    <validate xmlns='http://jabber.org/protocol/xdata-validate' datatype='pubsub:integer-or-max'><range min='1' max='256'/></validate>
  </field>
  <field var='lines' type='text-multi'>
    <validate xmlns='http://jabber.org/protocol/xdata-validate' datatype='xs:byte'><open/></validate>
  </field>
</x>`

func TestValidate(t *testing.T) {
	def := mustParse(t, validationDef)
	for _, tc := range []struct {
		name  string
		field string   // the var to set, "" for none
		vals  []string // its values
		want  error    // nil for a valid submission
	}{
		{"minimal", "", nil, nil},
		{"required missing", "-name", nil, form.ErrRequired},
		{"required empty", "name", []string{""}, form.ErrRequired},
		{"required no value", "name", nil, form.ErrRequired},
		{"untyped in a form is text-single", "untyped", []string{"a", "b"}, form.ErrBadValue},
		{"two values in text-single", "name", []string{"a", "b"}, form.ErrBadValue},
		{"boolean", "flag", []string{"true"}, nil},
		{"bad boolean", "flag", []string{"yes"}, form.ErrBadBoolean},
		{"two booleans", "flag", []string{"1", "0"}, form.ErrBadValue},
		{"JID", "owner", []string{"juliet@capulet.lit/balcony"}, nil},
		{"bad JID", "owner", []string{"juliet@"}, form.ErrBadJID},
		{"JIDs", "admins", []string{"a@b", "c@d"}, nil},
		{"bad JID among JIDs", "admins", []string{"a@b", "c@d@e"}, form.ErrBadJID},
		{"option", "colour", []string{"blue"}, nil},
		{"not an option", "colour", []string{"green"}, form.ErrNotInOptions},
		{"empty list value is no value", "colour", []string{""}, nil},
		{"options", "tags", []string{"a", "d"}, nil},
		{"not among options", "tags", []string{"a", "e"}, form.ErrNotInOptions},
		{"too few selected", "tags", []string{"a"}, form.ErrBadValue},
		{"too many selected", "tags", []string{"a", "b", "c", "d"}, form.ErrBadValue},
		{"open list", "category", []string{"birthday"}, nil},
		{"range makes a list open", "size", []string{"42"}, nil},
		{"range of an open list", "size", []string{"101"}, form.ErrBadValue},
		{"datatype of an open list", "size", []string{"ten"}, form.ErrBadValue},
		{"int", "count", []string{" -5 "}, nil},
		{"int below min", "count", []string{"-6"}, form.ErrBadValue},
		{"int overflow", "count", []string{"2147483648"}, form.ErrBadValue},
		{"int max", "count", []string{"+2147483647"}, nil},
		{"int not a number", "count", []string{"1.5"}, form.ErrBadValue},
		{"int two signs", "count", []string{"--1"}, form.ErrBadValue},
		{"integer is unbounded", "big", []string{"123456789012345678901234567890"}, nil},
		{"integer sign alone", "big", []string{"-"}, form.ErrBadValue},
		{"long", "long", []string{"-9223372036854775808"}, nil},
		{"long overflow", "long", []string{"9223372036854775808"}, form.ErrBadValue},
		{"xs:boolean", "yes", []string{"false"}, nil},
		{"bad xs:boolean", "yes", []string{"no"}, form.ErrBadBoolean},
		{"dateTime in range", "when", []string{"2003-10-06T11:22:00-07:00"}, nil},
		{"dateTime before range", "when", []string{"2003-10-05T06:59:59Z"}, form.ErrBadValue},
		{"dateTime after range", "when", []string{"2003-10-25T00:00:00-07:00"}, form.ErrBadValue},
		{"dateTime without zone", "stamp", []string{"2003-10-06T11:22:00"}, nil},
		{"dateTime with fraction", "stamp", []string{"2003-10-06T11:22:00.123Z"}, nil},
		{"not a dateTime", "stamp", []string{"2003-10-06"}, form.ErrBadValue},
		{"dateTime with white space", "stamp", []string{" 2003-10-06T11:22:00.123456789+14:00\n"}, nil},
		// What Go's RFC 3339 parser took and XEP-0082 forbids.
		{"dateTime with a comma", "stamp", []string{"2003-10-06T11:22:00,5Z"}, form.ErrBadValue},
		{"dateTime with a one-digit hour", "stamp", []string{"2003-10-06T1:22:00Z"}, form.ErrBadValue},
		{"dateTime offset beyond 14 hours", "stamp", []string{"2003-10-06T11:22:00+20:00"}, form.ErrBadValue},
		{"dateTime year 10000 in UTC", "stamp", []string{"9999-12-31T23:00:00-02:00"}, form.ErrBadValue},
		{"dateTime February 30th", "stamp", []string{"2003-02-30T11:22:00"}, form.ErrBadValue},
		{"regex is not enforced", "ssn", []string{"abc"}, nil},
		{"unknown datatype is a string", "date", []string{"whenever"}, nil},
		{"integer-or-max max", "max_items", []string{"max"}, nil},
		{"integer-or-max integer", "max_items", []string{"256"}, nil},
		{"integer-or-max out of range", "max_items", []string{"257"}, form.ErrBadValue},
		{"integer-or-max neither", "max_items", []string{"many"}, form.ErrBadValue},
		{"open text-multi checks each line", "lines", []string{"1", "-128", "127"}, nil},
		{"open text-multi bad line", "lines", []string{"1", "128"}, form.ErrBadValue},
		{"FORM_TYPE", "FORM_TYPE", []string{"urn:example:test"}, nil},
		{"wrong FORM_TYPE", "FORM_TYPE", []string{"urn:example:other"}, form.ErrBadValue},
		{"fields the definition lacks are ignored", "extra", []string{"1", "2"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sub := def.Submit()
			if err := sub.SetString("name", "n"); err != nil {
				t.Fatal(err)
			}
			switch {
			case strings.HasPrefix(tc.field, "-"):
				sub.Fields = removeField(sub.Fields, tc.field[1:])
			case tc.field != "":
				fd := sub.Field(tc.field)
				if fd == nil {
					sub.Fields = append(sub.Fields, form.Field{Var: tc.field})
					fd = &sub.Fields[len(sub.Fields)-1]
				}
				fd.Values = tc.vals
				fd.Type = "" // what the submitter says of the type does not matter
			}
			err := form.Validate(def, sub)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			var fe *form.FieldError
			if !errors.Is(err, tc.want) || !errors.As(err, &fe) {
				t.Fatalf("Validate = %v, want %v", err, tc.want)
			}
			if v := strings.TrimPrefix(tc.field, "-"); fe.Var != v || !strings.Contains(err.Error(), `field "`+v+`"`) {
				t.Errorf("error about %q (%v), want %q", fe.Var, err, v)
			}
		})
	}
}

func removeField(fields []form.Field, v string) []form.Field {
	var out []form.Field
	for _, fd := range fields {
		if fd.Var != v {
			out = append(out, fd)
		}
	}
	return out
}

// Every problem is reported, in the order of the definition.
func TestValidateSeveral(t *testing.T) {
	def := mustParse(t, xepBotForm)
	sub := mustParse(t, `<x xmlns='jabber:x:data' type='submit'>
		<field var='maxsubs'><value>1000</value></field>
		<field var='invitelist'><value>juliet@capulet.com</value><value>@</value></field>
	</x>`)
	err := form.Validate(def, sub)
	for _, want := range []error{form.ErrRequired, form.ErrNotInOptions, form.ErrBadJID, jid.ErrEmptyPart} {
		if !errors.Is(err, want) {
			t.Errorf("Validate = %v; want it to wrap %v", err, want)
		}
	}
	msg := err.Error()
	iPublic, iMax, iInvite := strings.Index(msg, `"public"`), strings.Index(msg, `"maxsubs"`), strings.Index(msg, `"invitelist"`)
	if iPublic < 0 || iPublic > iMax || iMax > iInvite {
		t.Errorf("message not in definition order:\n%s", msg)
	}
	if strings.Count(msg, "form: ") != 3 {
		t.Errorf("message repeats its prefix:\n%s", msg)
	}
}

// A FORM_TYPE field that is not hidden is an ordinary field (XEP-0068).
func TestValidateNotHiddenFormType(t *testing.T) {
	def := mustParse(t, `<x xmlns='jabber:x:data' type='form'><field var='FORM_TYPE' type='text-single'><required/></field></x>`)
	if err := form.Validate(def, &form.Form{Type: form.TypeSubmit}); !errors.Is(err, form.ErrRequired) {
		t.Errorf("Validate = %v, want ErrRequired", err)
	}
	sub := def.Submit()
	if err := sub.SetString("FORM_TYPE", "anything"); err != nil {
		t.Fatal(err)
	}
	if err := form.Validate(def, sub); err != nil {
		t.Errorf("Validate = %v", err)
	}
}
