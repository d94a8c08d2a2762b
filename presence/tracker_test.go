package presence_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/presence"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestTrackerContact subscribes alice and bob to each other with raw
// presence stanzas, then follows what two resources of bob do as alice's
// Tracker (and bob's own, for his other resource) sees it, change by
// change: availability, show and priority, the choice of the best
// resource, a cut connection and unavailable presence.
func TestTrackerContact(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice := login(t, srv, 0, "desk")
	laptop := login(t, srv, 1, "laptop")
	alice.available(t, "", "", 0)
	laptop.available(t, "", "", 0)
	mutual(t, alice, laptop)
	bob := laptop.bare()

	// The subscription handshake brings each side the other's presence,
	// and nothing else: subscription stanzas and echoes change nothing.
	if ch := alice.expect(t, presence.ChangeAvailable, laptop.c.JID()); ch.Resource.Priority != 0 || ch.Resource.Show != "" {
		t.Errorf("alice: %s", changeString(ch))
	}
	laptop.expect(t, presence.ChangeAvailable, alice.c.JID())
	alice.quiet(t, 50*time.Millisecond)
	laptop.quiet(t, 0)

	// A second resource of bob's comes online: alice sees it, and so does
	// bob's first resource, under bob's own bare JID.
	phone := login(t, srv, 1, "phone")
	phone.available(t, stanza.ShowAway, "on the bus", 1)
	ch := alice.expect(t, presence.ChangeAvailable, phone.c.JID())
	if r := ch.Resource; r.Show != stanza.ShowAway || r.Status != "on the bus" || r.Priority != 1 || r.Received.IsZero() {
		t.Errorf("alice: %s", changeString(ch))
	}
	laptop.expect(t, presence.ChangeAvailable, phone.c.JID())
	if got := jids(laptop.tr.Resources(bob)); !slices.Equal(got, []string{"bob@localhost/phone"}) {
		t.Errorf("bob/laptop sees its own account's resources %q, want only the other one", got)
	}
	// The phone's initial presence brought it alice's presence and the
	// laptop's.
	phone.until(t, "alice and bob/laptop", func() bool {
		return phone.tr.Available(alice.bare()) && phone.tr.Available(bob)
	})

	best := func(want string) {
		t.Helper()
		r, ok := alice.tr.Best(bob)
		if !ok || r.JID.String() != want {
			t.Errorf("Best = %s %v, want %s; resources %q", r.JID, ok, want, jids(alice.tr.Resources(bob)))
		}
		if rs := alice.tr.Resources(bob); len(rs) == 0 || rs[0].JID != r.JID {
			t.Errorf("Resources %q do not start with Best %s", jids(rs), r.JID)
		}
	}
	steps := []struct {
		name     string
		who      *peer
		show     stanza.Show
		priority int8
		best     string
		order    []string
	}{
		{"priority wins", laptop, stanza.ShowDND, 0, "bob@localhost/phone", []string{"bob@localhost/phone", "bob@localhost/laptop"}},
		{"then show: chat before away", laptop, stanza.ShowChat, 1, "bob@localhost/laptop", []string{"bob@localhost/laptop", "bob@localhost/phone"}},
		{"then recency", phone, stanza.ShowChat, 1, "bob@localhost/phone", []string{"bob@localhost/phone", "bob@localhost/laptop"}},
		{"recency again", laptop, stanza.ShowChat, 1, "bob@localhost/laptop", []string{"bob@localhost/laptop", "bob@localhost/phone"}},
		{"show beats recency", phone, "", 1, "bob@localhost/laptop", []string{"bob@localhost/laptop", "bob@localhost/phone"}},
		{"higher priority beats show", phone, stanza.ShowXA, 2, "bob@localhost/phone", []string{"bob@localhost/phone", "bob@localhost/laptop"}},
		{"negative priority comes last", phone, stanza.ShowChat, -1, "bob@localhost/laptop", []string{"bob@localhost/laptop", "bob@localhost/phone"}},
	}
	for _, s := range steps {
		s.who.available(t, s.show, s.name, s.priority)
		ch := alice.expect(t, presence.ChangeAvailable, s.who.c.JID())
		if r := ch.Resource; r.Show != s.show || r.Priority != s.priority || r.Status != s.name {
			t.Errorf("%s: alice got %s", s.name, changeString(ch))
		}
		best(s.best)
		if got := jids(alice.tr.Resources(bob)); !slices.Equal(got, s.order) {
			t.Errorf("%s: Resources %q, want %q", s.name, got, s.order)
		}
	}
	// phone is at -1: still available, never chosen while laptop is on.
	if r, ok := alice.tr.Resource(phone.c.JID()); !ok || r.Priority != -1 {
		t.Errorf("Resource(phone) = %+v, %v", r, ok)
	}

	// The laptop's connection breaks: the server says it is unavailable.
	if err := srv.Cut(laptop.c.JID()); err != nil {
		t.Fatal(err)
	}
	alice.expect(t, presence.ChangeUnavailable, laptop.c.JID())
	phone.until(t, "the laptop gone", func() bool {
		_, ok := phone.tr.Resource(laptop.c.JID())
		return !ok
	})
	if _, ok := alice.tr.Resource(laptop.c.JID()); ok {
		t.Error("the cut resource is still tracked")
	}
	// Only the negative-priority phone is left: available, and the best
	// there is, though no message to the bare JID would reach it.
	if r, ok := alice.tr.Best(bob); !ok || r.JID != phone.c.JID() || r.Priority != -1 || !alice.tr.Available(bob) {
		t.Errorf("Best = %+v %v", r, ok)
	}

	// The phone leaves with a status.
	if err := presence.Unavailable(ctx(t), phone.c, "battery low"); err != nil {
		t.Fatal(err)
	}
	alice.expect(t, presence.ChangeUnavailable, phone.c.JID())
	if alice.tr.Available(bob) || alice.tr.Resources(bob) != nil {
		t.Errorf("bob still available: %q", jids(alice.tr.Resources(bob)))
	}
	if _, ok := alice.tr.Best(bob); ok {
		t.Error("Best found a resource")
	}
	if got := alice.tr.Contacts(); len(got) != 0 {
		t.Errorf("Contacts = %v", got)
	}
	// phone's own Tracker still knows alice; the stream is open.
	if !phone.tr.Available(alice.bare()) {
		t.Error("phone forgot alice")
	}
}

// TestTrackerDirected checks that directed presence from someone who is
// not a contact is tracked, and that the server's unavailable presence
// when that someone leaves removes it.
func TestTrackerDirected(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice := login(t, srv, 0, "desk")
	carol := login(t, srv, 2, "tablet")
	alice.available(t, "", "", 0)
	if err := presence.Directed(ctx(t), carol.c, alice.c.JID(), stanza.ShowDND, "in a meeting"); err != nil {
		t.Fatal(err)
	}
	ch := alice.expect(t, presence.ChangeAvailable, carol.c.JID())
	if ch.Resource.Show != stanza.ShowDND || ch.Resource.Status != "in a meeting" {
		t.Errorf("alice got %s", changeString(ch))
	}
	if got := alice.tr.Contacts(); len(got) != 1 || got[0] != carol.bare() {
		t.Errorf("Contacts = %v", got)
	}
	if err := carol.c.Close(); err != nil {
		t.Fatal(err)
	}
	alice.expect(t, presence.ChangeUnavailable, carol.c.JID())
	if alice.tr.Available(carol.bare()) {
		t.Error("carol still available")
	}
}

// inject writes e into the stream of p's Client.
func inject(t *testing.T, srv *xmpptest.Server, p *peer, e *stanza.Element) {
	t.Helper()
	if err := srv.Inject(p.c.JID(), e); err != nil {
		t.Fatal(err)
	}
}

// pres returns a presence from from to to of type typ.
func pres(from, to jid.JID, typ stanza.PresenceType) *stanza.Presence {
	return &stanza.Presence{Header: stanza.Header{From: from, To: to, ID: stanza.NewID()}, Type: typ}
}

// TestTrackerRules checks, with presence stanzas injected by the server,
// what the Tracker records and what it ignores: unavailable from a bare
// JID, errors, subscriptions, probes, presence without from and its own
// echo, the account's other resources, languages and payloads, Reset.
func TestTrackerRules(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice := login(t, srv, 0, "desk")
	me := alice.c.JID()
	j := jid.MustParse
	avail := func(from string) { inject(t, srv, alice, pres(j(from), me, "").Element()) }

	avail("bob@localhost/a")
	alice.expect(t, presence.ChangeAvailable, j("bob@localhost/a"))
	avail("bob@localhost/b")
	alice.expect(t, presence.ChangeAvailable, j("bob@localhost/b"))
	// A bare available presence (a gateway, a service) is tracked as is.
	avail("bob@localhost")
	alice.expect(t, presence.ChangeAvailable, j("bob@localhost"))
	if got := jids(alice.tr.Resources(j("bob@localhost/whatever"))); !slices.Equal(got, []string{"bob@localhost", "bob@localhost/b", "bob@localhost/a"}) {
		t.Errorf("Resources = %q", got)
	}

	t.Run("ignored", func(t *testing.T) {
		for _, typ := range []stanza.PresenceType{stanza.PresenceSubscribe, stanza.PresenceSubscribed,
			stanza.PresenceUnsubscribe, stanza.PresenceUnsubscribed, stanza.PresenceProbe} {
			inject(t, srv, alice, pres(j("bob@localhost/a"), me, typ).Element())
		}
		inject(t, srv, alice, pres(jid.JID{}, me, "").Element())                                    // no from
		inject(t, srv, alice, pres(me, me, "").Element())                                           // own echo
		inject(t, srv, alice, pres(me, me, stanza.PresenceUnavailable).Element())                   // own echo
		inject(t, srv, alice, pres(j("eve@localhost/x"), me, stanza.PresenceUnavailable).Element()) // unknown
		// A marker: the next change must be this one.
		avail("dave@localhost/marker")
		alice.expect(t, presence.ChangeAvailable, j("dave@localhost/marker"))
		if len(alice.tr.Resources(j("bob@localhost"))) != 3 {
			t.Errorf("bob's resources changed: %q", jids(alice.tr.Resources(j("bob@localhost"))))
		}
	})

	t.Run("own other resources", func(t *testing.T) {
		avail("alice@localhost/phone")
		alice.expect(t, presence.ChangeAvailable, j("alice@localhost/phone"))
		if got := jids(alice.tr.Resources(me)); !slices.Equal(got, []string{"alice@localhost/phone"}) {
			t.Errorf("own resources %q", got)
		}
	})

	t.Run("unavailable from the bare JID", func(t *testing.T) {
		inject(t, srv, alice, pres(j("bob@localhost"), me, stanza.PresenceUnavailable).Element())
		alice.expect(t, presence.ChangeUnavailable, j("bob@localhost"))
		if alice.tr.Available(j("bob@localhost")) {
			t.Errorf("bob still has %q", jids(alice.tr.Resources(j("bob@localhost"))))
		}
	})

	t.Run("error", func(t *testing.T) {
		dave := j("dave@localhost")
		p := pres(dave, me, stanza.PresenceError)
		p.Error = stanza.NewError(stanza.ErrRemoteServerNotFound, "")
		inject(t, srv, alice, p.Element())
		ch := alice.expect(t, presence.ChangeError, dave)
		if !errors.Is(ch.Err, stanza.ErrRemoteServerNotFound) || !errors.Is(alice.tr.Err(dave), stanza.ErrRemoteServerNotFound) {
			t.Errorf("Change.Err %v, Err %v", ch.Err, alice.tr.Err(dave))
		}
		var se *stanza.Error
		if !errors.As(alice.tr.Err(dave), &se) {
			t.Errorf("Err is %T", alice.tr.Err(dave))
		}
		// The error removed dave's resources; dave is still listed.
		if alice.tr.Available(dave) || !slices.Contains(alice.tr.Contacts(), dave) {
			t.Errorf("Available %v, Contacts %v", alice.tr.Available(dave), alice.tr.Contacts())
		}
		// The next available presence clears the error.
		avail("dave@localhost/x")
		alice.expect(t, presence.ChangeAvailable, j("dave@localhost/x"))
		avail("dave@localhost/y")
		alice.expect(t, presence.ChangeAvailable, j("dave@localhost/y"))
		if err := alice.tr.Err(dave); err != nil {
			t.Errorf("Err = %v after available", err)
		}
		// An error from one resource removes that one only.
		p = pres(j("dave@localhost/x"), me, stanza.PresenceError)
		p.Error = stanza.NewError(stanza.ErrRecipientUnavailable, "")
		inject(t, srv, alice, p.Element())
		alice.expect(t, presence.ChangeError, j("dave@localhost/x"))
		if got := jids(alice.tr.Resources(dave)); !slices.Equal(got, []string{"dave@localhost/y"}) || !errors.Is(alice.tr.Err(dave), stanza.ErrRecipientUnavailable) {
			t.Errorf("Resources %q, Err %v", got, alice.tr.Err(dave))
		}
		// Unavailable keeps the error.
		inject(t, srv, alice, pres(j("dave@localhost/y"), me, stanza.PresenceUnavailable).Element())
		alice.expect(t, presence.ChangeUnavailable, j("dave@localhost/y"))
		if alice.tr.Err(dave) == nil || !slices.Contains(alice.tr.Contacts(), dave) {
			t.Errorf("Err %v, Contacts %v", alice.tr.Err(dave), alice.tr.Contacts())
		}
	})

	t.Run("show order", func(t *testing.T) {
		// Oldest first, so that recency would give the reverse order.
		for _, sh := range []stanza.Show{stanza.ShowChat, "", stanza.ShowAway, stanza.ShowXA, stanza.ShowDND} {
			p := pres(j("carol@localhost/"+string(sh)+"-"), me, "")
			p.Show = sh
			inject(t, srv, alice, p.Element())
			alice.expect(t, presence.ChangeAvailable, p.From)
		}
		want := []string{"carol@localhost/chat-", "carol@localhost/-", "carol@localhost/away-", "carol@localhost/xa-", "carol@localhost/dnd-"}
		if got := jids(alice.tr.Resources(j("carol@localhost"))); !slices.Equal(got, want) {
			t.Errorf("Resources %q, want %q", got, want)
		}
		inject(t, srv, alice, pres(j("carol@localhost"), me, stanza.PresenceUnavailable).Element())
		alice.expect(t, presence.ChangeUnavailable, j("carol@localhost"))
	})

	t.Run("languages and payloads", func(t *testing.T) {
		p := pres(j("carol@localhost/c"), me, "")
		p.Lang = "en"
		p.Statuses = []stanza.Text{{Value: "Busy"}, {Lang: "de", Value: "Beschäftigt"}}
		caps := stanza.NewElement("http://jabber.org/protocol/caps", "c", stanza.A("hash", "sha-1"), stanza.A("node", "n"), stanza.A("ver", "v"))
		p.Payloads = []*stanza.Element{caps}
		inject(t, srv, alice, p.Element())
		r := alice.expect(t, presence.ChangeAvailable, j("carol@localhost/c")).Resource
		want := []stanza.Text{{Lang: "en", Value: "Busy"}, {Lang: "de", Value: "Beschäftigt"}}
		if r.Status != "Busy" || !slices.Equal(r.Statuses, want) {
			t.Errorf("Status %q, Statuses %+v", r.Status, r.Statuses)
		}
		if len(r.Payloads) != 1 || r.Payloads[0].Name.Local != "c" || r.Payloads[0].Attr("ver") != "v" {
			t.Errorf("Payloads %v", r.Payloads)
		}
	})

	t.Run("reset", func(t *testing.T) {
		alice.tr.Reset()
		// Contacts with resources, sorted: alice (her phone) and carol.
		// dave's error, without resources, goes silently.
		for _, want := range []string{"alice@localhost", "carol@localhost"} {
			alice.expect(t, presence.ChangeUnavailable, j(want))
		}
		if got := alice.tr.Contacts(); len(got) != 0 {
			t.Errorf("Contacts = %v", got)
		}
		if alice.tr.Err(j("dave@localhost")) != nil {
			t.Error("Reset kept an error")
		}
	})
}

// TestOnChangeDoesNotBlockDispatch holds the change callback and checks
// that the Client still handles stanzas, and that the changes held meanwhile
// come afterwards, in order.
func TestOnChangeDoesNotBlockDispatch(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice := login(t, srv, 0, "desk")
	release := make(chan struct{})
	held := make(chan presence.Change, 10)
	alice.tr.OnChange(func(ch presence.Change) {
		held <- ch
		<-release
	})
	msgs := make(chan *stanza.Message, 1)
	alice.c.HandleMessage(xmpp.Route{}, func(_ context.Context, m *stanza.Message) { msgs <- m })

	me := alice.c.JID()
	for _, from := range []string{"bob@localhost/1", "bob@localhost/2", "bob@localhost/3"} {
		inject(t, srv, alice, pres(jid.MustParse(from), me, "").Element())
	}
	<-held // the first change, held
	inject(t, srv, alice, stanza.NewMessage(stanza.MessageChat, me, "still here").Element())
	select {
	case m := <-msgs:
		if m.Body() != "still here" {
			t.Errorf("message %q", m.Body())
		}
	case <-time.After(waitTimeout):
		t.Fatal("a held change callback blocked the Client's dispatch")
	}
	// The Tracker itself is up to date.
	if n := len(alice.tr.Resources(jid.MustParse("bob@localhost"))); n != 3 {
		t.Errorf("%d resources", n)
	}
	close(release)
	for _, want := range []string{"bob@localhost/2", "bob@localhost/3"} {
		if ch := <-held; ch.JID.String() != want || ch.Missed != 0 {
			t.Errorf("got %s (missed %d), want %s", changeString(ch), ch.Missed, want)
		}
	}
	// The first callback saw them all too, in order.
	for _, want := range []string{"bob@localhost/1", "bob@localhost/2", "bob@localhost/3"} {
		alice.expect(t, presence.ChangeAvailable, jid.MustParse(want))
	}
}

// TestTrackerConcurrent reads a Tracker from several goroutines while
// presence flows in; run with -race.
func TestTrackerConcurrent(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice := login(t, srv, 0, "desk")
	me := alice.c.JID()
	bob := jid.MustParse("bob@localhost")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				rs := alice.tr.Resources(bob)
				for i := 1; i < len(rs); i++ {
					if rs[i-1].Priority < rs[i].Priority {
						t.Errorf("Resources out of order: %d before %d", rs[i-1].Priority, rs[i].Priority)
						return
					}
				}
				alice.tr.Best(bob)
				alice.tr.Available(bob)
				alice.tr.Contacts()
				alice.tr.Err(bob)
			}
		})
	}
	const n = 300
	for i := range n {
		from, _ := bob.WithResource(string(rune('a' + i%7)))
		p := pres(from, me, "")
		if i%5 == 4 {
			p.Type = stanza.PresenceUnavailable
		} else {
			p.Priority = int8(i % 11)
		}
		inject(t, srv, alice, p.Element())
	}
	inject(t, srv, alice, pres(jid.MustParse("dave@localhost/end"), me, "").Element())
	alice.until(t, "the last presence", func() bool { return alice.tr.Available(jid.MustParse("dave@localhost")) })
	close(stop)
	wg.Wait()
}

// TestTrackerNewSession: when the Client had to start a new session, the
// Tracker forgets what it knew (presence may have changed unseen) and
// learns the contacts' presence again from the server.
func TestTrackerNewSession(t *testing.T) {
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	enabled := make(chan jid.JID, 8)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		e := ev.Element
		switch {
		case ev.Dir == xmpptest.ClientToServer && e.Name == (stanza.Name{Space: "urn:xmpp:sm:3", Local: "resume"}):
			// A session the server does not know: resumption fails.
			return xmpptest.Verdict{Replace: e.Copy().SetAttr("previd", "forgotten")}
		case ev.Dir == xmpptest.ServerToClient && e.Name == (stanza.Name{Space: "urn:xmpp:sm:3", Local: "enabled"}):
			enabled <- ev.JID
		}
		return xmpptest.Verdict{}
	})
	alice := connectWith(t, srv, srv.DialPipe, 0, "desk", func(o *xmpp.Options) { o.ReconnectMin = time.Millisecond })
	bob := login(t, srv, 1, "phone")
	alice.available(t, "", "", 0)
	bob.available(t, "", "", 0)
	mutual(t, alice, bob)
	for j := range enabled {
		if j == alice.c.JID() {
			break
		}
	}
	// A round trip: the Client has read <enabled/> once the answer comes.
	if err := alice.c.Ping(ctx(t), jid.JID{}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Cut(alice.c.JID()); err != nil {
		t.Fatal(err)
	}
	// Changes from the subscription may still be on their way: the
	// Reset is the first unavailable from bob's bare JID.
	for {
		ch := alice.next(t)
		if ch.Kind == presence.ChangeUnavailable && ch.JID == bob.bare() {
			break
		}
	}
	alice.expect(t, presence.ChangeAvailable, bob.c.JID())
}
