package receipts_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/receipts"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// receipt is one receipt as Handle reports it.
type receipt struct {
	from jid.JID
	id   string
}

// TestServe injects into bob's stream the messages Serve must and
// must not answer. After each, a control message that must be answered
// follows: since bob answers in order, the next receipt alice gets says
// whether the case was answered.
func TestServe(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, bob := login(t, srv, 0, "phone"), login(t, srv, 1, "home")
	aliceJID := alice.JID()
	var asked []jid.JID
	receipts.Serve(bob, func(from jid.JID) bool {
		asked = append(asked, from)
		return from.Bare() == aliceJID.Bare()
	})
	got := make(chan receipt, 4)
	types := make(chan stanza.MessageType, 4)
	alice.HandleMessage(xmpp.Route{}, func(ctx context.Context, m *stanza.Message) {
		if id, ok := receipts.Received(m); ok {
			types <- m.Type
			got <- receipt{m.From, id}
		}
	})

	const req = `<request xmlns='urn:xmpp:receipts'/>`
	for i, tc := range []struct {
		name   string
		attrs  string // of the message, besides to
		inside string
		acked  bool
		typ    stanza.MessageType
	}{
		{"chat", `from='alice@localhost/phone' id='c1' type='chat'`, `<body>hi</body>` + req, true, stanza.MessageChat},
		{"normal", `from='alice@localhost/phone' id='c2'`, req, true, stanza.MessageNormal},
		{"headline", `from='alice@localhost/phone' id='c3' type='headline'`, req, true, stanza.MessageHeadline},
		{"no request", `from='alice@localhost/phone' id='n1' type='chat'`, `<body>hi</body>`, false, ""},
		{"error", `from='alice@localhost/phone' id='n2' type='error'`,
			req + `<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`, false, ""},
		{"groupchat", `from='alice@localhost/phone' id='n3' type='groupchat'`, req, false, ""},
		{"no id", `from='alice@localhost/phone' type='chat'`, req, false, ""},
		{"carries a receipt", `from='alice@localhost/phone' id='n4' type='chat'`, req + `<received xmlns='urn:xmpp:receipts' id='c1'/>`, false, ""},
		{"carries a bad receipt", `from='alice@localhost/phone' id='n5' type='chat'`, req + `<received xmlns='urn:xmpp:receipts'/>`, false, ""},
		{"refused sender", `from='carol@localhost/x' id='n6' type='chat'`, req, false, ""},
		{"no from", `id='n7' type='chat'`, req, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := fmt.Sprintf(`<message xmlns='jabber:client' to='%s' %s>%s</message>`, bob.JID(), tc.attrs, tc.inside)
			ctl := fmt.Sprintf(`ctl%d`, i)
			for _, s := range []string{m, fmt.Sprintf(`<message xmlns='jabber:client' to='%s' from='%s' id='%s'>%s</message>`, bob.JID(), aliceJID, ctl, req)} {
				if err := srv.Inject(bob.JID(), mustElement(t, s)); err != nil {
					t.Fatal(err)
				}
			}
			want := ctl
			if tc.acked {
				want = mustMessage(t, m).ID
				if typ := <-types; typ != tc.typ {
					t.Errorf("receipt of type %q, want %q", typ, tc.typ)
				}
				if r := receive(t, got, "the receipt"); r.id != want || r.from != bob.JID() {
					t.Fatalf("receipt %+v, want id %q from bob", r, want)
				}
				want = ctl
			}
			<-types
			if r := receive(t, got, "the control receipt"); r.id != want {
				t.Fatalf("receipt for %q, want %q", r.id, want)
			}
		})
	}
	for _, j := range asked {
		if j.Bare() != aliceJID.Bare() && j.String() != "carol@localhost/x" {
			t.Errorf("allow asked about %s", j)
		}
	}
}

func TestServeNilPolicy(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	c := login(t, srv, 0, "phone")
	defer func() {
		if recover() == nil {
			t.Error("Serve(c, nil) did not panic")
		}
	}()
	receipts.Serve(c, nil)
}

// TestTracker covers the Tracker on the in-process server: receipts
// before and during Wait, forged and unknown receipts, bounces, and the
// end of the Client.
func TestTracker(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, bob, carol := login(t, srv, 0, "phone"), login(t, srv, 1, "home"), login(t, srv, 2, "x")
	ctx := timeout(t)
	// Messages to bob's bare JID need an available resource.
	if err := bob.Send(ctx, stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})); err != nil {
		t.Fatal(err)
	}
	tr := receipts.New(alice)
	// Handle runs after the Tracker's handler: once it reports a receipt,
	// the Tracker has seen it.
	seen := make(chan receipt, 8)
	receipts.Handle(alice, func(ctx context.Context, from jid.JID, id string) { seen <- receipt{from, id} })
	// bob acknowledges by hand, so the test decides when.
	bobGot := make(chan *stanza.Message, 8)
	bob.HandleMessage(xmpp.Route{}, func(ctx context.Context, m *stanza.Message) { bobGot <- m })
	ack := func(t *testing.T, by *xmpp.Client, to jid.JID, id string) {
		t.Helper()
		m := receipts.Ack(&stanza.Message{Header: stanza.Header{From: to, ID: id}, Type: stanza.MessageChat})
		if err := by.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
		receive(t, seen, "the receipt of "+id)
	}

	t.Run("receipt before Wait", func(t *testing.T) {
		m := stanza.NewMessage(stanza.MessageChat, bob.JID(), "one")
		if err := tr.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
		if got := receive(t, bobGot, "the message"); !receipts.Requested(got) || got.ID != m.ID {
			t.Fatalf("bob got %s", got.Element())
		}
		ack(t, bob, alice.JID(), m.ID)
		done, cancel := context.WithCancel(ctx)
		cancel()
		if err := tr.Wait(done, m.ID); err != nil {
			t.Fatalf("Wait = %v", err)
		}
		if err := tr.Wait(ctx, m.ID); !errors.Is(err, receipts.ErrUnknownID) {
			t.Errorf("second Wait = %v; want ErrUnknownID", err)
		}
	})

	t.Run("receipt during Wait", func(t *testing.T) {
		m := stanza.NewMessage(stanza.MessageChat, bob.JID().Bare(), "two")
		if err := tr.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
		errc := make(chan error, 1)
		go func() { errc <- tr.Wait(ctx, m.ID) }()
		receive(t, bobGot, "the message")
		// From a resource of the bare JID the message went to.
		if err := bob.Send(ctx, receipts.Ack(&stanza.Message{Header: stanza.Header{From: alice.JID(), ID: m.ID}})); err != nil {
			t.Fatal(err)
		}
		if err := receive(t, errc, "Wait"); err != nil {
			t.Fatalf("Wait = %v", err)
		}
	})

	t.Run("forged and unknown receipts", func(t *testing.T) {
		m := stanza.NewMessage(stanza.MessageChat, bob.JID(), "three")
		if err := tr.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
		ack(t, carol, alice.JID(), m.ID) // carol is not the recipient
		ack(t, bob, alice.JID(), "nope") // an id alice never sent
		ack(t, alice, alice.JID(), m.ID) // alice herself is not bob either
		done, cancel := context.WithCancel(ctx)
		cancel()
		if err := tr.Wait(done, m.ID); !errors.Is(err, context.Canceled) {
			t.Fatalf("Wait after forged receipts = %v; want context.Canceled", err)
		}
		if err := tr.Wait(ctx, "nope"); !errors.Is(err, receipts.ErrUnknownID) {
			t.Errorf("Wait(nope) = %v", err)
		}
	})

	t.Run("bounce", func(t *testing.T) {
		// dave is not online: the server answers service-unavailable.
		m := stanza.NewMessage(stanza.MessageChat, srv.Account(3).JID(), "four")
		if err := tr.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
		if err := tr.Wait(ctx, m.ID); !errors.Is(err, stanza.ErrServiceUnavailable) {
			t.Fatalf("Wait = %v; want service-unavailable", err)
		}
	})

	t.Run("duplicate id", func(t *testing.T) {
		m := stanza.NewMessage(stanza.MessageChat, bob.JID(), "five")
		if err := tr.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
		if err := tr.Send(ctx, m); err == nil {
			t.Error("second Send of one id succeeded")
		}
		tr.Forget(m.ID)
		if err := tr.Wait(ctx, m.ID); !errors.Is(err, receipts.ErrUnknownID) {
			t.Errorf("Wait after Forget = %v", err)
		}
	})

	t.Run("closed", func(t *testing.T) {
		m := stanza.NewMessage(stanza.MessageChat, bob.JID(), "six")
		if err := tr.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
		alice.Close()
		if err := tr.Wait(ctx, m.ID); !errors.Is(err, xmpp.ErrClosed) {
			t.Fatalf("Wait after Close = %v; want ErrClosed", err)
		}
		if err := tr.Send(ctx, stanza.NewMessage(stanza.MessageChat, bob.JID(), "seven")); !errors.Is(err, xmpp.ErrClosed) {
			t.Errorf("Send after Close = %v", err)
		}
	})
}
