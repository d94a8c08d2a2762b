package form_test

import (
	"reflect"
	"testing"

	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/stanza"
)

// mustParse decodes the form in s, failing the test if it is not one.
func mustParse(t testing.TB, s string) *form.Form {
	t.Helper()
	e, err := stanza.ParseElement(s)
	if err != nil {
		t.Fatalf("ParseElement: %v", err)
	}
	f, err := form.Parse(e)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return f
}

// reparse encodes f, serializes it, and decodes it again.
func reparse(t testing.TB, f *form.Form) *form.Form {
	t.Helper()
	e, err := stanza.ParseElement(f.Element().String())
	if err != nil {
		t.Fatalf("ParseElement of %s: %v", f.Element(), err)
	}
	g, err := form.Parse(e)
	if err != nil {
		t.Fatalf("Parse of our own encoding %s: %v", f.Element(), err)
	}
	return g
}

// equalForms reports whether a and b are the same form; extension
// elements are compared with stanza.Element.Equal.
func equalForms(a, b *form.Form) bool {
	a, b = a.Copy(), b.Copy()
	if !equalExtensions(a.Fields, b.Fields) || !equalExtensions(a.Reported, b.Reported) || len(a.Items) != len(b.Items) {
		return false
	}
	for i := range a.Items {
		if !equalExtensions(a.Items[i], b.Items[i]) {
			return false
		}
	}
	return reflect.DeepEqual(a, b)
}

// equalExtensions compares the extensions of two field lists, then
// removes them so that the rest can be compared with reflect.DeepEqual.
func equalExtensions(a, b []form.Field) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i].Extensions) != len(b[i].Extensions) {
			return false
		}
		for j := range a[i].Extensions {
			if !a[i].Extensions[j].Equal(b[i].Extensions[j]) {
				return false
			}
		}
		a[i].Extensions, b[i].Extensions = nil, nil
	}
	return true
}
