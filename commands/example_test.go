package commands_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/commands"
	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/xmpptest"
)

// One client offers a command that asks for a name and greets; another
// lists the commands, runs it and fills in the form.
func Example() {
	srv, err := xmpptest.NewServer(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	login := func(i int) *xmpp.Client {
		a := srv.Account(i)
		c, err := xmpp.Dial(ctx, a.JID(), &xmpp.Options{Password: a.Password, Dial: srv.DialPipe, TLSConfig: srv.TLSConfig()})
		if err != nil {
			log.Fatal(err)
		}
		return c
	}
	bot, user := login(0), login(1)
	defer bot.Close()
	defer user.Close()

	// The bot: a stateless handler, one form then a note.
	ask := &form.Form{Type: form.TypeForm, Fields: []form.Field{{Var: "name", Type: form.TextSingle, Required: true}}}
	s := commands.Serve(bot, disco.Serve(bot, nil), nil)
	s.Handle("hello", "Say hello", func(_ context.Context, _ jid.JID, step commands.Step) (commands.Response, error) {
		if step.Action == commands.ActionExecute {
			return commands.Response{Status: commands.StatusExecuting, Form: ask}, nil
		}
		if step.Form == nil || form.Validate(ask, step.Form) != nil {
			return commands.Response{}, commands.NewError(commands.BadPayload, "a name, please")
		}
		name, _ := step.Form.String("name")
		return commands.Response{Notes: []commands.Note{{Type: commands.NoteInfo, Text: "Hello, " + name + "!"}}}, nil
	}, commands.Anyone) // nil would let only the bot's own account in

	// The user.
	items, err := commands.List(ctx, user, bot.JID())
	if err != nil {
		log.Fatal(err)
	}
	for _, it := range items {
		fmt.Printf("%s: %s\n", it.Node, it.Name)
	}
	sess, err := commands.Execute(ctx, user, bot.JID(), "hello")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sess.Status(), sess.Actions())
	answer := sess.Form().Submit()
	if err := answer.SetString("name", "Juliet"); err != nil {
		log.Fatal(err)
	}
	if err := sess.Complete(ctx, answer); err != nil {
		log.Fatal(err)
	}
	fmt.Println(sess.Status(), sess.Notes()[0].Text)
	// Output:
	// hello: Say hello
	// executing [complete]
	// completed Hello, Juliet!
}
