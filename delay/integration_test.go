package delay_test

import (
	"context"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/delay"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// countDelays returns the number of delay elements in m.
func countDelays(m *stanza.Message) int {
	n := 0
	for _, p := range m.Payloads {
		if p.Name == (stanza.Name{Space: delay.NS, Local: "delay"}) {
			n++
		}
	}
	return n
}

// TestServers has bob write to alice while she is offline: the server
// stores the messages and stamps them with a delay when she comes online.
// The second message carries a delay forged by bob in the name of the
// server.
func TestServers(t *testing.T) {
	xmpptest.ForEachServer(t, nil, func(t *testing.T, tg xmpptest.Target) {
		if tg.Name() == "xmpptest" {
			t.Skip("the in-process server has no offline storage; see TestGet")
		}
		ctx := timeout(t)
		bob := loginTarget(t, tg, 1, "home")
		aliceJID := tg.Account(0).JID()
		domain := aliceJID.Domain()

		plain := stanza.NewMessage(stanza.MessageChat, aliceJID, "while you were away")
		forged := stanza.NewMessage(stanza.MessageChat, aliceJID, "forged delay")
		forged.Payloads = append(forged.Payloads,
			delay.Delay{Stamp: parseTime(t, "2000-01-01T00:00:00Z"), From: domain, Reason: "forged"}.Element())
		for _, m := range []*stanza.Message{plain, forged} {
			if err := bob.Send(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		// The server handles bob's stanzas in order: once it answers this
		// ping, it has stored both messages.
		ping := stanza.NewIQ(stanza.IQGet, domain, stanza.NewElement("urn:xmpp:ping", "ping"))
		if _, err := bob.Request(ctx, ping); err != nil {
			t.Fatal(err)
		}

		alice := loginTarget(t, tg, 0, "phone")
		got := make(chan *stanza.Message, 4)
		alice.HandleMessage(xmpp.Route{}, func(ctx context.Context, m *stanza.Message) {
			if m.Body() != "" {
				got <- m
			}
		})
		if err := alice.Send(ctx, stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})); err != nil {
			t.Fatal(err)
		}
		m := receive(t, got, "the offline message")
		t.Logf("%s delivers an offline message as %s", tg.Name(), m.Element())
		d, ok := delay.Get(m)
		if m.Body() != plain.Body() || !ok || d.From != domain || d.Stamp.IsZero() {
			t.Errorf("offline message %q with delay %+v, %v; want a delay from %s", m.Body(), d, ok, domain)
		}
		m = receive(t, got, "the forged message")
		t.Logf("%s delivers an offline message with a forged delay as %s", tg.Name(), m.Element())
		// Neither server strips the delay bob forged in its name.
		// Prosody appends its own after it, which Get prefers; ejabberd
		// takes the forgery for its own and adds none, so Get returns
		// bob's stamp: the reason a delay is never to be trusted.
		d, ok = delay.Get(m)
		wantYear, wantDelays := 2000, 1
		if tg.Name() == "prosody" {
			wantYear, wantDelays = d.Stamp.Year(), 2
			if wantYear <= 2000 {
				t.Errorf("Get = %+v; want Prosody's delay", d)
			}
		}
		if n := countDelays(m); !ok || d.Stamp.Year() != wantYear || n != wantDelays {
			t.Errorf("%d delays, Get = %+v, %v; want %d delays, stamp in %d", n, d, ok, wantDelays, wantYear)
		}
	})
}
