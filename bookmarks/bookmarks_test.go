package bookmarks_test

import (
	"errors"
	"log/slog"
	"maps"
	"slices"
	"testing"

	"github.com/xmppkit/xmpp/bookmarks"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

var (
	council = bookmarks.Bookmark{
		Room: jid.MustParse("council@conference.localhost"), Name: "Council of Oberon", Autojoin: true,
		Nick: "Puck", Password: "secret",
		Extensions: []*stanza.Element{stanza.NewElement("http://myclient.example/bookmark/state", "state", stanza.A("minimized", "true"))},
	}
	orchard = bookmarks.Bookmark{Room: jid.MustParse("orchard@conference.localhost"), Name: "The Orchard"}
)

// wantPublishOptions are the publish-options of XEP-0402 §3.3.
var wantPublishOptions = map[string]string{
	"pubsub#persist_items":            "true",
	"pubsub#max_items":                "max",
	"pubsub#send_last_published_item": "never",
	"pubsub#access_model":             "whitelist",
}

func TestPEPMode(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	fake := newFakeService(srv, true)
	a := login(t, srv, 0, "a", nil)
	b := login(t, srv, 0, "b", nil)
	ctx := testkit.Ctx(t)

	if m, err := a.bm.Mode(ctx); err != nil || m != bookmarks.ModePEP {
		t.Fatalf("Mode = %v, %v; want XEP-0402", m, err)
	}
	if list, err := b.bm.List(ctx); err != nil || len(list) != 0 {
		t.Fatalf("List before any = %v, %v; want empty", list, err)
	}

	// Set from a: b is notified, and reads it back.
	if err := a.bm.Set(ctx, council); err != nil {
		t.Fatal(err)
	}
	if ch := b.change(t); ch.Removed || !sameBookmark(ch.Bookmark, council) {
		t.Fatalf("b was notified of %+v; want set %+v", ch, council)
	}
	if ch := a.change(t); ch.Removed || ch.Bookmark.Room != council.Room {
		t.Fatalf("a was notified of %+v", ch)
	}
	reqs := fake.seen()
	pub := reqs[len(reqs)-1]
	if got := formValues(pub.Child(nsPubSub, "publish-options")); !maps.Equal(got, wantPublishOptions) {
		t.Errorf("publish-options %v; want %v", got, wantPublishOptions)
	}
	if it := pub.Child(nsPubSub, "publish").Child(nsPubSub, "item"); it.Attr("id") != council.Room.String() {
		t.Errorf("item id %q; want the room", it.Attr("id"))
	}

	if err := a.bm.Set(ctx, orchard); err != nil {
		t.Fatal(err)
	}
	b.change(t)
	a.change(t)
	list, err := b.bm.List(ctx)
	if err != nil || len(list) != 2 || !sameBookmark(list[0], council) || !sameBookmark(list[1], orchard) {
		t.Fatalf("List = %+v, %v; want council and orchard", list, err)
	}
	got, err := b.bm.Get(ctx, orchard.Room)
	if err != nil || !sameBookmark(got, orchard) {
		t.Fatalf("Get = %+v, %v", got, err)
	}

	// Replace, then remove.
	renamed := council
	renamed.Name, renamed.Autojoin = "Council", false
	if err := b.bm.Set(ctx, renamed); err != nil {
		t.Fatal(err)
	}
	if ch := a.change(t); !sameBookmark(ch.Bookmark, renamed) {
		t.Fatalf("a was notified of %+v; want %+v", ch, renamed)
	}
	b.change(t)
	if err := b.bm.Remove(ctx, council.Room); err != nil {
		t.Fatal(err)
	}
	if ch := a.change(t); !ch.Removed || ch.Bookmark.Room != council.Room {
		t.Fatalf("a was notified of %+v; want the removal of %s", ch, council.Room)
	}
	reqs = fake.seen()
	if r := reqs[len(reqs)-1].Child(nsPubSub, "retract"); r == nil || r.Attr("notify") != "true" {
		t.Errorf("retract request %s; want notify='true'", reqs[len(reqs)-1])
	}
	if list, err := a.bm.List(ctx); err != nil || !slices.Equal(rooms(list), []string{orchard.Room.String()}) {
		t.Fatalf("List after remove = %v, %v", rooms(list), err)
	}
	if err := a.bm.Remove(ctx, council.Room); !errors.Is(err, bookmarks.ErrNotFound) || !errors.Is(err, stanza.ErrItemNotFound) {
		t.Errorf("Remove of a missing bookmark: %v; want ErrNotFound and item-not-found", err)
	}
	if _, err := a.bm.Get(ctx, council.Room); !errors.Is(err, bookmarks.ErrNotFound) {
		t.Errorf("Get of a missing bookmark: %v; want ErrNotFound", err)
	}
	if err := a.bm.Set(ctx, bookmarks.Bookmark{Room: jid.MustParse("room@conference.localhost/nick")}); !errors.Is(err, bookmarks.ErrBadRoom) {
		t.Errorf("Set of a full JID: %v; want ErrBadRoom", err)
	}
	fake.mu.Lock()
	asked := fake.discoAsked
	fake.mu.Unlock()
	if asked != 2 { // once per client
		t.Errorf("disco#info asked %d times; want once per Bookmarks", asked)
	}
}

func TestPrivateMode(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	fake := newFakeService(srv, false)
	alice := srv.Account(0).JID()
	// What another client stored: a URL, an element of its own, a room
	// with an extension, and a malformed conference.
	fake.setStorage(alice, testkit.MustElement(t, `<storage xmlns='storage:bookmarks'>`+
		`<url name='Shakespeare' url='http://the-tech.mit.edu/Shakespeare/'/>`+
		`<conference jid='orchard@conference.localhost' name='The Orchard' autojoin='1'><nick>JC</nick><state xmlns='urn:example' x='1'/></conference>`+
		`<conference jid='not a jid@@' name='bad'/>`+
		`<mine xmlns='urn:example:other'>kept</mine>`+
		`</storage>`))
	log := &logRecorder{}
	a := login(t, srv, 0, "a", &bookmarks.Options{Logger: slog.New(log)})
	ctx := testkit.Ctx(t)

	if m, err := a.bm.Mode(ctx); err != nil || m != bookmarks.ModePrivate {
		t.Fatalf("Mode = %v, %v; want XEP-0048", m, err)
	}
	list, err := a.bm.List(ctx)
	want := bookmarks.Bookmark{Room: orchard.Room, Name: "The Orchard", Autojoin: true, Nick: "JC",
		Extensions: []*stanza.Element{testkit.MustElement(t, `<state xmlns='urn:example' x='1'/>`)}}
	if err != nil || len(list) != 1 || !sameBookmark(list[0], want) {
		t.Fatalf("List = %+v, %v; want %+v", list, err, want)
	}
	if log.count("malformed") != 1 {
		t.Errorf("the malformed conference was not logged: %v", log.msgs)
	}

	if err := a.bm.Set(ctx, council); err != nil {
		t.Fatal(err)
	}
	changed := list[0]
	changed.Name = "Orchard"
	if err := a.bm.Set(ctx, changed); err != nil {
		t.Fatal(err)
	}
	wantStorage := testkit.MustElement(t, `<storage xmlns='storage:bookmarks'>`+
		`<url name='Shakespeare' url='http://the-tech.mit.edu/Shakespeare/'/>`+
		`<conference jid='orchard@conference.localhost' name='Orchard' autojoin='true'><nick>JC</nick><state xmlns='urn:example' x='1'/></conference>`+
		`<conference jid='not a jid@@' name='bad'/>`+
		`<mine xmlns='urn:example:other'>kept</mine>`+
		`<conference jid='council@conference.localhost' name='Council of Oberon' autojoin='true'><nick>Puck</nick><password>secret</password>`+
		`<state xmlns='http://myclient.example/bookmark/state' minimized='true'/></conference>`+
		`</storage>`)
	if got := fake.storage(alice); !got.Equal(wantStorage) {
		t.Fatalf("storage after Set:\n%s\nwant\n%s", got, wantStorage)
	}
	if got, err := a.bm.Get(ctx, council.Room); err != nil || !sameBookmark(got, council) {
		t.Fatalf("Get = %+v, %v", got, err)
	}

	if err := a.bm.Remove(ctx, orchard.Room); err != nil {
		t.Fatal(err)
	}
	list, err = a.bm.List(ctx)
	if err != nil || !slices.Equal(rooms(list), []string{council.Room.String()}) {
		t.Fatalf("List after Remove = %v, %v", rooms(list), err)
	}
	if s := fake.storage(alice); s.Child(bookmarks.NSLegacy, "url") == nil || s.Child("urn:example:other", "mine") == nil {
		t.Errorf("Remove lost what it does not know: %s", s)
	}
	n := len(fake.seen())
	if err := a.bm.Remove(ctx, orchard.Room); !errors.Is(err, bookmarks.ErrNotFound) {
		t.Errorf("Remove of a missing bookmark: %v; want ErrNotFound", err)
	}
	if reqs := fake.seen(); len(reqs) != n+1 {
		t.Errorf("Remove of a missing bookmark sent %d requests; want 1 (the read)", len(reqs)-n)
	}
	for _, r := range fake.seen() {
		if r.Name.Space != bookmarks.NSPrivate {
			t.Errorf("XEP-0048 mode sent %s", r)
		}
	}
}

func TestForcedMode(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	fake := newFakeService(srv, false) // would be XEP-0048
	a := login(t, srv, 0, "a", &bookmarks.Options{Mode: bookmarks.ModePEP})
	ctx := testkit.Ctx(t)
	if err := a.bm.Set(ctx, orchard); err != nil {
		t.Fatal(err)
	}
	if list, err := a.bm.List(ctx); err != nil || len(list) != 1 {
		t.Fatalf("List = %v, %v", list, err)
	}
	fake.mu.Lock()
	asked, private := fake.discoAsked, len(fake.private)
	fake.compat = true // would be XEP-0402 from now on
	fake.mu.Unlock()
	if asked != 0 || private != 0 {
		t.Errorf("a forced mode asked disco (%d times) or used private storage (%d accounts)", asked, private)
	}

	p := login(t, srv, 1, "p", &bookmarks.Options{Mode: bookmarks.ModePrivate})
	if err := p.bm.Set(ctx, orchard); err != nil {
		t.Fatal(err)
	}
	if fake.storage(srv.Account(1).JID()) == nil {
		t.Error("forced XEP-0048: nothing in private storage")
	}
}

func TestPreconditionNotMet(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	fake := newFakeService(srv, true)
	alice := srv.Account(0).JID()
	// A node another client made with an access model that shows the
	// bookmarks to contacts.
	fake.nodes[alice] = &fakeNode{items: map[string]*stanza.Element{}, config: map[string]string{"pubsub#access_model": "presence"}}
	a := login(t, srv, 0, "a", nil)
	ctx := testkit.Ctx(t)

	if err := a.bm.Set(ctx, orchard); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, r := range fake.seen() {
		switch {
		case r.Child(nsPubSub, "publish") != nil:
			kinds = append(kinds, "publish")
		case r.Child(nsPubSubOwner, "configure") != nil && r.Child(nsPubSubOwner, "configure").Child(nsData, "x") == nil:
			kinds = append(kinds, "config") // the form asked for
		case r.Child(nsPubSubOwner, "configure") != nil:
			kinds = append(kinds, "configure")
			if got := formValues(r.Child(nsPubSubOwner, "configure")); !maps.Equal(got, wantPublishOptions) {
				t.Errorf("node configuration %v; want %v", got, wantPublishOptions)
			}
		}
	}
	if !slices.Equal(kinds, []string{"publish", "config", "configure", "publish"}) {
		t.Errorf("requests %v; want publish, config, configure, publish", kinds)
	}
	if got, err := a.bm.Get(ctx, orchard.Room); err != nil || !sameBookmark(got, orchard) {
		t.Errorf("Get = %+v, %v", got, err)
	}

	// A node that cannot be configured: the error says why.
	fake.mu.Lock()
	fake.nodes[alice].config["pubsub#access_model"] = "open"
	fake.refuse = func(iq *stanza.IQ) error {
		if iq.Payload.Name.Space == nsPubSubOwner {
			return stanza.NewError(stanza.ErrForbidden, "")
		}
		return nil
	}
	fake.mu.Unlock()
	err := a.bm.Set(ctx, council)
	var se *stanza.Error
	if !errors.Is(err, bookmarks.ErrPreconditionNotMet) || !errors.Is(err, stanza.ErrConflict) || !errors.Is(err, stanza.ErrForbidden) || !errors.As(err, &se) {
		t.Errorf("Set on a node that cannot be configured: %v; want ErrPreconditionNotMet, conflict and forbidden", err)
	}
}

func TestStanzaErrorsPassThrough(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	fake := newFakeService(srv, false)
	fake.refuse = func(*stanza.IQ) error { return stanza.NewError(stanza.ErrResourceConstraint, "full") }
	a := login(t, srv, 0, "a", nil)
	ctx := testkit.Ctx(t)
	_, err := a.bm.List(ctx)
	var se *stanza.Error
	if !errors.Is(err, stanza.ErrResourceConstraint) || !errors.As(err, &se) || se.Text != "full" {
		t.Errorf("List: %v; want the server's resource-constraint", err)
	}
	if err := a.bm.Set(ctx, orchard); !errors.Is(err, stanza.ErrResourceConstraint) {
		t.Errorf("Set: %v; want the server's resource-constraint", err)
	}
}

// TestNotificationsOnlyFromOwnAccount: the notifications of the
// bookmarks node are taken from the account's own bare JID only: those
// from full JIDs (another resource of the account included), services
// and contacts are dropped and logged (by pubsub: the node is registered
// with HandleOwnPEP).
func TestNotificationsOnlyFromOwnAccount(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	newFakeService(srv, true)
	log := &logRecorder{}
	a := login(t, srv, 0, "a", &bookmarks.Options{Logger: slog.New(log)})
	ctx := testkit.Ctx(t)
	alice := a.c.JID()
	event := func(from jid.JID, room string) *stanza.Element {
		m := &stanza.Message{Header: stanza.Header{From: from, To: alice, ID: stanza.NewID()}, Type: stanza.MessageHeadline,
			Payloads: []*stanza.Element{testkit.MustElement(t, `<event xmlns='`+nsPubSubEvent+`'><items node='urn:xmpp:bookmarks:1'>`+
				`<item id='`+room+`'><conference xmlns='urn:xmpp:bookmarks:1' autojoin='true'/></item></items></event>`)}}
		return m.Element()
	}
	purge := func(from jid.JID, kind string) *stanza.Element {
		m := &stanza.Message{Header: stanza.Header{From: from, To: alice, ID: stanza.NewID()}, Type: stanza.MessageHeadline,
			Payloads: []*stanza.Element{testkit.MustElement(t, `<event xmlns='`+nsPubSubEvent+`'><`+kind+` node='urn:xmpp:bookmarks:1'/></event>`)}}
		return m.Element()
	}
	spoofs := []string{"bob@localhost", "bob@localhost/x", "localhost", "alice@localhost/other", "evil.example"}
	for _, from := range spoofs {
		if err := srv.Inject(alice, event(jid.MustParse(from), "spoof@conference.localhost")); err != nil {
			t.Fatal(err)
		}
		if err := srv.Inject(alice, purge(jid.MustParse(from), "purge")); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.Inject(alice, event(alice.Bare(), "real@conference.localhost")); err != nil {
		t.Fatal(err)
	}
	if ch := a.change(t); ch.Bookmark.Room.String() != "real@conference.localhost" || !ch.Bookmark.Autojoin {
		t.Fatalf("change %+v; want the one from the account", ch)
	}
	if err := a.c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	a.noChange(t)
	if n := log.count("dropped"); n != 2*len(spoofs) {
		t.Errorf("%d spoofed notifications logged; want %d: %v", n, 2*len(spoofs), log.msgs)
	}

	// A purge or a deletion of the node from the account: every
	// bookmark removed.
	for _, kind := range []string{"purge", "delete"} {
		if err := srv.Inject(alice, purge(alice.Bare(), kind)); err != nil {
			t.Fatal(err)
		}
		if ch := a.change(t); !ch.Removed || !ch.All || !ch.Bookmark.Room.IsZero() {
			t.Errorf("%s: change %+v; want every bookmark removed", kind, ch)
		}
	}
}

func TestMalformed(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	fake := newFakeService(srv, true)
	log := &logRecorder{}
	a := login(t, srv, 0, "a", &bookmarks.Options{Logger: slog.New(log)})
	ctx := testkit.Ctx(t)
	bad := []string{
		`<item id='room@conference.localhost/nick'><conference xmlns='urn:xmpp:bookmarks:1'/></item>`,
		`<item id='@@'><conference xmlns='urn:xmpp:bookmarks:1'/></item>`,
		`<item id='wrongns@conference.localhost'><conference xmlns='storage:bookmarks'/></item>`,
		`<item id='nopayload@conference.localhost'/>`,
		`<item id='autojoin@conference.localhost'><conference xmlns='urn:xmpp:bookmarks:1' autojoin='yes'/></item>`,
	}
	good := `<item id='good@conference.localhost'><conference xmlns='urn:xmpp:bookmarks:1' name='Good'><nick>n</nick></conference></item>`
	fake.items = func(*stanza.IQ) *stanza.Element {
		items := stanza.NewElement(nsPubSub, "items", stanza.A("node", bookmarks.NS))
		for _, s := range append(bad, good) {
			it := testkit.MustElement(t, s)
			it.Name.Space = nsPubSub
			items.AddChild(it)
		}
		return stanza.NewElement(nsPubSub, "pubsub").AddChild(items)
	}
	list, err := a.bm.List(ctx)
	if err != nil || !slices.Equal(rooms(list), []string{"good@conference.localhost"}) || list[0].Nick != "n" {
		t.Fatalf("List = %+v, %v; want only the good one", list, err)
	}
	if n := log.count("malformed"); n != len(bad) {
		t.Errorf("%d malformed bookmarks logged; want %d: %v", n, len(bad), log.msgs)
	}

	// An answer pubsub cannot read: an item with two payloads.
	fake.mu.Lock()
	fake.items = func(*stanza.IQ) *stanza.Element {
		return testkit.MustElement(t, `<pubsub xmlns='`+nsPubSub+`'><items node='urn:xmpp:bookmarks:1'>`+
			`<item id='two@conference.localhost'><conference xmlns='urn:xmpp:bookmarks:1'/><conference xmlns='urn:xmpp:bookmarks:1'/></item></items></pubsub>`)
	}
	fake.mu.Unlock()
	if _, err := a.bm.List(ctx); !errors.Is(err, bookmarks.ErrMalformed) {
		t.Errorf("List of an item with two payloads: %v; want ErrMalformed", err)
	}

	// Notifications: the malformed items are dropped, the good one
	// reaches the handler, a retraction of a non-JID is dropped.
	var body string
	for _, s := range bad[:3] {
		body += s
	}
	body += bad[4] + good + `<retract id='@@'/>`
	m := &stanza.Message{Header: stanza.Header{From: a.c.JID().Bare(), To: a.c.JID()}, Type: stanza.MessageHeadline,
		Payloads: []*stanza.Element{testkit.MustElement(t, `<event xmlns='`+nsPubSubEvent+`'><items node='urn:xmpp:bookmarks:1'>`+body+`</items></event>`)}}
	if err := srv.Inject(a.c.JID(), m.Element()); err != nil {
		t.Fatal(err)
	}
	if ch := a.change(t); ch.Bookmark.Room.String() != "good@conference.localhost" || ch.Bookmark.Name != "Good" {
		t.Fatalf("change %+v; want the good one", ch)
	}
	if err := a.c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	a.noChange(t)

	// Private storage answers without the storage element.
	p := login(t, srv, 1, "p", &bookmarks.Options{Mode: bookmarks.ModePrivate})
	fake.mu.Lock()
	fake.refuse = nil
	fake.mu.Unlock()
	fake.setStorage(srv.Account(1).JID(), testkit.MustElement(t, `<other xmlns='urn:example'/>`))
	if _, err := p.bm.List(ctx); !errors.Is(err, bookmarks.ErrMalformed) {
		t.Errorf("List of a storage-less answer: %v; want ErrMalformed", err)
	}
}

func TestNotificationWithoutPayload(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	fake := newFakeService(srv, true)
	alice := srv.Account(0).JID()
	fake.nodes[alice] = &fakeNode{ids: []string{orchard.Room.String()},
		items: map[string]*stanza.Element{orchard.Room.String(): orchard.Element()}, config: wantPublishOptions}
	a := login(t, srv, 0, "a", nil)
	m := &stanza.Message{Header: stanza.Header{From: alice, To: a.c.JID()}, Type: stanza.MessageHeadline,
		Payloads: []*stanza.Element{testkit.MustElement(t, `<event xmlns='`+nsPubSubEvent+`'><items node='urn:xmpp:bookmarks:1'>`+
			`<item id='`+orchard.Room.String()+`'/></items></event>`)}}
	if err := srv.Inject(a.c.JID(), m.Element()); err != nil {
		t.Fatal(err)
	}
	if ch := a.change(t); !sameBookmark(ch.Bookmark, orchard) {
		t.Fatalf("change %+v; want the bookmark fetched", ch)
	}
}

func TestAdvertisesNotify(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	newFakeService(srv, true)
	a := login(t, srv, 0, "a", nil)
	if !slices.Contains(a.c.Advertised(), bookmarks.NSNotify) {
		t.Errorf("Advertised %v lacks %s", a.c.Advertised(), bookmarks.NSNotify)
	}
}
