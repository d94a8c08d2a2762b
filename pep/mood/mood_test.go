package mood_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/xmppkit/xmpp/pep/mood"
	"github.com/xmppkit/xmpp/stanza"
)

func TestParse(t *testing.T) {
	e, err := stanza.ParseElement(`<mood xmlns='http://jabber.org/protocol/mood'><happy><ecstatic xmlns='http://ik.nu/ralphm'/></happy><text>Yay, the mood document has been approved!</text></mood>`)
	if err != nil {
		t.Fatal(err)
	}
	m, err := mood.Parse(e)
	if err != nil || m.Value != mood.Happy || !m.Value.Known() || m.Text != "Yay, the mood document has been approved!" ||
		m.Specific == nil || m.Specific.Name.Local != "ecstatic" {
		t.Fatalf("Parse: %+v, %v", m, err)
	}
	back, err := mood.Parse(m.Element())
	if err != nil || back.Value != m.Value || back.Text != m.Text || !back.Specific.Equal(m.Specific) {
		t.Errorf("round trip %+v, %v", back, err)
	}
	future, err := mood.Parse(stanza.NewElement(mood.NS, "mood").AddChild(stanza.NewElement(mood.NS, "serene")))
	if err != nil || future.Value != "serene" || future.Value.Known() {
		t.Errorf("an unknown value: %+v, %v", future, err)
	}
	for _, s := range []string{
		`<mood xmlns='http://jabber.org/protocol/mood'><text>no value</text></mood>`,
		`<mood xmlns='http://jabber.org/protocol/mood'><happy/><sad/></mood>`,
		`<feeling xmlns='http://jabber.org/protocol/mood'><happy/></feeling>`,
	} {
		e, err := stanza.ParseElement(s)
		if err != nil {
			t.Fatal(err)
		}
		if m, err := mood.Parse(e); !errors.Is(err, mood.ErrMalformed) {
			t.Errorf("Parse(%s) = %+v, %v", s, m, err)
		}
	}
}

func ExampleMood_Element() {
	fmt.Println(mood.Mood{Value: mood.Annoyed, Text: "curse my nurse!"}.Element())
	// Output:
	// <mood xmlns='http://jabber.org/protocol/mood'><annoyed/><text>curse my nurse!</text></mood>
}

func FuzzParse(f *testing.F) {
	f.Add(`<mood xmlns='http://jabber.org/protocol/mood'><happy/><text>x</text></mood>`)
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		m, err := mood.Parse(e)
		if err != nil {
			return
		}
		back, err := mood.Parse(m.Element())
		if err != nil || back.Value != m.Value || back.Text != m.Text {
			t.Errorf("round trip of %s: %+v, %v", s, back, err)
		}
	})
}
