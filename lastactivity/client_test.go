package lastactivity_test

import (
	"errors"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/lastactivity"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

func TestGetServe(t *testing.T) {
	for _, tt := range []struct {
		idle time.Duration
		want time.Duration
	}{
		{2*time.Minute + 3*time.Second + 900*time.Millisecond, 123 * time.Second},
		{0, 0},
		{-time.Second, 0},
	} {
		srv := xmpptest.StartServer(t, nil)
		alice, bob := login(t, srv, 0), login(t, srv, 1)
		lastactivity.Serve(alice, func() time.Duration { return tt.idle })
		got, err := lastactivity.Get(timeout(t), bob, alice.JID())
		if err != nil || got != (lastactivity.Info{Elapsed: tt.want}) {
			t.Errorf("idle %v: Get = %+v, %v; want %v", tt.idle, got, err, tt.want)
		}
	}
}

// The in-process server answers nothing about last activity itself: not
// its uptime, nor an account's last logout.
func TestGetInProcessServer(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, bob := login(t, srv, 0), login(t, srv, 1)
	lastactivity.Serve(alice, func() time.Duration { return time.Minute })
	for _, to := range []jid.JID{{}, jid.MustParse("localhost"), alice.JID().Bare(), bob.JID().Bare()} {
		if _, err := lastactivity.Get(timeout(t), bob, to); !errors.Is(err, stanza.ErrServiceUnavailable) {
			t.Errorf("Get(%q) = %v, want service-unavailable", to, err)
		}
	}
}

// A client that does not tell answers service-unavailable.
func TestGetNoHandler(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, bob := login(t, srv, 0), login(t, srv, 1)
	if _, err := lastactivity.Get(timeout(t), bob, alice.JID()); !errors.Is(err, stanza.ErrServiceUnavailable) {
		t.Fatalf("Get = %v, want service-unavailable", err)
	}
}

// A malformed answer is an error, not a zero Info.
func TestGetMalformed(t *testing.T) {
	for _, seconds := range []string{"-5", "1.5", "", "3155760001", "NaN"} {
		t.Run(seconds, func(t *testing.T) {
			srv := xmpptest.StartServer(t, nil)
			alice, bob := login(t, srv, 0), login(t, srv, 1)
			lastactivity.Serve(alice, func() time.Duration { return time.Minute })
			srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
				if ev.Dir != xmpptest.ServerToClient || ev.Element.Attr("type") != "result" || ev.Element.Child(lastactivity.NS, "query") == nil {
					return xmpptest.Verdict{}
				}
				r := ev.Element.Copy()
				r.Nodes = nil
				r.AddChild(stanza.NewElement(lastactivity.NS, "query", stanza.A("seconds", seconds)))
				return xmpptest.Verdict{Replace: r}
			})
			got, err := lastactivity.Get(timeout(t), bob, alice.JID())
			if !errors.Is(err, lastactivity.ErrMalformed) || got != (lastactivity.Info{}) {
				t.Fatalf("Get = %+v, %v; want the zero Info and ErrMalformed", got, err)
			}
		})
	}
}

func TestHandleNilPanics(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	c := login(t, srv, 0)
	defer func() {
		if recover() == nil {
			t.Error("Serve(c, nil) did not panic")
		}
	}()
	lastactivity.Serve(c, nil)
}
