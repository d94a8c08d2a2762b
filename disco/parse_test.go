package disco_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
)

func TestParseInfo(t *testing.T) {
	const q = `<query xmlns='http://jabber.org/protocol/disco#info'`
	got, err := disco.ParseInfo(mustParse(t, q+` node='n'>
		<identity category='conference' type='text' name='Play-Specific Chatrooms'/>
		<identity category='directory' type='chatroom' name='Play-Specific Chatrooms' xml:lang='en'/>
		<feature var='http://jabber.org/protocol/disco#info'/>
		<feature var='http://jabber.org/protocol/muc'/>
		<other xmlns='urn:example'/>
		<x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'><value>urn:x</value></field></x>
	</query>`))
	if err != nil {
		t.Fatal(err)
	}
	want := disco.Info{
		Node: "n",
		Identities: []disco.Identity{
			{Category: "conference", Type: "text", Name: "Play-Specific Chatrooms"},
			{Category: "directory", Type: "chatroom", Name: "Play-Specific Chatrooms", Lang: "en"},
		},
		Features: []string{"http://jabber.org/protocol/disco#info", "http://jabber.org/protocol/muc"},
		Forms:    []*form.Form{form.New(form.TypeResult, "urn:x")},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ParseInfo = %+v, want %+v", got, want)
	}
	if !got.HasFeature("http://jabber.org/protocol/muc") || got.HasFeature("urn:none") ||
		!got.HasIdentity("conference", "text") || got.HasIdentity("conference", "irc") ||
		got.Form("urn:x") == nil || got.Form("urn:y") != nil {
		t.Error("HasFeature, HasIdentity or Form answered wrongly")
	}

	for name, s := range map[string]string{
		"wrong namespace":        `<query xmlns='http://jabber.org/protocol/disco#items'><identity category='a' type='b'/></query>`,
		"wrong name":             `<info xmlns='http://jabber.org/protocol/disco#info'><identity category='a' type='b'/></info>`,
		"no identity":            q + `><feature var='a'/></query>`,
		"empty":                  q + `/>`,
		"no category":            q + `><identity type='b'/></query>`,
		"no type":                q + `><identity category='a'/></query>`,
		"identical identities":   q + `><identity category='a' type='b'/><identity category='a' type='b'/></query>`,
		"same identity, 2 names": q + `><identity category='a' type='b' name='x'/><identity category='a' type='b' name='y'/></query>`,
		"feature without var":    q + `><identity category='a' type='b'/><feature/></query>`,
		"feature repeated":       q + `><identity category='a' type='b'/><feature var='f'/><feature var='f'/></query>`,
		"feature with child":     q + `><identity category='a' type='b'/><feature var='f'><x/></feature></query>`,
		"unknown element":        q + `><identity category='a' type='b'/><item jid='a'/></query>`,
		"text":                   q + `>hi<identity category='a' type='b'/></query>`,
		"bad form":               q + `><identity category='a' type='b'/><x xmlns='jabber:x:data'/></query>`,
	} {
		if info, err := disco.ParseInfo(mustParse(t, s)); !errors.Is(err, disco.ErrMalformed) {
			t.Errorf("%s: ParseInfo = %+v, %v; want ErrMalformed", name, info, err)
		}
	}
	if _, err := disco.ParseInfo(nil); !errors.Is(err, disco.ErrMalformed) {
		t.Errorf("ParseInfo(nil) = %v", err)
	}
	// The same category and type in two languages is fine.
	if _, err := disco.ParseInfo(mustParse(t, q+`><identity category='a' type='b' xml:lang='en'/><identity category='a' type='b' xml:lang='de'/></query>`)); err != nil {
		t.Errorf("two languages: %v", err)
	}
	// A malformed form wraps form.ErrMalformed too.
	if _, err := disco.ParseInfo(mustParse(t, q+`><identity category='a' type='b'/><x xmlns='jabber:x:data'/></query>`)); !errors.Is(err, form.ErrMalformed) {
		t.Errorf("bad form: %v does not wrap form.ErrMalformed", err)
	}
}

func TestParseItems(t *testing.T) {
	const q = `<query xmlns='http://jabber.org/protocol/disco#items'`
	got, err := disco.ParseItems(mustParse(t, q+`>
		<item jid='people.shakespeare.lit' name='Directory of Characters'/>
		<item jid='catalog.shakespeare.lit' node='books' name='Books by and about Shakespeare'/>
		<set xmlns='http://jabber.org/protocol/rsm'><count>2</count></set>
	</query>`))
	if err != nil {
		t.Fatal(err)
	}
	want := []disco.Item{
		{JID: jid.MustParse("people.shakespeare.lit"), Name: "Directory of Characters"},
		{JID: jid.MustParse("catalog.shakespeare.lit"), Node: "books", Name: "Books by and about Shakespeare"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ParseItems = %+v, want %+v", got, want)
	}
	if items, err := disco.ParseItems(mustParse(t, q+`/>`)); err != nil || len(items) != 0 {
		t.Errorf("empty: %v, %v", items, err)
	}
	for name, s := range map[string]string{
		"wrong namespace": `<query xmlns='http://jabber.org/protocol/disco#info'/>`,
		"no jid":          q + `><item name='x'/></query>`,
		"bad jid":         q + `><item jid='@x'/></query>`,
		"unknown element": q + `><identity category='a' type='b'/></query>`,
		"text":            q + `>x</query>`,
	} {
		if items, err := disco.ParseItems(mustParse(t, s)); !errors.Is(err, disco.ErrMalformed) {
			t.Errorf("%s: ParseItems = %+v, %v; want ErrMalformed", name, items, err)
		}
	}
}

func TestParseCaps(t *testing.T) {
	got, err := disco.ParseCaps(mustParse(t, `<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='http://code.google.com/p/exodus' ver='QgayPKawpkPSDYmwT/WM94uAlu0='/>`))
	want := disco.Caps{Hash: "sha-1", Node: "http://code.google.com/p/exodus", Ver: "QgayPKawpkPSDYmwT/WM94uAlu0="}
	if err != nil || got != want {
		t.Fatalf("ParseCaps = %+v, %v", got, err)
	}
	if again, err := disco.ParseCaps(got.Element()); err != nil || again != got {
		t.Errorf("round trip: %+v, %v", again, err)
	}
	for _, s := range []string{
		`<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='n'/>`,
		`<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' ver='v'/>`,
		`<c xmlns='urn:other' hash='sha-1' node='n' ver='v'/>`,
	} {
		if _, err := disco.ParseCaps(mustParse(t, s)); !errors.Is(err, disco.ErrMalformed) {
			t.Errorf("ParseCaps(%s) = %v, want ErrMalformed", s, err)
		}
	}
	// Legacy format: no hash.
	if c, err := disco.ParseCaps(mustParse(t, `<c xmlns='http://jabber.org/protocol/caps' node='n' ver='1.0' ext='a b'/>`)); err != nil || c.Hash != "" {
		t.Errorf("legacy: %+v, %v", c, err)
	}
}
