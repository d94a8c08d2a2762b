// Command echobot is a small XMPP bot: it answers every chat message with
// the same text, accepts every subscription request (and asks for one
// back, so that both sides see each other's presence), sends delivery
// receipts to its contacts, tells its software version, and shuts down
// cleanly on SIGINT or SIGTERM: it sends unavailable presence and closes
// the stream.
//
//	go run ./examples/echobot -jid bot@example.org -password secret
//
// XMPP_JID and XMPP_PASSWORD may stand in for the flags. -ws URL or
// -bosh URL makes the bot connect over WebSocket (RFC 7395) or BOSH
// (XEP-0206) instead of TCP:
//
//	go run ./examples/echobot -jid bot@example.org -ws wss://example.org/xmpp-websocket
//
// The bot keeps its session across network faults through stream
// management where the server offers it (and over BOSH, through the
// BOSH session's own retries), and logs what happens to standard error.
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
	"github.com/xmppkit/xmpp/receipts"
	"github.com/xmppkit/xmpp/roster"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/version"
)

func main() {
	account := flag.String("jid", os.Getenv("XMPP_JID"), "the bot's address")
	password := flag.String("password", os.Getenv("XMPP_PASSWORD"), "the bot's password")
	ws := flag.String("ws", "", "connect over WebSocket to this ws: or wss: URL instead of TCP")
	bosh := flag.String("bosh", "", "connect over BOSH to this http: or https: URL instead of TCP")
	flag.Parse()
	if *ws != "" && *bosh != "" {
		fmt.Fprintln(os.Stderr, "echobot: -ws and -bosh exclude each other")
		os.Exit(2)
	}
	addr, err := jid.Parse(*account)
	if err != nil {
		fmt.Fprintln(os.Stderr, "echobot: -jid:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(ctx, addr, &xmpp.Options{Password: *password, Addr: *ws + *bosh, Logger: logger}); err != nil {
		fmt.Fprintln(os.Stderr, "echobot:", err)
		os.Exit(1)
	}
}

// run connects as addr and serves until ctx ends (nil) or the connection
// ends for good (its error).
func run(ctx context.Context, addr jid.JID, opts *xmpp.Options) error {
	c, contacts := newBot(addr, opts)
	return serve(ctx, c, contacts)
}

// newBot returns the bot's Client, not yet connected, with everything
// it handles registered: so nothing the server sends at once (offline
// messages, subscription requests) is missed.
func newBot(addr jid.JID, opts *xmpp.Options) (*xmpp.Client, *roster.Roster) {
	c := xmpp.New(addr, opts)

	// The roster says who the bot's contacts are; it follows pushes and
	// reloads itself after a reconnection that lost the session.
	contacts := roster.New(c, nil)
	// Everyone may subscribe; the bot asks back, so that both sides see
	// each other's presence.
	roster.Handle(c, func(ctx context.Context, req roster.Request) {
		_ = roster.Approve(ctx, c, req.From)
		_ = roster.Subscribe(ctx, c, req.From)
	})
	// Delivery receipts go only to contacts who see our presence anyway
	// (XEP-0184 section 8: receipts would tell others that we are online).
	receipts.Serve(c, func(from jid.JID) bool {
		it, ok := contacts.Item(from.Bare())
		return ok && (it.Subscription == roster.SubscriptionFrom || it.Subscription == roster.SubscriptionBoth)
	})
	version.Serve(c, version.Info{Name: "echobot", Version: "1.0"})
	// The bot answers chat messages: it claims them.
	c.HandleMessage(xmpp.Route{Type: string(stanza.MessageChat)}, func(ctx context.Context, m *stanza.Message) {
		if m.Body() == "" {
			return // a chat state or a receipt alone
		}
		_ = c.Send(ctx, stanza.NewMessage(stanza.MessageChat, m.From, m.Body()))
	})
	return c, contacts
}

// stopped is err, unless ctx ended: a signal during start-up is a stop,
// not a failure.
func stopped(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// serve connects c and serves until ctx ends (nil) or the connection
// ends for good (its error).
func serve(ctx context.Context, c *xmpp.Client, contacts *roster.Roster) error {
	defer c.Close()
	if err := c.Connect(ctx); err != nil {
		return err
	}
	if err := contacts.Load(ctx); err != nil {
		return stopped(ctx, err)
	}
	if err := c.Send(ctx, stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})); err != nil {
		return stopped(ctx, err)
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
