package interop_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/blocking"
	"github.com/xmppkit/xmpp/internal/interop"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// blockingAnswers is what a server answers about blocked messages, as
// measured with Prosody 0.12 and ejabberd 23.01.
type blockingAnswers struct {
	// bounceInbound: a message from a blocked sender is answered with
	// service-unavailable (from the blocker's address), as XEP-0191
	// section 3.3 recommends; else it is dropped without a word.
	bounceInbound bool
	// blockedCondition: a message to an address the sender blocked is
	// answered with not-acceptable and the <blocked/> condition of
	// urn:xmpp:blocking:errors, as XEP-0191 requires; else with a plain
	// not-acceptable (ejabberd's privacy-list error, type modify).
	blockedCondition bool
}

var blockingBehaviour = map[string]blockingAnswers{
	"prosody":  {bounceInbound: false, blockedCondition: true},
	"ejabberd": {bounceInbound: true, blockedCondition: false},
}

// TestBlocking: XEP-0191 both ways. slixmpp blocks the SDK's account,
// whose messages then no longer reach it, and unblocks it; the SDK blocks
// slixmpp's account with blocking.Block, whose messages then no longer
// reach the SDK, and unblocks it. Each side reads its own list as its
// commands left it, the SDK also through a Blocklist kept by pushes; the
// errors each server answers are those measured (blockingBehaviour).
func TestBlocking(t *testing.T) {
	interop.Servers(t, 2, func(t *testing.T, srv *xmpptest.RealServer) {
		ctx := testkit.Ctx(t)
		want, ok := blockingBehaviour[srv.Name()]
		if !ok {
			t.Fatalf("no measured behaviour for %s", srv.Name())
		}
		bounces := make(chan *stanza.Message, 4)
		chats := make(chan *stanza.Message, 4)
		var list *blocking.Blocklist
		alice := testkit.LoginTarget(t, srv, 0, "go", func(c *xmpp.Client) {
			list = blocking.New(c, nil)
			c.HandleMessage(xmpp.Route{Type: "error"}, func(_ context.Context, m *stanza.Message) { bounces <- m })
			c.HandleMessage(xmpp.Route{Type: "chat"}, func(_ context.Context, m *stanza.Message) { chats <- m })
		})
		if err := list.Load(ctx); err != nil {
			t.Fatalf("Blocklist.Load: %v", err)
		}
		bob := interop.Start(t, srv, srv.Account(1), "slix", nil)
		aliceBare, bobBare := alice.JID().Bare(), bob.JID().Bare()
		slixList := func(want ...string) {
			t.Helper()
			var got []string
			bob.MustCall(ctx, "blocked", nil, &got)
			if !slices.Equal(got, want) {
				t.Errorf("slixmpp's block list is %q; want %q", got, want)
			}
		}
		sdkList := func(want ...jid.JID) {
			t.Helper()
			got, err := blocking.List(ctx, alice)
			if err != nil {
				t.Fatalf("blocking.List: %v", err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("the SDK's block list is %v; want %v", got, want)
			}
		}

		// slixmpp blocks the SDK's account: what the SDK sends meanwhile
		// never reaches slixmpp.
		bob.MustCall(ctx, "block", map[string]any{"jids": []string{aliceBare.String()}}, nil)
		slixList(aliceBare.String())
		blocked := stanza.NewMessage(stanza.MessageChat, bob.JID(), "while blocked")
		if err := alice.Send(ctx, blocked); err != nil {
			t.Fatal(err)
		}
		// The server has routed it before it answers this round trip.
		if err := alice.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		bob.MustCall(ctx, "unblock", map[string]any{"jids": []string{aliceBare.String()}}, nil)
		slixList()
		after := stanza.NewMessage(stanza.MessageChat, bob.JID(), "after unblocking")
		if err := alice.Send(ctx, after); err != nil {
			t.Fatal(err)
		}
		// Messages from one sender keep their order: the first message
		// slixmpp gets from the SDK must be the second one sent.
		got, err := bob.Message(ctx, func(m *stanza.Message) bool { return m.From.Bare() == aliceBare })
		if err != nil {
			t.Fatalf("the message sent after unblocking: %v", err)
		}
		if got.ID != after.ID {
			t.Errorf("slixmpp got %s from the SDK; want only %q, sent after unblocking", got.Element(), after.ID)
		}
		// A bounce of the first message came before the second reached
		// slixmpp: it has reached the SDK's handlers after this round trip.
		if err := alice.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		select {
		case bounce := <-bounces:
			if !want.bounceInbound || bounce.ID != blocked.ID || !errors.Is(bounce.Error, stanza.ErrServiceUnavailable) {
				t.Errorf("the SDK's message to slixmpp, which blocked it, came back as %s; want %s", bounce.Element(),
					map[bool]string{true: "service-unavailable", false: "no answer"}[want.bounceInbound])
			}
		default:
			if want.bounceInbound {
				t.Errorf("the SDK's message to slixmpp, which blocked it, was not answered with service-unavailable")
			}
		}

		// The SDK blocks slixmpp's account.
		if err := blocking.Block(ctx, alice, bobBare); err != nil {
			t.Fatalf("blocking.Block(%s): %v", bobBare, err)
		}
		sdkList(bobBare)
		if err := alice.Sync(ctx); err != nil { // the push has been handled
			t.Fatal(err)
		}
		if !list.Blocked(bob.JID()) {
			t.Errorf("the Blocklist, kept by the server's pushes, does not block %s: %v", bob.JID(), list.List())
		}
		slixList() // slixmpp's own list is untouched
		// slixmpp's messages no longer reach the SDK.
		var fromBlocked string
		bob.MustCall(ctx, "message", map[string]any{"to": alice.JID().String(), "body": "to a blocker"}, &fromBlocked)
		isBounce := func(m *stanza.Message) bool { return m.Type == stanza.MessageError && m.ID == fromBlocked }
		if want.bounceInbound {
			m, err := bob.Message(ctx, isBounce)
			if err != nil {
				t.Fatalf("slixmpp's message to the SDK, which blocked it, was not answered: %v", err)
			}
			if !errors.Is(m.Error, stanza.ErrServiceUnavailable) {
				t.Errorf("slixmpp's message to the SDK, which blocked it, came back as %s; want service-unavailable", m.Element())
			}
		} else {
			// A bounce would have come before the answer to this ping.
			bob.MustCall(ctx, "ping", map[string]any{"to": srv.Domain()}, nil)
			now, cancel := context.WithCancel(ctx)
			cancel()
			if m, err := bob.Message(now, isBounce); err == nil {
				t.Errorf("slixmpp's message to the SDK, which blocked it, came back as %s; want no answer", m.Element())
			}
		}
		// The SDK's messages to slixmpp come back.
		toBlocked := stanza.NewMessage(stanza.MessageChat, bob.JID(), "to the blocked")
		if err := alice.Send(ctx, toBlocked); err != nil {
			t.Fatal(err)
		}
		bounce := testkit.Receive(t, bounces, "the error for a message to a blocked address")
		if bounce.ID != toBlocked.ID || !errors.Is(bounce.Error, stanza.ErrNotAcceptable) || blocking.IsBlocked(bounce.Error) != want.blockedCondition {
			t.Errorf("the SDK's message to %s, which it blocked, came back as %s; want not-acceptable, with <blocked/> %v",
				bob.JID(), bounce.Element(), want.blockedCondition)
		}
		if err := blocking.Unblock(ctx, alice, bobBare); err != nil {
			t.Fatalf("blocking.Unblock(%s): %v", bobBare, err)
		}
		sdkList()
		if err := alice.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if list.Blocked(bob.JID()) {
			t.Errorf("the Blocklist still blocks %s: %v", bob.JID(), list.List())
		}
		select {
		case m := <-chats:
			t.Errorf("the SDK got %s from slixmpp while blocking it", m.Element())
		default:
		}
	})
}
