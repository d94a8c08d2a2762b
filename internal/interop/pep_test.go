package interop_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/internal/interop"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pep"
	"github.com/xmppkit/xmpp/pep/activity"
	"github.com/xmppkit/xmpp/pep/geoloc"
	"github.com/xmppkit/xmpp/pep/mood"
	"github.com/xmppkit/xmpp/pep/nick"
	"github.com/xmppkit/xmpp/pep/tune"
	"github.com/xmppkit/xmpp/presence"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// slixPEPItem is a PEP event as slixmpp's plugins read it (peer.py's
// pep_view): the first item of the event, with the values of the plugin
// stanza of its node. Absent values are null, hence zero here.
type slixPEPItem struct {
	From    string `json:"from"`
	Node    string `json:"node"`
	ItemID  string `json:"item_id"`
	Empty   bool   `json:"empty"`
	Delayed bool   `json:"delayed"`

	// User Location (the plugin reads accuracy and alt as integers, and
	// null when they are not).
	Lat, Lon, Bearing, Speed *float64
	Accuracy, Alt            *float64
	Locality, Country        string
	CountryCode              string `json:"countrycode"`
	Street, URI              string
	Timestamp                string // ISO 8601, as XEP-0082's parse read it

	// Mood (Value), Activity (General, Specific), Text for both and for
	// the location.
	Value, General, Specific, Text string

	// Tune, every value as the text of its element.
	Artist, Length, Rating, Source, Title, Track string

	Nick string
}

// pepInbox holds what the SDK's Handle functions receive, one channel per
// payload.
type pepInbox struct {
	places chan pep.Update[geoloc.Location]
	moods  chan pep.Update[mood.Mood]
	doings chan pep.Update[activity.Activity]
	tunes  chan pep.Update[tune.Tune]
	nicks  chan pep.Update[string]
}

// handle registers the five payload packages' handlers on ps; each asks
// for its node's notifications (+notify in the caps disco.Serve sends).
func (in *pepInbox) handle(ps *pubsub.Client) {
	*in = pepInbox{
		places: make(chan pep.Update[geoloc.Location], 32),
		moods:  make(chan pep.Update[mood.Mood], 32),
		doings: make(chan pep.Update[activity.Activity], 32),
		tunes:  make(chan pep.Update[tune.Tune], 32),
		nicks:  make(chan pep.Update[string], 32),
	}
	geoloc.Handle(ps, keep(in.places))
	mood.Handle(ps, keep(in.moods))
	activity.Handle(ps, keep(in.doings))
	tune.Handle(ps, keep(in.tunes))
	nick.Handle(ps, keep(in.nicks))
}

// keep returns a handler that queues updates on ch without blocking the
// Client's dispatcher (a test reads far fewer than ch holds).
func keep[T any](ch chan pep.Update[T]) func(context.Context, pep.Update[T]) {
	return func(_ context.Context, u pep.Update[T]) {
		select {
		case ch <- u:
		default:
		}
	}
}

// waitUpdate returns the next update on ch from from that match accepts,
// and fails t after testkit.WaitTimeout, listing the updates it passed
// over (the account's own, from its server; a value sent again late).
func waitUpdate[T any](t *testing.T, ch <-chan pep.Update[T], from jid.JID, what string, match func(pep.Update[T]) bool) pep.Update[T] {
	t.Helper()
	timeout := time.After(testkit.WaitTimeout)
	var other []pep.Update[T]
	for {
		select {
		case u := <-ch:
			if u.From.Equal(from) && match(u) {
				return u
			}
			other = append(other, u)
		case <-timeout:
			t.Fatalf("the SDK received no %s from %s; it received %+v", what, from, other)
		}
	}
}

func isValue[T any](u pep.Update[T]) bool      { return !u.Retracted }
func isWithdrawal[T any](u pep.Update[T]) bool { return u.Retracted }

// pepNodes are the PEP nodes of TestPEP, in the order it publishes them.
var pepNodes = []string{geoloc.NS, mood.NS, activity.NS, tune.NS, nick.NS}

// pepEvents maps each node to the event slixmpp's plugin fires when it
// is published to.
var pepEvents = map[string]string{
	geoloc.NS:   "user_location_publish",
	mood.NS:     "user_mood_publish",
	activity.NS: "user_activity_publish",
	tune.NS:     "user_tune_publish",
	nick.NS:     "user_nick_publish",
}

// TestPEP: the PEP payloads (XEP-0163) of User Location (XEP-0080), Mood
// (0107), Activity (0108), Tune (0118) and Nickname (0172), both ways
// between two contacts: the SDK (account 0: disco.Serve, and each
// payload package's Handle, which asks for its node's notifications) and
// slixmpp (account 1: its five plugins, which ask for them too). Each
// publishes a value of each payload, which the other receives with
// every value, from the publisher's bare JID; then each withdraws all
// five (an empty payload: slixmpp's stop(), the SDK's zero values),
// which the other receives as such.
//
// Servers notify only contacts with a presence subscription whose
// entity capabilities (XEP-0115) list node+"+notify": so the two
// subscribe to each other first, and then each broadcasts a presence
// with its caps, which the test waits to see reach the other. The
// servers ask for unknown caps when the presence is sent, before they
// route it; and Prosody, should its answer come after a publication,
// sends the node's last item to the new interest then. slixmpp must
// broadcast (op broadcast_caps): its update_caps sends a presence
// directed to its newest contact, from which ejabberd does not learn
// its interests, and the SDK would receive nothing there.
func TestPEP(t *testing.T) {
	interop.Servers(t, 2, func(t *testing.T, srv *xmpptest.RealServer) {
		ctx := testkit.Ctx(t)
		slixBare := srv.Account(1).JID().Bare()
		var (
			in        pepInbox
			ps        *pubsub.Client
			presences <-chan *stanza.Presence
		)
		c := testkit.LoginTarget(t, srv, 0, "go", func(c *xmpp.Client) {
			disco.Serve(c, nil)
			ps = pubsub.New(c, nil)
			in.handle(ps)
			presences = watchPresence(c)
			approveSlix(t, slixBare)(c)
		})
		if err := presence.Available(ctx, c, "", "", 0); err != nil {
			t.Fatal(err)
		}
		peer := interop.Start(t, srv, srv.Account(1), "slix", nil)
		peer.MustCall(ctx, "pep_enable", nil, nil)
		var events []string
		for _, ev := range pepEvents {
			events = append(events, ev)
		}
		peer.MustCall(ctx, "watch", map[string]any{"events": events}, nil)
		befriend(t, ctx, c, presences, peer)

		// Each tells its server its interests now that they are contacts.
		var slixVer string
		peer.MustCall(ctx, "broadcast_caps", map[string]any{"status": "PEP interop"}, &slixVer)
		waitPresence(t, presences, "slixmpp's presence with the caps of its PEP plugins", func(p *stanza.Presence) bool {
			e := presenceCaps(p)
			return p.From.Equal(peer.JID()) && p.Status() == "PEP interop" && e != nil && e.Attr("ver") == slixVer
		})
		if err := presence.Available(ctx, c, "", "PEP interop", 0); err != nil {
			t.Fatal(err)
		}
		if _, err := peer.Presence(ctx, func(p *stanza.Presence) bool {
			return p.From.Equal(c.JID()) && p.Status() == "PEP interop" && presenceCaps(p) != nil
		}); err != nil {
			t.Fatalf("slixmpp received no presence with caps from the SDK: %v", err)
		}

		t.Run("slixmpp_publishes", func(t *testing.T) { slixmppPublishes(t, peer, &in, slixBare) })
		t.Run("sdk_publishes", func(t *testing.T) { sdkPublishes(t, peer, ps, c.JID().Bare()) })
	})
}

// slixmppPublishes: slixmpp publishes each payload with its plugin, and
// the SDK's handlers receive them; then slixmpp withdraws each.
func slixmppPublishes(t *testing.T, peer *interop.Peer, in *pepInbox, slix jid.JID) {
	ctx := testkit.Ctx(t)

	var sent string
	peer.MustCall(ctx, "publish_location", map[string]any{"fields": map[string]any{
		"lat": 45.4408, "lon": 12.3155, "accuracy": 20, "alt": 3, "bearing": 90.5, "speed": 1.25,
		"locality": "Venezia", "country": "Italia", "countrycode": "IT", "street": "Piazza San Marco",
		"text": "by the Campanile", "uri": "geo:45.4408,12.3155",
	}, "timestamp": "2026-12-05T10:00:00.25Z"}, &sent)
	loc := waitUpdate(t, in.places, slix, "location", isValue)
	wantLoc := geoloc.Location{Lat: new(45.4408), Lon: new(12.3155), Accuracy: new(20.0), Alt: new(3.0),
		Bearing: new(90.5), Speed: new(1.25), Locality: "Venezia", Country: "Italia", CountryCode: "IT",
		Street: "Piazza San Marco", Text: "by the Campanile", URI: "geo:45.4408,12.3155"}
	wantTime := time.Date(2026, 12, 5, 10, 0, 0, 250e6, time.UTC)
	got := loc.Value
	if !got.Timestamp.Equal(wantTime) {
		t.Errorf("the SDK read slixmpp's timestamp as %v; want %v (slixmpp sent %s)", got.Timestamp, wantTime, sent)
	}
	got.Timestamp = time.Time{}
	if !reflect.DeepEqual(got, wantLoc) {
		t.Errorf("the SDK read slixmpp's location as\n%s\nwant\n%s\n(slixmpp sent %s)", showLocation(got), showLocation(wantLoc), sent)
	}

	peer.MustCall(ctx, "publish_mood", map[string]any{"value": "in_love", "text": "with Venice"}, nil)
	if m := waitUpdate(t, in.moods, slix, "mood", isValue); m.Value.Value != mood.InLove || m.Value.Text != "with Venice" || m.Value.Specific != nil {
		t.Errorf("the SDK read slixmpp's mood as %+v; want in_love, with Venice", m.Value)
	}

	peer.MustCall(ctx, "publish_activity", map[string]any{"general": "relaxing", "specific": "reading", "text": "XEP-0108"}, nil)
	wantDoing := activity.Activity{General: "relaxing", Specific: "reading", Text: "XEP-0108"}
	if a := waitUpdate(t, in.doings, slix, "activity", isValue); a.Value != wantDoing {
		t.Errorf("the SDK read slixmpp's activity as %+v; want %+v", a.Value, wantDoing)
	}

	peer.MustCall(ctx, "publish_tune", map[string]any{"fields": map[string]any{
		"artist": "Vivaldi", "length": 201, "rating": 9, "source": "Le quattro stagioni",
		"title": "La Primavera", "track": "1", "uri": "https://example.org/primavera",
	}}, nil)
	wantSong := tune.Tune{Artist: "Vivaldi", Length: 201 * time.Second, Rating: 9, Source: "Le quattro stagioni",
		Title: "La Primavera", Track: "1", URI: "https://example.org/primavera"}
	if s := waitUpdate(t, in.tunes, slix, "tune", isValue); s.Value != wantSong {
		t.Errorf("the SDK read slixmpp's tune as %+v; want %+v", s.Value, wantSong)
	}

	const slixNick = "Bob the Slix 🐍"
	peer.MustCall(ctx, "publish_nick", map[string]any{"nick": slixNick}, nil)
	if n := waitUpdate(t, in.nicks, slix, "nickname", isValue); n.Value != slixNick {
		t.Errorf("the SDK read slixmpp's nickname as %q; want %q", n.Value, slixNick)
	}

	// Withdrawn, each with its plugin's stop(): an empty payload.
	for _, node := range pepNodes {
		peer.MustCall(ctx, "pep_stop", map[string]any{"node": node}, nil)
	}
	waitUpdate(t, in.places, slix, "location withdrawal", isWithdrawal)
	waitUpdate(t, in.moods, slix, "mood withdrawal", isWithdrawal)
	waitUpdate(t, in.doings, slix, "activity withdrawal", isWithdrawal)
	waitUpdate(t, in.tunes, slix, "tune withdrawal", isWithdrawal)
	waitUpdate(t, in.nicks, slix, "nickname withdrawal", isWithdrawal)
}

// sdkPublishes: the SDK publishes each payload with its package's
// Publish, and slixmpp's plugins read them; then the SDK withdraws each
// by publishing its zero value.
func sdkPublishes(t *testing.T, peer *interop.Peer, ps *pubsub.Client, sdk jid.JID) {
	ctx := testkit.Ctx(t)
	// seen returns slixmpp's reading of the next event of node from the
	// SDK's account with a value (or, for withdrawn, an empty payload).
	seen := func(node string, withdrawn bool) slixPEPItem {
		t.Helper()
		var got slixPEPItem
		peer.MustCall(ctx, "seen_where", map[string]any{"event": pepEvents[node],
			"where": map[string]any{"from": sdk.String(), "empty": withdrawn}}, &got)
		if got.Node != node || got.ItemID != pep.CurrentID {
			t.Errorf("slixmpp received node %q item %q; want %q item %q", got.Node, got.ItemID, node, pep.CurrentID)
		}
		return got
	}

	stamp := time.Date(2026, 12, 5, 11, 30, 0, 500e6, time.UTC)
	here := geoloc.Location{Lat: new(48.8584), Lon: new(2.2945), Accuracy: new(20.0), Alt: new(35.0),
		Bearing: new(270.25), Speed: new(0.75), Locality: "Paris", Country: "France", CountryCode: "FR",
		Street: "Avenue Gustave Eiffel", Text: "under the tower", URI: "geo:48.8584,2.2945", Timestamp: stamp}
	if err := geoloc.Publish(ctx, ps, here); err != nil {
		t.Fatal(err)
	}
	loc := seen(geoloc.NS, false)
	wantLoc := slixPEPItem{From: loc.From, Node: loc.Node, ItemID: loc.ItemID, Delayed: loc.Delayed,
		Lat: here.Lat, Lon: here.Lon, Accuracy: here.Accuracy, Alt: here.Alt, Bearing: here.Bearing, Speed: here.Speed,
		Locality: "Paris", Country: "France", CountryCode: "FR", Street: "Avenue Gustave Eiffel",
		Text: "under the tower", URI: "geo:48.8584,2.2945", Timestamp: loc.Timestamp}
	if !reflect.DeepEqual(loc, wantLoc) {
		t.Errorf("slixmpp read the SDK's location as %s; want %s", showSlix(loc), showSlix(wantLoc))
	}
	if ts, err := time.Parse(time.RFC3339Nano, loc.Timestamp); err != nil || !ts.Equal(stamp) {
		t.Errorf("slixmpp read the SDK's timestamp as %q (%v); want %v", loc.Timestamp, err, stamp)
	}

	if err := mood.Publish(ctx, ps, mood.Mood{Value: mood.Curious, Text: "about slixmpp"}); err != nil {
		t.Fatal(err)
	}
	if m := seen(mood.NS, false); m.Value != "curious" || m.Text != "about slixmpp" {
		t.Errorf("slixmpp read the SDK's mood as %q, %q; want curious, about slixmpp", m.Value, m.Text)
	}

	if err := activity.Publish(ctx, ps, activity.Activity{General: "working", Specific: "coding", Text: "interop tests"}); err != nil {
		t.Fatal(err)
	}
	if a := seen(activity.NS, false); a.General != "working" || a.Specific != "coding" || a.Text != "interop tests" {
		t.Errorf("slixmpp read the SDK's activity as %q/%q, %q; want working/coding, interop tests", a.General, a.Specific, a.Text)
	}

	song := tune.Tune{Artist: "J. S. Bach", Length: 245 * time.Second, Rating: 8, Source: "Goldberg Variations",
		Title: "Aria", Track: "1", URI: "https://example.org/aria"}
	if err := tune.Publish(ctx, ps, song); err != nil {
		t.Fatal(err)
	}
	s := seen(tune.NS, false)
	if s.Artist != song.Artist || s.Length != "245" || s.Rating != "8" || s.Source != song.Source ||
		s.Title != song.Title || s.Track != song.Track || s.URI != song.URI {
		t.Errorf("slixmpp read the SDK's tune as %s; want %+v", showSlix(s), song)
	}

	const sdkNick = "Gö Alice 🦊"
	if err := nick.Publish(ctx, ps, sdkNick); err != nil {
		t.Fatal(err)
	}
	if n := seen(nick.NS, false); n.Nick != sdkNick {
		t.Errorf("slixmpp read the SDK's nickname as %q; want %q", n.Nick, sdkNick)
	}

	// Withdrawn: the zero value of each is an empty payload.
	for _, err := range []error{
		geoloc.Publish(ctx, ps, geoloc.Location{}),
		mood.Publish(ctx, ps, mood.Mood{}),
		activity.Publish(ctx, ps, activity.Activity{}),
		tune.Publish(ctx, ps, tune.Tune{}),
		nick.Publish(ctx, ps, ""),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, node := range pepNodes {
		seen(node, true)
	}
}

// showLocation shows l as its element.
func showLocation(l geoloc.Location) string { return l.Element().String() }

// showSlix shows slixmpp's reading of an event as JSON.
func showSlix(v slixPEPItem) string {
	b, _ := json.Marshal(v)
	return string(b)
}
