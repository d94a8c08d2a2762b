package xmpp

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestIntegrationHalfOpen: a connection that silently stops carrying data
// (half-open TCP) is noticed within PingInterval+PingTimeout, and the
// session resumes on a new connection without losing a message.
func TestIntegrationHalfOpen(t *testing.T) {
	forEachServer(t, func(t *testing.T, srv *server, _ map[uint16][]string) {
		proxy := xmpptest.StartProxy(t, srv.Addr)
		events := make(chan Event, 8)
		alice := mustLogin(t, srv, 0, &Options{
			Addr:         proxy.Addr(),
			PingInterval: 300 * time.Millisecond,
			PingTimeout:  300 * time.Millisecond,
			ReconnectMin: 10 * time.Millisecond,
		}, func(c *Client) {
			c.HandleEvent(func(_ context.Context, ev Event) {
				if ev.Kind != EventConnected {
					events <- ev
				}
			})
		})
		got := make(chan string, 4)
		bob := mustLogin(t, srv, 1, nil, func(c *Client) {
			c.HandleMessage(Route{}, func(ctx context.Context, m *stanza.Message) { got <- m.Body() })
		})
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()

		proxy.Stall()
		stalled := time.Now()
		// Sent into the void: it must arrive after resumption.
		if err := alice.Send(ctx, stanza.NewMessage(stanza.MessageChat, bob.JID(), "through the stall")); err != nil {
			t.Fatal(err)
		}
		for kind := range []EventKind{EventDisconnected, EventResumed} {
			select {
			case ev := <-events:
				if kind == 0 {
					noticed := time.Since(stalled)
					t.Logf("%s: half-open connection noticed after %v (%v)", srv.Name, noticed, ev.Err)
					if ev.Kind != EventDisconnected || !errors.Is(ev.Err, ErrDeadConnection) {
						t.Fatalf("event %v %v", ev.Kind, ev.Err)
					}
					// Ping interval + timeout (600 ms) and a timer tick,
					// with room for a loaded machine.
					if noticed > 3*time.Second {
						t.Errorf("noticed after %v", noticed)
					}
				} else if ev.Kind != EventResumed {
					t.Fatalf("event %v %v, want resumed", ev.Kind, ev.Err)
				}
			case <-ctx.Done():
				t.Fatal("half-open connection not noticed")
			}
		}
		// Resuming takes a new TCP and TLS connection and a login: on
		// a loaded CI machine it once took 7.6 s.
		if d := time.Since(stalled); d > 15*time.Second {
			t.Errorf("took %v to notice and resume", d)
		}
		select {
		case b := <-got:
			if b != "through the stall" {
				t.Errorf("got %q", b)
			}
		case <-ctx.Done():
			t.Fatal("message sent during the stall never arrived")
		}
	})
}
