package rsm

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/xmppkit/xmpp/stanza"
)

// NS is the namespace of XEP-0059 Result Set Management.
const NS = "http://jabber.org/protocol/rsm"

// ErrMalformed is wrapped by the errors of Parse for a <set/> element that
// does not follow XEP-0059.
var ErrMalformed = errors.New("rsm: malformed set")

// maxInt is the largest count, index or page size Parse accepts: XEP-0059
// sets no bound, and 2^31-1 items is more than any result set a client
// pages through.
const maxInt = 1<<31 - 1

// Set is a XEP-0059 <set/> element. In a request it says which page to
// return (Max, and After, Before or Index); in a response it describes
// the page returned (First, FirstIndex, Last, Count). Optional numbers
// and the empty <before/> are pointers, so that absent and zero differ:
// Go's new(10) and new("") make them. The zero Set is an empty <set/>.
type Set struct {
	// Max is the largest number of items the requester wants in the
	// page; nil leaves the page size to the responder. Zero asks for no
	// items, only the Count.
	Max *int
	// After asks for the page that follows the item with this UID (the
	// Last of the previous page); "" means no <after/>.
	After string
	// Before asks for the page that precedes the item with this UID (the
	// First of the next page). A pointer to "" is the empty <before/>,
	// which asks for the last page of the result set; nil means no
	// <before/>.
	Before *string
	// Index asks for the page that starts at this position of the full
	// result set (0 is the first item); nil means no <index/>.
	Index *int

	// First is the UID of the first item of the page returned; "" when
	// the page is empty.
	First string
	// FirstIndex is the position of First in the full result set, when
	// the responder says (the index attribute of <first/>); it is only
	// encoded along with First.
	FirstIndex *int
	// Last is the UID of the last item of the page returned; "" when the
	// page is empty.
	Last string
	// Count is the number of items in the full result set, when the
	// responder says.
	Count *int
}

// Element encodes s as a <set/> element in NS, its children in the order
// of XEP-0059's examples. Negative numbers are not encoded (Parse would
// refuse them), and FirstIndex is encoded only with a First.
func (s Set) Element() *stanza.Element {
	e := stanza.NewElement(NS, "set")
	addInt(e, "max", s.Max)
	if s.After != "" {
		e.AddChild(stanza.NewElement(NS, "after").AddText(s.After))
	}
	if s.Before != nil {
		e.AddChild(stanza.NewElement(NS, "before").AddText(*s.Before))
	}
	addInt(e, "index", s.Index)
	if s.First != "" {
		first := stanza.NewElement(NS, "first").AddText(s.First)
		if s.FirstIndex != nil && *s.FirstIndex >= 0 {
			first.SetAttr("index", strconv.Itoa(*s.FirstIndex))
		}
		e.AddChild(first)
	}
	if s.Last != "" {
		e.AddChild(stanza.NewElement(NS, "last").AddText(s.Last))
	}
	addInt(e, "count", s.Count)
	return e
}

func addInt(e *stanza.Element, local string, n *int) {
	if n != nil && *n >= 0 {
		e.AddChild(stanza.NewElement(NS, local).AddText(strconv.Itoa(*n)))
	}
}

// Parse decodes a <set/> element in NS. Each child may appear at most
// once; numbers (max, index, count and first's index attribute) must be
// decimal integers from 0 to 2^31-1, surrounding white space allowed;
// <after/>, <first/> and <last/> must hold a UID, while <before/> may be
// empty. An unknown child in NS is an error; children in other namespaces
// are ignored. Errors wrap ErrMalformed.
func Parse(e *stanza.Element) (Set, error) {
	if e == nil || e.Name != (stanza.Name{Space: NS, Local: "set"}) {
		if e == nil {
			return Set{}, malformed("no set element")
		}
		return Set{}, malformed("unexpected element {%s}%s, want set", e.Name.Space, e.Name.Local)
	}
	var s Set
	seen := make(map[string]bool, 7)
	for c := range e.Children() {
		if c.Name.Space != NS {
			continue
		}
		if seen[c.Name.Local] {
			return Set{}, malformed("more than one <%s/>", c.Name.Local)
		}
		seen[c.Name.Local] = true
		if err := s.parseChild(c); err != nil {
			return Set{}, err
		}
	}
	return s, nil
}

// parseChild decodes one child of <set/> into s.
func (s *Set) parseChild(c *stanza.Element) error {
	var err error
	switch c.Name.Local {
	case "max":
		s.Max, err = parseInt("max", c.Text())
	case "index":
		s.Index, err = parseInt("index", c.Text())
	case "count":
		s.Count, err = parseInt("count", c.Text())
	case "after":
		s.After, err = uid("after", c)
	case "before":
		b := c.Text()
		s.Before = &b
	case "first":
		if s.First, err = uid("first", c); err != nil {
			return err
		}
		if v, ok := c.LookupAttr("", "index"); ok {
			s.FirstIndex, err = parseInt("first index", v)
		}
	case "last":
		s.Last, err = uid("last", c)
	default:
		err = malformed("unknown element <%s/>", c.Name.Local)
	}
	return err
}

// uid returns the UID that c holds, which must not be empty.
func uid(what string, c *stanza.Element) (string, error) {
	v := c.Text()
	if v == "" {
		return "", malformed("empty <%s/>", what)
	}
	return v, nil
}

// parseInt decodes a non-negative decimal integer up to maxInt.
func parseInt(what, v string) (*int, error) {
	n, err := strconv.ParseUint(strings.Trim(v, " \t\r\n"), 10, 64)
	if err != nil || n > maxInt {
		return nil, malformed("%s %q is not an integer from 0 to %d", what, v, maxInt)
	}
	i := int(n)
	return &i, nil
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}
