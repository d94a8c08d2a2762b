// Command mucbot is a chat-room bot: it joins a Multi-User Chat room
// (XEP-0045) and answers commands said in it: "!ping" (pong), "!who" (the
// occupants) and "!echo text". It greets who enters, answers invitations
// to other rooms by joining them (and saying hello), and leaves its rooms and closes the
// stream on SIGINT or SIGTERM.
//
//	go run ./examples/mucbot -jid bot@example.org -password secret -room lobby@conference.example.org
//
// Without -jid it runs against an in-process test server with a room of
// its own, so that it can be tried with nothing installed. XMPP_JID and
// XMPP_PASSWORD may stand in for the flags. It survives network faults:
// stream management resumes the session where the server offers it, and
// after a new session the muc package joins every room again and hands
// over the history of the gap.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/muc"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

func main() {
	account := flag.String("jid", os.Getenv("XMPP_JID"), "the bot's address (none: an in-process test server)")
	password := flag.String("password", os.Getenv("XMPP_PASSWORD"), "the bot's password")
	roomFlag := flag.String("room", "", "the room to join, room@service")
	nick := flag.String("nick", "mucbot", "the bot's nick in its rooms")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	opts := &xmpp.Options{Password: *password, Logger: logger}

	var addr, room jid.JID
	var err error
	if *account == "" {
		srv, err := xmpptest.NewServer(&xmpptest.ServerOptions{MUC: true})
		if err != nil {
			fmt.Fprintln(os.Stderr, "mucbot:", err)
			os.Exit(1)
		}
		defer srv.Close()
		acct := srv.Account(0)
		addr, opts.Password = acct.JID(), acct.Password
		opts.Addr, opts.TLSConfig, opts.Dial = srv.Addr(), srv.TLSConfig(), srv.DialPipe
		room = jid.MustParse("lobby@" + srv.MUC().String())
		logger.Info("no -jid: running against an in-process server", "room", room)
	} else if addr, err = jid.Parse(*account); err != nil {
		fmt.Fprintln(os.Stderr, "mucbot: -jid:", err)
		os.Exit(2)
	}
	if *roomFlag != "" {
		if room, err = jid.Parse(*roomFlag); err != nil {
			fmt.Fprintln(os.Stderr, "mucbot: -room:", err)
			os.Exit(2)
		}
	}
	if room.IsZero() {
		fmt.Fprintln(os.Stderr, "mucbot: -room is required with -jid")
		os.Exit(2)
	}
	if err := run(ctx, addr, opts, room, *nick, nil); err != nil {
		fmt.Fprintln(os.Stderr, "mucbot:", err)
		os.Exit(1)
	}
}

// run connects as addr, joins room as nick, and serves until ctx ends
// (nil) or the connection ends for good (its error). joined, if not nil,
// gets the room once joined.
func run(ctx context.Context, addr jid.JID, opts *xmpp.Options, room jid.JID, nick string, joined chan<- *muc.Room) error {
	c := xmpp.New(addr, opts)
	defer c.Close()
	rooms := muc.New(c, &muc.Options{Logger: opts.Logger})
	rooms.HandleMessage(func(ctx context.Context, r *muc.Room, m *muc.Message) {
		// Not our own words, not the history of the room, not errors.
		if m.Own || m.History || m.Type == stanza.MessageError {
			return
		}
		reply := answer(r, m.Body())
		if reply == "" {
			return
		}
		var err error
		if m.Private {
			err = r.SendPrivate(ctx, m.Nick, reply)
		} else {
			err = r.Send(ctx, m.Nick+": "+reply)
		}
		if err != nil && !errors.Is(err, muc.ErrNotJoined) {
			opts.Logger.Warn("mucbot: answer failed", "room", r.JID(), "error", err)
		}
	})
	rooms.HandleEvent(func(ctx context.Context, r *muc.Room, ev muc.Event) {
		switch ev.Kind {
		case muc.EventOccupantJoined:
			_ = r.Send(ctx, "welcome, "+ev.Occupant.Nick)
		case muc.EventRejoined:
			opts.Logger.Info("mucbot: joined again after a new session", "room", r.JID(), "since", ev.Since)
		case muc.EventKicked, muc.EventBanned, muc.EventRemoved, muc.EventDestroyed, muc.EventRejoinFailed:
			if ev.Self {
				opts.Logger.Warn("mucbot: out of the room", "room", r.JID(), "event", ev.Kind, "reason", ev.Reason)
			}
		}
	})
	rooms.HandleInvite(func(_ context.Context, inv muc.Invite) {
		// Join in a goroutine: Join waits for the room, which this
		// handler would hold back.
		go func() {
			jctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			r, err := rooms.Join(jctx, inv.Room, nick, &muc.JoinOptions{Password: inv.Password, NoHistory: true})
			if err != nil {
				opts.Logger.Warn("mucbot: joining on invitation failed", "room", inv.Room, "error", err)
				return
			}
			_ = r.Send(jctx, "hello, all: say !ping, !who or !echo")
		}()
	})

	if err := c.Connect(ctx); err != nil {
		return err
	}
	if err := c.Send(ctx, stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})); err != nil {
		return err
	}
	r, err := rooms.Join(ctx, room, nick, &muc.JoinOptions{NoHistory: true})
	if err != nil {
		return err
	}
	if joined != nil {
		joined <- r
	}
	select {
	case <-ctx.Done():
		bye, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for _, r := range rooms.Joined() {
			if err := r.Leave(bye, "shutting down"); err != nil {
				opts.Logger.Warn("mucbot: leaving failed", "room", r.JID(), "error", err)
			}
		}
		return c.Close()
	case <-c.Done():
		return c.Err()
	}
}

// answer returns the bot's answer to body said in r, "" for none.
func answer(r *muc.Room, body string) string {
	cmd, arg, _ := strings.Cut(strings.TrimSpace(body), " ")
	switch cmd {
	case "!ping":
		return "pong"
	case "!echo":
		return arg
	case "!who":
		var nicks []string
		for _, o := range r.Occupants() {
			nicks = append(nicks, o.Nick)
		}
		return strings.Join(nicks, ", ")
	}
	return ""
}
