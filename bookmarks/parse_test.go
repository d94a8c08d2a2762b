package bookmarks_test

import (
	"errors"
	"testing"

	"github.com/xmppkit/xmpp/bookmarks"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, id, xml string
		want          bookmarks.Bookmark
		bad           bool
	}{
		{name: "XEP-0402 example 1", id: "council@conference.underhill.org",
			xml:  `<conference xmlns='urn:xmpp:bookmarks:1' name='Council of Oberon' autojoin='true'><nick>Puck</nick></conference>`,
			want: bookmarks.Bookmark{Room: jid.MustParse("council@conference.underhill.org"), Name: "Council of Oberon", Autojoin: true, Nick: "Puck"}},
		{name: "minimal", id: "room@muc.example", xml: `<conference xmlns='urn:xmpp:bookmarks:1'/>`,
			want: bookmarks.Bookmark{Room: jid.MustParse("room@muc.example")}},
		{name: "autojoin 1, password, extensions", id: "orchard@conference.shakespeare.lit",
			xml: `<conference xmlns='urn:xmpp:bookmarks:1' name='The Orcard' autojoin=' 1 '><nick>JC</nick><password>pw</password>` +
				`<extensions><state xmlns='http://myclient.example/bookmark/state' minimized='true'/><other xmlns='urn:x'>t</other></extensions></conference>`,
			want: bookmarks.Bookmark{Room: jid.MustParse("orchard@conference.shakespeare.lit"), Name: "The Orcard", Autojoin: true, Nick: "JC", Password: "pw",
				Extensions: []*stanza.Element{
					stanza.NewElement("http://myclient.example/bookmark/state", "state", stanza.A("minimized", "true")),
					stanza.NewElement("urn:x", "other").AddText("t"),
				}}},
		{name: "autojoin false", id: "a@b", xml: `<conference xmlns='urn:xmpp:bookmarks:1' autojoin='false'/>`,
			want: bookmarks.Bookmark{Room: jid.MustParse("a@b")}},
		{name: "first nick wins, foreign children ignored", id: "a@b",
			xml:  `<conference xmlns='urn:xmpp:bookmarks:1'><x xmlns='urn:y'/><nick>one</nick><nick>two</nick></conference>`,
			want: bookmarks.Bookmark{Room: jid.MustParse("a@b"), Nick: "one"}},
		{name: "domain-only room", id: "irc.example", xml: `<conference xmlns='urn:xmpp:bookmarks:1'/>`,
			want: bookmarks.Bookmark{Room: jid.MustParse("irc.example")}},
		{name: "full JID", id: "a@b/c", xml: `<conference xmlns='urn:xmpp:bookmarks:1'/>`, bad: true},
		{name: "empty id", id: "", xml: `<conference xmlns='urn:xmpp:bookmarks:1'/>`, bad: true},
		{name: "invalid id", id: "a@@b", xml: `<conference xmlns='urn:xmpp:bookmarks:1'/>`, bad: true},
		{name: "legacy namespace", id: "a@b", xml: `<conference xmlns='storage:bookmarks'/>`, bad: true},
		{name: "other payload", id: "a@b", xml: `<storage xmlns='urn:xmpp:bookmarks:1'/>`, bad: true},
		{name: "bad boolean", id: "a@b", xml: `<conference xmlns='urn:xmpp:bookmarks:1' autojoin='yes'/>`, bad: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := bookmarks.Parse(tc.id, testkit.MustElement(t, tc.xml))
			if tc.bad {
				if !errors.Is(err, bookmarks.ErrMalformed) {
					t.Fatalf("Parse = %+v, %v; want ErrMalformed", got, err)
				}
				return
			}
			if err != nil || !sameBookmark(got, tc.want) {
				t.Fatalf("Parse = %+v, %v; want %+v", got, err, tc.want)
			}
			again, err := bookmarks.Parse(got.Room.String(), got.Element())
			if err != nil || !sameBookmark(again, got) {
				t.Fatalf("encoded %s and parsed again: %+v, %v", got.Element(), again, err)
			}
		})
	}
	if _, err := bookmarks.Parse("a@b", nil); !errors.Is(err, bookmarks.ErrMalformed) {
		t.Errorf("Parse(nil) = %v; want ErrMalformed", err)
	}
}

func TestElement(t *testing.T) {
	got := council.Element()
	want := testkit.MustElement(t, `<conference xmlns='urn:xmpp:bookmarks:1' name='Council of Oberon' autojoin='true'>`+
		`<nick>Puck</nick><password>secret</password><extensions><state xmlns='http://myclient.example/bookmark/state' minimized='true'/></extensions></conference>`)
	if !got.Equal(want) {
		t.Errorf("Element:\n%s\nwant\n%s", got, want)
	}
	if got := (bookmarks.Bookmark{Room: orchard.Room}).Element(); !got.Equal(testkit.MustElement(t, `<conference xmlns='urn:xmpp:bookmarks:1'/>`)) {
		t.Errorf("Element of an empty bookmark: %s", got)
	}
	// The extensions are copied, not shared.
	e := council.Element()
	e.Child(bookmarks.NS, "extensions").FirstChild().SetAttr("minimized", "false")
	if council.Extensions[0].Attr("minimized") != "true" {
		t.Error("Element shares the extensions with the Bookmark")
	}
}

func TestParseStorage(t *testing.T) {
	s := testkit.MustElement(t, `<storage xmlns='storage:bookmarks'>`+
		`<conference name='Council of Oberon' autojoin='true' jid='council@conference.underhill.org'><nick>Puck</nick></conference>`+
		`<url name='Complete Works of Shakespeare' url='http://the-tech.mit.edu/Shakespeare/'/>`+
		`<conference jid='orchard@conference.shakespeare.lit' autojoin='0'><password>pw</password><minimize xmlns='urn:x'/></conference>`+
		`<conference jid='council@conference.underhill.org' name='again'/>`+
		`</storage>`)
	got, err := bookmarks.ParseStorage(s)
	want := []bookmarks.Bookmark{
		{Room: jid.MustParse("council@conference.underhill.org"), Name: "Council of Oberon", Autojoin: true, Nick: "Puck"},
		{Room: jid.MustParse("orchard@conference.shakespeare.lit"), Password: "pw", Extensions: []*stanza.Element{stanza.NewElement("urn:x", "minimize")}},
	}
	if err != nil || len(got) != len(want) {
		t.Fatalf("ParseStorage = %+v, %v", got, err)
	}
	for i := range want {
		if !sameBookmark(got[i], want[i]) {
			t.Errorf("bookmark %d: %+v; want %+v", i, got[i], want[i])
		}
	}
	again, err := bookmarks.ParseStorage(bookmarks.StorageElement(got...))
	if err != nil || len(again) != 2 || !sameBookmark(again[0], got[0]) || !sameBookmark(again[1], got[1]) {
		t.Errorf("encoded and parsed again: %+v, %v", again, err)
	}
	for _, bad := range []string{
		`<storage xmlns='storage:bookmarks'><conference name='no jid'/></storage>`,
		`<storage xmlns='storage:bookmarks'><conference jid='a@b/c'/></storage>`,
		`<storage xmlns='storage:bookmarks'><conference jid='a@b' autojoin='maybe'/></storage>`,
		`<storage xmlns='urn:xmpp:bookmarks:1'/>`,
		`<query xmlns='jabber:iq:private'/>`,
	} {
		if got, err := bookmarks.ParseStorage(testkit.MustElement(t, bad)); !errors.Is(err, bookmarks.ErrMalformed) {
			t.Errorf("ParseStorage(%s) = %+v, %v; want ErrMalformed", bad, got, err)
		}
	}
}

func TestModeString(t *testing.T) {
	for m, want := range map[bookmarks.Mode]string{bookmarks.ModeAuto: "auto", bookmarks.ModePEP: "XEP-0402", bookmarks.ModePrivate: "XEP-0048", 7: "Mode(7)"} {
		if got := m.String(); got != want {
			t.Errorf("%d.String() = %q; want %q", int(m), got, want)
		}
	}
}
