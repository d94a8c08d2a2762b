package muc_test

import (
	"context"
	"fmt"
	"log"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/muc"
	"github.com/xmppkit/xmpp/xmpptest"
)

// A user lists the rooms of a MUC service, two at a time, and asks one
// of them what it is before joining.
func ExampleAllRooms() {
	srv, err := xmpptest.NewServer(&xmpptest.ServerOptions{MUC: true})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	dial := func(i int) *xmpp.Client {
		a := srv.Account(i)
		c, err := xmpp.Dial(ctx, a.JID(), &xmpp.Options{Password: a.Password, Addr: srv.Addr(), TLSConfig: srv.TLSConfig(), Dial: srv.DialPipe})
		if err != nil {
			log.Fatal(err)
		}
		return c
	}

	// Someone opens three rooms.
	owner := dial(0)
	defer owner.Close()
	rooms := muc.New(owner, nil)
	for _, name := range []string{"books", "films", "music"} {
		if _, err := rooms.Join(ctx, jid.MustParse(name+"@conference.localhost"), "host", nil); err != nil {
			log.Fatal(err)
		}
	}

	user := dial(1)
	defer user.Close()
	for room, err := range muc.AllRooms(ctx, user, srv.MUC(), 2) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(room.JID, room.Name)
	}
	info, err := muc.GetRoomInfo(ctx, user, jid.MustParse("films@conference.localhost"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("films: %d occupant, members only: %t, moderated: %t\n", info.Occupants, info.MembersOnly, info.Moderated)
	// Output:
	// books@conference.localhost books
	// films@conference.localhost films
	// music@conference.localhost music
	// films: 1 occupant, members only: false, moderated: false
}
