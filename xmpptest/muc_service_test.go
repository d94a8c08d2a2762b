package xmpptest_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// nsMAM is the namespace of message archives (XEP-0313).
const nsMAM = "urn:xmpp:mam:2"

// discoInfo returns the identities ("category/type") and features of
// the disco#info of to.
func discoInfo(ctx context.Context, t *testing.T, c *xmpp.Client, to jid.JID) (identities, features []string) {
	t.Helper()
	res, err := c.Request(ctx, stanza.NewIQ(stanza.IQGet, to, stanza.NewElement(nsDiscoInfo, "query")))
	if err != nil {
		t.Fatalf("disco#info %s: %v", to, err)
	}
	if res.Payload == nil {
		t.Fatalf("disco#info %s: empty result", to)
	}
	for e := range res.Payload.Children() {
		switch e.Name.Local {
		case "identity":
			identities = append(identities, e.Attr("category")+"/"+e.Attr("type"))
		case "feature":
			features = append(features, e.Attr("var"))
		}
	}
	return identities, features
}

// TestMUCService checks, on each server, that Target.MUC names a
// Multi-User Chat service (XEP-0045): its disco#info says so, an account
// creates a room by joining it and configures it as an instant room, and
// the room reflects its messages; the real servers' rooms keep an
// archive (XEP-0313).
func TestMUCService(t *testing.T) {
	xmpptest.ForEachServer(t, &xmpptest.ServerOptions{MUC: true}, func(t *testing.T, tg xmpptest.Target) {
		checkMUCService(t, tg, tg.Name() != "xmpptest")
	})
}

// TestMUCServiceNoArchive checks that the real servers started with
// RealServerOptions.NoArchive have a MUC service whose rooms keep no
// archive.
func TestMUCServiceNoArchive(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real servers; run without -short")
	}
	for name, start := range map[string]func(testing.TB, *xmpptest.RealServerOptions) *xmpptest.RealServer{
		"prosody":  xmpptest.StartProsody,
		"ejabberd": xmpptest.StartEjabberd,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			checkMUCService(t, start(t, &xmpptest.RealServerOptions{NoArchive: true}), false)
		})
	}
}

// checkMUCService runs the checks of TestMUCService on tg, whose rooms
// keep an archive if archive is set.
func checkMUCService(t *testing.T, tg xmpptest.Target, archive bool) {
	t.Helper()
	service := tg.MUC()
	if service.String() != "conference."+tg.Domain() {
		t.Fatalf("MUC() = %q", service)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a := tg.Account(0)
	alice := xmpp.New(a.JID(), &xmpp.Options{Password: a.Password, Addr: tg.Addr(), TLSConfig: tg.TLSConfig()})
	pres := make(chan *stanza.Presence, 10)
	msgs := make(chan *stanza.Message, 10)
	alice.HandlePresence(xmpp.Route{}, func(_ context.Context, p *stanza.Presence) {
		if p.From.Domainpart() == service.Domainpart() {
			pres <- p
		}
	})
	alice.HandleMessage(xmpp.Route{}, func(_ context.Context, m *stanza.Message) {
		if m.From.Domainpart() == service.Domainpart() {
			msgs <- m
		}
	})
	if err := alice.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	defer alice.Close()

	ids, features := discoInfo(ctx, t, alice, service)
	if !slices.Contains(ids, "conference/text") || !slices.Contains(features, nsMUC) {
		t.Fatalf("disco#info of %s: identities %v, features %v", service, ids, features)
	}

	room := jid.MustParse("xmpptest-" + stanza.NewID() + "@" + service.String())
	occupant, _ := room.WithResource("alice")
	join := stanza.NewPresence(stanza.PresenceAvailable, occupant)
	join.Payloads = []*stanza.Element{stanza.NewElement(nsMUC, "x")}
	if err := alice.Send(ctx, join); err != nil {
		t.Fatal(err)
	}
	var self *stanza.Presence
	for self == nil {
		select {
		case p := <-pres:
			if p.Type == stanza.PresenceError {
				t.Fatalf("join refused: %v", p.Error)
			}
			if hasStatus(p, "110") {
				self = p
			}
		case <-ctx.Done():
			t.Fatal("no self-presence")
		}
	}
	t.Logf("self-presence: %s", self.Element())
	if self.From != occupant || !hasStatus(self, "201") {
		t.Errorf("self-presence from %s, want %s with status 201", self.From, occupant)
	}
	instant := stanza.NewElement(nsMUCOwner, "query").AddChild(stanza.NewElement("jabber:x:data", "x", stanza.A("type", "submit")))
	if _, err := alice.Request(ctx, stanza.NewIQ(stanza.IQSet, room, instant)); err != nil {
		t.Fatalf("instant room: %v", err)
	}
	ids, features = discoInfo(ctx, t, alice, room)
	if !slices.Contains(ids, "conference/text") || !slices.Contains(features, nsMUC) {
		t.Errorf("disco#info of %s: identities %v, features %v", room, ids, features)
	}
	if slices.Contains(features, nsMAM) != archive {
		t.Errorf("room %s: archive %v, want %v: features %v", room, !archive, archive, features)
	}

	m := stanza.NewMessage(stanza.MessageGroupchat, room, "hello, room")
	m.ID = stanza.NewID()
	if err := alice.Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	for {
		select {
		case got := <-msgs:
			if got.Body() == "" {
				continue // the subject, or a configuration change
			}
			if got.From != occupant || got.Body() != m.Body() || got.Type != stanza.MessageGroupchat {
				t.Errorf("reflected %s", got.Element())
			}
			return
		case <-ctx.Done():
			t.Fatal("the message was not reflected")
		}
	}
}

// hasStatus reports whether the muc#user payload of p has the status code.
func hasStatus(p *stanza.Presence, code string) bool {
	for _, e := range p.Payloads {
		if e.Name != (stanza.Name{Space: nsMUCUser, Local: "x"}) {
			continue
		}
		for s := range e.Children() {
			if s.Name.Local == "status" && s.Attr("code") == code {
				return true
			}
		}
	}
	return false
}
