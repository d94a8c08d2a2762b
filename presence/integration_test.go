package presence_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/xmppkit/xmpp/presence"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestIntegration runs against each server: alice and bob subscribe to
// each other from scratch with raw presence stanzas, then alice's
// Tracker follows two resources of bob's through show and priority
// changes, a new resource of alice's gets everyone's presence from the
// server's probes, and bob's resources leave: one by closing the
// stream without unavailable presence, one with unavailable presence.
// The presence each side received is logged, to compare the servers.
func TestIntegration(t *testing.T) {
	xmpptest.ForEachServer(t, nil, func(t *testing.T, tg xmpptest.Target) {
		alice := connect(t, tg, nil, 0, "desk")
		one := connect(t, tg, nil, 1, "one")
		bob := one.bare()
		alice.available(t, "", "", 0)
		one.available(t, "", "", 0)
		mutual(t, alice, one)
		has := func(p *peer, r *peer, ok func(presence.Resource) bool) func() bool {
			return func() bool {
				got, found := p.tr.Resource(r.c.JID())
				return found && (ok == nil || ok(got))
			}
		}
		gone := func(p *peer, r *peer) func() bool {
			return func() bool {
				_, found := p.tr.Resource(r.c.JID())
				return !found
			}
		}
		alice.until(t, "bob/one after the subscription", has(alice, one, nil))
		one.until(t, "alice/desk after the subscription", has(one, alice, nil))

		two := connect(t, tg, nil, 1, "two")
		two.available(t, stanza.ShowAway, "second", 3)
		alice.until(t, "bob/two, away at 3", has(alice, two, func(r presence.Resource) bool {
			return r.Show == stanza.ShowAway && r.Priority == 3 && r.Status == "second"
		}))
		if r, _ := alice.tr.Best(bob); r.JID != two.c.JID() {
			t.Errorf("Best = %s, want bob/two (priority 3)", r.JID)
		}
		one.until(t, "its own other resource", has(one, two, nil))

		one.available(t, stanza.ShowChat, "first", 5)
		alice.until(t, "bob/one, chat at 5", has(alice, one, func(r presence.Resource) bool {
			return r.Show == stanza.ShowChat && r.Priority == 5
		}))
		if got := jids(alice.tr.Resources(bob)); !slices.Equal(got, []string{one.c.JID().String(), two.c.JID().String()}) {
			t.Errorf("Resources = %q", got)
		}

		// A second resource of alice's: the server probes her contacts
		// on her behalf and tells her of her own other resource.
		again := connect(t, tg, nil, 0, "again")
		again.available(t, "", "", 0)
		again.until(t, "bob's resources and alice/desk", func() bool {
			return has(again, one, nil)() && has(again, two, nil)() && has(again, alice, nil)()
		})
		alice.until(t, "alice/again", has(alice, again, nil))

		// bob/one closes its stream without unavailable presence.
		if err := one.c.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
		alice.until(t, "bob/one gone", gone(alice, one))
		again.until(t, "bob/one gone", gone(again, one))
		if r, ok := alice.tr.Best(bob); !ok || r.JID != two.c.JID() {
			t.Errorf("Best = %s %v, want bob/two", r.JID, ok)
		}

		// bob/two says goodbye, then closes.
		if err := presence.Unavailable(ctx(t), two.c, "bye"); err != nil {
			t.Fatal(err)
		}
		alice.until(t, "bob unavailable", func() bool { return !alice.tr.Available(bob) })
		if err := two.c.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
		if err := again.c.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
		alice.until(t, "alice/again gone", gone(alice, again))
		if got := alice.tr.Contacts(); len(got) != 0 {
			t.Errorf("Contacts = %v", got)
		}
		for _, p := range []*peer{alice, again} {
			got := p.drain()
			t.Logf("%s: %s received %d presences:\n%s", tg.Name(), p.c.JID(), len(got), strings.Join(got, "\n"))
		}
	})
}
