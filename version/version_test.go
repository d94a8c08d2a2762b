package version_test

import (
	"errors"
	"testing"

	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/version"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		xml  string
		want version.Info
		ok   bool
	}{
		{"xep example", `<query xmlns='jabber:iq:version'><name>Exodus</name><version>0.7.0.4</version><os>Windows-XP 5.01.2600</os></query>`,
			version.Info{Name: "Exodus", Version: "0.7.0.4", OS: "Windows-XP 5.01.2600"}, true},
		{"no os", `<query xmlns='jabber:iq:version'><name>ejabberd</name><version>23.01</version></query>`,
			version.Info{Name: "ejabberd", Version: "23.01"}, true},
		{"any order, white space", "<query xmlns='jabber:iq:version'>\n <version>1</version>\n <name>n</name>\n</query>",
			version.Info{Name: "n", Version: "1"}, true},
		{"empty elements", `<query xmlns='jabber:iq:version'><name/><version/></query>`, version.Info{}, true},
		{"foreign child ignored", `<query xmlns='jabber:iq:version'><name>n</name><version>1</version><x xmlns='urn:example'><name>no</name></x></query>`,
			version.Info{Name: "n", Version: "1"}, true},
		{"escaped text", `<query xmlns='jabber:iq:version'><name>a &amp; b</name><version>&lt;1&gt;</version></query>`,
			version.Info{Name: "a & b", Version: "<1>"}, true},

		{"empty query", `<query xmlns='jabber:iq:version'/>`, version.Info{}, false},
		{"missing name", `<query xmlns='jabber:iq:version'><version>1</version></query>`, version.Info{}, false},
		{"missing version", `<query xmlns='jabber:iq:version'><name>n</name><os>x</os></query>`, version.Info{}, false},
		{"wrong namespace", `<query xmlns='jabber:iq:last'><name>n</name><version>1</version></query>`, version.Info{}, false},
		{"wrong name", `<version xmlns='jabber:iq:version'><name>n</name><version>1</version></version>`, version.Info{}, false},
		{"children in another namespace", `<query xmlns='jabber:iq:version'><name xmlns='urn:x'>n</name><version xmlns='urn:x'>1</version></query>`, version.Info{}, false},
		{"duplicate name", `<query xmlns='jabber:iq:version'><name>n</name><name>m</name><version>1</version></query>`, version.Info{}, false},
		{"duplicate os", `<query xmlns='jabber:iq:version'><name>n</name><version>1</version><os>a</os><os>b</os></query>`, version.Info{}, false},
		{"unknown child", `<query xmlns='jabber:iq:version'><name>n</name><version>1</version><build>7</build></query>`, version.Info{}, false},
		{"element content", `<query xmlns='jabber:iq:version'><name><b>n</b></name><version>1</version></query>`, version.Info{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := stanza.ParseElement(tt.xml)
			if err != nil {
				t.Fatal(err)
			}
			got, err := version.Parse(e)
			if !tt.ok {
				if !errors.Is(err, version.ErrMalformed) {
					t.Fatalf("Parse = %+v, %v; want an error wrapping ErrMalformed", got, err)
				}
				if got != (version.Info{}) {
					t.Errorf("Parse returned %+v with its error, want the zero Info", got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Parse = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestParseNil(t *testing.T) {
	if _, err := version.Parse(nil); !errors.Is(err, version.ErrMalformed) {
		t.Fatalf("Parse(nil) = %v", err)
	}
}

func TestElement(t *testing.T) {
	tests := []struct {
		info version.Info
		want string
	}{
		{version.Info{Name: "xmpp", Version: "1.0"},
			`<query xmlns="jabber:iq:version"><name>xmpp</name><version>1.0</version></query>`},
		{version.Info{Name: "xmpp", Version: "1.0", OS: "linux"},
			`<query xmlns="jabber:iq:version"><name>xmpp</name><version>1.0</version><os>linux</os></query>`},
	}
	for _, tt := range tests {
		want, err := stanza.ParseElement(tt.want)
		if err != nil {
			t.Fatal(err)
		}
		if got := tt.info.Element(); !got.Equal(want) {
			t.Errorf("%+v encodes as %s, want %s", tt.info, got, want)
		}
	}
}
