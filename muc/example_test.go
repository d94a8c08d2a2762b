package muc_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/muc"
	"github.com/xmppkit/xmpp/xmpptest"
)

// A bot joins a room and answers "!ping"; a user joins, asks, and reads
// the answer.
func Example() {
	srv, err := xmpptest.NewServer(&xmpptest.ServerOptions{MUC: true})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	room := jid.MustParse("lobby@conference.localhost")

	// The bot: handlers first, then Connect, then Join.
	acct := srv.Account(0)
	bot := xmpp.New(acct.JID(), &xmpp.Options{Password: acct.Password, Resource: "bot", Addr: srv.Addr(), TLSConfig: srv.TLSConfig(), Dial: srv.DialPipe})
	defer bot.Close()
	botRooms := muc.New(bot, nil)
	botRooms.HandleMessage(func(ctx context.Context, r *muc.Room, m *muc.Message) {
		if !m.Own && !m.History && m.Body() == "!ping" {
			if err := r.Send(ctx, m.Nick+": pong"); err != nil {
				log.Print(err)
			}
		}
	})
	if err := bot.Connect(ctx); err != nil {
		log.Fatal(err)
	}
	if _, err := botRooms.Join(ctx, room, "pingbot", nil); err != nil {
		log.Fatal(err)
	}

	// A user.
	acct = srv.Account(1)
	user := xmpp.New(acct.JID(), &xmpp.Options{Password: acct.Password, Resource: "laptop", Addr: srv.Addr(), TLSConfig: srv.TLSConfig(), Dial: srv.DialPipe})
	defer user.Close()
	userRooms := muc.New(user, nil)
	answered := make(chan string, 1)
	userRooms.HandleMessage(func(_ context.Context, _ *muc.Room, m *muc.Message) {
		if strings.HasSuffix(m.Body(), "pong") {
			answered <- m.Nick + " says " + m.Body()
		}
	})
	if err := user.Connect(ctx); err != nil {
		log.Fatal(err)
	}
	r, err := userRooms.Join(ctx, room, "bob", nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, o := range r.Occupants() {
		fmt.Println(o.Nick, o.Role, o.Affiliation)
	}
	if err := r.Send(ctx, "!ping"); err != nil {
		log.Fatal(err)
	}
	fmt.Println(<-answered)
	// Output:
	// bob participant none
	// pingbot moderator owner
	// pingbot says bob: pong
}
