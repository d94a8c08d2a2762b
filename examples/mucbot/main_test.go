package main

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/muc"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestMUCBot: the bot joins a room, greets a user who enters, answers
// "!ping", "!who" and "!echo" in the room and "!ping" in private, joins a
// second room it is invited to, and leaves its rooms when stopped.
func TestMUCBot(t *testing.T) {
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{MUC: true})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	room := jid.MustParse("lobby@" + srv.MUC().String())
	other := jid.MustParse("annex@" + srv.MUC().String())

	bot := srv.Account(0)
	botCtx, stopBot := context.WithCancel(ctx)
	joined := make(chan *muc.Room, 1)
	botDone := make(chan error, 1)
	go func() {
		botDone <- run(botCtx, bot.JID(), &xmpp.Options{Password: bot.Password, Addr: srv.Addr(), TLSConfig: srv.TLSConfig(), Dial: srv.DialPipe, Logger: slog.New(slog.DiscardHandler)}, room, "mucbot", joined)
	}()
	select {
	case <-joined:
	case err := <-botDone:
		t.Fatalf("bot ended: %v", err)
	case <-ctx.Done():
		t.Fatal("the bot did not join")
	}

	user := srv.Account(1)
	c := xmpp.New(user.JID(), &xmpp.Options{Password: user.Password, Addr: srv.Addr(), TLSConfig: srv.TLSConfig(), Dial: srv.DialPipe})
	defer c.Close()
	heard := make(chan string, 16)
	events := make(chan string, 16)
	rooms := muc.New(c, nil)
	rooms.HandleEvent(func(_ context.Context, r *muc.Room, ev muc.Event) {
		if ev.Occupant.Nick == "mucbot" {
			events <- r.JID().Localpart() + ": " + ev.Kind.String() + " " + ev.Reason
		}
	})
	rooms.HandleMessage(func(_ context.Context, r *muc.Room, m *muc.Message) {
		if m.Nick == "mucbot" {
			prefix := r.JID().Localpart() + ": "
			if m.Private {
				prefix += "(private) "
			}
			heard <- prefix + m.Body()
		}
	})
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := rooms.Join(ctx, room, "bob", nil)
	if err != nil {
		t.Fatal(err)
	}
	expect := func(want string) {
		t.Helper()
		select {
		case got := <-heard:
			if got != want {
				t.Errorf("heard %q, want %q", got, want)
			}
		case <-ctx.Done():
			t.Fatalf("never heard %q", want)
		}
	}
	expect("lobby: welcome, bob")
	for _, tc := range []struct{ say, want string }{
		{"!ping", "lobby: bob: pong"},
		{"!who", "lobby: bob: bob, mucbot"},
		{"!echo hello there", "lobby: bob: hello there"},
	} {
		if err := r.Send(ctx, tc.say); err != nil {
			t.Fatal(err)
		}
		expect(tc.want)
	}
	if err := r.SendPrivate(ctx, "mucbot", "!ping"); err != nil {
		t.Fatal(err)
	}
	expect("lobby: (private) pong")

	// An invitation to another room: the bot joins it.
	r2, err := rooms.Join(ctx, other, "bob", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := r2.Invite(ctx, bot.JID().Bare(), "join us"); err != nil {
		t.Fatal(err)
	}
	event := func(want string) {
		t.Helper()
		select {
		case got := <-events:
			if got != want {
				t.Errorf("event %q, want %q", got, want)
			}
		case <-ctx.Done():
			t.Fatalf("no event %q", want)
		}
	}
	event("annex: occupant joined ")
	expect("annex: hello, all: say !ping, !who or !echo")

	// Stopped, the bot leaves both rooms and closes.
	stopBot()
	if err := <-botDone; err != nil {
		t.Errorf("bot: %v", err)
	}
	got := map[string]bool{}
	for range 2 {
		select {
		case e := <-events:
			got[e] = true
		case <-ctx.Done():
			t.Fatalf("the bot did not leave both rooms: %v", got)
		}
	}
	for _, want := range []string{"lobby: occupant left shutting down", "annex: occupant left shutting down"} {
		if !got[want] {
			t.Errorf("events %v lack %q", got, want)
		}
	}
}
