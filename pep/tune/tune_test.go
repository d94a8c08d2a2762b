package tune_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/pep/tune"
	"github.com/xmppkit/xmpp/stanza"
)

func TestParse(t *testing.T) {
	e, err := stanza.ParseElement(`<tune xmlns='http://jabber.org/protocol/tune'><artist>Yes</artist><length>686</length><rating>8</rating><source>Yessongs</source><title>Heart of the Sunrise</title><track>3</track><uri>http://www.yesworld.com/lyrics/Fragile.html#9</uri><x xmlns='jabber:x:oob'/></tune>`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tune.Parse(e)
	want := tune.Tune{Artist: "Yes", Length: 686 * time.Second, Rating: 8, Source: "Yessongs", Title: "Heart of the Sunrise",
		Track: "3", URI: "http://www.yesworld.com/lyrics/Fragile.html#9"}
	if err != nil || got != want {
		t.Fatalf("Parse: %+v, %v", got, err)
	}
	if back, err := tune.Parse(got.Element()); err != nil || back != want {
		t.Errorf("round trip %+v, %v", back, err)
	}
	for _, s := range []string{
		`<tune xmlns='http://jabber.org/protocol/tune'><length>65536</length></tune>`,
		`<tune xmlns='http://jabber.org/protocol/tune'><length>-1</length></tune>`,
		`<tune xmlns='http://jabber.org/protocol/tune'><rating>11</rating></tune>`,
		`<song xmlns='http://jabber.org/protocol/tune'/>`,
	} {
		e, err := stanza.ParseElement(s)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := tune.Parse(e); !errors.Is(err, tune.ErrMalformed) {
			t.Errorf("Parse(%s) = %+v, %v", s, got, err)
		}
	}
}

func ExampleTune_Element() {
	fmt.Println(tune.Tune{Artist: "Yes", Title: "Heart of the Sunrise", Length: 686 * time.Second}.Element())
	// Output:
	// <tune xmlns='http://jabber.org/protocol/tune'><artist>Yes</artist><length>686</length><title>Heart of the Sunrise</title></tune>
}

func FuzzParse(f *testing.F) {
	f.Add(`<tune xmlns='http://jabber.org/protocol/tune'><artist>Yes</artist><length>686</length></tune>`)
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		tn, err := tune.Parse(e)
		if err != nil {
			return
		}
		if back, err := tune.Parse(tn.Element()); err != nil || back != tn {
			t.Errorf("round trip of %s: %+v, %v", s, back, err)
		}
	})
}
