package form

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/xmppkit/xmpp/internal/datetime"
	"github.com/xmppkit/xmpp/stanza"
)

// NSValidate is the namespace of XEP-0122 Data Forms Validation.
const NSValidate = "http://jabber.org/protocol/xdata-validate"

// Method is an XEP-0122 validation method: the child of <validate/> that
// says how values are checked beyond their datatype.
type Method string

// The validation methods of XEP-0122.
const (
	// MethodBasic checks values against the field type and the datatype
	// only. It is what an absent method means.
	MethodBasic Method = "basic"
	// MethodOpen lets a list-single or list-multi field take values that
	// are not among its options (still of the datatype).
	MethodOpen Method = "open"
	// MethodRange bounds values by Validation.Min and Validation.Max.
	MethodRange Method = "range"
	// MethodRegex restricts values to the POSIX extended regular
	// expression Validation.Regex. Validate does not enforce it.
	MethodRegex Method = "regex"
)

// Validation is the XEP-0122 <validate/> element of a field: the datatype
// of its values and how to check them.
//
// Validate enforces the datatypes xs:boolean, xs:dateTime, the integer
// family (xs:integer, xs:long, xs:int, xs:short, xs:byte and their unsigned,
// positive and negative variants) and XEP-0060's pubsub:integer-or-max,
// MethodRange for integers and xs:dateTime, MethodOpen, and the list range. Any other datatype is taken
// as xs:string, which accepts everything, as XEP-0122 requires of a
// datatype one does not know. An xs:dateTime is read as an XEP-0082
// DateTime whose time zone may be missing (then UTC), by the module's one
// timestamp parser (internal/datetime).
type Validation struct {
	// Datatype is the datatype attribute, "xs:integer" for example; ""
	// means the default, xs:string.
	Datatype string
	// Method is the validation method; "" when the element names none,
	// which means MethodBasic.
	Method Method
	// Min and Max are the bounds of MethodRange, in the datatype's lexical
	// form; "" for no bound.
	Min, Max string
	// Regex is the pattern of MethodRegex.
	Regex string
	// ListMin and ListMax are the <list-range/> of a list-multi field: how
	// many values a submission may select; 0 for no bound.
	ListMin, ListMax int
}

// open reports whether a list field validated by v accepts values outside
// its options: XEP-0122 makes every method but basic imply open for lists.
func (v *Validation) open() bool {
	return v != nil && v.Method != "" && v.Method != MethodBasic
}

var validationMethods = map[string]Method{
	"basic": MethodBasic, "open": MethodOpen, "range": MethodRange, "regex": MethodRegex,
}

// parseValidation decodes a {NSValidate}validate element. Children it does
// not know are ignored: XEP-0122 says an unknown method means basic.
func parseValidation(e *stanza.Element) (*Validation, error) {
	v := &Validation{Datatype: e.Attr("datatype")}
	for c := range e.Children() {
		if c.Name.Space != NSValidate {
			continue
		}
		if m, ok := validationMethods[c.Name.Local]; ok {
			if v.Method != "" {
				return nil, errors.New("<validate/> with more than one method")
			}
			v.Method = m
			switch m {
			case MethodRange:
				v.Min, v.Max = c.Attr("min"), c.Attr("max")
			case MethodRegex:
				s, err := textOf(c)
				if err != nil {
					return nil, err
				}
				v.Regex = s
			}
			if m != MethodRegex && !isEmpty(c) {
				return nil, fmt.Errorf("<%s/> is not empty", c.Name.Local)
			}
			continue
		}
		if c.Name.Local == "list-range" {
			var err error
			if v.ListMin, err = listBound(c, "min"); err != nil {
				return nil, err
			}
			if v.ListMax, err = listBound(c, "max"); err != nil {
				return nil, err
			}
		}
	}
	return v, nil
}

func listBound(e *stanza.Element, name string) (int, error) {
	s, ok := e.LookupAttr("", name)
	if !ok {
		return 0, nil
	}
	n, err := strconv.ParseUint(s, 10, 31)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("<list-range/> %s %.64q is not a positive integer", name, s)
	}
	return int(n), nil
}

// element encodes v.
func (v *Validation) element() *stanza.Element {
	e := stanza.NewElement(NSValidate, "validate")
	if v.Datatype != "" {
		e.SetAttr("datatype", v.Datatype)
	}
	if v.Method != "" {
		m := stanza.NewElement(NSValidate, string(v.Method))
		switch v.Method {
		case MethodRange:
			if v.Min != "" {
				m.SetAttr("min", v.Min)
			}
			if v.Max != "" {
				m.SetAttr("max", v.Max)
			}
		case MethodRegex:
			m.AddText(v.Regex)
		}
		e.AddChild(m)
	}
	if v.ListMin > 0 || v.ListMax > 0 {
		lr := stanza.NewElement(NSValidate, "list-range")
		if v.ListMin > 0 {
			lr.SetAttr("min", strconv.Itoa(v.ListMin))
		}
		if v.ListMax > 0 {
			lr.SetAttr("max", strconv.Itoa(v.ListMax))
		}
		e.AddChild(lr)
	}
	return e
}

// intBounds holds the value space of the integer datatypes; nil is
// unbounded.
var intBounds = map[string][2]*big.Int{
	"xs:integer":            {nil, nil},
	"xs:long":               {big.NewInt(-1 << 63), big.NewInt(1<<63 - 1)},
	"xs:int":                {big.NewInt(-1 << 31), big.NewInt(1<<31 - 1)},
	"xs:short":              {big.NewInt(-1 << 15), big.NewInt(1<<15 - 1)},
	"xs:byte":               {big.NewInt(-1 << 7), big.NewInt(1<<7 - 1)},
	"xs:nonNegativeInteger": {big.NewInt(0), nil},
	"xs:positiveInteger":    {big.NewInt(1), nil},
	"xs:nonPositiveInteger": {nil, big.NewInt(0)},
	"xs:negativeInteger":    {nil, big.NewInt(-1)},
	"xs:unsignedLong":       {big.NewInt(0), new(big.Int).SetUint64(1<<64 - 1)},
	"xs:unsignedInt":        {big.NewInt(0), big.NewInt(1<<32 - 1)},
	"xs:unsignedShort":      {big.NewInt(0), big.NewInt(1<<16 - 1)},
	"xs:unsignedByte":       {big.NewInt(0), big.NewInt(1<<8 - 1)},
}

// check reports whether value is of v's datatype and within its range.
func (v *Validation) check(value string) error {
	if v == nil {
		return nil
	}
	switch dt := v.Datatype; {
	case dt == "xs:boolean":
		if _, ok := parseBool(value); !ok {
			return fmt.Errorf("%w: %.64q is not an xs:boolean", ErrBadBoolean, value)
		}
	case dt == "xs:dateTime":
		return v.checkDateTime(value)
	case dt == "pubsub:integer-or-max":
		if trimXMLSpace(value) == "max" {
			return nil
		}
		return v.checkInteger(value, [2]*big.Int{big.NewInt(0), nil})
	default:
		if b, ok := intBounds[dt]; ok {
			return v.checkInteger(value, b)
		}
	}
	return nil
}

func (v *Validation) checkInteger(value string, b [2]*big.Int) error {
	n, ok := parseInteger(value)
	if !ok || (b[0] != nil && n.Cmp(b[0]) < 0) || (b[1] != nil && n.Cmp(b[1]) > 0) {
		return fmt.Errorf("%w: %.64q is not a valid %s", ErrBadValue, value, v.Datatype)
	}
	if v.Method != MethodRange {
		return nil
	}
	if lo, ok := parseInteger(v.Min); ok && n.Cmp(lo) < 0 {
		return fmt.Errorf("%w: %s is less than %s", ErrBadValue, n, lo)
	}
	if hi, ok := parseInteger(v.Max); ok && n.Cmp(hi) > 0 {
		return fmt.Errorf("%w: %s is more than %s", ErrBadValue, n, hi)
	}
	return nil
}

func (v *Validation) checkDateTime(value string) error {
	t, ok := parseDateTime(value)
	if !ok {
		return fmt.Errorf("%w: %.64q is not an xs:dateTime", ErrBadValue, value)
	}
	if v.Method != MethodRange {
		return nil
	}
	if lo, ok := parseDateTime(v.Min); ok && t.Before(lo) {
		return fmt.Errorf("%w: %s is before %s", ErrBadValue, value, v.Min)
	}
	if hi, ok := parseDateTime(v.Max); ok && t.After(hi) {
		return fmt.Errorf("%w: %s is after %s", ErrBadValue, value, v.Max)
	}
	return nil
}

// parseInteger parses the xs:integer lexical form: optional sign, then
// decimal digits, with surrounding XML white space.
func parseInteger(s string) (*big.Int, bool) {
	s = trimXMLSpace(s)
	digits := strings.TrimLeft(s, "+-")
	if len(s)-len(digits) > 1 || digits == "" || len(digits) > 4096 {
		return nil, false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return nil, false
		}
	}
	n, ok := new(big.Int).SetString(s, 10)
	return n, ok
}

// parseDateTime parses an xs:dateTime value as XEP-0082 profiles it
// (CCYY-MM-DDThh:mm:ss[.sss][TZD]), with surrounding XML white space
// trimmed (the datatype's whitespace facet). It reads it with
// datetime.ParseDateTimeLenient, the module's DateTime parser with the
// one leniency xs:dateTime needs: a time without zone is taken as UTC.
// What XEP-0082 forbids is refused: a comma before the fraction, a
// one-digit hour, an offset beyond ±14:00, a year outside 0000–9999 once
// in UTC.
func parseDateTime(s string) (time.Time, bool) {
	t, err := datetime.ParseDateTimeLenient(trimXMLSpace(s))
	return t, err == nil
}

// parseBool parses the xs:boolean lexical form of XEP-0004 boolean fields.
func parseBool(s string) (value, ok bool) {
	switch trimXMLSpace(s) {
	case "1", "true":
		return true, true
	case "0", "false":
		return false, true
	}
	return false, false
}

func trimXMLSpace(s string) string {
	return strings.Trim(s, " \t\r\n")
}
