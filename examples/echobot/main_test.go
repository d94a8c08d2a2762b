package main

import (
	"context"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/receipts"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/version"
	"github.com/xmppkit/xmpp/xmpptest"
)

var jidZero jid.JID

func TestEchoBot(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	bot, user := srv.Account(0), srv.Account(1)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	botCtx, stopBot := context.WithCancel(ctx)
	botDone := make(chan error, 1)
	go func() {
		botDone <- run(botCtx, bot.JID(), &xmpp.Options{Password: bot.Password, Addr: srv.Addr(), TLSConfig: srv.TLSConfig()})
	}()
	if err := srv.WaitSession(ctx, bot.JID()); err != nil {
		t.Fatal(err)
	}

	c, err := xmpp.Dial(ctx, user.JID(), &xmpp.Options{Password: user.Password, Addr: srv.Addr(), TLSConfig: srv.TLSConfig()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	echoes := make(chan string, 4)
	acks := make(chan string, 4)
	var botFull jid.JID // the bot's resource, learnt from its receipt
	c.HandleMessage(xmpp.Route{}, func(ctx context.Context, m *stanza.Message) {
		if id, ok := receipts.Received(m); ok {
			botFull = m.From
			acks <- id
		} else if m.Body() != "" {
			echoes <- m.Body()
		}
	})
	presences := make(chan stanza.PresenceType, 4)
	c.HandlePresence(xmpp.Route{}, func(ctx context.Context, p *stanza.Presence) { presences <- p.Type })

	if err := c.Send(ctx, stanza.NewMessage(stanza.MessageChat, bot.JID(), "hello bot")); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-echoes:
		if got != "hello bot" {
			t.Errorf("echo %q", got)
		}
	case <-ctx.Done():
		t.Fatal("no echo")
	}

	// Presence is delivered to available resources only (RFC 6121).
	if err := c.Send(ctx, stanza.NewPresence(stanza.PresenceAvailable, jidZero)); err != nil {
		t.Fatal(err)
	}
	if err := c.Send(ctx, stanza.NewPresence(stanza.PresenceSubscribe, bot.JID().Bare())); err != nil {
		t.Fatal(err)
	}
	wantSubscribed, wantSubscribe := true, true
	for wantSubscribed || wantSubscribe {
		select {
		case typ := <-presences:
			switch typ {
			case stanza.PresenceSubscribed:
				wantSubscribed = false
			case stanza.PresenceSubscribe:
				wantSubscribe = false
			}
		case <-ctx.Done():
			t.Fatalf("subscription: subscribed still expected %v, subscribe %v", wantSubscribed, wantSubscribe)
		}
	}

	// Now a contact: a receipt comes with the echo.
	m := stanza.NewMessage(stanza.MessageChat, bot.JID(), "with a receipt")
	receipts.Request(m)
	if err := c.Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	select {
	case id := <-acks:
		if id != m.ID {
			t.Errorf("receipt for %q, want %q", id, m.ID)
		}
	case <-ctx.Done():
		t.Fatal("no receipt")
	}
	if got := <-echoes; got != "with a receipt" {
		t.Errorf("echo %q", got)
	}
	// IQs go to a full JID: the bot's server answers those to its bare JID.
	if info, err := version.Get(ctx, c, botFull); err != nil || info.Name != "echobot" {
		t.Errorf("version %+v, %v", info, err)
	}

	stopBot() // what SIGINT does
	select {
	case err := <-botDone:
		if err != nil {
			t.Errorf("bot ended with %v", err)
		}
	case <-ctx.Done():
		t.Fatal("bot did not stop")
	}
}

// TestEchoBotOverTransports runs the bot over WebSocket and BOSH (the
// -ws and -bosh flags) on the real servers: a message to it is echoed.
func TestEchoBotOverTransports(t *testing.T) {
	xmpptest.ForEachRealServer(t, nil, func(t *testing.T, srv *xmpptest.RealServer) {
		for i, tc := range []struct{ name, addr string }{{"ws", srv.WebSocketURL()}, {"bosh", srv.BOSHURL()}} {
			t.Run(tc.name, func(t *testing.T) {
				bot, user := srv.Account(2*i), srv.Account(2*i+1)
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				c, err := xmpp.Dial(ctx, user.JID(), &xmpp.Options{Password: user.Password, Addr: srv.Addr(), TLSConfig: srv.TLSConfig()})
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				echoes := make(chan string, 4)
				c.HandleMessage(xmpp.Route{}, func(ctx context.Context, m *stanza.Message) {
					if m.Body() != "" {
						echoes <- m.Body()
					}
				})
				b, contacts := newBot(bot.JID(), &xmpp.Options{Password: bot.Password, Addr: tc.addr, TLSConfig: srv.TLSConfig()})
				connected := make(chan struct{}, 1)
				b.HandleEvent(func(_ context.Context, ev xmpp.Event) {
					if ev.Kind == xmpp.EventConnected {
						connected <- struct{}{}
					}
				})
				botCtx, stopBot := context.WithCancel(ctx)
				botDone := make(chan error, 1)
				go func() { botDone <- serve(botCtx, b, contacts) }()
				select {
				case <-connected:
				case err := <-botDone:
					t.Fatalf("bot ended: %v", err)
				case <-ctx.Done():
					t.Fatal("the bot did not connect")
				}
				// To the bot's full address: delivered whether or not its
				// presence went out yet.
				if err := c.Send(ctx, stanza.NewMessage(stanza.MessageChat, b.JID(), "over "+tc.name)); err != nil {
					t.Fatal(err)
				}
				select {
				case got := <-echoes:
					if got != "over "+tc.name {
						t.Errorf("echo %q", got)
					}
				case <-ctx.Done():
					t.Fatal("no echo")
				}
				stopBot()
				if err := <-botDone; err != nil {
					t.Errorf("bot ended with %v", err)
				}
			})
		}
	})
}
