// Command quickstart shows the SDK at work in a few seconds, with nothing
// installed but Go.
//
// With no flags it starts an in-process XMPP server (xmpptest.Server),
// connects two clients, alice and bob, exchanges presence, a chat message
// and an IQ ping, and prints what happened:
//
//	go run ./examples/quickstart
//
// With -jid and -password (or XMPP_JID and XMPP_PASSWORD) it logs in to a
// real server instead, sends presence, pings the server and disconnects:
//
//	go run ./examples/quickstart -jid you@example.org -password secret
//
// -ws URL or -bosh URL makes it connect over WebSocket (RFC 7395) or
// BOSH (XEP-0206) instead of TCP:
//
//	go run ./examples/quickstart -jid you@example.org -ws wss://example.org/xmpp-websocket
//	go run ./examples/quickstart -jid you@example.org -bosh https://example.org/http-bind
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

func main() {
	account := flag.String("jid", os.Getenv("XMPP_JID"), "account to log in to a real server (default: run an in-process demo server)")
	password := flag.String("password", os.Getenv("XMPP_PASSWORD"), "password of -jid")
	ws := flag.String("ws", "", "with -jid: connect over WebSocket to this ws: or wss: URL instead of TCP")
	bosh := flag.String("bosh", "", "with -jid: connect over BOSH to this http: or https: URL instead of TCP")
	flag.Parse()
	addr, err := transportAddr(*ws, *bosh)
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if *account == "" {
		err = demo(ctx, os.Stdout)
	} else {
		err = real(ctx, os.Stdout, *account, &xmpp.Options{Password: *password, Addr: addr})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// demo runs the two-client tour against an in-process server.
func demo(ctx context.Context, w io.Writer) error {
	srv, err := xmpptest.NewServer(nil)
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Fprintf(w, "started an in-process XMPP server for %s on %s\n", srv.Domain(), srv.Addr())

	options := func(acct xmpptest.Account) *xmpp.Options {
		return &xmpp.Options{Password: acct.Password, Addr: srv.Addr(), TLSConfig: srv.TLSConfig()}
	}
	// Dial connects at once: alice registers no handler.
	alice, err := xmpp.Dial(ctx, srv.Account(0).JID(), options(srv.Account(0)))
	if err != nil {
		return fmt.Errorf("alice: %w", err)
	}
	defer alice.Close()
	fmt.Fprintf(w, "alice connected as %s (STARTTLS, %s)\n", alice.JID(), alice.ConnectionState().Mechanism)

	// bob is built first, given his handlers, and only then connected, so
	// that nothing the server sends him is missed. The zero Route makes
	// each the default handler of its kind.
	bob := xmpp.New(srv.Account(1).JID(), options(srv.Account(1)))
	defer bob.Close()
	presences := make(chan *stanza.Presence, 1)
	bob.HandlePresence(xmpp.Route{}, func(ctx context.Context, p *stanza.Presence) { presences <- p })
	messages := make(chan *stanza.Message, 1)
	bob.HandleMessage(xmpp.Route{}, func(ctx context.Context, m *stanza.Message) { messages <- m })
	if err := bob.Connect(ctx); err != nil {
		return fmt.Errorf("bob: %w", err)
	}
	fmt.Fprintf(w, "bob connected as %s\n", bob.JID())

	p := stanza.NewPresence(stanza.PresenceAvailable, bob.JID())
	p.Statuses = []stanza.Text{{Value: "trying the quickstart"}}
	if err := alice.Send(ctx, p); err != nil {
		return err
	}
	fmt.Fprintln(w, "alice -> bob: presence, available")
	select {
	case got := <-presences:
		fmt.Fprintf(w, "bob <- presence from %s: available, %q\n", got.From, got.Status())
	case <-ctx.Done():
		return fmt.Errorf("presence did not arrive: %w", ctx.Err())
	}

	if err := alice.Send(ctx, stanza.NewMessage(stanza.MessageChat, bob.JID(), "Hi Bob!")); err != nil {
		return err
	}
	fmt.Fprintln(w, "alice -> bob: chat message")
	select {
	case m := <-messages:
		fmt.Fprintf(w, "bob <- chat from %s: %q\n", m.From, m.Body())
	case <-ctx.Done():
		return fmt.Errorf("message did not arrive: %w", ctx.Err())
	}

	start := time.Now()
	if err := alice.Ping(ctx, bob.JID()); err != nil {
		return fmt.Errorf("ping bob: %w", err)
	}
	fmt.Fprintf(w, "alice -> bob: ping, answered by bob's client in %v\n", time.Since(start).Round(time.Microsecond))
	if err := alice.Ping(ctx, jid.JID{}); err != nil {
		return fmt.Errorf("ping server: %w", err)
	}
	fmt.Fprintln(w, "alice -> server: ping, answered")
	alice.Close()
	bob.Close()
	fmt.Fprintln(w, "closed both clients and the server")
	return nil
}

// transportAddr turns the -ws and -bosh flags into Options.Addr: the
// URL of one of them, or "" for TCP with SRV records.
func transportAddr(ws, bosh string) (string, error) {
	switch {
	case ws != "" && bosh != "":
		return "", errors.New("-ws and -bosh exclude each other")
	case ws != "" && !strings.HasPrefix(ws, "ws://") && !strings.HasPrefix(ws, "wss://"):
		return "", fmt.Errorf("-ws %q: not a ws: or wss: URL", ws)
	case bosh != "" && !strings.HasPrefix(bosh, "http://") && !strings.HasPrefix(bosh, "https://"):
		return "", fmt.Errorf("-bosh %q: not an http: or https: URL", bosh)
	}
	return ws + bosh, nil
}

// real logs in to a real server with opts, says hello and leaves.
func real(ctx context.Context, w io.Writer, account string, opts *xmpp.Options) error {
	addr, err := jid.Parse(account)
	if err != nil {
		return err
	}
	c, err := xmpp.Dial(ctx, addr, opts)
	if err != nil {
		return err
	}
	defer c.Close()
	fmt.Fprintf(w, "connected as %s over %s\n", c.JID(), transportName(opts.Addr))
	if err := c.Send(ctx, stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})); err != nil {
		return err
	}
	fmt.Fprintln(w, "sent presence")
	start := time.Now()
	if err := c.Ping(ctx, jid.JID{}); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	fmt.Fprintf(w, "the server answered a ping in %v\n", time.Since(start).Round(time.Microsecond))
	return nil
}

// transportName names the transport Options.Addr picks.
func transportName(addr string) string {
	switch {
	case strings.HasPrefix(addr, "ws"):
		return "WebSocket"
	case strings.HasPrefix(addr, "http"):
		return "BOSH"
	}
	return "TCP"
}
