package privacy_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/xmppkit/xmpp/privacy"
	"github.com/xmppkit/xmpp/stanza"
)

func mustElement(t *testing.T, s string) *stanza.Element {
	t.Helper()
	e, err := stanza.ParseElement(s)
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return e
}

func equalLists(a, b privacy.List) bool { return a.Name == b.Name && slices.Equal(a.Items, b.Items) }

func TestParseList(t *testing.T) {
	const q = `<query xmlns='jabber:iq:privacy'>`
	for _, tc := range []struct {
		name, in string
		want     privacy.List
		err      bool
	}{
		{"xep example", q + `
  <list name='public'>
    <item type='jid'
          value='tybalt@example.com'
          action='deny'
          order='1'/>
    <item action='allow' order='2'/>
  </list>
</query>`, privacy.List{Name: "public", Items: []privacy.Item{
			{Type: privacy.TypeJID, Value: "tybalt@example.com", Action: privacy.Deny, Order: 1},
			{Action: privacy.Allow, Order: 2},
		}}, false},
		{"kinds and types", q + `<list name='x'>
  <item type='group' value='Enemies' action='deny' order='5'><message/><iq/><presence-in/><presence-out/></item>
  <item type='subscription' value='none' action='deny' order='4294967295'><presence-out/></item>
  <item type='jid' value='Tybalt@Example.COM/Res' action='allow' order='0'/>
</list></query>`, privacy.List{Name: "x", Items: []privacy.Item{
			{Type: privacy.TypeGroup, Value: "Enemies", Action: privacy.Deny, Order: 5, Message: true, IQ: true, PresenceIn: true, PresenceOut: true},
			{Type: privacy.TypeSubscription, Value: "none", Action: privacy.Deny, Order: 4294967295, PresenceOut: true},
			{Type: privacy.TypeJID, Value: "tybalt@example.com/Res", Action: privacy.Allow, Order: 0},
		}}, false},
		{"push, no items", q + `<list name='public'/></query>`, privacy.List{Name: "public"}, false},
		{"foreign ignored", q + `<x xmlns='urn:e'/><list name='a'><item action='allow' order='1'><y xmlns='urn:e'/></item></list></query>`,
			privacy.List{Name: "a", Items: []privacy.Item{{Action: privacy.Allow, Order: 1}}}, false},
		{"no list", q + `</query>`, privacy.List{}, true},
		{"two lists", q + `<list name='a'/><list name='b'/></query>`, privacy.List{}, true},
		{"active", q + `<active name='a'/></query>`, privacy.List{}, true},
		{"wrong namespace", `<query xmlns='jabber:iq:roster'><list name='a'/></query>`, privacy.List{}, true},
		{"wrong name", `<list xmlns='jabber:iq:privacy' name='a'/>`, privacy.List{}, true},
		{"no name", q + `<list/></query>`, privacy.List{}, true},
		{"no action", q + `<list name='a'><item order='1'/></list></query>`, privacy.List{}, true},
		{"bad action", q + `<list name='a'><item action='block' order='1'/></list></query>`, privacy.List{}, true},
		{"no order", q + `<list name='a'><item action='deny'/></list></query>`, privacy.List{}, true},
		{"negative order", q + `<list name='a'><item action='deny' order='-1'/></list></query>`, privacy.List{}, true},
		{"order too big", q + `<list name='a'><item action='deny' order='4294967296'/></list></query>`, privacy.List{}, true},
		{"duplicate order", q + `<list name='a'><item action='deny' order='1'/><item action='allow' order='1'/></list></query>`, privacy.List{}, true},
		{"bad type", q + `<list name='a'><item type='domain' value='x' action='deny' order='1'/></list></query>`, privacy.List{}, true},
		{"bad jid", q + `<list name='a'><item type='jid' value='a@@b' action='deny' order='1'/></list></query>`, privacy.List{}, true},
		{"jid without value", q + `<list name='a'><item type='jid' action='deny' order='1'/></list></query>`, privacy.List{}, true},
		{"bad subscription", q + `<list name='a'><item type='subscription' value='all' action='deny' order='1'/></list></query>`, privacy.List{}, true},
		{"group without value", q + `<list name='a'><item type='group' action='deny' order='1'/></list></query>`, privacy.List{}, true},
		{"fall-through with value", q + `<list name='a'><item value='x' action='deny' order='1'/></list></query>`, privacy.List{}, true},
		{"unknown kind", q + `<list name='a'><item action='deny' order='1'><presence/></item></list></query>`, privacy.List{}, true},
		{"kind twice", q + `<list name='a'><item action='deny' order='1'><iq/><iq/></item></list></query>`, privacy.List{}, true},
		{"kind with content", q + `<list name='a'><item action='deny' order='1'><iq>x</iq></item></list></query>`, privacy.List{}, true},
		{"text", q + `<list name='a'>x</list></query>`, privacy.List{}, true},
		{"not an item", q + `<list name='a'><rule/></list></query>`, privacy.List{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := privacy.ParseList(mustElement(t, tc.in))
			if tc.err {
				if !errors.Is(err, privacy.ErrMalformed) {
					t.Fatalf("got %+v, %v; want an error wrapping ErrMalformed", got, err)
				}
				return
			}
			if err != nil || !equalLists(got, tc.want) {
				t.Fatalf("got %+v, %v\nwant %+v", got, err, tc.want)
			}
		})
	}
	if _, err := privacy.ParseList(nil); !errors.Is(err, privacy.ErrMalformed) {
		t.Errorf("nil: %v", err)
	}
}

func TestParseSummary(t *testing.T) {
	const q = `<query xmlns='jabber:iq:privacy'>`
	for _, tc := range []struct {
		name, in string
		want     privacy.Summary
		err      bool
	}{
		{"xep example", q + `
  <active name='private'/>
  <default name='public'/>
  <list name='public'/>
  <list name='private'/>
  <list name='special'/>
</query>`, privacy.Summary{Active: "private", Default: "public", Lists: []string{"public", "private", "special"}}, false},
		{"empty", q + `</query>`, privacy.Summary{}, false},
		{"declined", q + `<active/><default/><list name='a'/></query>`, privacy.Summary{Lists: []string{"a"}}, false},
		{"two active", q + `<active name='a'/><active name='b'/></query>`, privacy.Summary{}, true},
		{"two default", q + `<default/><default/></query>`, privacy.Summary{}, true},
		{"list without name", q + `<list/></query>`, privacy.Summary{}, true},
		{"list with items", q + `<list name='a'><item action='allow' order='1'/></list></query>`, privacy.Summary{}, true},
		{"unknown child", q + `<lists/></query>`, privacy.Summary{}, true},
		{"wrong element", `<query xmlns='jabber:iq:roster'/>`, privacy.Summary{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := privacy.ParseSummary(mustElement(t, tc.in))
			if tc.err {
				if !errors.Is(err, privacy.ErrMalformed) {
					t.Fatalf("got %+v, %v; want an error wrapping ErrMalformed", got, err)
				}
				return
			}
			if err != nil || got.Active != tc.want.Active || got.Default != tc.want.Default || !slices.Equal(got.Lists, tc.want.Lists) {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestEncode(t *testing.T) {
	l := privacy.List{Name: "public", Items: []privacy.Item{
		{Type: privacy.TypeJID, Value: "Tybalt@example.com", Action: privacy.Deny, Order: 3, Message: true, PresenceOut: true},
		{Action: privacy.Allow, Order: 68},
	}}
	e, err := l.Element()
	if err != nil {
		t.Fatal(err)
	}
	want := `<query xmlns='jabber:iq:privacy'><list name='public'>` +
		`<item type='jid' value='tybalt@example.com' action='deny' order='3'><message/><presence-out/></item>` +
		`<item action='allow' order='68'/></list></query>`
	if got := e.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if l.Items[0].Value != "Tybalt@example.com" {
		t.Error("Element changed its receiver")
	}
	for _, bad := range []privacy.List{
		{Items: []privacy.Item{{Action: privacy.Allow}}},
		{Name: "a", Items: []privacy.Item{{Action: "block"}}},
		{Name: "a", Items: []privacy.Item{{Action: privacy.Allow, Order: 1}, {Action: privacy.Deny, Order: 1}}},
		{Name: "a", Items: []privacy.Item{{Type: privacy.TypeJID, Value: "", Action: privacy.Deny}}},
		{Name: "a", Items: []privacy.Item{{Type: "domain", Value: "x", Action: privacy.Deny}}},
	} {
		if _, err := bad.Element(); !errors.Is(err, privacy.ErrMalformed) {
			t.Errorf("%+v: %v, want ErrMalformed", bad, err)
		}
	}

	s := privacy.Summary{Active: "a", Default: "b", Lists: []string{"a", "b"}}
	e, err = s.Element()
	if err != nil || e.String() != `<query xmlns='jabber:iq:privacy'><active name='a'/><default name='b'/><list name='a'/><list name='b'/></query>` {
		t.Errorf("summary: %v, %v", e, err)
	}
	if _, err := (privacy.Summary{Lists: []string{""}}).Element(); !errors.Is(err, privacy.ErrMalformed) {
		t.Errorf("summary with an empty name: %v", err)
	}
}
