package muc_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/mam"
	"github.com/xmppkit/xmpp/muc"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestRejoinFromArchive: an occupant whose session is lost joins again
// and fetches the whole gap from the room's archive, more messages than
// the room's history keeps, in order, each once, before what the room
// sends live afterwards.
func TestRejoinFromArchive(t *testing.T) {
	xmpptest.ForEachServer(t, &xmpptest.ServerOptions{MUC: true, StreamManagement: true}, func(t *testing.T, tg xmpptest.Target) {
		room := roomJID(t, tg, "archived")
		bob := connect(t, tg, 1, "bob", nil)
		br, err := bob.rooms.Join(timeout(t), room, "Bob", nil)
		if err != nil {
			t.Fatal(err)
		}
		if !br.Info().HasFeature(mam.NS) {
			t.Skipf("%s: the room has no archive", tg.Name())
		}
		proxy, through := xmpptest.ProxyAddr(t, tg.Addr())
		opts := &xmpp.Options{Addr: through, ReconnectMin: 5 * time.Millisecond, ReconnectMax: 50 * time.Millisecond,
			ResumeTimeout: time.Nanosecond} // never resume
		alice := connectWith(t, tg, 0, "alice", opts, func(c *xmpp.Client) *muc.Options {
			return &muc.Options{Archive: mam.New(c, nil)}
		})
		ar, err := alice.rooms.Join(timeout(t), room, "Alice", &muc.JoinOptions{NoHistory: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := br.Send(timeout(t), "before"); err != nil {
			t.Fatal(err)
		}
		alice.message(t, "before")

		const gap = 30 // more than the 20 a room's history keeps
		proxy.Stall()
		for i := range gap {
			if err := br.Send(timeout(t), fmt.Sprintf("gap %02d", i)); err != nil {
				t.Fatal(err)
			}
		}
		if err := bob.c.Sync(timeout(t)); err != nil {
			t.Fatal(err)
		}
		proxy.CutAll()
		proxy.Resume()
		ev := alice.event(t, muc.EventRejoined, "")
		if !ev.FromArchive || ev.HistoryFull || ev.Recovered != gap || ev.Err != nil {
			t.Errorf("rejoin: from the archive %t, %d recovered, history full %t, error %v; want %d from the archive",
				ev.FromArchive, ev.Recovered, ev.HistoryFull, ev.Err, gap)
		}
		// Back in the room for good: ejabberd may take the rejoined
		// occupant out with the session it replaced, and Rooms joins
		// again (see TestReconnection).
		ctx := timeout(t)
		for i := 0; !heard(bob, "alice back", 2*time.Second); i++ {
			if err := ar.Send(ctx, fmt.Sprintf("alice back %d", i)); err != nil {
				t.Fatal(err)
			}
		}
		if err := br.Send(timeout(t), "after"); err != nil {
			t.Fatal(err)
		}
		alice.message(t, "after")

		alice.mu.Lock()
		defer alice.mu.Unlock()
		var bodies []string
		for _, m := range alice.messages {
			if m.Nick != "Bob" {
				continue
			}
			bodies = append(bodies, m.Body())
			switch b := m.Body(); {
			case b == "before" || b == "after":
				if m.History {
					t.Errorf("%q marked History", b)
				}
			case !m.History || m.Nick != "Bob":
				t.Errorf("%q: History %t, nick %q", b, m.History, m.Nick)
			}
		}
		want := []string{"before"}
		for i := range gap {
			want = append(want, fmt.Sprintf("gap %02d", i))
		}
		want = append(want, "after")
		if fmt.Sprint(bodies) != fmt.Sprint(want) {
			t.Errorf("alice got %q\nwant %q\nevents %v", bodies, want, eventKinds(alice.events))
		}
	})
}
