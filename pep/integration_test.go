package pep_test

import (
	"context"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pep"
	"github.com/xmppkit/xmpp/pep/activity"
	"github.com/xmppkit/xmpp/pep/geoloc"
	"github.com/xmppkit/xmpp/pep/mood"
	"github.com/xmppkit/xmpp/pep/nick"
	"github.com/xmppkit/xmpp/pep/tune"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// contact is a logged-in account receiving locations and nicknames.
type contact struct {
	c      *xmpp.Client
	ps     *pubsub.Client
	places chan pep.Update[geoloc.Location]
	nicks  chan pep.Update[string]
	moods  chan pep.Update[mood.Mood]
	tunes  chan pep.Update[tune.Tune]
	doings chan pep.Update[activity.Activity]
}

func login(t *testing.T, tg xmpptest.Target, i int) *contact {
	t.Helper()
	a := tg.Account(i)
	o := &xmpp.Options{Password: a.Password, Resource: "pep", Addr: tg.Addr(), TLSConfig: tg.TLSConfig()}
	if s, ok := tg.(*xmpptest.Server); ok {
		o.Dial = s.DialPipe
	}
	c := xmpp.New(a.JID(), o)
	t.Cleanup(func() { c.Close() })
	k := &contact{c: c, ps: pubsub.New(c, nil), places: make(chan pep.Update[geoloc.Location], 8), nicks: make(chan pep.Update[string], 8),
		moods: make(chan pep.Update[mood.Mood], 8), tunes: make(chan pep.Update[tune.Tune], 8),
		doings: make(chan pep.Update[activity.Activity], 8)}
	disco.Serve(c, nil) // the +notify features go out in the entity capabilities
	geoloc.Handle(k.ps, func(_ context.Context, u pep.Update[geoloc.Location]) { k.places <- u })
	nick.Handle(k.ps, func(_ context.Context, u pep.Update[string]) { k.nicks <- u })
	mood.Handle(k.ps, func(_ context.Context, u pep.Update[mood.Mood]) { k.moods <- u })
	tune.Handle(k.ps, func(_ context.Context, u pep.Update[tune.Tune]) { k.tunes <- u })
	activity.Handle(k.ps, func(_ context.Context, u pep.Update[activity.Activity]) { k.doings <- u })
	if err := c.Connect(testkit.Ctx(t)); err != nil {
		t.Fatal(err)
	}
	if err := c.Send(testkit.Ctx(t), stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})); err != nil {
		t.Fatal(err)
	}
	return k
}

// next returns the next update on ch from from, skipping others (the
// last published item of an earlier test run, the account's own).
func next[T any](t *testing.T, ch <-chan pep.Update[T], from jid.JID, what string) pep.Update[T] {
	t.Helper()
	ctx := testkit.Ctx(t)
	for {
		select {
		case u := <-ch:
			if u.From == from {
				return u
			}
		case <-ctx.Done():
			t.Fatalf("no %s from %s", what, from)
		}
	}
}

// TestContacts: a location, a nickname, a mood, a tune and an activity
// published by alice reach her contact bob, decoded, from alice's bare
// JID; a withdrawal too; and bob reads her location back from her PEP
// service.
func TestContacts(t *testing.T) {
	xmpptest.ForEachServer(t, &xmpptest.ServerOptions{PEP: true}, func(t *testing.T, tg xmpptest.Target) {
		alice, bob := login(t, tg, 0), login(t, tg, 1)
		testkit.Befriend(t, alice.c, bob.c)
		aj := alice.c.JID().Bare()

		here := geoloc.Location{Lat: new(45.4408), Lon: new(12.3155), Accuracy: new(20.0), Locality: "Venezia",
			CountryCode: "IT", Timestamp: time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)}
		if err := geoloc.Publish(testkit.Ctx(t), alice.ps, here); err != nil {
			t.Fatal(err)
		}
		u := next(t, bob.places, aj, "location")
		if u.Retracted || u.Value.Locality != "Venezia" || *u.Value.Lat != 45.4408 || !u.Value.Timestamp.Equal(here.Timestamp) {
			t.Errorf("bob got %+v", u)
		}
		if got, ok, err := geoloc.Fetch(testkit.Ctx(t), bob.ps, aj); err != nil || !ok || got.Locality != "Venezia" {
			t.Errorf("bob's Fetch: %+v, %t, %v", got, ok, err)
		}
		if err := nick.Publish(testkit.Ctx(t), alice.ps, "Alice in Venice"); err != nil {
			t.Fatal(err)
		}
		if n := next(t, bob.nicks, aj, "nickname"); n.Value != "Alice in Venice" {
			t.Errorf("bob got nickname %+v", n)
		}
		if err := mood.Publish(testkit.Ctx(t), alice.ps, mood.Mood{Value: mood.InLove, Text: "with Venice"}); err != nil {
			t.Fatal(err)
		}
		if m := next(t, bob.moods, aj, "mood"); m.Value.Value != mood.InLove || m.Value.Text != "with Venice" {
			t.Errorf("bob got mood %+v", m)
		}
		song := tune.Tune{Artist: "Vivaldi", Title: "La Primavera", Length: 201 * time.Second, Rating: 9}
		if err := tune.Publish(testkit.Ctx(t), alice.ps, song); err != nil {
			t.Fatal(err)
		}
		if u := next(t, bob.tunes, aj, "tune"); u.Value != song {
			t.Errorf("bob got tune %+v", u)
		}
		doing := activity.Activity{General: "traveling", Specific: "on_a_trip", Text: "gondola"}
		if err := activity.Publish(testkit.Ctx(t), alice.ps, doing); err != nil {
			t.Fatal(err)
		}
		if u := next(t, bob.doings, aj, "activity"); u.Value != doing {
			t.Errorf("bob got activity %+v", u)
		}
		// Withdrawn: an empty payload.
		if err := geoloc.Publish(testkit.Ctx(t), alice.ps, geoloc.Location{}); err != nil {
			t.Fatal(err)
		}
		if u := next(t, bob.places, aj, "withdrawal"); !u.Retracted {
			t.Errorf("bob got %+v; want the withdrawal", u)
		}
		if _, ok, err := geoloc.Fetch(testkit.Ctx(t), bob.ps, aj); err != nil || ok {
			t.Errorf("a withdrawn location fetched: %t, %v", ok, err)
		}
	})
}
