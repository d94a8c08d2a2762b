package markers_test

import (
	"context"
	"fmt"
	"log"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/markers"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// Romeo asks for markers; Juliet's client reports the messages displayed
// once she has read them.
func Example() {
	srv, err := xmpptest.NewServer(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	login := func(i int) *xmpp.Client {
		acct := srv.Account(i) // alice, bob, carol, dave
		c, err := xmpp.Dial(ctx, acct.JID(), &xmpp.Options{
			Password: acct.Password, Resource: "desk", Addr: srv.Addr(), TLSConfig: srv.TLSConfig(), Dial: srv.DialPipe,
		})
		if err != nil {
			log.Fatal(err)
		}
		return c
	}
	romeo, juliet := login(0), login(1)
	defer romeo.Close()
	defer juliet.Close()

	read := make(chan *stanza.Message, 2)
	juliet.HandleMessage(xmpp.Route{}, func(ctx context.Context, m *stanza.Message) {
		if markers.IsMarkable(m) {
			read <- m
		}
	})
	done := make(chan struct{})
	bodies := map[string]string{}
	markers.Handle(romeo, func(ctx context.Context, m *stanza.Message, mk markers.Marker) {
		fmt.Printf("%s up to %q\n", mk.Kind, bodies[mk.ID])
		close(done)
	})
	// Markers go to the bare JID, so romeo must be available.
	if err := romeo.Send(ctx, stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})); err != nil {
		log.Fatal(err)
	}
	if _, err := romeo.Request(ctx, stanza.NewIQ(stanza.IQGet, romeo.JID().Domain(), stanza.NewElement("urn:xmpp:ping", "ping"))); err != nil {
		log.Fatal(err)
	}

	for _, body := range []string{"Hi.", "How are you?"} {
		m := stanza.NewMessage(stanza.MessageChat, juliet.JID(), body)
		markers.AddMarkable(m)
		bodies[m.ID] = body
		if err := romeo.Send(ctx, m); err != nil {
			log.Fatal(err)
		}
	}
	<-read
	last := <-read // Juliet reads both; one marker covers them.
	if err := juliet.Send(ctx, markers.Reply(last, markers.Displayed)); err != nil {
		log.Fatal(err)
	}
	<-done
	// Output: displayed up to "How are you?"
}
