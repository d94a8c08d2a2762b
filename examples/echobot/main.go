// Command echobot is a minimal XMPP bot: it answers every chat message
// with the same text, accepts every subscription request (and asks for one
// back, so that both sides see each other's presence), and shuts down
// cleanly on SIGINT or SIGTERM: it sends unavailable presence and closes
// the stream.
//
//	go run ./examples/echobot -jid bot@example.org -password secret
//
// XMPP_JID and XMPP_PASSWORD may stand in for the flags. The bot keeps its
// session across network faults through stream management where the
// server offers it, and logs what happens to standard error.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

func main() {
	account := flag.String("jid", os.Getenv("XMPP_JID"), "the bot's address")
	password := flag.String("password", os.Getenv("XMPP_PASSWORD"), "the bot's password")
	flag.Parse()
	addr, err := jid.Parse(*account)
	if err != nil {
		fmt.Fprintln(os.Stderr, "echobot: -jid:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(ctx, addr, &xmpp.Options{Password: *password, Logger: logger}); err != nil {
		fmt.Fprintln(os.Stderr, "echobot:", err)
		os.Exit(1)
	}
}

// run connects as addr and serves until ctx ends (nil) or the connection
// ends for good (its error).
func run(ctx context.Context, addr jid.JID, opts *xmpp.Options) error {
	c, err := xmpp.Dial(ctx, addr, opts)
	if err != nil {
		return err
	}
	defer c.Close()
	c.HandleMessage(func(ctx context.Context, m *stanza.Message) {
		if m.Type != stanza.MessageChat || m.Body() == "" {
			return
		}
		_ = c.Send(ctx, stanza.NewMessage(stanza.MessageChat, m.From, m.Body()))
	})
	c.HandlePresence(func(ctx context.Context, p *stanza.Presence) {
		if p.Type != stanza.PresenceSubscribe {
			return
		}
		_ = c.Send(ctx, stanza.NewPresence(stanza.PresenceSubscribed, p.From.Bare()))
		_ = c.Send(ctx, stanza.NewPresence(stanza.PresenceSubscribe, p.From.Bare()))
	})
	if err := c.Send(ctx, stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		// Leave politely: unavailable presence, then the stream's end.
		bye, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = c.Send(bye, stanza.NewPresence(stanza.PresenceUnavailable, jid.JID{}))
		return c.Close()
	case <-c.Done():
		return c.Err()
	}
}
