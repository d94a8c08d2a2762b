package receipts_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/receipts"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestServers exchanges receipts between two of our clients through each
// server: bob answers requests automatically, for his contacts only, and
// alice waits for them. Messages that must not be answered go first; the
// receipt of the message that must be answered, sent last, is then the
// only one alice may see, since bob answers in order and each server
// keeps the order of bob's stanzas.
func TestServers(t *testing.T) {
	xmpptest.ForEachServer(t, nil, func(t *testing.T, tg xmpptest.Target) {
		ctx := timeout(t)
		alice, bob := loginTarget(t, tg, 0, "phone"), loginTarget(t, tg, 1, "home")

		var mu sync.Mutex
		contacts := map[jid.JID]bool{}
		receipts.Serve(bob, func(from jid.JID) bool {
			mu.Lock()
			defer mu.Unlock()
			return contacts[from.Bare()]
		})
		tr := receipts.New(alice)
		var seen []string
		receipts.Handle(alice, func(ctx context.Context, from jid.JID, id string) {
			mu.Lock()
			seen = append(seen, id)
			mu.Unlock()
		})

		// Not a contact yet: no receipt.
		refused := stanza.NewMessage(stanza.MessageChat, bob.JID(), "who are you?")
		// bob's handlers run in order, so this change comes after
		// Serve refused.
		first := make(chan struct{})
		var bobGot []string // bodies of the requests bob gets
		bob.HandleMessage(xmpp.Route{}, func(ctx context.Context, m *stanza.Message) {
			mu.Lock()
			defer mu.Unlock()
			if receipts.Requested(m) {
				bobGot = append(bobGot, m.Body())
			}
			if m.ID == refused.ID {
				contacts[alice.JID().Bare()] = true
				close(first)
			}
		})
		if err := tr.Send(ctx, refused); err != nil {
			t.Fatal(err)
		}
		receive(t, first, "the first message at bob")

		noID := stanza.NewMessage(stanza.MessageChat, bob.JID(), "no id")
		receipts.Request(noID)
		noID.ID = ""
		errMsg := stanza.NewMessage(stanza.MessageError, bob.JID(), "error")
		errMsg.Error = stanza.NewError(stanza.ErrUndefinedCondition, "")
		receipts.Request(errMsg)
		groupchat := stanza.NewMessage(stanza.MessageGroupchat, bob.JID(), "groupchat")
		receipts.Request(groupchat)
		loop := stanza.NewMessage(stanza.MessageChat, bob.JID(), "loop")
		receipts.Request(loop)
		loop.Payloads = append(loop.Payloads, receipts.ReceivedElement(refused.ID))
		for _, m := range []*stanza.Message{noID, errMsg, groupchat, loop} {
			if err := alice.Send(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		// A receipt for an id alice never sent is ignored.
		if err := bob.Send(ctx, receipts.Ack(&stanza.Message{Header: stanza.Header{From: alice.JID(), ID: "unknown"}, Type: stanza.MessageChat})); err != nil {
			t.Fatal(err)
		}

		m := stanza.NewMessage(stanza.MessageChat, bob.JID(), "hello")
		if err := tr.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
		if err := tr.Wait(ctx, m.ID); err != nil {
			t.Fatalf("Wait: %v", err)
		}
		// bob's receipt goes out from an observer, before his own
		// handler has recorded "hello": wait until it has.
		if err := bob.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		got, delivered := seen, strings.Join(bobGot, ",")
		mu.Unlock()
		// Prove the refusals are not vacuous: the messages arrived.
		if want := "who are you?,no id,error,groupchat,loop,hello"; delivered != want {
			if tg.Name() == "xmpptest" {
				t.Errorf("bob got %q; want %q", delivered, want)
			} else {
				t.Logf("%s delivered to bob only %q", tg.Name(), delivered)
			}
		}
		// The bogus receipt counts as seen: Handle reports everything.
		if len(got) != 2 || got[0] != "unknown" || got[1] != m.ID {
			t.Errorf("alice saw receipts for %q; want [unknown %s]", got, m.ID)
		}
		if err := tr.Wait(ctx, "unknown"); !errors.Is(err, receipts.ErrUnknownID) {
			t.Errorf("Wait(unknown) = %v", err)
		}
		tr.Forget(refused.ID)

		// An address that does not exist bounces.
		nobody := jid.MustParse("nobody@" + tg.Domain())
		lost := stanza.NewMessage(stanza.MessageChat, nobody, "anyone?")
		if err := tr.Send(ctx, lost); err != nil {
			t.Fatal(err)
		}
		err := tr.Wait(ctx, lost.ID)
		var se *stanza.Error
		if !errors.As(err, &se) {
			t.Fatalf("Wait for %s = %v; want a stanza error", nobody, err)
		}
		t.Logf("%s bounces a message to %s with %v", tg.Name(), nobody, err)
	})
}
