package commands_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/xmppkit/xmpp/commands"
	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// serverCommand is the command each real server offers a plain user, and
// what its note says.
var serverCommand = map[string]struct{ node, name, note string }{
	"prosody":  {"uptime", "Get uptime", "This server has been running for "}, // mod_uptime
	"ejabberd": {"ping", "Ping", "Pong"},                                      // mod_adhoc
}

// TestServers runs the command each server offers to a non-admin user,
// then runs a two-stage command between two of our clients through it.
func TestServers(t *testing.T) {
	xmpptest.ForEachServer(t, nil, func(t *testing.T, tg xmpptest.Target) {
		alice, bob := loginTarget(t, tg, 0), loginTarget(t, tg, 1)

		t.Run("server", func(t *testing.T) {
			want, ok := serverCommand[tg.Name()]
			if !ok {
				t.Skip("the in-process server offers no commands")
			}
			ctx := timeout(t)
			domain := jid.MustParse(tg.Domain())
			items, err := commands.List(ctx, alice, domain)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(items, func(it disco.Item) bool { return it.Node == want.node })
			if i < 0 || items[i].Name != want.name || items[i].JID != domain {
				t.Fatalf("List = %+v, want %s", items, want.node)
			}
			t.Logf("%s offers alice %+v", tg.Name(), items)
			sess, err := commands.Execute(ctx, alice, domain, want.node)
			if err != nil {
				t.Fatal(err)
			}
			notes := sess.Notes()
			if sess.Status() != commands.StatusCompleted || sess.ID() == "" || len(notes) != 1 ||
				notes[0].Type != commands.NoteInfo || !strings.HasPrefix(notes[0].Text, want.note) {
				t.Fatalf("Execute: %+v", sess.Command())
			}
			if err := sess.Cancel(ctx); !errors.Is(err, commands.ErrEnded) {
				t.Errorf("Cancel after completion = %v, want ErrEnded", err)
			}
			err = rawCommand(ctx, alice, domain, commands.Command{Node: want.node, SessionID: "bogus", Action: commands.ActionExecute})
			t.Logf("%s answers an unknown session with %v (condition %q)", tg.Name(), err, commands.ConditionOf(err))
			_, err = commands.Execute(ctx, alice, domain, "no-such-command")
			if !errors.Is(err, stanza.ErrItemNotFound) && !errors.Is(err, stanza.ErrServiceUnavailable) && !errors.Is(err, stanza.ErrFeatureNotImplemented) {
				t.Errorf("Execute of an unknown node = %v", err)
			}
			t.Logf("%s answers an unknown node with %v", tg.Name(), err)
		})

		t.Run("client to client", func(t *testing.T) {
			offer(alice, true, nil)
			ctx := timeout(t)
			items, err := commands.List(ctx, bob, alice.JID())
			if err != nil || len(items) != 1 || items[0].Node != greetNode || items[0].JID != alice.JID() {
				t.Fatalf("List = %+v, %v", items, err)
			}
			canceled, err := commands.Execute(ctx, bob, alice.JID(), greetNode)
			if err != nil {
				t.Fatal(err)
			}
			if err := canceled.Cancel(ctx); err != nil || canceled.Status() != commands.StatusCanceled {
				t.Fatalf("Cancel = %v, status %q", err, canceled.Status())
			}
			sess, err := commands.Execute(ctx, bob, alice.JID(), greetNode)
			if err != nil {
				t.Fatal(err)
			}
			if err := sess.Next(ctx, submitName(t, sess, "Bob")); err != nil {
				t.Fatal(err)
			}
			if err := sess.Prev(ctx); err != nil {
				t.Fatal(err)
			}
			if err := sess.Next(ctx, submitName(t, sess, "Robert")); err != nil {
				t.Fatal(err)
			}
			if err := sess.Complete(ctx, sess.Form().Submit()); err != nil {
				t.Fatal(err)
			}
			if n := sess.Notes(); sess.Status() != commands.StatusCompleted || len(n) != 1 || n[0].Text != "hello Robert, red it is" {
				t.Fatalf("after complete: %+v", sess.Command())
			}
			err = rawCommand(ctx, bob, alice.JID(), commands.Command{Node: greetNode, SessionID: sess.ID(), Action: commands.ActionNext})
			if commands.ConditionOf(err) != commands.BadSessionID {
				t.Errorf("action on a completed session = %v, want <bad-sessionid/>", err)
			}
		})
	})
}
