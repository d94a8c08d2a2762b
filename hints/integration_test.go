package hints_test

import (
	"context"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/hints"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestServers checks what the archiving servers make of storage hints,
// by whether they add a XEP-0359 stanza-id to the messages bob sends
// alice: they add one to each message they archive.
func TestServers(t *testing.T) {
	xmpptest.ForEachServer(t, nil, func(t *testing.T, tg xmpptest.Target) {
		if tg.Name() == "xmpptest" {
			t.Skip("the in-process server stores nothing, so hints change nothing there")
		}
		ctx := timeout(t)
		alice, bob := loginTarget(t, tg, 0, "phone"), loginTarget(t, tg, 1, "home")
		got := make(chan *stanza.Message, 8)
		alice.HandleMessage(xmpp.Route{}, func(ctx context.Context, m *stanza.Message) { got <- m })

		hinted := func(body string, h hints.Hint) *stanza.Message {
			m := stanza.NewMessage(stanza.MessageChat, alice.JID(), body)
			hints.Add(m, h)
			return m
		}
		// A bodiless message is not archived unless hinted so.
		bodiless := hinted("", hints.Store)
		bodiless.Payloads = append(bodiless.Payloads, stanza.NewElement("urn:example:encrypted", "payload"))
		cases := []struct {
			name     string
			m        *stanza.Message
			archived bool
		}{
			{"no hint", stanza.NewMessage(stanza.MessageChat, alice.JID(), "plain"), true},
			{"no-permanent-store", hinted("off the record", hints.NoPermanentStore), false},
			{"no-store", hinted("transient", hints.NoStore), false},
			{"store without a body", bodiless, true},
		}
		for _, tc := range cases {
			if err := bob.Send(ctx, tc.m); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range cases {
			m := receive(t, got, tc.name)
			if m.ID != tc.m.ID {
				t.Fatalf("got %s, want %s", m.Element(), tc.name)
			}
			if archived := hasStanzaID(m, alice.JID().Bare().String()); archived != tc.archived {
				t.Errorf("%s: archived %v, want %v: %s", tc.name, archived, tc.archived, m.Element())
			}
			for _, p := range tc.m.Payloads {
				if h, err := hints.Parse(p); err == nil && !hints.Has(m, h) {
					t.Errorf("%s: hint %s lost: %s", tc.name, h, m.Element())
				}
			}
		}
	})
}

// hasStanzaID reports whether m carries a XEP-0359 stanza-id by by.
func hasStanzaID(m *stanza.Message, by string) bool {
	for _, p := range m.Payloads {
		if p.Name == (stanza.Name{Space: "urn:xmpp:sid:0", Local: "stanza-id"}) && p.Attr("by") == by {
			return true
		}
	}
	return false
}
