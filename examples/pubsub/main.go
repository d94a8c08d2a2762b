// Command pubsub publishes the machine's load average every few seconds
// to a PEP node of its account (XEP-0163, over XEP-0060 publish-
// subscribe) and prints every update it is notified of: its own, and
// those of the contacts that publish the same node.
//
//	go run ./examples/pubsub -jid me@example.org -password secret -every 10s
//
// Without -jid it runs against an in-process test server with two
// accounts that see each other's presence: one publishes, the other
// prints what it receives, so that it can be tried with nothing
// installed. XMPP_JID and XMPP_PASSWORD may stand in for the flags. It
// stops on SIGINT or SIGTERM.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// Node is the PEP node, and the namespace of its payload:
// <load xmlns='urn:xmppkit:example:load'>0.42 0.30 0.25</load>.
const Node = "urn:xmppkit:example:load"

func main() {
	account := flag.String("jid", os.Getenv("XMPP_JID"), "the account's address (none: an in-process test server)")
	password := flag.String("password", os.Getenv("XMPP_PASSWORD"), "the account's password")
	every := flag.Duration("every", 5*time.Second, "how often to publish")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))

	if *account != "" {
		addr, err := jid.Parse(*account)
		if err != nil {
			fmt.Fprintln(os.Stderr, "pubsub: -jid:", err)
			os.Exit(2)
		}
		opts := &xmpp.Options{Password: *password, Logger: logger}
		if err := run(ctx, addr, opts, *every, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "pubsub:", err)
			os.Exit(1)
		}
		return
	}
	if err := demo(ctx, logger, *every, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "pubsub:", err)
		os.Exit(1)
	}
}

// demo runs a publisher and a watcher on an in-process server until ctx
// ends: the watcher prints what the publisher publishes.
func demo(ctx context.Context, logger *slog.Logger, every time.Duration, out io.Writer) error {
	srv, err := xmpptest.NewServer(&xmpptest.ServerOptions{PEP: true})
	if err != nil {
		return err
	}
	defer srv.Close()
	logger.Info("no -jid: running against an in-process server")
	login := func(i int, out io.Writer) (*session, error) {
		a := srv.Account(i)
		opts := &xmpp.Options{Password: a.Password, Addr: srv.Addr(), TLSConfig: srv.TLSConfig(), Dial: srv.DialPipe, Logger: logger}
		return connect(ctx, a.JID(), opts, out)
	}
	watcher, err := login(1, out)
	if err != nil {
		return err
	}
	defer watcher.c.Close()
	publisher, err := login(0, io.Discard)
	if err != nil {
		return err
	}
	defer publisher.c.Close()
	// PEP sends a node's updates to the contacts who see the
	// publisher's presence.
	if err := befriend(ctx, publisher.c, watcher.c); err != nil {
		return err
	}
	return publish(ctx, publisher, every, logger)
}

// befriend makes a and b see each other's presence (each subscribes,
// the other approves), then announces b's presence again, for a's PEP
// service to know b's interests.
func befriend(ctx context.Context, a, b *xmpp.Client) error {
	for _, p := range [][2]*xmpp.Client{{a, b}, {b, a}} {
		from, to := p[0], p[1]
		if err := from.Send(ctx, stanza.NewPresence(stanza.PresenceSubscribe, to.JID().Bare())); err != nil {
			return err
		}
		if err := from.Sync(ctx); err != nil {
			return err
		}
		if err := to.Send(ctx, stanza.NewPresence(stanza.PresenceSubscribed, from.JID().Bare())); err != nil {
			return err
		}
		if err := to.Sync(ctx); err != nil {
			return err
		}
	}
	return b.Send(ctx, stanza.NewPresence(stanza.PresenceAvailable, jid.JID{}))
}

// run publishes the load every interval as addr, printing the updates
// it is notified of to out, until ctx ends (nil) or the connection ends
// for good (its error).
func run(ctx context.Context, addr jid.JID, opts *xmpp.Options, every time.Duration, out io.Writer) error {
	s, err := connect(ctx, addr, opts, out)
	if err != nil {
		return err
	}
	defer s.c.Close()
	return publish(ctx, s, every, opts.Logger)
}

// session is a connected Client with its pubsub Client.
type session struct {
	c  *xmpp.Client
	ps *pubsub.Client
}

// connect logs addr in, printing to out every update of Node it is
// notified of, and announces its presence (with the +notify interest in
// its entity capabilities).
func connect(ctx context.Context, addr jid.JID, opts *xmpp.Options, out io.Writer) (*session, error) {
	c := xmpp.New(addr, opts)
	ps := pubsub.New(c, &pubsub.Options{Logger: opts.Logger})
	disco.Serve(c, &disco.ServeOptions{Identities: []disco.Identity{{Category: "client", Type: "bot"}}})
	ps.HandlePEP(Node, func(_ context.Context, ev pubsub.Event) {
		for _, it := range ev.Items {
			if it.Payload != nil && it.Payload.Name == (stanza.Name{Space: Node, Local: "load"}) {
				fmt.Fprintf(out, "%s: load %s\n", ev.From, it.Payload.Text())
			}
		}
	})
	if err := c.Connect(ctx); err != nil {
		return nil, err
	}
	if err := c.Send(ctx, stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})); err != nil {
		c.Close()
		return nil, err
	}
	return &session{c: c, ps: ps}, nil
}

// publish publishes the load as the current item of Node every
// interval, until ctx ends (nil) or the connection ends for good (its
// error).
func publish(ctx context.Context, s *session, every time.Duration, logger *slog.Logger) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		item := pubsub.Item{ID: "current", Payload: stanza.NewElement(Node, "load").AddText(loadAverage())}
		if _, err := s.ps.Publish(ctx, jid.JID{}, Node, item, nil); err != nil && ctx.Err() == nil {
			logger.Warn("pubsub: publishing failed", "error", err)
		}
		select {
		case <-ctx.Done():
			return s.c.Close()
		case <-s.c.Done():
			return s.c.Err()
		case <-t.C:
		}
	}
}

// loadAverage returns the 1, 5 and 15 minute load averages from
// /proc/loadavg, or, where there is none, the number of goroutines of
// this program as a stand-in.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return fmt.Sprintf("%d goroutines", runtime.NumGoroutine())
}
