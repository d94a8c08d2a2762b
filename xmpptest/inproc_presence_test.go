package xmpptest_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// rosterGet fetches c's roster, which makes c an interested resource,
// and returns its items as itemString describes them.
func rosterGet(t *testing.T, c *xmpp.Client) []string {
	t.Helper()
	res, err := c.Request(ctx(t), stanza.NewIQ(stanza.IQGet, jid.JID{}, stanza.NewElement("jabber:iq:roster", "query")))
	if err != nil {
		t.Fatalf("%s: roster get: %v", c.JID(), err)
	}
	var items []string
	for it := range res.Payload.Children() {
		items = append(items, itemString(it))
	}
	return items
}

// rosterSet sends a roster set with one item.
func rosterSet(t *testing.T, c *xmpp.Client, item *stanza.Element) error {
	t.Helper()
	_, err := c.Request(ctx(t), stanza.NewIQ(stanza.IQSet, jid.JID{}, stanza.NewElement("jabber:iq:roster", "query").AddChild(item)))
	return err
}

// subscribe runs the subscription handshake of RFC 6121 section 3.1 in
// which a subscribes to b's presence, checking every roster push and
// presence on the way. Both are interested and available, and their
// inboxes are empty.
func subscribe(t *testing.T, a, b *xmpp.Client, ain, bin *inbox, aItemBefore, bItemBefore string) {
	t.Helper()
	aj, bj := a.JID().Bare(), b.JID().Bare()
	send(t, a, stanza.NewPresence(stanza.PresenceSubscribe, bj))
	if got, want := itemString(ain.push(t)), bj.String()+" "+aItemBefore+" subscribe"; got != want {
		t.Errorf("%s: push %q, want %q", aj, got, want)
	}
	if p := bin.presence(t); p.Type != stanza.PresenceSubscribe || p.From != aj {
		t.Errorf("%s: got %s, want subscribe from %s", bj, p.Element(), aj)
	}
	send(t, b, stanza.NewPresence(stanza.PresenceSubscribed, aj))
	if got, want := itemString(bin.push(t)), aj.String()+" "+bItemBefore; got != want {
		t.Errorf("%s: push %q, want %q", bj, got, want)
	}
	aAfter := map[string]string{"none": "to", "from": "both"}[aItemBefore]
	if got, want := itemString(ain.push(t)), bj.String()+" "+aAfter; got != want {
		t.Errorf("%s: push %q, want %q", aj, got, want)
	}
	if p := ain.presence(t); p.Type != stanza.PresenceSubscribed || p.From != bj {
		t.Errorf("%s: got %s, want subscribed from %s", aj, p.Element(), bj)
	}
	if p := ain.presence(t); p.Type != stanza.PresenceAvailable || p.From != b.JID() {
		t.Errorf("%s: got %s, want %s's presence", aj, p.Element(), b.JID())
	}
}

// TestServerSubscription runs the full handshake between alice and bob,
// ending in subscription both with the right pushes and presence, then
// checks that presence goes to subscribers only.
func TestServerSubscription(t *testing.T) {
	srv := startServer(t, nil)
	var clients [3]*xmpp.Client
	var inboxes [3]*inbox
	for i := range clients {
		clients[i] = mustLogin(t, srv, i, "")
		inboxes[i] = newInbox(clients[i])
		if items := rosterGet(t, clients[i]); len(items) != 0 {
			t.Fatalf("roster of %s: %q", clients[i].JID(), items)
		}
		send(t, clients[i], presence(0))
		if p := inboxes[i].presence(t); p.From != clients[i].JID() {
			t.Fatalf("%s: echo from %s", clients[i].JID(), p.From)
		}
	}
	alice, bob, carol := clients[0], clients[1], clients[2]
	ain, bin, cin := inboxes[0], inboxes[1], inboxes[2]

	// "none" → "to" for alice, "none" → "from" for bob.
	subscribe(t, alice, bob, ain, bin, "none", "from")
	// And back: bob subscribes to alice; both end in "both".
	subscribe(t, bob, alice, bin, ain, "from", "both")
	if got := rosterGet(t, alice); len(got) != 1 || got[0] != "bob@localhost both" {
		t.Errorf("alice's roster %q", got)
	}
	if got := rosterGet(t, bob); len(got) != 1 || got[0] != "alice@localhost both" {
		t.Errorf("bob's roster %q", got)
	}

	t.Run("broadcast to subscribers only", func(t *testing.T) {
		p := presence(0)
		p.Show = stanza.ShowAway
		send(t, alice, p)
		for _, in := range []*inbox{ain, bin} {
			if got := in.presence(t); got.From != alice.JID() || got.Show != stanza.ShowAway {
				t.Errorf("%s got %s", in.c.JID(), got.Element())
			}
		}
		send(t, alice, stanza.NewMessage(stanza.MessageChat, carol.JID(), "marker"))
		if m := cin.message(t); m.Body() != "marker" {
			t.Errorf("carol got %q first", m.Body())
		}
	})
	t.Run("probe at initial presence", func(t *testing.T) {
		bob2 := mustLogin(t, srv, 1, "second")
		in2 := newInbox(bob2)
		send(t, bob2, presence(0))
		got := map[jid.JID]bool{}
		for range 3 { // its own echo, alice's presence, bob's first resource
			got[in2.presence(t).From] = true
		}
		if !got[alice.JID()] || !got[bob.JID()] || !got[bob2.JID()] {
			t.Errorf("bob2 got presence from %v", got)
		}
		// The others see bob2 arrive.
		for _, in := range []*inbox{ain, bin} {
			if p := in.presence(t); p.From != bob2.JID() {
				t.Errorf("%s got %s", in.c.JID(), p.Element())
			}
		}
		bob2.Close()
		for _, in := range []*inbox{ain, bin} {
			if p := in.presence(t); p.From != bob2.JID() || p.Type != stanza.PresenceUnavailable {
				t.Errorf("%s got %s, want unavailable from bob2", in.c.JID(), p.Element())
			}
		}
	})
	t.Run("unsubscribe", func(t *testing.T) {
		// alice stops receiving bob's presence: "both" → "from" for alice,
		// "both" → "to" for bob, and bob's server tells alice that bob
		// is unavailable.
		send(t, alice, stanza.NewPresence(stanza.PresenceUnsubscribe, bob.JID().Bare()))
		if got := itemString(ain.push(t)); got != "bob@localhost from" {
			t.Errorf("alice push %q", got)
		}
		if got := itemString(bin.push(t)); got != "alice@localhost to" {
			t.Errorf("bob push %q", got)
		}
		if p := bin.presence(t); p.Type != stanza.PresenceUnsubscribe || p.From != alice.JID().Bare() {
			t.Errorf("bob got %s", p.Element())
		}
		if p := ain.presence(t); p.Type != stanza.PresenceUnavailable || p.From != bob.JID() {
			t.Errorf("alice got %s", p.Element())
		}
	})
	ain.empty(t)
	bin.empty(t)
	cin.empty(t)
}

// TestServerSubscriptionEdges checks requests that wait for the contact
// to come online, requests to accounts that do not exist, and roster
// removal that cancels subscriptions.
func TestServerSubscriptionEdges(t *testing.T) {
	srv := startServer(t, nil)
	alice := mustLogin(t, srv, 0, "")
	ain := newInbox(alice)
	rosterGet(t, alice)
	send(t, alice, presence(0))
	ain.presence(t)

	t.Run("request waits for the contact", func(t *testing.T) {
		send(t, alice, stanza.NewPresence(stanza.PresenceSubscribe, jid.MustParse("dave@localhost")))
		if got := itemString(ain.push(t)); got != "dave@localhost none subscribe" {
			t.Errorf("push %q", got)
		}
		dave := mustLogin(t, srv, 3, "")
		din := newInbox(dave)
		send(t, dave, presence(0))
		din.presence(t) // echo
		if p := din.presence(t); p.Type != stanza.PresenceSubscribe || p.From != alice.JID().Bare() {
			t.Errorf("dave got %s", p.Element())
		}
		// Deny: alice's request is cancelled.
		send(t, dave, stanza.NewPresence(stanza.PresenceUnsubscribed, alice.JID().Bare()))
		if got := itemString(ain.push(t)); got != "dave@localhost none" {
			t.Errorf("push %q", got)
		}
		if p := ain.presence(t); p.Type != stanza.PresenceUnsubscribed || p.From != dave.JID().Bare() {
			t.Errorf("alice got %s", p.Element())
		}
	})
	t.Run("no such account", func(t *testing.T) {
		nobody := jid.MustParse("nobody@localhost")
		send(t, alice, stanza.NewPresence(stanza.PresenceSubscribe, nobody))
		if got := itemString(ain.push(t)); got != "nobody@localhost none subscribe" {
			t.Errorf("push %q", got)
		}
		if got := itemString(ain.push(t)); got != "nobody@localhost none" {
			t.Errorf("push %q", got)
		}
		if p := ain.presence(t); p.Type != stanza.PresenceUnsubscribed || p.From != nobody {
			t.Errorf("alice got %s", p.Element())
		}
	})
	t.Run("roster removal cancels both ways", func(t *testing.T) {
		bob := mustLogin(t, srv, 1, "")
		bin := newInbox(bob)
		rosterGet(t, bob)
		send(t, bob, presence(0))
		bin.presence(t)
		subscribe(t, alice, bob, ain, bin, "none", "from")
		subscribe(t, bob, alice, bin, ain, "from", "both")
		err := rosterSet(t, alice, stanza.NewElement("jabber:iq:roster", "item", stanza.A("jid", "bob@localhost"), stanza.A("subscription", "remove")))
		if err != nil {
			t.Fatal(err)
		}
		if got := itemString(ain.push(t)); got != "bob@localhost remove" {
			t.Errorf("alice push %q", got)
		}
		// bob: unsubscribe (alice no longer gets bob's presence), then
		// unsubscribed (bob no longer gets alice's).
		var got []string
		for len(got) < 5 {
			switch s := bin.next(t).(type) {
			case *stanza.IQ:
				got = append(got, "push "+itemString(s.Payload.FirstChild()))
			case *stanza.Presence:
				got = append(got, string(s.Type)+" from "+s.From.String())
			}
		}
		wantBob := []string{
			"push alice@localhost to", "unsubscribe from alice@localhost",
			"push alice@localhost none", "unsubscribed from alice@localhost",
			"unavailable from " + alice.JID().String(),
		}
		if !slices.Equal(got, wantBob) {
			t.Errorf("bob got %q, want %q", got, wantBob)
		}
		// alice gets bob's unavailable presence: bob's server ends
		// alice's subscription.
		if p := ain.presence(t); p.Type != stanza.PresenceUnavailable || p.From != bob.JID() {
			t.Errorf("alice got %s", p.Element())
		}
		if got := rosterGet(t, bob); len(got) != 1 || got[0] != "alice@localhost none" {
			t.Errorf("bob's roster %q", got)
		}
	})
	ain.empty(t)
}

// TestServerDirectedPresence checks presence sent to an address, and that
// the addressee learns when the sender goes offline.
func TestServerDirectedPresence(t *testing.T) {
	srv := startServer(t, nil)
	alice := mustLogin(t, srv, 0, "")
	carol := mustLogin(t, srv, 2, "")
	cin := newInbox(carol)
	p := stanza.NewPresence(stanza.PresenceAvailable, carol.JID())
	p.Show = stanza.ShowChat
	send(t, alice, p)
	if got := cin.presence(t); got.From != alice.JID() || got.Show != stanza.ShowChat || got.To != carol.JID() {
		t.Errorf("carol got %s", got.Element())
	}
	// Directed presence to a bare address reaches available resources
	// only; carol has sent none yet.
	send(t, alice, stanza.NewPresence(stanza.PresenceAvailable, carol.JID().Bare()))
	send(t, alice, stanza.NewMessage(stanza.MessageChat, carol.JID(), "marker"))
	if m := cin.message(t); m.Body() != "marker" {
		t.Errorf("carol got %q", m.Body())
	}
	alice.Close()
	if got := cin.presence(t); got.From != alice.JID() || got.Type != stanza.PresenceUnavailable {
		t.Errorf("carol got %s, want unavailable from alice", got.Element())
	}
}

// TestServerRoster checks roster get, set and remove, with pushes to
// every interested resource of the account and to no other.
func TestServerRoster(t *testing.T) {
	srv := startServer(t, nil)
	a1, a2, a3 := mustLogin(t, srv, 0, "one"), mustLogin(t, srv, 0, "two"), mustLogin(t, srv, 0, "three")
	in1, in2, in3 := newInbox(a1), newInbox(a2), newInbox(a3)
	rosterGet(t, a1)
	rosterGet(t, a2) // a3 does not ask: it gets no pushes

	item := stanza.NewElement("jabber:iq:roster", "item", stanza.A("jid", "carol@localhost"), stanza.A("name", "Carol")).
		AddChild(stanza.NewElement("jabber:iq:roster", "group").AddText("Friends"))
	if err := rosterSet(t, a1, item); err != nil {
		t.Fatal(err)
	}
	for _, in := range []*inbox{in1, in2} {
		it := in.push(t)
		if itemString(it) != "carol@localhost none" || it.Attr("name") != "Carol" || it.ChildText("jabber:iq:roster", "group") != "Friends" {
			t.Errorf("%s: push %s", in.c.JID(), it)
		}
	}
	if got := rosterGet(t, a3); len(got) != 1 || got[0] != "carol@localhost none" {
		t.Errorf("roster %q", got)
	}
	remove := stanza.NewElement("jabber:iq:roster", "item", stanza.A("jid", "carol@localhost"), stanza.A("subscription", "remove"))
	if err := rosterSet(t, a2, remove); err != nil {
		t.Fatal(err)
	}
	for _, in := range []*inbox{in1, in2, in3} { // a3 is interested now
		if got := itemString(in.push(t)); got != "carol@localhost remove" {
			t.Errorf("%s: push %q", in.c.JID(), got)
		}
	}
	in3.empty(t) // the first push did not reach it
	if got := rosterGet(t, a1); len(got) != 0 {
		t.Errorf("roster after removal %q", got)
	}
	for _, tc := range []struct {
		name string
		item *stanza.Element
		want stanza.Condition
	}{
		{"remove missing", remove, stanza.ErrItemNotFound},
		{"bad address", stanza.NewElement("jabber:iq:roster", "item", stanza.A("jid", "a@b@c")), stanza.ErrJIDMalformed},
		{"empty group", stanza.NewElement("jabber:iq:roster", "item", stanza.A("jid", "x@localhost")).
			AddChild(stanza.NewElement("jabber:iq:roster", "group")), stanza.ErrNotAcceptable},
		{"two groups alike", stanza.NewElement("jabber:iq:roster", "item", stanza.A("jid", "x@localhost")).
			AddChild(stanza.NewElement("jabber:iq:roster", "group").AddText("g")).
			AddChild(stanza.NewElement("jabber:iq:roster", "group").AddText("g")), stanza.ErrBadRequest},
	} {
		if err := rosterSet(t, a1, tc.item); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %s", tc.name, err, tc.want)
		}
	}
	two := stanza.NewElement("jabber:iq:roster", "query").
		AddChild(stanza.NewElement("jabber:iq:roster", "item", stanza.A("jid", "x@localhost"))).
		AddChild(stanza.NewElement("jabber:iq:roster", "item", stanza.A("jid", "y@localhost")))
	if _, err := a1.Request(ctx(t), stanza.NewIQ(stanza.IQSet, jid.JID{}, two)); !errors.Is(err, stanza.ErrBadRequest) {
		t.Errorf("two items: err = %v, want bad-request", err)
	}
	// Another account's roster is not served.
	if _, err := a1.Request(ctx(t), stanza.NewIQ(stanza.IQGet, jid.MustParse("bob@localhost"), stanza.NewElement("jabber:iq:roster", "query"))); !errors.Is(err, stanza.ErrServiceUnavailable) {
		t.Errorf("bob's roster: err = %v, want service-unavailable", err)
	}
	for _, in := range []*inbox{in1, in2, in3} {
		in.empty(t)
	}
}

// TestServerRosterVersioning: the Server offers roster versioning (RFC
// 6121 section 2.6); a get naming the current version gets an empty
// result, an older one the whole roster with its version, and pushes to a
// versioned session carry the new version.
func TestServerRosterVersioning(t *testing.T) {
	srv := startServer(t, nil)
	alice := mustLogin(t, srv, 0, "")
	ain := newInbox(alice)
	if alice.Features().Child("urn:xmpp:features:rosterver", "ver") == nil {
		t.Fatalf("no roster versioning in %s", alice.Features())
	}
	get := func(ver string) *stanza.Element {
		t.Helper()
		res, err := alice.Request(ctx(t), stanza.NewIQ(stanza.IQGet, jid.JID{}, stanza.NewElement("jabber:iq:roster", "query", stanza.A("ver", ver))))
		if err != nil {
			t.Fatal(err)
		}
		return res.Payload
	}
	q := get("")
	if q == nil || q.Attr("ver") != "0" || q.NumChildren() != 0 {
		t.Fatalf("first versioned get: %v", q)
	}
	if q := get("0"); q != nil {
		t.Errorf("get with the current version: %s, want an empty result", q)
	}
	if err := rosterSet(t, alice, stanza.NewElement("jabber:iq:roster", "item", stanza.A("jid", "bob@localhost"))); err != nil {
		t.Fatal(err)
	}
	if iq, ok := ain.next(t).(*stanza.IQ); !ok || iq.Payload.Attr("ver") != "1" || iq.Payload.Child("jabber:iq:roster", "item").Attr("jid") != "bob@localhost" {
		t.Errorf("push %v, want bob's item at version 1", iq)
	}
	q = get("0")
	if q == nil || q.Attr("ver") != "1" || q.NumChildren() != 1 {
		t.Errorf("get with an old version: %v, want the roster at version 1", q)
	}
	if q := get("1"); q != nil {
		t.Errorf("get with the current version: %s", q)
	}
}
