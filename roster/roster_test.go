package roster_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/roster"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

// login connects account i of srv over net.Pipe.
func login(t *testing.T, srv *xmpptest.Server, i int, res string) *xmpp.Client {
	t.Helper()
	a := srv.Account(i)
	c, err := xmpp.Dial(ctx(t), a.JID(), &xmpp.Options{Password: a.Password, Dial: srv.DialPipe, TLSConfig: srv.TLSConfig(), Resource: res})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// changes collects what OnChange reports, as "+jid name sub [groups]" or
// "-jid".
type changes struct {
	mu  sync.Mutex
	got []string
	ch  chan struct{}
}

func newChanges() *changes { return &changes{ch: make(chan struct{}, 100)} }

func (c *changes) on(ch roster.Change) {
	s := "+" + describe(ch.Item)
	if ch.Removed {
		s = "-" + ch.Item.JID.String()
	}
	c.mu.Lock()
	c.got = append(c.got, s)
	c.mu.Unlock()
	c.ch <- struct{}{}
}

// wait waits for the n-th change and returns all so far.
func (c *changes) wait(t *testing.T, n int) []string {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		c.mu.Lock()
		got := slices.Clone(c.got)
		c.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-c.ch:
		case <-deadline:
			t.Fatalf("waited for %d changes, got %q", n, got)
		}
	}
}

func describe(it roster.Item) string {
	s := fmt.Sprintf("%s %q %s", it.JID, it.Name, it.Subscription)
	if it.Ask {
		s += " ask"
	}
	if it.Approved {
		s += " approved"
	}
	if len(it.Groups) > 0 {
		s += fmt.Sprint(" ", it.Groups)
	}
	return s
}

func TestSetAndRemove(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice := login(t, srv, 0, "")
	ch := newChanges()
	r := roster.New(alice, &roster.Options{OnChange: ch.on})
	if err := r.Load(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if items := r.Items(); len(items) != 0 {
		t.Fatalf("new account's roster %v", items)
	}
	bob := jid.MustParse("bob@localhost")
	if err := r.Set(ctx(t), roster.Item{JID: bob, Name: "Bob", Groups: []string{"Friends", "Work"}, Subscription: roster.SubscriptionBoth}); err != nil {
		t.Fatal(err)
	}
	want := `+bob@localhost "Bob" none [Friends Work]`
	if got := ch.wait(t, 1); got[0] != want {
		t.Errorf("change %q, want %q", got[0], want)
	}
	if it, ok := r.Item(bob); !ok || describe(it) != want[1:] {
		t.Errorf("item %v %v", it, ok)
	}
	if err := r.Set(ctx(t), roster.Item{JID: bob, Name: "Robert"}); err != nil {
		t.Fatal(err)
	}
	if got := ch.wait(t, 2); got[1] != `+bob@localhost "Robert" none` {
		t.Errorf("change %q", got[1])
	}
	if err := r.Remove(ctx(t), bob); err != nil {
		t.Fatal(err)
	}
	if got := ch.wait(t, 3); got[2] != "-bob@localhost" {
		t.Errorf("change %q", got[2])
	}
	if err := r.Remove(ctx(t), bob); !errors.Is(err, stanza.ErrItemNotFound) {
		t.Errorf("removing a contact not in the roster: %v", err)
	}
	if err := r.Set(ctx(t), roster.Item{JID: bob, Groups: []string{"a", "a"}}); !errors.Is(err, roster.ErrMalformed) {
		t.Errorf("repeated group: %v", err)
	}
}

// TestPushesToOtherResources: a change made on one resource reaches the
// Roster of another.
func TestPushesToOtherResources(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	desk := roster.New(login(t, srv, 0, "desk"), nil)
	ch := newChanges()
	phone := roster.New(login(t, srv, 0, "phone"), &roster.Options{OnChange: ch.on})
	for _, r := range []*roster.Roster{desk, phone} {
		if err := r.Load(ctx(t)); err != nil {
			t.Fatal(err)
		}
	}
	if err := desk.Set(ctx(t), roster.Item{JID: jid.MustParse("carol@localhost"), Name: "Carol"}); err != nil {
		t.Fatal(err)
	}
	if got := ch.wait(t, 1); got[0] != `+carol@localhost "Carol" none` {
		t.Errorf("phone saw %q", got)
	}
}

// TestSpoofedPush: a roster push from anyone but the account is refused
// with service-unavailable and changes nothing; so is a malformed one.
func TestSpoofedPush(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice := login(t, srv, 0, "")
	bob := login(t, srv, 1, "")
	ch := newChanges()
	r := roster.New(alice, &roster.Options{OnChange: ch.on})
	if err := r.Load(ctx(t)); err != nil {
		t.Fatal(err)
	}
	evil := roster.Item{JID: jid.MustParse("mallory@evil.example"), Name: "trust me", Subscription: roster.SubscriptionBoth}
	push := func() *stanza.Element { return stanza.NewElement(roster.NS, "query").AddChild(evil.Element()) }
	// From another account: the server stamps bob's address.
	_, err := bob.Request(ctx(t), stanza.NewIQ(stanza.IQSet, alice.JID(), push()))
	if !errors.Is(err, stanza.ErrServiceUnavailable) {
		t.Errorf("push from bob answered with %v", err)
	}
	// From the server's domain, or a full JID of our own, written into
	// the stream: still not the account's bare JID.
	replies := make(chan *stanza.Element, 4)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == xmpptest.ClientToServer && ev.Element.Name.Local == "iq" && ev.Element.Attr("id") != "" && ev.Element.Attr("type") != "get" && ev.Element.Attr("type") != "set" {
			replies <- ev.Element
		}
		return xmpptest.Verdict{}
	})
	for i, from := range []string{"localhost", alice.JID().String(), ""} {
		iq := stanza.NewIQ(stanza.IQSet, alice.JID(), push())
		if from == "" {
			// Malformed: two items, from the account itself.
			iq.Payload.AddChild(roster.Item{JID: jid.MustParse("x@y")}.Element())
		} else {
			iq.From = jid.MustParse(from)
		}
		iq.ID = fmt.Sprint("spoof-", i)
		if err := srv.Inject(alice.JID(), iq.Element()); err != nil {
			t.Fatal(err)
		}
		select {
		case e := <-replies:
			want := stanza.ErrServiceUnavailable
			if from == "" {
				want = stanza.ErrBadRequest
			}
			if reply, err := stanza.ParseIQ(e); err != nil || reply.ID != iq.ID || !errors.Is(reply.Error, want) {
				t.Errorf("push from %q answered with %s, want %s", from, e, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("push from %q not answered", from)
		}
	}
	if items := r.Items(); len(items) != 0 {
		t.Errorf("spoofed pushes changed the roster: %v", items)
	}
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if len(ch.got) != 0 {
		t.Errorf("changes reported: %q", ch.got)
	}
}

// TestVersioning: a Roster restored from a saved version and items asks
// with that version; an unchanged roster comes back as an empty result
// and the saved items stand, with no change reported.
func TestVersioning(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	first := login(t, srv, 0, "first")
	r1 := roster.New(first, nil)
	if err := r1.Load(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if err := r1.Set(ctx(t), roster.Item{JID: jid.MustParse("bob@localhost"), Name: "Bob"}); err != nil {
		t.Fatal(err)
	}
	// The server pushed the new item before it answered the ping of
	// Sync, and the Roster applies pushes in its handler.
	if err := first.Sync(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if len(r1.Items()) == 0 {
		t.Fatal("the push of the new item was not applied")
	}
	saved, ver := r1.Items(), r1.Version()
	if ver == "" {
		t.Fatal("no version from a server that offers versioning")
	}
	first.Close()

	asked := make(chan string, 2)
	empty := make(chan bool, 2)
	var mu sync.Mutex
	var getID string
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		e := ev.Element
		mu.Lock()
		defer mu.Unlock()
		switch {
		case ev.Dir == xmpptest.ClientToServer && e.Attr("type") == "get" && e.Child(roster.NS, "query") != nil:
			getID = e.Attr("id")
			asked <- e.Child(roster.NS, "query").Attr("ver")
		case ev.Dir == xmpptest.ServerToClient && getID != "" && e.Attr("id") == getID:
			empty <- e.Attr("type") == "result" && e.Child(roster.NS, "query") == nil
		}
		return xmpptest.Verdict{}
	})
	ch := newChanges()
	r2 := roster.New(login(t, srv, 0, "second"), &roster.Options{Version: ver, Items: saved, OnChange: ch.on})
	if err := r2.Load(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if v := <-asked; v != ver {
		t.Errorf("asked with version %q, want %q", v, ver)
	}
	if !<-empty {
		t.Error("the server sent the whole roster for an unchanged version")
	}
	if items := r2.Items(); len(items) != 1 || items[0].Name != "Bob" {
		t.Errorf("items %v", items)
	}
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if len(ch.got) != 0 {
		t.Errorf("changes reported for an unchanged roster: %q", ch.got)
	}
}

// TestLoadReportsDifferences: loading over stale saved items reports what
// changed: the stale contact removed, the real one added.
func TestLoadReportsDifferences(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	c := login(t, srv, 0, "")
	setup := roster.New(c, nil)
	if err := setup.Load(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if err := setup.Set(ctx(t), roster.Item{JID: jid.MustParse("bob@localhost")}); err != nil {
		t.Fatal(err)
	}
	c2 := login(t, srv, 0, "other")
	ch := newChanges()
	stale := []roster.Item{{JID: jid.MustParse("old@localhost"), Subscription: roster.SubscriptionBoth}}
	r := roster.New(c2, &roster.Options{Version: "stale", Items: stale, OnChange: ch.on})
	if err := r.Load(ctx(t)); err != nil {
		t.Fatal(err)
	}
	want := []string{`+bob@localhost "" none`, "-old@localhost"}
	if got := ch.wait(t, 2); !slices.Equal(got, want) {
		t.Errorf("changes %q, want %q", got, want)
	}
}

// TestReloadAfterNewSession: when the Client could not resume its session,
// the Roster loads itself again and reports what changed meanwhile.
func TestReloadAfterNewSession(t *testing.T) {
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	// Resumption fails (it names a session the server does not know),
	// and waits until hold is closed; enabled says that stream
	// management is on, without which the Client would not reconnect.
	hold := make(chan struct{})
	enabled := make(chan struct{}, 4)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		e := ev.Element
		switch {
		case ev.Dir == xmpptest.ClientToServer && e.Name == (stanza.Name{Space: "urn:xmpp:sm:3", Local: "resume"}):
			<-hold
			return xmpptest.Verdict{Replace: e.Copy().SetAttr("previd", "forgotten")}
		case ev.Dir == xmpptest.ServerToClient && e.Name == (stanza.Name{Space: "urn:xmpp:sm:3", Local: "enabled"}):
			enabled <- struct{}{}
		}
		return xmpptest.Verdict{}
	})
	a := srv.Account(0)
	lost := make(chan struct{})
	phone := xmpp.New(a.JID(), &xmpp.Options{Password: a.Password, Dial: srv.DialPipe, TLSConfig: srv.TLSConfig(), Resource: "phone",
		ReconnectMin: time.Millisecond})
	t.Cleanup(func() { phone.Close() })
	phone.HandleEvent(func(_ context.Context, ev xmpp.Event) {
		if ev.Kind == xmpp.EventDisconnected {
			close(lost)
		}
	})
	ch := newChanges()
	r := roster.New(phone, &roster.Options{OnChange: ch.on})
	if err := phone.Connect(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if err := r.Load(ctx(t)); err != nil {
		t.Fatal(err)
	}
	<-enabled
	// A round trip: the Client has read <enabled/> once the answer comes.
	if err := phone.Ping(ctx(t), jid.JID{}); err != nil {
		t.Fatal(err)
	}
	desk := roster.New(login(t, srv, 0, "desk"), nil)
	// The phone's connection breaks; meanwhile the desk adds a contact,
	// whose push the phone never gets.
	if err := srv.Cut(phone.JID()); err != nil {
		t.Fatal(err)
	}
	<-lost
	if err := desk.Set(ctx(t), roster.Item{JID: jid.MustParse("dave@localhost"), Name: "Dave"}); err != nil {
		t.Fatal(err)
	}
	close(hold)
	if got := ch.wait(t, 1); got[0] != `+dave@localhost "Dave" none` {
		t.Errorf("changes %q", got)
	}
}
