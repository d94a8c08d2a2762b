package presence_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/presence"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestSend checks what Available, Unavailable and Directed put on the
// wire, and their refusals.
func TestSend(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice := login(t, srv, 0, "desk")
	sent := make(chan *stanza.Presence, 10)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == xmpptest.ClientToServer && ev.Element.Name.Local == "presence" {
			p, err := stanza.ParsePresence(ev.Element)
			if err != nil {
				t.Errorf("sent a bad presence %s: %v", ev.Element, err)
			}
			sent <- p
		}
		return xmpptest.Verdict{}
	})
	next := func() *stanza.Presence {
		t.Helper()
		select {
		case p := <-sent:
			return p
		case <-time.After(waitTimeout):
			t.Fatal("nothing sent")
			return nil
		}
	}
	caps := stanza.NewElement("http://jabber.org/protocol/caps", "c", stanza.A("ver", "v"))

	if err := presence.Available(ctx(t), alice.c, stanza.ShowXA, "gone fishing", -5, caps); err != nil {
		t.Fatal(err)
	}
	p := next()
	if p.Type != stanza.PresenceAvailable || !p.To.IsZero() || p.Show != stanza.ShowXA || p.Priority != -5 ||
		!slices.Equal(p.Statuses, []stanza.Text{{Value: "gone fishing"}}) || len(p.Payloads) != 1 || p.Payloads[0].Attr("ver") != "v" {
		t.Errorf("Available sent %s", p.Element())
	}

	if err := presence.Available(ctx(t), alice.c, "", "", 0); err != nil {
		t.Fatal(err)
	}
	if p := next(); p.Show != "" || p.Statuses != nil || p.Priority != 0 || p.Payloads != nil {
		t.Errorf("plain Available sent %s", p.Element())
	}

	bob := jid.MustParse("bob@localhost/phone")
	if err := presence.Directed(ctx(t), alice.c, bob, stanza.ShowChat, ""); err != nil {
		t.Fatal(err)
	}
	if p := next(); p.Type != stanza.PresenceAvailable || p.To != bob || p.Show != stanza.ShowChat || p.Statuses != nil {
		t.Errorf("Directed sent %s", p.Element())
	}

	if err := presence.Unavailable(ctx(t), alice.c, "bye"); err != nil {
		t.Fatal(err)
	}
	if p := next(); p.Type != stanza.PresenceUnavailable || !p.To.IsZero() || p.Status() != "bye" {
		t.Errorf("Unavailable sent %s", p.Element())
	}

	if err := presence.Available(ctx(t), alice.c, "sleeping", "", 0); !errors.Is(err, presence.ErrInvalidShow) {
		t.Errorf("Available with a bad show: %v", err)
	}
	if err := presence.Directed(ctx(t), alice.c, bob, "busy", ""); !errors.Is(err, presence.ErrInvalidShow) {
		t.Errorf("Directed with a bad show: %v", err)
	}
	if err := presence.Directed(ctx(t), alice.c, jid.JID{}, "", ""); err == nil {
		t.Error("Directed to nobody sent a broadcast")
	}
	alice.c.Close()
	if err := presence.Available(ctx(t), alice.c, "", "", 0); err == nil {
		t.Error("Available on a closed Client succeeded")
	}
	select {
	case p := <-sent:
		t.Errorf("sent %s", p.Element())
	default:
	}
}
