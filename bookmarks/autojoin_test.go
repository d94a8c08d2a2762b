package bookmarks_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/bookmarks"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/muc"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

func TestAutojoin(t *testing.T) {
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{MUC: true})
	newFakeService(srv, true)
	room := func(local string) jid.JID { return jid.MustParse(local + "@" + srv.MUC().String()) }
	ctx := testkit.Ctx(t)

	// bob sits in "busy" under the nick alice would take there.
	var bobRooms *muc.Rooms
	testkit.Login(t, srv, 1, "bob", func(c *xmpp.Client) { bobRooms = muc.New(c, nil) })
	if _, err := bobRooms.Join(ctx, room("busy"), "alice", nil); err != nil {
		t.Fatal(err)
	}

	var rooms *muc.Rooms
	a := login(t, srv, 0, "a", nil, func(c *xmpp.Client) { rooms = muc.New(c, nil) })
	for _, bm := range []bookmarks.Bookmark{
		{Room: room("lobby"), Autojoin: true, Nick: "Al"},
		{Room: room("dev"), Autojoin: true},
		{Room: room("quiet")},
		{Room: room("busy"), Autojoin: true},
		{Room: room("already"), Autojoin: true},
	} {
		if err := a.bm.Set(ctx, bm); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := rooms.Join(ctx, room("already"), "first", nil); err != nil {
		t.Fatal(err)
	}

	joined, err := a.bm.Autojoin(ctx, rooms, "", nil)
	var got []string
	for _, r := range joined {
		got = append(got, r.JID().Localpart()+"/"+r.Nick())
	}
	slices.Sort(got)
	if want := []string{"dev/alice", "lobby/Al"}; !slices.Equal(got, want) {
		t.Errorf("joined %v; want %v", got, want)
	}
	var je *muc.JoinError
	if !errors.Is(err, muc.ErrNickInUse) || !errors.As(err, &je) || je.Room != room("busy") || !strings.Contains(err.Error(), "busy@") {
		t.Errorf("Autojoin error %v; want the nick conflict in busy", err)
	}
	if n := len(rooms.Joined()); n != 3 {
		t.Errorf("%d rooms joined; want 3 (already, dev, lobby)", n)
	}
	// Again: everything is joined but busy.
	joined, err = a.bm.Autojoin(ctx, rooms, "other", nil)
	if len(joined) != 1 || joined[0].Nick() != "other" || err != nil {
		t.Errorf("second Autojoin: %v, %v; want busy joined as other", joined, err)
	}
}

func TestAutojoinFromHandler(t *testing.T) {
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{MUC: true})
	newFakeService(srv, true)
	var rooms *muc.Rooms
	a := login(t, srv, 0, "a", nil, func(c *xmpp.Client) { rooms = muc.New(c, nil) })
	errc := make(chan error, 1)
	a.c.ObserveMessage(xmpp.Route{}, func(ctx context.Context, _ *stanza.Message) {
		_, err := a.bm.Autojoin(ctx, rooms, "", nil)
		errc <- err
	})
	ctx := testkit.Ctx(t)
	if err := a.c.Send(ctx, stanza.NewMessage(stanza.MessageChat, a.c.JID(), "hi")); err != nil {
		t.Fatal(err)
	}
	if err := testkit.Receive(t, errc, "the handler's Autojoin"); !errors.Is(err, muc.ErrInHandler) {
		t.Errorf("Autojoin from a handler: %v; want muc.ErrInHandler", err)
	}
}
