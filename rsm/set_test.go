package rsm_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/xmppkit/xmpp/rsm"
	"github.com/xmppkit/xmpp/stanza"
)

func mustElement(t testing.TB, s string) *stanza.Element {
	t.Helper()
	e, err := stanza.ParseElement(s)
	if err != nil {
		t.Fatalf("ParseElement(%s): %v", s, err)
	}
	return e
}

// The examples of XEP-0059, requests and responses.
const (
	xepLimit    = `<set xmlns='http://jabber.org/protocol/rsm'><max>10</max></set>`
	xepPage     = `<set xmlns='http://jabber.org/protocol/rsm'><first index='0'>stpeter@jabber.org</first><last>peterpan@neverland.lit</last><count>800</count></set>`
	xepAfter    = `<set xmlns='http://jabber.org/protocol/rsm'><max>10</max><after>peterpan@neverland.lit</after></set>`
	xepEmpty    = `<set xmlns='http://jabber.org/protocol/rsm'><count>790</count></set>`
	xepBefore   = `<set xmlns='http://jabber.org/protocol/rsm'><max>10</max><before>peter@pixyland.org</before></set>`
	xepLastPage = `<set xmlns='http://jabber.org/protocol/rsm'><max>10</max><before/></set>`
	xepIndex    = `<set xmlns='http://jabber.org/protocol/rsm'><max>10</max><index>371</index></set>`
	xepIndexed  = `<set xmlns='http://jabber.org/protocol/rsm'><first index='371'>peter@pixyland.org</first><last>peterpan@neverland.lit</last><count>800</count></set>`
	xepCount    = `<set xmlns='http://jabber.org/protocol/rsm'><max>0</max></set>`
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want rsm.Set
	}{
		{"limit", xepLimit, rsm.Set{Max: new(10)}},
		{"page", xepPage, rsm.Set{First: "stpeter@jabber.org", FirstIndex: new(0), Last: "peterpan@neverland.lit", Count: new(800)}},
		{"after", xepAfter, rsm.Set{Max: new(10), After: "peterpan@neverland.lit"}},
		{"empty page", xepEmpty, rsm.Set{Count: new(790)}},
		{"before", xepBefore, rsm.Set{Max: new(10), Before: new("peter@pixyland.org")}},
		{"last page", xepLastPage, rsm.Set{Max: new(10), Before: new("")}},
		{"index", xepIndex, rsm.Set{Max: new(10), Index: new(371)}},
		{"indexed", xepIndexed, rsm.Set{First: "peter@pixyland.org", FirstIndex: new(371), Last: "peterpan@neverland.lit", Count: new(800)}},
		{"count only", xepCount, rsm.Set{Max: new(0)}},
		{"nothing", `<set xmlns='http://jabber.org/protocol/rsm'/>`, rsm.Set{}},
		{"first without index", `<set xmlns='http://jabber.org/protocol/rsm'><first>a</first><last>a</last></set>`, rsm.Set{First: "a", Last: "a"}},
		{"white space around numbers", "<set xmlns='http://jabber.org/protocol/rsm'><max>\n 5\t</max><count> 7 </count></set>", rsm.Set{Max: new(5), Count: new(7)}},
		{"foreign children ignored", `<set xmlns='http://jabber.org/protocol/rsm'><max>1</max><max xmlns='urn:other'>x</max></set>`, rsm.Set{Max: new(1)}},
		{"largest", `<set xmlns='http://jabber.org/protocol/rsm'><count>2147483647</count></set>`, rsm.Set{Count: new(2147483647)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := rsm.Parse(mustElement(t, tc.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Parse = %+v; want %+v", got, tc.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, in string }{
		{"wrong name", `<sets xmlns='http://jabber.org/protocol/rsm'/>`},
		{"wrong namespace", `<set xmlns='urn:xmpp:mam:2'/>`},
		{"negative max", `<set xmlns='http://jabber.org/protocol/rsm'><max>-1</max></set>`},
		{"signed max", `<set xmlns='http://jabber.org/protocol/rsm'><max>+1</max></set>`},
		{"empty max", `<set xmlns='http://jabber.org/protocol/rsm'><max/></set>`},
		{"huge count", `<set xmlns='http://jabber.org/protocol/rsm'><count>2147483648</count></set>`},
		{"text index", `<set xmlns='http://jabber.org/protocol/rsm'><index>ten</index></set>`},
		{"bad first index", `<set xmlns='http://jabber.org/protocol/rsm'><first index='x'>a</first></set>`},
		{"empty first", `<set xmlns='http://jabber.org/protocol/rsm'><first index='0'/></set>`},
		{"empty last", `<set xmlns='http://jabber.org/protocol/rsm'><last/></set>`},
		{"empty after", `<set xmlns='http://jabber.org/protocol/rsm'><after/></set>`},
		{"two max", `<set xmlns='http://jabber.org/protocol/rsm'><max>1</max><max>2</max></set>`},
		{"two last", `<set xmlns='http://jabber.org/protocol/rsm'><last>a</last><last>b</last></set>`},
		{"unknown child", `<set xmlns='http://jabber.org/protocol/rsm'><page>2</page></set>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := rsm.Parse(mustElement(t, tc.in))
			if !errors.Is(err, rsm.ErrMalformed) {
				t.Fatalf("Parse = %+v, %v; want an error wrapping ErrMalformed", s, err)
			}
		})
	}
	if _, err := rsm.Parse(nil); !errors.Is(err, rsm.ErrMalformed) {
		t.Fatalf("Parse(nil) = %v", err)
	}
}

// TestElement checks that Element writes the XEP's examples as they are.
func TestElement(t *testing.T) {
	for _, in := range []string{xepLimit, xepPage, xepAfter, xepEmpty, xepBefore, xepLastPage, xepIndex, xepIndexed, xepCount} {
		s, err := rsm.Parse(mustElement(t, in))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := s.Element(), mustElement(t, in); !got.Equal(want) {
			t.Errorf("Element() = %s; want %s", got, want)
		}
	}
	// Negative numbers and a lone FirstIndex are not encoded.
	got := rsm.Set{Max: new(-1), Count: new(-5), FirstIndex: new(3)}.Element()
	if want := mustElement(t, `<set xmlns='http://jabber.org/protocol/rsm'/>`); !got.Equal(want) {
		t.Errorf("Element() = %s; want %s", got, want)
	}
}
