package xmpptest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// recorded logs account i of srv in with a Recorder attached before
// Connect.
func recorded(t *testing.T, srv *xmpptest.Server, i int) (*xmpp.Client, *xmpptest.Recorder) {
	t.Helper()
	a := srv.Account(i)
	c := xmpp.New(a.JID(), &xmpp.Options{Password: a.Password, Dial: srv.DialPipe, TLSConfig: srv.TLSConfig()})
	t.Cleanup(func() { c.Close() })
	rec := xmpptest.NewRecorder(c)
	c.ObserveMessage(xmpp.Route{}, rec.Message)
	c.ObservePresence(xmpp.Route{}, rec.Presence)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	return c, rec
}

func TestRecorder(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, _ := recorded(t, srv, 0)
	bob, rec := recorded(t, srv, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := range 3 {
		if err := alice.Send(ctx, stanza.NewMessage(stanza.MessageChat, bob.JID(), fmt.Sprint("m", i))); err != nil {
			t.Fatal(err)
		}
	}
	// Waits read the messages in order, each one once.
	for _, want := range []string{"m0", "m2"} {
		m, err := rec.WaitMessage(ctx, func(m *stanza.Message) bool { return m.Body() != "m1" })
		if err != nil || m.Body() != want {
			t.Fatalf("WaitMessage = %v, %v; want %s", m, err, want)
		}
	}
	if n := len(rec.Messages()); n != 3 {
		t.Errorf("Messages: %d, want 3", n)
	}
	// Nothing more is waiting: a short context ends the wait.
	short, stop := context.WithTimeout(ctx, 20*time.Millisecond)
	defer stop()
	if _, err := rec.WaitMessage(short, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitMessage with nothing left = %v", err)
	}
	// NoMessage settles first: a message alice sent before bob's Sync
	// is seen.
	if err := alice.Send(ctx, stanza.NewMessage(stanza.MessageChat, bob.JID(), "late")); err != nil {
		t.Fatal(err)
	}
	if err := alice.Ping(ctx, bob.JID()); err != nil { // "late" reached bob's stream first
		t.Fatal(err)
	}
	if err := rec.NoMessage(ctx, func(m *stanza.Message) bool { return m.Body() == "late" }); err == nil {
		t.Error("NoMessage did not see the late message")
	}
	if err := rec.NoMessage(ctx, func(m *stanza.Message) bool { return m.Body() == "never" }); err != nil {
		t.Errorf("NoMessage = %v", err)
	}
	// Presence.
	if err := alice.Send(ctx, stanza.NewPresence(stanza.PresenceAvailable, bob.JID())); err != nil {
		t.Fatal(err)
	}
	p, err := rec.WaitPresence(ctx, func(p *stanza.Presence) bool { return p.From == alice.JID() })
	if err != nil || p.Type != stanza.PresenceAvailable {
		t.Fatalf("WaitPresence = %v, %v", p, err)
	}
}

// A test waits for a message with a Recorder instead of sleeping.
func ExampleRecorder() {
	srv, err := xmpptest.NewServer(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	connect := func(i int, setup func(*xmpp.Client)) *xmpp.Client {
		a := srv.Account(i)
		c := xmpp.New(a.JID(), &xmpp.Options{Password: a.Password, Dial: srv.DialPipe, TLSConfig: srv.TLSConfig()})
		setup(c)
		if err := c.Connect(ctx); err != nil {
			log.Fatal(err)
		}
		return c
	}
	var rec *xmpptest.Recorder
	bob := connect(1, func(c *xmpp.Client) {
		rec = xmpptest.NewRecorder(c)
		c.ObserveMessage(xmpp.Route{}, rec.Message)
	})
	defer bob.Close()
	alice := connect(0, func(*xmpp.Client) {})
	defer alice.Close()

	if err := alice.Send(ctx, stanza.NewMessage(stanza.MessageChat, bob.JID(), "hello")); err != nil {
		log.Fatal(err)
	}
	m, err := rec.WaitMessage(ctx, func(m *stanza.Message) bool { return m.Body() != "" })
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.From.Bare(), "said", m.Body())
	fmt.Println(rec.NoMessage(ctx, func(m *stanza.Message) bool { return m.Body() == "spam" }))
	// Output:
	// alice@localhost said hello
	// <nil>
}
