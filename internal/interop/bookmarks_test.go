package interop_test

import (
	"slices"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/bookmarks"
	"github.com/xmppkit/xmpp/internal/interop"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/xmpptest"
)

// slixConference is a XEP-0048 conference as slixmpp's plugin reads and
// writes it.
type slixConference struct {
	JID      string `json:"jid"`
	Name     string `json:"name"`
	Autojoin bool   `json:"autojoin"`
	Nick     string `json:"nick"`
	Password string `json:"password"`
}

// bookmarksMode is where the SDK keeps bookmarks on each server, with
// Options.Mode left to the server: Prosody (mod_bookmarks) announces the
// XEP-0402 sync, ejabberd 23.01 does not.
var bookmarksMode = map[string]bookmarks.Mode{
	"prosody":  bookmarks.ModePEP,
	"ejabberd": bookmarks.ModePrivate,
}

// TestBookmarks: bookmarks both ways between two clients of one
// account. slixmpp 1.8.3 has XEP-0048 only; it reads and writes private
// XML storage (XEP-0049), the SDK whatever its server supports
// (bookmarksMode). A bookmark the SDK sets is read by slixmpp with
// every field; slixmpp then stores the list with a bookmark of its own
// added, which the SDK reads, its own still there; the SDK removes its
// own, which slixmpp no longer reads. Last, slixmpp stores through its
// other method, XEP-0048 in PEP (XEP-0223), and the SDK reads that
// bookmark and removes it, which slixmpp sees there. On Prosody the
// server's sync carries each one across (XEP-0402 to XEP-0048 and back);
// on ejabberd both use XEP-0048. (That Prosody notifies XEP-0402 clients
// of a XEP-0048 write is checked by the bookmarks package's integration
// test.)
func TestBookmarks(t *testing.T) {
	interop.Servers(t, 1, func(t *testing.T, srv *xmpptest.RealServer) {
		ctx := testkit.Ctx(t)
		want, ok := bookmarksMode[srv.Name()]
		if !ok {
			t.Fatalf("no measured mode for %s", srv.Name())
		}
		var bm *bookmarks.Bookmarks
		testkit.LoginTarget(t, srv, 0, "go", func(c *xmpp.Client) { bm = bookmarks.New(c, pubsub.New(c, nil), nil) })
		peer := interop.Start(t, srv, srv.Account(0), "slix", nil)
		peer.MustCall(ctx, "bookmarks_enable", nil, nil)
		mode, err := bm.Mode(ctx)
		if err != nil || mode != want {
			t.Fatalf("Mode = %v, %v; want %v", mode, err, want)
		}
		t.Logf("%s: the SDK uses %v, slixmpp XEP-0048 in private storage", srv.Name(), mode)

		// The SDK sets; slixmpp reads.
		goRoom := jid.MustParse("go@" + srv.MUC().String())
		mine := bookmarks.Bookmark{Room: goRoom, Name: "Go room", Autojoin: true, Nick: "gopher", Password: "pw"}
		if err := bm.Set(ctx, mine); err != nil {
			t.Fatal(err)
		}
		var read []slixConference
		peer.MustCall(ctx, "bookmarks_get", map[string]any{"method": "xep_0049"}, &read)
		wantConf := slixConference{JID: goRoom.String(), Name: "Go room", Autojoin: true, Nick: "gopher", Password: "pw"}
		if !slices.Contains(read, wantConf) {
			t.Fatalf("slixmpp read %+v; want %+v", read, wantConf)
		}

		// slixmpp adds its own to what it read and stores the list; the
		// SDK reads both.
		slixRoom := jid.MustParse("slix@" + srv.MUC().String())
		read = append(read, slixConference{JID: slixRoom.String(), Name: "Slix room", Nick: "slix"})
		peer.MustCall(ctx, "bookmarks_set", map[string]any{"conferences": read, "method": "xep_0049"}, nil)
		got, err := bm.Get(ctx, slixRoom)
		if err != nil || got.Name != "Slix room" || got.Nick != "slix" || got.Autojoin || got.Password != "" {
			t.Fatalf("the SDK read slixmpp's bookmark as %+v, %v", got, err)
		}
		if got, err := bm.Get(ctx, goRoom); err != nil || got.Name != mine.Name || got.Nick != mine.Nick || !got.Autojoin || got.Password != "pw" {
			t.Fatalf("the SDK's own bookmark after slixmpp's write: %+v, %v", got, err)
		}
		// The SDK removes its own; slixmpp no longer sees it.
		if err := bm.Remove(ctx, goRoom); err != nil {
			t.Fatal(err)
		}
		peer.MustCall(ctx, "bookmarks_get", map[string]any{"method": "xep_0049"}, &read)
		if len(read) != 1 || read[0].JID != slixRoom.String() {
			t.Fatalf("slixmpp read %+v after the SDK's removal; want %s alone", read, slixRoom)
		}

		// slixmpp's other storage, XEP-0048 in PEP (XEP-0223): both
		// servers carry it to where the SDK reads (Prosody's sync to
		// XEP-0402, ejabberd's conversion to private storage).
		pepRoom := jid.MustParse("pep@" + srv.MUC().String())
		read = append(read, slixConference{JID: pepRoom.String(), Name: "PEP room", Autojoin: true})
		peer.MustCall(ctx, "bookmarks_set", map[string]any{"conferences": read, "method": "xep_0223"}, nil)
		if got, err := bm.Get(ctx, pepRoom); err != nil || got.Name != "PEP room" || !got.Autojoin {
			t.Fatalf("the SDK read slixmpp's XEP-0223 bookmark as %+v, %v", got, err)
		}
		if err := bm.Remove(ctx, pepRoom); err != nil {
			t.Fatal(err)
		}
		peer.MustCall(ctx, "bookmarks_get", map[string]any{"method": "xep_0223"}, &read)
		if slices.ContainsFunc(read, func(c slixConference) bool { return c.JID == pepRoom.String() }) {
			t.Errorf("slixmpp still reads %s in PEP after the SDK removed it: %+v", pepRoom, read)
		}
	})
}
