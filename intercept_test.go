package xmpp

import (
	"context"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

var nameResult = stanza.Name{Space: "urn:example:q", Local: "result"}

// TestInterceptMessage: a message an interceptor takes reaches a handler
// that waits for it while the dispatch goroutine runs that very handler;
// it reaches no other handler; one it declines goes on as usual.
func TestInterceptMessage(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	results := make(chan string, 10)
	seen := make(chan string, 10)
	alice := connectTest(t, srv, 0, nil, func(c *Client) {
		c.InterceptMessage(Route{Payload: nameResult}, func(m *stanza.Message) bool {
			if m.Body() == "declined" {
				return false
			}
			results <- m.Body()
			return true
		})
		c.HandleMessage(Route{}, func(ctx context.Context, m *stanza.Message) {
			seen <- m.Body()
			if m.Body() != "start" {
				return
			}
			// Wait, in the handler, for what comes after this message.
			select {
			case r := <-results:
				seen <- "got " + r
			case <-time.After(10 * time.Second):
				seen <- "no result"
			}
		})
	})
	bob := dialTest(t, srv, 1, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	send := func(body string, result bool) {
		m := stanza.NewMessage(stanza.MessageNormal, alice.JID(), body)
		if result {
			m.Payloads = append(m.Payloads, stanza.NewElement(nameResult.Space, nameResult.Local))
		}
		if err := bob.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	send("start", false)
	send("r1", true)
	send("declined", true)
	send("end", false)
	var got []string
	for len(got) < 4 {
		select {
		case s := <-seen:
			got = append(got, s)
		case <-ctx.Done():
			t.Fatalf("got %q", got)
		}
	}
	want := []string{"start", "got r1", "declined", "end"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("handlers saw %q, want %q", got, want)
		}
	}
}

// TestFilterAndDeliverRecovered: a filter drops messages before any
// handler; a recovered message delivered from a handler runs before what
// is queued, with Recovered(ctx) true; from another goroutine it is
// queued.
func TestFilterAndDeliverRecovered(t *testing.T) {
	checkGoroutines(t)
	srv := xmpptest.StartServer(t, nil)
	type seenMsg struct {
		body      string
		recovered bool
	}
	seen := make(chan seenMsg, 20)
	alice := connectTest(t, srv, 0, nil, func(c *Client) {
		c.FilterMessage(func(_ context.Context, m *stanza.Message) bool { return m.Body() != "dup" })
		c.ObserveMessage(Route{}, func(ctx context.Context, m *stanza.Message) {
			seen <- seenMsg{"observed " + m.Body(), Recovered(ctx)}
		})
		c.HandleMessage(Route{}, func(ctx context.Context, m *stanza.Message) {
			seen <- seenMsg{m.Body(), Recovered(ctx)}
			if m.Body() == "trigger" {
				old := stanza.NewMessage(stanza.MessageChat, jid.MustParse("bob@localhost"), "old")
				if err := c.DeliverRecovered(ctx, old); err != nil {
					t.Error(err)
				}
				dup := stanza.NewMessage(stanza.MessageChat, jid.MustParse("bob@localhost"), "dup")
				if err := c.DeliverRecovered(ctx, dup); err != nil {
					t.Error(err)
				}
			}
		})
	})
	bob := dialTest(t, srv, 1, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, body := range []string{"trigger", "dup", "live"} {
		if err := bob.Send(ctx, stanza.NewMessage(stanza.MessageNormal, alice.JID(), body)); err != nil {
			t.Fatal(err)
		}
	}
	// alice answers bob's ping after handling his messages.
	if err := bob.Ping(ctx, alice.JID()); err != nil {
		t.Fatal(err)
	}
	if err := alice.DeliverRecovered(ctx, stanza.NewMessage(stanza.MessageChat, jid.MustParse("bob@localhost"), "queued")); err != nil {
		t.Fatal(err)
	}
	want := []seenMsg{
		{"observed trigger", false}, {"trigger", false},
		{"observed old", true}, {"old", true},
		{"observed live", false}, {"live", false},
		{"observed queued", true}, {"queued", true},
	}
	for i, w := range want {
		select {
		case got := <-seen:
			if got != w {
				t.Fatalf("handler call %d: %+v, want %+v", i, got, w)
			}
		case <-ctx.Done():
			t.Fatalf("handler call %d: none, want %+v", i, w)
		}
	}
	alice.Close()
	if err := alice.DeliverRecovered(ctx, stanza.NewMessage(stanza.MessageChat, jid.JID{}, "x")); err == nil {
		t.Error("DeliverRecovered after Close succeeded")
	}
}
