package stanzaid_test

import (
	"context"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stanzaid"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestServers has bob send alice messages through servers that archive
// them, some carrying stanza-ids bob forged in the name of alice's
// account, and checks which stanza-ids arrive and what StanzaID makes of
// them.
//
// Measured: both servers add a stanza-id by alice's bare JID to every
// chat message with a body, and both strip a forged one from a message
// they do not archive. ejabberd 23.01 strips it from archived messages
// too. Prosody 0.12.3 does not: its mod_mam strips the forgeries from a
// copy of the message, then adds its own stanza-id to a clone of the
// original, so the forgeries arrive first and its own last. StanzaID
// refuses such a message, as it must: two claims from one entity.
// Stanza-ids by other entities pass: ejabberd strips those by any local
// address, Prosody only those by the sender's account.
func TestServers(t *testing.T) {
	xmpptest.ForEachServer(t, nil, func(t *testing.T, tg xmpptest.Target) {
		if tg.Name() == "xmpptest" {
			t.Skip("the in-process server archives nothing and adds no stanza-ids; see TestStanzaID")
		}
		ctx := timeout(t)
		alice, bob := loginTarget(t, tg, 0, "phone"), loginTarget(t, tg, 1, "home")
		own := alice.JID().Bare()
		got := make(chan *stanza.Message, 8)
		alice.HandleMessage(xmpp.Route{}, func(ctx context.Context, m *stanza.Message) { got <- m })

		forge := func(m *stanza.Message, by jid.JID, id string) *stanza.Message {
			m.Payloads = append(m.Payloads, stanzaid.ID{ID: id, By: by}.Element())
			return m
		}
		chat := func(body string) *stanza.Message { return stanza.NewMessage(stanza.MessageChat, alice.JID(), body) }
		withOrigin := chat("plain")
		origin := stanzaid.AddOriginID(withOrigin)
		// A message without a body is not archived.
		bodiless := stanza.NewMessage(stanza.MessageChat, alice.JID(), "")
		bodiless.Payloads = append(bodiless.Payloads, stanza.NewElement("http://jabber.org/protocol/chatstates", "composing"))
		carol := tg.Account(2).JID()
		remote := jid.MustParse("room@conference.example.org")
		cases := []struct {
			name     string
			m        *stanza.Message
			archived bool // the server adds a stanza-id by alice's account
			forged   int  // stanza-ids forged by bob in the name of alice's account
		}{
			{"plain", withOrigin, true, 0},
			{"forged", forge(chat("forged"), own, "forged-id"), true, 1},
			{"forged twice", forge(forge(chat("forged twice"), own, "forged-id"), own, "forged-2"), true, 2},
			{"forged, not archived", forge(bodiless, own, "forged-id"), false, 1},
			{"by another entity", forge(chat("other by"), carol, "carols-id"), true, 0},
			{"by a remote entity", forge(chat("remote by"), remote, "remote-id"), true, 0},
		}
		for _, tc := range cases {
			if err := bob.Send(ctx, tc.m); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range cases {
			m := receive(t, got, tc.name)
			if m.ID != tc.m.ID {
				t.Fatalf("got message %s, want %s", m.Element(), tc.name)
			}
			t.Logf("%s delivers %q as %s", tg.Name(), tc.name, m.Element())
			want := btoi(tc.archived)
			if tg.Name() == "prosody" && tc.archived {
				want += tc.forged
			}
			if n := count(m, own); n != want {
				t.Errorf("%s: %d stanza-ids by %s, want %d", tc.name, n, own, want)
			}
			id, ok := stanzaid.StanzaID(m, own)
			if ok != (want == 1) || ok && (id == "forged-id" || id == "forged-2") {
				t.Errorf("%s: StanzaID = %q, %v", tc.name, id, ok)
			}
			if tc.m == withOrigin {
				if id, ok := stanzaid.OriginID(m); !ok || id != origin {
					t.Errorf("origin-id %q, %v; want %q", id, ok, origin)
				}
			}
			// Stanza-ids by others reach alice: StanzaID ignores them
			// when asked about her account. ejabberd strips those by any
			// local address, Prosody only those by the sender's.
			other := map[string]jid.JID{"by another entity": carol, "by a remote entity": remote}[tc.name]
			if !other.IsZero() {
				id, ok := stanzaid.StanzaID(m, other)
				kept := tg.Name() == "prosody" || other == remote
				if ok != kept || ok && id != map[jid.JID]string{carol: "carols-id", remote: "remote-id"}[other] {
					t.Errorf("%s: StanzaID(m, %s) = %q, %v; want kept %v", tc.name, other, id, ok, kept)
				}
			}
		}
	})
}

// count returns the number of stanza-id elements by by in m, well-formed
// or not.
func count(m *stanza.Message, by jid.JID) int {
	n := 0
	for _, p := range m.Payloads {
		if p.Name == (stanza.Name{Space: stanzaid.NS, Local: "stanza-id"}) && p.Attr("by") == by.String() {
			n++
		}
	}
	return n
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
