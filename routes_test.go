package xmpp

import (
	"context"
	"strings"
	"testing"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestRouteOwner checks which claim owns a message: the most specific
// one, by payload, then sender, then type; the first claimed payload in
// document order; the zero Route for what nobody else claims.
func TestRouteOwner(t *testing.T) {
	var cs claims[string]
	room := jid.MustParse("room@muc.example")
	me := jid.MustParse("me@example")
	carbon := stanza.Name{Space: "urn:xmpp:carbons:2", Local: "received"}
	result := stanza.Name{Space: "urn:xmpp:mam:2", Local: "result"}
	invite := stanza.Name{Space: "http://jabber.org/protocol/muc#user", Local: "x"}
	for r, name := range map[Route]string{
		{}:                  "default",
		{Type: "groupchat"}: "groupchat",
		{From: room}:        "room",
		{From: jid.MustParse("room@muc.example/nick")}: "nick",
		{From: room, Type: "groupchat"}:                "room groupchat",
		{Payload: carbon}:                              "carbons",
		{Payload: result}:                              "mam",
		{Payload: invite}:                              "invite",
		{Payload: invite, From: room}:                  "room invite",
		{Payload: result, Type: "chat"}:                "mam chat",
		{Payload: result, From: me, Type: ""}:          "mam from me",
	} {
		cs = cs.with("Message", r, name)
	}
	el := func(n stanza.Name) *stanza.Element { return stanza.NewElement(n.Space, n.Local) }
	other := stanza.NewElement("urn:other", "x")
	for _, tc := range []struct {
		typ      string
		from     string
		payloads []*stanza.Element
		want     string
	}{
		{"chat", "juliet@example/balcony", nil, "default"},
		{"chat", "juliet@example/balcony", []*stanza.Element{other}, "default"},
		{"groupchat", "juliet@example/balcony", nil, "groupchat"},
		{"chat", "room@muc.example/other", nil, "room"},
		{"chat", "room@muc.example/nick", nil, "nick"},
		{"groupchat", "room@muc.example/other", nil, "room groupchat"},
		{"groupchat", "room@muc.example", nil, "room groupchat"},
		{"chat", "me@example", []*stanza.Element{el(carbon)}, "carbons"},
		// A payload claim beats a sender claim.
		{"groupchat", "room@muc.example", []*stanza.Element{el(result)}, "mam"},
		{"chat", "room@muc.example", []*stanza.Element{el(result)}, "mam chat"},
		{"normal", "me@example", []*stanza.Element{el(result)}, "mam from me"},
		{"normal", "room@muc.example", []*stanza.Element{el(invite)}, "room invite"},
		{"normal", "juliet@example", []*stanza.Element{el(invite)}, "invite"},
		// The first claimed payload in document order decides.
		{"normal", "juliet@example", []*stanza.Element{other, el(invite), el(carbon)}, "invite"},
		{"normal", "juliet@example", []*stanza.Element{el(carbon), el(invite)}, "carbons"},
	} {
		got, ok := cs.owner(tc.typ, jid.MustParse(tc.from), tc.payloads)
		if !ok || got != tc.want {
			t.Errorf("%s from %s with %d payloads: owner %q (%t), want %q", tc.typ, tc.from, len(tc.payloads), got, ok, tc.want)
		}
	}
	var none claims[string]
	none = none.with("Message", Route{Type: "chat"}, "chat")
	if got, ok := none.owner("headline", me, nil); ok {
		t.Errorf("a headline went to %q; nobody claims it", got)
	}
}

// TestReleaseClaim: a released claim no longer owns anything, the next
// most specific claim (or the default) takes its stanzas, the claim may
// be made again, and releasing what is not claimed reports false.
func TestReleaseClaim(t *testing.T) {
	var cs claims[string]
	room := jid.MustParse("room@muc.example")
	invite := stanza.Name{Space: "http://jabber.org/protocol/muc#user", Local: "x"}
	for r, name := range map[Route]string{
		{}:                            "default",
		{From: room}:                  "room",
		{Payload: invite}:             "invite",
		{Payload: invite, From: room}: "room invite",
	} {
		cs = cs.with("Message", r, name)
	}
	from := jid.MustParse("room@muc.example/nick")
	x := []*stanza.Element{stanza.NewElement(invite.Space, invite.Local)}
	before := cs
	cs, ok := cs.without(Route{From: room})
	if !ok {
		t.Fatal("the room's claim was not found")
	}
	if got, _ := cs.owner("groupchat", from, nil); got != "default" {
		t.Errorf("after release: owner %q, want default", got)
	}
	if got, _ := before.owner("groupchat", from, nil); got != "room" {
		t.Errorf("the snapshot before the release changed: owner %q", got)
	}
	cs, ok = cs.without(Route{Payload: invite, From: room})
	if !ok {
		t.Fatal("the room's invite claim was not found")
	}
	if got, _ := cs.owner("normal", from, x); got != "invite" {
		t.Errorf("after release: owner %q, want invite", got)
	}
	if _, ok := cs.without(Route{From: room}); ok {
		t.Error("released twice")
	}
	cs = cs.with("Message", Route{From: room}, "room again") // no panic
	if got, _ := cs.owner("groupchat", from, nil); got != "room again" {
		t.Errorf("claimed again: owner %q", got)
	}
}

// TestDuplicateClaimPanics: two owners of one Route is a programming
// error, as in http.ServeMux; observers may share one.
func TestDuplicateClaimPanics(t *testing.T) {
	c := New(jid.MustParse("alice@localhost"), nil)
	h := func(context.Context, *stanza.Message) {}
	r := Route{Payload: stanza.Name{Space: "urn:x", Local: "y"}}
	c.HandleMessage(r, h)
	c.HandleMessage(Route{}, h)
	c.ObserveMessage(r, h)
	c.ObserveMessage(r, h)
	c.HandlePresence(Route{}, func(context.Context, *stanza.Presence) {})
	defer func() {
		p := recover()
		if p == nil || !strings.Contains(p.(string), "{urn:x}y is already claimed") {
			t.Errorf("panic %v", p)
		}
	}()
	c.HandleMessage(r, h)
}

// TestDefaultHandlerNotSilenced: extensions that claim payloads and
// observe messages leave the default handler everything else, which
// the old fallback lost as soon as anyone added a message handler.
func TestDefaultHandlerNotSilenced(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	var log []string
	note := func(who string) MessageHandlerFunc {
		return func(_ context.Context, m *stanza.Message) { log = append(log, who+":"+m.Body()) }
	}
	claimed := stanza.Name{Space: "urn:x:wrapper", Local: "w"}
	observed := stanza.Name{Space: "urn:x:receipt", Local: "r"}
	c := connectTest(t, srv, 0, nil, func(c *Client) {
		c.HandleMessage(Route{Payload: claimed}, note("owner"))
		c.ObserveMessage(Route{Payload: observed}, note("observer"))
		c.ObserveMessage(Route{}, note("all"))
		c.HandleMessage(Route{}, note("default"))
		c.HandlePresence(Route{Type: "subscribe"}, func(_ context.Context, p *stanza.Presence) { log = append(log, "subscribe") })
		c.HandlePresence(Route{}, func(_ context.Context, p *stanza.Presence) { log = append(log, "presence:"+presenceType(p)) })
	})
	bob := jid.MustParse("bob@localhost/x")
	m := func(body string, payload *stanza.Name) *stanza.Element {
		e := chat(bob, c.JID(), body)
		if payload != nil {
			e.AddChild(stanza.NewElement(payload.Space, payload.Local))
		}
		return e
	}
	pres := func(typ string) *stanza.Element {
		p := stanza.NewPresence(stanza.PresenceType(typ), c.JID())
		p.From = bob
		return p.Element()
	}
	for _, e := range []*stanza.Element{m("plain", nil), m("wrapped", &claimed), m("ack", &observed), pres("subscribe"), pres("")} {
		if err := srv.Inject(c.JID(), e); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Sync returned: every handler has run, and log is ours to read.
	want := "all:plain default:plain all:wrapped owner:wrapped observer:ack all:ack default:ack subscribe presence:available"
	if got := strings.Join(log, " "); got != want {
		t.Errorf("handlers ran as\n%s\nwant\n%s", got, want)
	}
}
