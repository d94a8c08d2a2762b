package jid

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse checks, for any input, that Parse does not panic; that the fast
// path gives what full preparation gives; that an error is an *Error with a
// known reason; and that a valid address survives Parse(j.String()), New
// from its parts, Bare, Domain, WithResource and text marshalling unchanged.
func FuzzParse(f *testing.F) {
	for _, tc := range parseTests() {
		f.Add(tc.in)
	}
	for _, s := range []string{
		"a@b/c", "A@B/C", "xn--ls8h.la", "ｘｎ--ls8h.la", "a@xn--", "a@[::ffff:1.2.3.4]",
		"a@1.2.3.4", "a@1.2.3.4.", "a@1.2.3", "a@999.1.1.1", "a@\u200b", "a@a.\u00ad",
		"a@\u0661.com", "a@\u05d0.com", "\u05d0@example.com", "a@b/\u202e", "a\u0301@b",
		"ǅ@b", "İ@b", "ß@b", "ẞ@b", "a@ß.de", "a@ｅｘａｍｐｌｅ。com", "a@example.com.。",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		compareFastSlow(t, s)
		j, err := Parse(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q): error %q is a %T, not a *jid.Error", s, err, err)
			}
			switch e.Err {
			case ErrEmptyPart, ErrTooLong, ErrForbiddenChar, ErrInvalidDomain, ErrInvalidUTF8:
			default:
				t.Fatalf("Parse(%q): unknown reason %v", s, e.Err)
			}
			if !errors.Is(err, e.Err) {
				t.Fatalf("Parse(%q): errors.Is(err, %v) is false", s, e.Err)
			}
			switch e.Part {
			case PartAddress, PartLocal, PartDomain, PartResource:
			default:
				t.Fatalf("Parse(%q): unknown part %q", s, e.Part)
			}
			if !j.IsZero() {
				t.Fatalf("Parse(%q) = %q with error %v", s, j, err)
			}
			return
		}
		checkInvariants(t, j)
		if strings.ContainsAny(j.Localpart(), forbiddenLocal) ||
			strings.ContainsAny(j.Domainpart(), "@/") {
			t.Fatalf("Parse(%q) = %q has a separator inside a part", s, j)
		}
	})
}

// FuzzEscape checks that UnescapeLocal reverses EscapeLocal, that escaped
// names hold no character XEP-0106 escapes, and that neither panics.
func FuzzEscape(f *testing.F) {
	for _, tc := range escapeTests() {
		f.Add(tc.in)
		f.Add(tc.escaped)
	}
	f.Add(" \\20 ")
	f.Fuzz(func(t *testing.T, s string) {
		e := EscapeLocal(s)
		want := strings.Trim(s, " ")
		if got := UnescapeLocal(e); got != want {
			t.Fatalf("UnescapeLocal(EscapeLocal(%q)) = UnescapeLocal(%q) = %q, want %q", s, e, got, want)
		}
		if strings.ContainsAny(e, ` "&'/:<>@`) {
			t.Fatalf("EscapeLocal(%q) = %q holds a character that must be escaped", s, e)
		}
		if strings.HasPrefix(e, `\20`) || strings.HasSuffix(e, `\20`) {
			t.Fatalf("EscapeLocal(%q) = %q starts or ends with \\20", s, e)
		}
		if EscapeLocal(UnescapeLocal(e)) != e {
			t.Fatalf("EscapeLocal(UnescapeLocal(%q)) = %q", e, EscapeLocal(UnescapeLocal(e)))
		}
		if u := UnescapeLocal(s); !strings.Contains(s, `\`) && u != s {
			t.Fatalf("UnescapeLocal(%q) = %q without any backslash", s, u)
		}
	})
}
