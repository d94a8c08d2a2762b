package bookmarks_test

import (
	"context"
	"fmt"
	"log"
	"sync"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/bookmarks"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// scriptPrivateStorage makes srv keep one XEP-0048 <storage/> per
// account in private XML storage (XEP-0049), as a real server does; the
// in-process server has no storage of its own.
func scriptPrivateStorage(srv *xmpptest.Server) {
	var mu sync.Mutex
	stored := map[jid.JID]*stanza.Element{}
	srv.HandleIQ(stanza.IQGet, bookmarks.NSPrivate, "query", func(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		mu.Lock()
		defer mu.Unlock()
		s := stored[iq.From.Bare()]
		if s == nil {
			s = iq.Payload.FirstChild() // nothing stored: the empty element asked for
		}
		return stanza.NewElement(bookmarks.NSPrivate, "query").AddChild(s.Copy()), nil
	})
	srv.HandleIQ(stanza.IQSet, bookmarks.NSPrivate, "query", func(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		mu.Lock()
		defer mu.Unlock()
		stored[iq.From.Bare()] = iq.Payload.FirstChild().Copy()
		return nil, nil
	})
}

// Alice bookmarks two rooms, lists her bookmarks, and removes one. The
// in-process server has no PEP service, so the bookmarks go to private
// XML storage (XEP-0048).
func Example() {
	srv, err := xmpptest.NewServer(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	scriptPrivateStorage(srv)

	ctx := context.Background()
	acct := srv.Account(0) // alice
	c := xmpp.New(acct.JID(), &xmpp.Options{
		Password: acct.Password, Resource: "phone", Addr: srv.Addr(), TLSConfig: srv.TLSConfig(), Dial: srv.DialPipe,
	})
	defer c.Close()
	// Before Connect, so that no notification is missed: pubsub's Client
	// takes the PubSub events and hands those of the bookmarks node over.
	bm := bookmarks.New(c, pubsub.New(c, nil), nil)
	if err := c.Connect(ctx); err != nil {
		log.Fatal(err)
	}

	mode, err := bm.Mode(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("mode:", mode)
	lobby, dev := jid.MustParse("lobby@conference.localhost"), jid.MustParse("dev@conference.localhost")
	for _, b := range []bookmarks.Bookmark{
		{Room: lobby, Name: "The Lobby", Autojoin: true, Nick: "alice"},
		{Room: dev, Name: "Development"},
	} {
		if err := bm.Set(ctx, b); err != nil {
			log.Fatal(err)
		}
	}
	list, err := bm.List(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, b := range list {
		fmt.Printf("%s %q autojoin=%t nick=%q\n", b.Room, b.Name, b.Autojoin, b.Nick)
	}
	if err := bm.Remove(ctx, dev); err != nil {
		log.Fatal(err)
	}
	list, err = bm.List(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("after removal:", len(list), "bookmark,", list[0].Room)
	// Output:
	// mode: XEP-0048
	// lobby@conference.localhost "The Lobby" autojoin=true nick="alice"
	// dev@conference.localhost "Development" autojoin=false nick=""
	// after removal: 1 bookmark, lobby@conference.localhost
}
