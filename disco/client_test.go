package disco_test

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// replaceResults makes srv replace the payload of every result carrying
// a query of namespace space with payload (nil: an empty result).
func replaceResults(srv *xmpptest.Server, space string, payload *stanza.Element) {
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir != xmpptest.ServerToClient || ev.Element.Attr("type") != "result" || ev.Element.Child(space, "query") == nil {
			return xmpptest.Verdict{}
		}
		r := ev.Element.Copy()
		r.Nodes = nil
		r.AddChild(payload)
		return xmpptest.Verdict{Replace: r}
	})
}

func TestGetMalformed(t *testing.T) {
	for name, tc := range map[string]struct {
		space   string
		payload string
	}{
		"info: no identity":      {disco.NSInfo, `<query xmlns='http://jabber.org/protocol/disco#info'><feature var='a'/></query>`},
		"info: feature repeated": {disco.NSInfo, `<query xmlns='http://jabber.org/protocol/disco#info'><identity category='a' type='b'/><feature var='a'/><feature var='a'/></query>`},
		"info: empty result":     {disco.NSInfo, ``},
		"items: bad jid":         {disco.NSItems, `<query xmlns='http://jabber.org/protocol/disco#items'><item jid='@'/></query>`},
		"items: empty result":    {disco.NSItems, ``},
	} {
		t.Run(name, func(t *testing.T) {
			srv := xmpptest.StartServer(t, nil)
			c := login(t, srv, 0)
			var payload *stanza.Element
			if tc.payload != "" {
				payload = mustParse(t, tc.payload)
			}
			replaceResults(srv, tc.space, payload)
			var err error
			if tc.space == disco.NSInfo {
				_, err = disco.GetInfo(timeout(t), c, jid.JID{}, "")
			} else {
				_, err = disco.GetItems(timeout(t), c, jid.JID{}, "")
			}
			if !errors.Is(err, disco.ErrMalformed) {
				t.Fatalf("got %v, want ErrMalformed", err)
			}
		})
	}
}

// TestGetServer asks the in-process server, which answers disco itself:
// for the server at its domain, for the account with no address (as
// Prosody and ejabberd do, RFC 6120 section 10.3.3).
func TestGetServer(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	c := login(t, srv, 0)
	info, err := disco.GetInfo(timeout(t), c, c.JID().Domain(), "")
	if err != nil {
		t.Fatal(err)
	}
	if !info.HasIdentity("server", "im") || !reflect.DeepEqual(info.Features, srv.Features()) {
		t.Errorf("GetInfo = %+v; want server/im and %v", info, srv.Features())
	}
	if info, err := disco.GetInfo(timeout(t), c, jid.JID{}, ""); err != nil || !info.HasIdentity("account", "registered") {
		t.Errorf("GetInfo with no address = %+v, %v; want the account", info, err)
	}
	if _, err := disco.GetInfo(timeout(t), c, c.JID().Domain(), "nope"); !errors.Is(err, stanza.ErrItemNotFound) {
		t.Errorf("unknown node: %v", err)
	}
}

// TestFindServices: the server lists three items; one is a chat service,
// one a plain client, one does not answer. Only the first is found.
func TestFindServices(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, bob, carol := login(t, srv, 0), login(t, srv, 1), login(t, srv, 2)
	disco.Serve(bob, &disco.ServeOptions{Identities: []disco.Identity{{Category: "conference", Type: "text"}}})
	disco.Serve(carol, nil)
	gone := jid.MustParse("dave@localhost/gone")
	srv.HandleIQ(stanza.IQGet, disco.NSItems, "query", func(context.Context, *stanza.IQ) (*stanza.Element, error) {
		return disco.ItemsElement("", []disco.Item{
			{JID: carol.JID()}, {JID: gone}, {JID: bob.JID()}, {JID: bob.JID(), Node: "n"}, {JID: bob.JID()},
		}), nil
	})
	got, err := disco.FindServices(timeout(t), alice, jid.JID{}, func(info disco.Info) bool {
		return info.HasIdentity("conference", "text")
	})
	if err != nil || !reflect.DeepEqual(got, []jid.JID{bob.JID()}) {
		t.Fatalf("FindServices = %v, %v; want [%s]", got, err, bob.JID())
	}
	all, err := disco.FindServices(timeout(t), alice, jid.JID{}, func(disco.Info) bool { return true })
	if err != nil || !reflect.DeepEqual(all, []jid.JID{carol.JID(), bob.JID()}) {
		t.Fatalf("FindServices(all) = %v, %v", all, err)
	}

	ctx, cancel := context.WithCancel(timeout(t))
	cancel()
	if _, err := disco.FindServices(ctx, alice, jid.JID{}, func(disco.Info) bool { return true }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// FindServices fails when the server's items cannot be listed.
func TestFindServicesItemsError(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	c := login(t, srv, 0)
	srv.HandleIQ(stanza.IQGet, disco.NSItems, "query", func(context.Context, *stanza.IQ) (*stanza.Element, error) {
		return nil, stanza.NewError(stanza.ErrFeatureNotImplemented, "")
	})
	if _, err := disco.FindServices(timeout(t), c, jid.JID{}, func(disco.Info) bool { return true }); !errors.Is(err, stanza.ErrFeatureNotImplemented) {
		t.Errorf("FindServices = %v", err)
	}
}

// TestFindServicesBounded: at most eight disco#info requests are in
// flight at once, and more than one is.
func TestFindServicesBounded(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	c := login(t, srv, 0)
	var items []disco.Item
	for i := range 30 {
		items = append(items, disco.Item{JID: jid.MustParse("dave@localhost/r" + strconv.Itoa(i))})
	}
	srv.HandleIQ(stanza.IQGet, disco.NSItems, "query", func(context.Context, *stanza.IQ) (*stanza.Element, error) {
		return disco.ItemsElement("", items), nil
	})
	var mu sync.Mutex
	inFlight, peak := 0, 0
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Element.Name.Local != "iq" {
			return xmpptest.Verdict{}
		}
		mu.Lock()
		defer mu.Unlock()
		switch {
		case ev.Dir == xmpptest.ClientToServer && ev.Element.Child(disco.NSInfo, "query") != nil:
			inFlight++
			peak = max(peak, inFlight)
		case ev.Dir == xmpptest.ServerToClient && ev.Element.Attr("type") == "error":
			inFlight--
			return xmpptest.Verdict{Delay: 20 * time.Millisecond}
		}
		return xmpptest.Verdict{}
	})
	found, err := disco.FindServices(timeout(t), c, jid.JID{}, func(disco.Info) bool { return true })
	if err != nil || len(found) != 0 {
		t.Fatalf("FindServices = %v, %v", found, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if peak > 8 || peak < 2 {
		t.Errorf("peak of %d requests in flight, want 2 to 8", peak)
	}
}
