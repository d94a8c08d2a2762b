package bookmarks_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/bookmarks"
	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// integrationTimeout bounds every wait on a real server.
const integrationTimeout = 20 * time.Second

// capsWatch is an XML trace that closes answered once the Client has
// answered a disco#info request about a node: the server asking what
// its entity capabilities stand for, after which it knows the Client
// wants bookmarks notifications (XEP-0163 §4).
type capsWatch struct {
	once     sync.Once
	answered chan struct{}
}

func (w *capsWatch) Write(p []byte) (int, error) {
	l := string(p)
	if strings.HasPrefix(l, "SEND <iq") && strings.Contains(l, "type='result'") && strings.Contains(l, disco.NSInfo) && strings.Contains(l, "node=") {
		w.once.Do(func() { close(w.answered) })
	}
	return len(p), nil
}

// loginTarget connects account i of tg as resource with Bookmarks made
// with opts, recording their changes. With serve, the Client answers
// disco and announces entity capabilities, and loginTarget returns
// once the server has learnt them from the Client (on the in-process
// server, which asks nothing, at once).
func loginTarget(t *testing.T, tg xmpptest.Target, i int, resource string, opts *bookmarks.Options, serve bool) *client {
	t.Helper()
	a := tg.Account(i)
	ctx, cancel := context.WithTimeout(context.Background(), integrationTimeout)
	defer cancel()
	w := &capsWatch{answered: make(chan struct{})}
	c := xmpp.New(a.JID(), &xmpp.Options{Password: a.Password, Resource: resource, Addr: tg.Addr(), TLSConfig: tg.TLSConfig(), Trace: w})
	t.Cleanup(func() { c.Close() })
	cl := &client{c: c, changes: make(chan bookmarks.Change, 16)}
	cl.attach(opts)(c)
	if serve {
		// A name of its own gives each Client a verification string of
		// its own, which the server cannot have cached: it asks.
		disco.Serve(c, &disco.ServeOptions{Identities: []disco.Identity{{Category: "client", Type: "pc", Name: a.User + "/" + resource}}})
	}
	if err := c.Connect(ctx); err != nil {
		t.Fatalf("login as %s: %v", a.User, err)
	}
	if !serve {
		return cl
	}
	if err := c.Send(ctx, stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})); err != nil {
		t.Fatal(err)
	}
	if tg.Name() != "xmpptest" {
		select {
		case <-w.answered:
		case <-ctx.Done():
			t.Fatalf("%s never asked %s what its entity capabilities stand for", tg.Name(), c.JID())
		}
	}
	// The answer was sent before this ping: once the ping is answered,
	// the server has read it.
	if err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	return cl
}

// changeWithin waits for the next change of cl.
func (cl *client) changeWithin(t *testing.T, ctx context.Context, what string) bookmarks.Change {
	t.Helper()
	select {
	case ch := <-cl.changes:
		return ch
	case <-ctx.Done():
		t.Fatalf("%s: no notification of %s", cl.c.JID(), what)
		panic("unreachable")
	}
}

// TestIntegration sets, lists and removes bookmarks on each server from
// one client of an account while a second client of the same account
// watches the notifications: with the mode the server ends up in
// ("auto"), and with each mode forced.
func TestIntegration(t *testing.T) {
	xmpptest.ForEachServer(t, &xmpptest.ServerOptions{MUC: true}, func(t *testing.T, tg xmpptest.Target) {
		if srv, ok := xmpptest.InProcess(tg); ok {
			newFakeService(srv, true)
		}
		// What each server ends up with (see Bookmarks.Mode): Prosody
		// with mod_bookmarks announces #compat; ejabberd 23.01 converts
		// only between XEP-0048 in private storage and in PEP.
		wantAuto := map[string]bookmarks.Mode{"prosody": bookmarks.ModePEP, "ejabberd": bookmarks.ModePrivate, "xmpptest": bookmarks.ModePEP}[tg.Name()]
		for i, mode := range []bookmarks.Mode{bookmarks.ModeAuto, bookmarks.ModePEP, bookmarks.ModePrivate} {
			t.Run(mode.String(), func(t *testing.T) {
				exercise(t, tg, i, mode, wantAuto)
			})
		}
		if tg.Name() == "prosody" {
			t.Run("sync", func(t *testing.T) { prosodySync(t, tg) })
		}
	})
}

// exercise runs the set, list, get and remove cycle on account i with
// mode.
func exercise(t *testing.T, tg xmpptest.Target, i int, mode, wantAuto bookmarks.Mode) {
	ctx, cancel := context.WithTimeout(context.Background(), integrationTimeout)
	defer cancel()
	opts := &bookmarks.Options{Mode: mode}
	watcher := loginTarget(t, tg, i, "watcher", opts, true)
	editor := loginTarget(t, tg, i, "editor", opts, false)
	got, err := editor.bm.Mode(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := mode
	if mode == bookmarks.ModeAuto {
		want = wantAuto
	}
	if got != want {
		t.Fatalf("%s: mode %v; want %v", tg.Name(), got, want)
	}
	notified := got == bookmarks.ModePEP
	t.Logf("%s: bookmarks kept with %v; notifications expected: %t", tg.Name(), got, notified)

	room := jid.MustParse("council@" + tg.MUC().String())
	other := jid.MustParse("orchard@" + tg.MUC().String())
	bm := council
	bm.Room = room
	err = editor.bm.Set(ctx, bm)
	if tg.Name() == "ejabberd" && got == bookmarks.ModePEP {
		// ejabberd 23.01 knows only some publish-options, and not
		// pubsub#max_items, which XEP-0402 requires: it refuses the
		// publish. (Its automatic mode is XEP-0048.)
		if !errors.Is(err, stanza.ErrResourceConstraint) || !strings.Contains(err.Error(), "pubsub#max_items") {
			t.Fatalf("ejabberd: Set with XEP-0402's publish-options: %v; want its refusal of pubsub#max_items", err)
		}
		t.Logf("ejabberd refuses XEP-0402's publish-options: %v", err)
		return
	}
	if err != nil {
		t.Fatalf("Set: %v", err)
	}
	stored := bm
	if tg.Name() == "prosody" && got == bookmarks.ModePrivate {
		// Prosody's mod_bookmarks keeps XEP-0048 storage as XEP-0402
		// items, and writes back only name, autojoin, nick and
		// password: elements of other clients are lost.
		stored.Extensions = nil
	}
	if notified {
		if ch := watcher.changeWithin(t, ctx, "the new bookmark"); ch.Removed || !sameBookmark(ch.Bookmark, bm) {
			t.Fatalf("watcher notified of %+v; want %+v", ch, bm)
		}
	}
	if err := editor.bm.Set(ctx, bookmarks.Bookmark{Room: other, Name: "The Orchard"}); err != nil {
		t.Fatalf("Set: %v", err)
	}
	if notified {
		if ch := watcher.changeWithin(t, ctx, "the second bookmark"); ch.Bookmark.Room != other {
			t.Fatalf("watcher notified of %+v; want %s", ch, other)
		}
	}
	list, err := watcher.bm.List(ctx)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if i := slices.IndexFunc(list, func(b bookmarks.Bookmark) bool { return b.Room == room }); i < 0 || !sameBookmark(list[i], stored) || len(list) != 2 {
		t.Fatalf("List = %+v; want %+v and %s", list, stored, other)
	}
	if got, err := watcher.bm.Get(ctx, other); err != nil || got.Name != "The Orchard" {
		t.Fatalf("Get = %+v, %v", got, err)
	}

	if err := editor.bm.Remove(ctx, room); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	if notified {
		if ch := watcher.changeWithin(t, ctx, "the removal"); !ch.Removed || ch.Bookmark.Room != room {
			t.Fatalf("watcher notified of %+v; want the removal of %s", ch, room)
		}
	}
	if err := editor.bm.Remove(ctx, room); !errors.Is(err, bookmarks.ErrNotFound) {
		t.Errorf("Remove of a removed bookmark: %v; want ErrNotFound", err)
	}
	list, err = watcher.bm.List(ctx)
	if err != nil || len(list) != 1 || list[0].Room != other {
		t.Fatalf("List after Remove = %+v, %v; want %s alone", list, err, other)
	}
	if err := editor.bm.Remove(ctx, other); err != nil {
		t.Fatal(err)
	}
	if _, err := watcher.bm.Get(ctx, other); !errors.Is(err, bookmarks.ErrNotFound) {
		t.Errorf("Get of a removed bookmark: %v; want ErrNotFound", err)
	}
}

// prosodySync checks what #compat promises on Prosody: a bookmark
// written to private storage (XEP-0048) reaches the XEP-0402 node, and
// its clients are notified; one published there is in private storage.
func prosodySync(t *testing.T, tg xmpptest.Target) {
	ctx, cancel := context.WithTimeout(context.Background(), integrationTimeout)
	defer cancel()
	pep := loginTarget(t, tg, 3, "pep", &bookmarks.Options{Mode: bookmarks.ModePEP}, true)
	legacy := loginTarget(t, tg, 3, "legacy", &bookmarks.Options{Mode: bookmarks.ModePrivate}, false)
	room := jid.MustParse("legacy@" + tg.MUC().String())
	if err := legacy.bm.Set(ctx, bookmarks.Bookmark{Room: room, Name: "Legacy", Autojoin: true, Nick: "old"}); err != nil {
		t.Fatal(err)
	}
	if ch := pep.changeWithin(t, ctx, "a bookmark stored with XEP-0048"); ch.Bookmark.Room != room || !ch.Bookmark.Autojoin || ch.Bookmark.Nick != "old" {
		t.Errorf("notified of %+v", ch)
	}
	if got, err := pep.bm.Get(ctx, room); err != nil || got.Name != "Legacy" {
		t.Errorf("XEP-0402 Get of a XEP-0048 bookmark = %+v, %v", got, err)
	}
	room2 := jid.MustParse("native@" + tg.MUC().String())
	if err := pep.bm.Set(ctx, bookmarks.Bookmark{Room: room2, Name: "Native"}); err != nil {
		t.Fatal(err)
	}
	if got, err := legacy.bm.Get(ctx, room2); err != nil || got.Name != "Native" {
		t.Errorf("XEP-0048 Get of a XEP-0402 bookmark = %+v, %v", got, err)
	}
	if err := legacy.bm.Remove(ctx, room); err != nil {
		t.Fatal(err)
	}
	for {
		ch := pep.changeWithin(t, ctx, "a bookmark removed with XEP-0048")
		if ch.Removed && ch.Bookmark.Room == room {
			break
		}
	}
}
