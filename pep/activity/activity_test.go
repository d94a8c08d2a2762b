package activity_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/xmppkit/xmpp/pep/activity"
	"github.com/xmppkit/xmpp/stanza"
)

func TestParse(t *testing.T) {
	e, err := stanza.ParseElement(`<activity xmlns='http://jabber.org/protocol/activity'><relaxing><partying/></relaxing><text xml:lang='en'>My nurse&apos;s birthday!</text></activity>`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := activity.Parse(e)
	want := activity.Activity{General: "relaxing", Specific: "partying", Text: "My nurse's birthday!"}
	if err != nil || got != want || !got.Known() {
		t.Fatalf("Parse: %+v, %v", got, err)
	}
	if back, err := activity.Parse(got.Element()); err != nil || back != want {
		t.Errorf("round trip %+v, %v", back, err)
	}
	if (activity.Activity{General: "eating", Specific: "having_a_beer"}).Known() {
		t.Error("a beer is not eating")
	}
	for _, s := range []string{
		`<activity xmlns='http://jabber.org/protocol/activity'><text>nothing</text></activity>`,
		`<activity xmlns='http://jabber.org/protocol/activity'><eating/><drinking/></activity>`,
		`<activity xmlns='http://jabber.org/protocol/activity'><eating><having_lunch/><having_dinner/></eating></activity>`,
	} {
		e, err := stanza.ParseElement(s)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := activity.Parse(e); !errors.Is(err, activity.ErrMalformed) {
			t.Errorf("Parse(%s) = %+v, %v", s, got, err)
		}
	}
}

func ExampleActivity_Element() {
	fmt.Println(activity.Activity{General: "working", Specific: "coding"}.Element())
	// Output:
	// <activity xmlns='http://jabber.org/protocol/activity'><working><coding/></working></activity>
}

func FuzzParse(f *testing.F) {
	f.Add(`<activity xmlns='http://jabber.org/protocol/activity'><relaxing><partying/></relaxing><text>x</text></activity>`)
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		a, err := activity.Parse(e)
		if err != nil {
			return
		}
		if back, err := activity.Parse(a.Element()); err != nil || back != a {
			t.Errorf("round trip of %s: %+v, %v", s, back, err)
		}
	})
}
