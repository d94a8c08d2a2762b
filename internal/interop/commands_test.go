package interop_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/commands"
	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/internal/interop"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/xmpptest"
)

// slixCommandResult is how slixmpp read the end of a command it ran (op
// run_command).
type slixCommandResult struct {
	Status string            `json:"status"`
	Notes  [][2]string       `json:"notes"` // [type, text]
	Form   map[string]string `json:"form"`  // the result form's values
}

// greetForm is the form of the SDK's command: a required text field, a
// list with a default and a boolean.
func greetForm() *form.Form {
	return &form.Form{Type: form.TypeForm, Title: "Greet", Fields: []form.Field{
		{Var: "name", Type: form.TextSingle, Label: "Name", Required: true},
		{Var: "greeting", Type: form.ListSingle, Label: "Greeting", Values: []string{"Hello"},
			Options: []form.Option{{Label: "Hello", Value: "Hello"}, {Label: "Southern", Value: "Grüß Gott"}}},
		{Var: "shout", Type: form.Boolean, Label: "Shout", Values: []string{"0"}},
	}}
}

// greet is what the SDK's command answers to a submission of greetForm.
func greet(sub *form.Form) string {
	name, _ := sub.String("name")
	greeting, _ := sub.String("greeting")
	text := greeting + ", " + name
	if shout, _ := sub.Bool("shout"); shout {
		return text + "!!!"
	}
	return text + "."
}

// TestCommands: ad-hoc commands (XEP-0050) with a data form, both ways.
// The SDK lists slixmpp's commands and runs its interop-echo (peer.py:
// one required text field, completed with the note "echo: <text>"),
// filling in the form with commands.Session; slixmpp lists and runs the
// command the SDK offers with commands.Serve (one form of three field
// types, completed with a note and a result form), and does not see, nor
// may run, the one the SDK keeps for its own account.
func TestCommands(t *testing.T) {
	interop.Servers(t, 2, func(t *testing.T, srv *xmpptest.RealServer) {
		submitted := make(chan *form.Form, 4)
		alice := testkit.LoginTarget(t, srv, 0, "go", func(c *xmpp.Client) {
			s := commands.Serve(c, disco.Serve(c, nil), nil)
			s.Handle("interop-greet", "Greet", func(_ context.Context, _ jid.JID, step commands.Step) (commands.Response, error) {
				ask := greetForm()
				if step.Action == commands.ActionExecute {
					return commands.Response{Status: commands.StatusExecuting, Form: ask}, nil
				}
				submitted <- step.Form
				if err := form.Validate(ask, step.Form); err != nil {
					return commands.Response{}, commands.NewError(commands.BadPayload, err.Error())
				}
				text := greet(step.Form)
				result := &form.Form{Type: form.TypeResult, Fields: []form.Field{{Var: "greeting", Type: form.TextSingle, Values: []string{text}}}}
				return commands.Response{Notes: []commands.Note{{Type: commands.NoteInfo, Text: text}}, Form: result}, nil
			}, commands.Anyone)
			s.Handle("interop-private", "Private", func(context.Context, jid.JID, commands.Step) (commands.Response, error) {
				t.Error("the SDK ran its private command for someone")
				return commands.Response{}, nil
			}, nil) // the account's own resources only
		})
		bob := interop.Start(t, srv, srv.Account(1), "slix", nil)

		t.Run("sdk_runs_slixmpp_command", func(t *testing.T) {
			ctx := testkit.Ctx(t)
			items, err := commands.List(ctx, alice, bob.JID())
			if err != nil {
				t.Fatalf("commands.List(%s): %v", bob.JID(), err)
			}
			if want := (disco.Item{JID: bob.JID(), Node: "interop-echo", Name: "Echo"}); !slices.ContainsFunc(items, func(it disco.Item) bool {
				return it.JID.Equal(want.JID) && it.Node == want.Node && it.Name == want.Name
			}) {
				t.Errorf("commands.List(%s) = %+v; want %+v among them", bob.JID(), items, want)
			}
			sess, err := commands.Execute(ctx, alice, bob.JID(), "interop-echo")
			if err != nil {
				t.Fatalf("commands.Execute(interop-echo): %v", err)
			}
			if sess.Status() != commands.StatusExecuting || !slices.Equal(sess.Actions(), []commands.Action{commands.ActionComplete}) {
				t.Errorf("interop-echo started with status %q actions %v; want executing, [complete]", sess.Status(), sess.Actions())
			}
			f := sess.Form()
			if f == nil {
				t.Fatalf("interop-echo answered without a form: %+v", sess.Command())
			}
			if fd := f.Field("text"); fd == nil || fd.Type != form.TextSingle || !fd.Required || f.Type != form.TypeForm {
				t.Fatalf("interop-echo's form is %+v; want a form with a required text-single field 'text'", f)
			}
			answer := f.Submit()
			if err := answer.SetString("text", nonASCII); err != nil {
				t.Fatal(err)
			}
			if err := sess.Complete(ctx, answer); err != nil {
				t.Fatalf("completing interop-echo: %v", err)
			}
			want := []commands.Note{{Type: commands.NoteInfo, Text: "echo: " + nonASCII}}
			if sess.Status() != commands.StatusCompleted || !sess.Ended() || !slices.Equal(sess.Notes(), want) {
				t.Errorf("interop-echo ended with status %q notes %+v; want completed, %+v", sess.Status(), sess.Notes(), want)
			}
		})

		t.Run("slixmpp_runs_sdk_command", func(t *testing.T) {
			ctx := testkit.Ctx(t)
			var listed []struct{ Node, Name string }
			bob.MustCall(ctx, "commands", map[string]any{"to": alice.JID().String()}, &listed)
			var nodes []string
			for _, it := range listed {
				nodes = append(nodes, it.Node+" "+it.Name)
			}
			if !slices.Equal(nodes, []string{"interop-greet Greet"}) {
				t.Errorf("slixmpp listed the SDK's commands as %v; want [interop-greet Greet] only", nodes)
			}

			name := nonASCII
			var got slixCommandResult
			bob.MustCall(ctx, "run_command", map[string]any{"to": alice.JID().String(), "node": "interop-greet",
				"fields": map[string]any{"name": name, "greeting": "Grüß Gott", "shout": "true"}}, &got)
			sub := testkit.Receive(t, submitted, "slixmpp's submission in the SDK's handler")
			if n, _ := sub.String("name"); n != name {
				t.Errorf("the SDK's handler read the name %q; slixmpp submitted %q", n, name)
			}
			if b, err := sub.Bool("shout"); err != nil || !b {
				t.Errorf("the SDK's handler read shout as %t, %v; slixmpp submitted true", b, err)
			}
			text := "Grüß Gott, " + name + "!!!"
			if got.Status != "completed" || !slices.Equal(got.Notes, [][2]string{{"info", text}}) || got.Form["greeting"] != text {
				t.Errorf("slixmpp read the end of interop-greet as %+v; want completed, the note and the result %q", got, text)
			}

			err := bob.Call(ctx, "run_command", map[string]any{"to": alice.JID().String(), "node": "interop-private", "fields": map[string]any{}}, nil)
			if err == nil || !strings.Contains(err.Error(), "auth/forbidden") {
				t.Errorf("slixmpp running the SDK's private command: %v; want auth/forbidden", err)
			}
		})
	})
}
