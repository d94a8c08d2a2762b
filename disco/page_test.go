package disco_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/rsm"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// pagingServer answers disco#items on srv with n items, paged as pager
// says, and counts the requests.
func pagingServer(t *testing.T, n int, pager func(all []disco.Item, req *rsm.Set) disco.ItemsPage) (*xmpptest.Server, *atomic.Int32) {
	t.Helper()
	srv := xmpptest.StartServer(t, nil)
	var all []disco.Item
	for i := range n {
		all = append(all, disco.Item{JID: jid.MustParse(fmt.Sprintf("room%d@conference.localhost", i)), Name: fmt.Sprint("Room ", i)})
	}
	var requests atomic.Int32
	srv.HandleIQ(stanza.IQGet, disco.NSItems, "query", func(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		requests.Add(1)
		var req *rsm.Set
		if e := iq.Payload.Child(rsm.NS, "set"); e != nil {
			s, err := rsm.Parse(e)
			if err != nil {
				return nil, stanza.NewError(stanza.ErrBadRequest, "")
			}
			req = &s
		}
		return pager(all, req).Element(""), nil
	})
	return srv, &requests
}

// byUID pages as XEP-0059 says, the JID being the UID.
func byUID(all []disco.Item, req *rsm.Set) disco.ItemsPage {
	if req == nil {
		return disco.ItemsPage{Items: all}
	}
	start := 0
	if req.After != "" {
		start = slices.IndexFunc(all, func(it disco.Item) bool { return it.JID.String() == req.After }) + 1
	}
	end := len(all)
	if req.Max != nil {
		end = min(start+*req.Max, len(all))
	}
	count := len(all)
	p := disco.ItemsPage{Items: all[start:end], Set: &rsm.Set{Count: &count}}
	if end > start {
		p.Set.First, p.Set.Last = all[start].JID.String(), all[end-1].JID.String()
	}
	return p
}

func collect(t *testing.T, seq func(func(disco.Item, error) bool)) ([]disco.Item, error) {
	t.Helper()
	var got []disco.Item
	for it, err := range seq {
		if err != nil {
			return got, err
		}
		got = append(got, it)
	}
	return got, nil
}

// TestAllItemsFollowsPages: seven items in pages of three take three
// requests, and come in order.
func TestAllItemsFollowsPages(t *testing.T) {
	srv, requests := pagingServer(t, 7, byUID)
	c := login(t, srv, 0)
	got, err := collect(t, disco.AllItems(timeout(t), c, jid.MustParse("localhost"), "", 3))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 7 || got[0].Name != "Room 0" || got[6].Name != "Room 6" {
		t.Errorf("got %+v", got)
	}
	if n := requests.Load(); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

// TestAllItemsWithoutPaging: an entity that ignores the <set/> answers
// with everything at once, and one request is made.
func TestAllItemsWithoutPaging(t *testing.T) {
	srv, requests := pagingServer(t, 5, func(all []disco.Item, _ *rsm.Set) disco.ItemsPage { return disco.ItemsPage{Items: all} })
	c := login(t, srv, 0)
	got, err := collect(t, disco.AllItems(timeout(t), c, jid.MustParse("localhost"), "", 2))
	if err != nil || len(got) != 5 {
		t.Fatalf("got %d items, %v", len(got), err)
	}
	if n := requests.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// TestAllItemsNoProgress: an entity that answers every page with the
// same one ends the iteration with ErrNoProgress instead of looping.
func TestAllItemsNoProgress(t *testing.T) {
	srv, _ := pagingServer(t, 6, func(all []disco.Item, req *rsm.Set) disco.ItemsPage {
		if req != nil {
			req.After = ""
		}
		return byUID(all, req)
	})
	c := login(t, srv, 0)
	got, err := collect(t, disco.AllItems(timeout(t), c, jid.MustParse("localhost"), "", 2))
	if !errors.Is(err, disco.ErrNoProgress) {
		t.Fatalf("got %d items, %v; want ErrNoProgress", len(got), err)
	}
	if len(got) != 4 {
		t.Errorf("%d items yielded before the error, want 4", len(got))
	}
}

// TestAllItemsStopsEarly: breaking out of the loop asks for no further
// page.
func TestAllItemsStopsEarly(t *testing.T) {
	srv, requests := pagingServer(t, 9, byUID)
	c := login(t, srv, 0)
	for it, err := range disco.AllItems(timeout(t), c, jid.MustParse("localhost"), "", 3) {
		if err != nil {
			t.Fatal(err)
		}
		if it.Name == "Room 1" {
			break
		}
	}
	if n := requests.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// TestGetItemsPage: a page after a given item, and the count alone.
func TestGetItemsPage(t *testing.T) {
	srv, _ := pagingServer(t, 5, byUID)
	c := login(t, srv, 0)
	p, err := disco.GetItemsPage(timeout(t), c, jid.MustParse("localhost"), "", rsm.Set{Max: new(2), After: "room1@conference.localhost"})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 2 || p.Items[0].Name != "Room 2" || p.Set == nil || p.Set.Last != "room3@conference.localhost" || *p.Set.Count != 5 {
		t.Errorf("page %+v, set %+v", p.Items, p.Set)
	}
	p, err = disco.GetItemsPage(timeout(t), c, jid.MustParse("localhost"), "", rsm.Set{Max: new(0)})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 0 || p.Set == nil || p.Set.Count == nil || *p.Set.Count != 5 {
		t.Errorf("count-only page %+v, set %+v", p.Items, p.Set)
	}
}

func TestParseItemsPage(t *testing.T) {
	for _, s := range []string{
		`<query xmlns='http://jabber.org/protocol/disco#items'><set xmlns='http://jabber.org/protocol/rsm'><count>x</count></set></query>`,
		`<query xmlns='http://jabber.org/protocol/disco#items'><set xmlns='http://jabber.org/protocol/rsm'/><set xmlns='http://jabber.org/protocol/rsm'/></query>`,
	} {
		if _, err := disco.ParseItemsPage(mustParse(t, s)); !errors.Is(err, disco.ErrMalformed) {
			t.Errorf("%s: %v, want ErrMalformed", s, err)
		}
	}
	p, err := disco.ParseItemsPage(mustParse(t, `<query xmlns='http://jabber.org/protocol/disco#items'><item jid='a@b'/><set xmlns='http://jabber.org/protocol/rsm'><first index='0'>a</first><last>a</last><count>9</count></set></query>`))
	if err != nil || len(p.Items) != 1 || p.Set == nil || *p.Set.Count != 9 || *p.Set.FirstIndex != 0 {
		t.Fatalf("%+v, %v", p, err)
	}
}
