package commands_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/commands"
	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

const greetNode = "greet"

// nameForm and colorForm are the two stages of the greet command.
func nameForm() *form.Form {
	return &form.Form{Type: form.TypeForm, Title: "Who are you?", Fields: []form.Field{
		{Var: "name", Type: form.TextSingle, Label: "Name", Required: true},
	}}
}

func colorForm() *form.Form {
	return &form.Form{Type: form.TypeForm, Title: "Favourite colour", Fields: []form.Field{
		{Var: "color", Type: form.ListSingle, Values: []string{"red"},
			Options: []form.Option{{Value: "red"}, {Value: "blue"}}},
	}}
}

// greet is a stateless two-stage command: a name, then a colour, then a
// greeting note.
func greet(_ context.Context, _ jid.JID, step commands.Step) (commands.Response, error) {
	switch {
	case step.Stage == 0:
		return commands.Response{Status: commands.StatusExecuting, Form: nameForm(),
			Actions: &commands.Actions{Allowed: []commands.Action{commands.ActionNext}, Execute: commands.ActionNext}}, nil
	case step.Action == commands.ActionNext:
		if step.Form == nil || form.Validate(nameForm(), step.Form) != nil {
			return commands.Response{}, commands.NewError(commands.BadPayload, "a name is needed")
		}
		return commands.Response{Status: commands.StatusExecuting, Form: colorForm(),
			Actions: &commands.Actions{Allowed: []commands.Action{commands.ActionComplete, commands.ActionPrev}, Execute: commands.ActionComplete}}, nil
	}
	name, _ := step.Forms[0].String("name")
	color := "red"
	if step.Form != nil {
		if c, err := step.Form.String("color"); err == nil {
			color = c
		}
	}
	return commands.Response{Notes: []commands.Note{{Type: commands.NoteInfo, Text: fmt.Sprintf("hello %s, %s it is", name, color)}}}, nil
}

// offer makes c serve greet, to anyone when open, and returns the Server.
func offer(c *xmpp.Client, open bool, opts *commands.ServeOptions) *commands.Server {
	s := commands.Serve(c, disco.Serve(c, nil), opts)
	var allow commands.AllowFunc
	if open {
		allow = commands.Anyone
	}
	s.Handle(greetNode, "Greet", greet, allow)
	return s
}

// submitName answers the name form of sess with name.
func submitName(t *testing.T, sess *commands.Session, name string) *form.Form {
	t.Helper()
	sub := sess.Form().Submit()
	if err := sub.SetString("name", name); err != nil {
		t.Fatal(err)
	}
	return sub
}

func TestTwoStages(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, bob := login(t, srv, 0, ""), login(t, srv, 1, "")
	s := offer(alice, true, nil)
	ctx := timeout(t)

	items, err := commands.List(ctx, bob, alice.JID())
	if err != nil || len(items) != 1 || items[0] != (disco.Item{JID: alice.JID(), Node: greetNode, Name: "Greet"}) {
		t.Fatalf("List = %+v, %v", items, err)
	}
	info, err := disco.GetInfo(ctx, bob, alice.JID(), greetNode)
	if err != nil || !info.HasIdentity("automation", "command-node") || !info.HasFeature(commands.NS) || !info.HasFeature(form.NS) {
		t.Fatalf("disco#info of the node = %+v, %v", info, err)
	}

	sess, err := commands.Execute(ctx, bob, alice.JID(), greetNode)
	if err != nil {
		t.Fatal(err)
	}
	if sess.Status() != commands.StatusExecuting || sess.ID() == "" || sess.Node() != greetNode ||
		sess.Form() == nil || sess.Form().Field("name") == nil ||
		!slices.Equal(sess.Actions(), []commands.Action{commands.ActionNext}) || sess.Default() != commands.ActionNext {
		t.Fatalf("after execute: %+v", sess.Command())
	}
	id := sess.ID()
	for _, err := range []error{sess.Prev(ctx), sess.Complete(ctx, nil)} {
		if !errors.Is(err, commands.ErrNotAllowed) {
			t.Errorf("an action not allowed = %v, want ErrNotAllowed", err)
		}
	}
	if err := sess.Next(ctx, sess.Form()); !errors.Is(err, commands.ErrNotSubmit) {
		t.Errorf("Next with the form itself = %v, want ErrNotSubmit", err)
	}

	if err := sess.Next(ctx, submitName(t, sess, "Bob")); err != nil {
		t.Fatal(err)
	}
	if sess.ID() != id || sess.Form().Field("color") == nil || sess.Default() != commands.ActionComplete ||
		!slices.Equal(sess.Actions(), []commands.Action{commands.ActionPrev, commands.ActionComplete}) {
		t.Fatalf("after next: %+v", sess.Command())
	}
	if err := sess.Prev(ctx); err != nil || sess.Form().Field("name") == nil {
		t.Fatalf("Prev = %v, form %+v", err, sess.Form())
	}
	if err := sess.Next(ctx, submitName(t, sess, "Robert")); err != nil {
		t.Fatal(err)
	}
	sub := sess.Form().Submit()
	if err := sub.SetString("color", "blue"); err != nil {
		t.Fatal(err)
	}
	if err := sess.Complete(ctx, sub); err != nil {
		t.Fatal(err)
	}
	want := []commands.Note{{Type: commands.NoteInfo, Text: "hello Robert, blue it is"}}
	if sess.Status() != commands.StatusCompleted || !sess.Ended() || !slices.Equal(sess.Notes(), want) || sess.Actions() != nil {
		t.Fatalf("after complete: %+v", sess.Command())
	}
	for _, err := range []error{sess.Next(ctx, nil), sess.Prev(ctx), sess.Complete(ctx, nil), sess.Cancel(ctx)} {
		if !errors.Is(err, commands.ErrEnded) {
			t.Errorf("an action after completion = %v, want ErrEnded", err)
		}
	}
	if n := s.Sessions(); n != 0 {
		t.Errorf("%d sessions kept after completion", n)
	}
	// The id of a completed session is unknown from now on.
	err = rawCommand(ctx, bob, alice.JID(), commands.Command{Node: greetNode, SessionID: id, Action: commands.ActionNext})
	if !errors.Is(err, stanza.ErrBadRequest) || commands.ConditionOf(err) != commands.BadSessionID {
		t.Errorf("action on a completed session = %v, want bad-request <bad-sessionid/>", err)
	}
}

// rawCommand sends cmd to to, bypassing the Session's checks.
func rawCommand(ctx context.Context, c *xmpp.Client, to jid.JID, cmd commands.Command) error {
	_, err := c.Request(ctx, stanza.NewIQ(stanza.IQSet, to, cmd.Element()))
	return err
}

func TestCancel(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, bob := login(t, srv, 0, ""), login(t, srv, 1, "")
	s := offer(alice, true, nil)
	ctx := timeout(t)
	sess, err := commands.Execute(ctx, bob, alice.JID(), greetNode)
	if err != nil {
		t.Fatal(err)
	}
	if s.Sessions() != 1 {
		t.Fatalf("%d sessions, want 1", s.Sessions())
	}
	if err := sess.Cancel(ctx); err != nil || sess.Status() != commands.StatusCanceled || !sess.Ended() {
		t.Fatalf("Cancel = %v, status %q", err, sess.Status())
	}
	if s.Sessions() != 0 {
		t.Errorf("%d sessions kept after cancel", s.Sessions())
	}
	if err := sess.Cancel(ctx); !errors.Is(err, commands.ErrEnded) {
		t.Errorf("second Cancel = %v, want ErrEnded", err)
	}
	err = rawCommand(ctx, bob, alice.JID(), commands.Command{Node: greetNode, SessionID: sess.ID(), Action: commands.ActionCancel})
	if commands.ConditionOf(err) != commands.BadSessionID {
		t.Errorf("cancel of a canceled session = %v, want <bad-sessionid/>", err)
	}
}

// Sessions are bound to their requester and node, and unknown ids are
// refused with the XEP's condition.
func TestUnknownSession(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, bob, carol := login(t, srv, 0, ""), login(t, srv, 1, ""), login(t, srv, 2, "")
	s := offer(alice, true, nil)
	s.Handle("other", "Other", greet, commands.Anyone)
	ctx := timeout(t)
	sess, err := commands.Execute(ctx, bob, alice.JID(), greetNode)
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		c   *xmpp.Client
		cmd commands.Command
	}{
		"made up":         {bob, commands.Command{Node: greetNode, SessionID: "made-up", Action: commands.ActionNext}},
		"other requester": {carol, commands.Command{Node: greetNode, SessionID: sess.ID(), Action: commands.ActionCancel}},
		"other node":      {bob, commands.Command{Node: "other", SessionID: sess.ID(), Action: commands.ActionCancel}},
	} {
		err := rawCommand(ctx, tc.c, alice.JID(), tc.cmd)
		var se *stanza.Error
		if !errors.As(err, &se) || se.Condition != stanza.ErrBadRequest || se.Type != stanza.ErrorModify || commands.ConditionOf(err) != commands.BadSessionID {
			t.Errorf("%s: %v, want modify bad-request <bad-sessionid/>", name, err)
		}
	}
	// The session survived the attempts.
	if err := sess.Next(ctx, submitName(t, sess, "Bob")); err != nil {
		t.Fatal(err)
	}
	// An action the last answer did not allow.
	err = rawCommand(ctx, bob, alice.JID(), commands.Command{Node: greetNode, SessionID: sess.ID(), Action: commands.ActionNext})
	if commands.ConditionOf(err) != commands.BadAction {
		t.Errorf("next where only prev and complete are allowed = %v, want <bad-action/>", err)
	}
	// An unknown node.
	if _, err := commands.Execute(ctx, bob, alice.JID(), "nope"); !errors.Is(err, stanza.ErrItemNotFound) {
		t.Errorf("Execute of an unknown node = %v, want item-not-found", err)
	}
}

// A handler's refusal leaves the session at its stage.
func TestBadPayloadKeepsSession(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, bob := login(t, srv, 0, ""), login(t, srv, 1, "")
	offer(alice, true, nil)
	ctx := timeout(t)
	sess, err := commands.Execute(ctx, bob, alice.JID(), greetNode)
	if err != nil {
		t.Fatal(err)
	}
	err = sess.Next(ctx, sess.Form().Submit())
	if !errors.Is(err, stanza.ErrBadRequest) || commands.ConditionOf(err) != commands.BadPayload {
		t.Fatalf("Next without a name = %v, want <bad-payload/>", err)
	}
	if sess.Status() != commands.StatusExecuting || sess.Form().Field("name") == nil {
		t.Fatalf("the session moved: %+v", sess.Command())
	}
	if err := sess.Next(ctx, submitName(t, sess, "Bob")); err != nil {
		t.Fatal(err)
	}
}

func TestIdleTimeout(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, bob := login(t, srv, 0, ""), login(t, srv, 1, "")
	s := offer(alice, true, &commands.ServeOptions{IdleTimeout: time.Minute, MaxSessions: 2})
	var now atomic.Int64
	now.Store(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	commands.SetClock(s, func() time.Time { return time.Unix(0, now.Load()) })
	advance := func(d time.Duration) { now.Add(int64(d)) }
	ctx := timeout(t)

	first, err := commands.Execute(ctx, bob, alice.JID(), greetNode)
	if err != nil {
		t.Fatal(err)
	}
	advance(59 * time.Second)
	if err := first.Next(ctx, submitName(t, first, "Bob")); err != nil {
		t.Fatalf("Next before the timeout = %v", err)
	}
	advance(59 * time.Second) // the action restarted the clock
	if err := first.Prev(ctx); err != nil {
		t.Fatalf("Prev before the timeout = %v", err)
	}
	advance(time.Minute)
	err = first.Next(ctx, submitName(t, first, "Bob"))
	if !errors.Is(err, stanza.ErrNotAllowed) || commands.ConditionOf(err) != commands.SessionExpired {
		t.Fatalf("Next after the timeout = %v, want not-allowed <session-expired/>", err)
	}
	if n := s.Sessions(); n != 0 {
		t.Errorf("%d sessions kept after expiry", n)
	}

	// The bound: two sessions at once, not three.
	var sessions []*commands.Session
	for range 2 {
		sess, err := commands.Execute(ctx, bob, alice.JID(), greetNode)
		if err != nil {
			t.Fatal(err)
		}
		sessions = append(sessions, sess)
	}
	if _, err := commands.Execute(ctx, bob, alice.JID(), greetNode); !errors.Is(err, stanza.ErrResourceConstraint) {
		t.Fatalf("a third session = %v, want resource-constraint", err)
	}
	if err := sessions[0].Cancel(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := commands.Execute(ctx, bob, alice.JID(), greetNode); err != nil {
		t.Fatalf("a session after a cancel = %v", err)
	}
	// Idle sessions are dropped when the next one starts.
	advance(time.Minute)
	if _, err := commands.Execute(ctx, bob, alice.JID(), greetNode); err != nil {
		t.Fatalf("a session after the others expired = %v", err)
	}
	if n := s.Sessions(); n != 1 {
		t.Errorf("%d sessions, want the new one only", n)
	}
}

// replaceCommand makes srv rewrite the <command/> of the results alice
// sends with edit.
func replaceCommand(srv *xmpptest.Server, from jid.JID, edit func(*stanza.Element)) {
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		e := ev.Element
		if ev.Dir != xmpptest.ClientToServer || ev.JID != from || e.Attr("type") != "result" || e.Child(commands.NS, "command") == nil {
			return xmpptest.Verdict{}
		}
		r := e.Copy()
		edit(r.Child(commands.NS, "command"))
		return xmpptest.Verdict{Replace: r}
	})
}

// An answer naming another session or node is refused.
func TestForgedAnswer(t *testing.T) {
	for name, edit := range map[string]func(*stanza.Element){
		"session id": func(c *stanza.Element) { c.SetAttr("sessionid", "forged") },
		"node":       func(c *stanza.Element) { c.SetAttr("node", "other") },
	} {
		t.Run(name, func(t *testing.T) {
			srv := xmpptest.StartServer(t, nil)
			alice, bob := login(t, srv, 0, ""), login(t, srv, 1, "")
			offer(alice, true, nil)
			ctx := timeout(t)
			sess, err := commands.Execute(ctx, bob, alice.JID(), greetNode)
			if err != nil {
				t.Fatal(err)
			}
			id := sess.ID()
			replaceCommand(srv, alice.JID(), edit)
			if err := sess.Next(ctx, submitName(t, sess, "Bob")); !errors.Is(err, commands.ErrWrongSession) {
				t.Fatalf("Next = %v, want ErrWrongSession", err)
			}
			if sess.ID() != id || sess.Form().Field("name") == nil {
				t.Errorf("the forged answer changed the session: %+v", sess.Command())
			}
		})
	}
}

// A first answer without a status, or executing without a session id, is
// malformed.
func TestMalformedAnswer(t *testing.T) {
	for name, edit := range map[string]func(*stanza.Element){
		"no status":     func(c *stanza.Element) { c.RemoveAttr("", "status") },
		"no session id": func(c *stanza.Element) { c.RemoveAttr("", "sessionid") },
		"bad note":      func(c *stanza.Element) { c.AddChild(stanza.NewElement(commands.NS, "note", stanza.A("type", "fatal"))) },
	} {
		t.Run(name, func(t *testing.T) {
			srv := xmpptest.StartServer(t, nil)
			alice, bob := login(t, srv, 0, ""), login(t, srv, 1, "")
			offer(alice, true, nil)
			replaceCommand(srv, alice.JID(), edit)
			if _, err := commands.Execute(timeout(t), bob, alice.JID(), greetNode); !errors.Is(err, commands.ErrMalformed) {
				t.Fatalf("Execute = %v, want ErrMalformed", err)
			}
		})
	}
}

// By default only the account's own resources see and run a command.
func TestAccessRule(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, bob := login(t, srv, 0, "one"), login(t, srv, 1, "")
	alice2 := login(t, srv, 0, "two")
	s := offer(alice, false, nil)
	s.Handle("public", "Public", greet, commands.Anyone)
	s.Handle("friends", "Friends", greet, func(from jid.JID) bool { return from.Bare() == bob.JID().Bare() })
	ctx := timeout(t)

	nodes := func(c *xmpp.Client) string {
		items, err := commands.List(ctx, c, alice.JID())
		if err != nil {
			t.Fatal(err)
		}
		var ns []string
		for _, it := range items {
			ns = append(ns, it.Node)
		}
		return strings.Join(ns, ",")
	}
	if got := nodes(bob); got != "public,friends" {
		t.Errorf("bob sees %q", got)
	}
	if got := nodes(alice2); got != "greet,public" {
		t.Errorf("alice's other resource sees %q", got)
	}
	if _, err := commands.Execute(ctx, bob, alice.JID(), greetNode); !errors.Is(err, stanza.ErrForbidden) {
		t.Errorf("bob runs greet: %v, want forbidden", err)
	}
	if _, err := disco.GetInfo(ctx, bob, alice.JID(), greetNode); !errors.Is(err, stanza.ErrForbidden) {
		t.Errorf("bob asks about greet: %v, want forbidden", err)
	}
	if _, err := commands.Execute(ctx, alice2, alice.JID(), "friends"); !errors.Is(err, stanza.ErrForbidden) {
		t.Errorf("alice runs friends: %v, want forbidden", err)
	}
	if _, err := commands.Execute(ctx, alice2, alice.JID(), greetNode); err != nil {
		t.Errorf("alice's other resource runs greet: %v", err)
	}
	if _, err := commands.Execute(ctx, bob, alice.JID(), "friends"); err != nil {
		t.Errorf("bob runs friends: %v", err)
	}
}

func TestAdvertised(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, bob := login(t, srv, 0, ""), login(t, srv, 1, "")
	offer(alice, true, nil)
	ctx := timeout(t)
	info, err := disco.GetInfo(ctx, bob, alice.JID(), "")
	if err != nil || !info.HasFeature(commands.NS) {
		t.Fatalf("disco#info = %+v, %v; want %s", info, err, commands.NS)
	}
	info, err = disco.GetInfo(ctx, bob, alice.JID(), commands.NS)
	if err != nil || !info.HasIdentity("automation", "command-list") {
		t.Fatalf("disco#info of the commands node = %+v, %v", info, err)
	}
}

// A handler's broken Response becomes internal-server-error, and leaves no
// session.
func TestBrokenHandler(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, bob := login(t, srv, 0, ""), login(t, srv, 1, "")
	s := commands.Serve(alice, disco.Serve(alice, nil), nil)
	s.Handle("broken", "Broken", func(context.Context, jid.JID, commands.Step) (commands.Response, error) {
		return commands.Response{Status: commands.StatusExecuting,
			Actions: &commands.Actions{Allowed: []commands.Action{commands.ActionPrev}}}, nil
	}, commands.Anyone)
	if _, err := commands.Execute(timeout(t), bob, alice.JID(), "broken"); !errors.Is(err, stanza.ErrInternalServerError) {
		t.Fatalf("Execute = %v, want internal-server-error", err)
	}
	if s.Sessions() != 0 {
		t.Errorf("%d sessions kept", s.Sessions())
	}
}

func TestHandlePanics(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice := login(t, srv, 0, "")
	s := offer(alice, true, nil)
	for name, f := range map[string]func(){
		"duplicate":   func() { s.Handle(greetNode, "Again", greet, nil) },
		"empty node":  func() { s.Handle("", "X", greet, nil) },
		"nil handler": func() { s.Handle("x", "X", nil, nil) },
		"the NS node": func() { s.Handle(commands.NS, "X", greet, nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: Handle did not panic", name)
				}
			}()
			f()
		}()
	}
}
