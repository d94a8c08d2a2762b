package commands_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/xmppkit/xmpp/commands"
	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/stanza"
)

func parse(t *testing.T, s string) (commands.Command, error) {
	t.Helper()
	e, err := stanza.ParseElement(s)
	if err != nil {
		t.Fatal(err)
	}
	return commands.Parse(e)
}

// The answer of XEP-0050 example 7, a first stage with a form.
func TestParseStage(t *testing.T) {
	c, err := parse(t, `<command xmlns='http://jabber.org/protocol/commands' sessionid='config:20020923T213616Z-700' node='config' status='executing' xml:lang='en'>
  <actions execute='next'><next/></actions>
  <x xmlns='jabber:x:data' type='form'><title>Configure Service</title>
    <field var='service' label='Service' type='list-single'><option><value>httpd</value></option></field>
  </x>
  <x xmlns='jabber:x:oob'><url>http://example.com/</url></x>
</command>`)
	if err != nil {
		t.Fatal(err)
	}
	if c.Node != "config" || c.SessionID != "config:20020923T213616Z-700" || c.Status != commands.StatusExecuting || c.Lang != "en" ||
		c.Actions == nil || c.Actions.Execute != commands.ActionNext || !slices.Equal(c.Actions.Allowed, []commands.Action{commands.ActionNext}) ||
		c.Form == nil || c.Form.Title != "Configure Service" || len(c.Payload) != 1 || c.Payload[0].Name.Space != "jabber:x:oob" {
		t.Fatalf("Parse = %+v", c)
	}
}

func TestParseNotes(t *testing.T) {
	c, err := parse(t, `<command xmlns='http://jabber.org/protocol/commands' node='x' status='completed'>
  <note>done</note><note type='warn'>careful</note><note type='error'>oops</note></command>`)
	want := []commands.Note{{commands.NoteInfo, "done"}, {commands.NoteWarn, "careful"}, {commands.NoteError, "oops"}}
	if err != nil || !slices.Equal(c.Notes, want) {
		t.Fatalf("Parse = %+v, %v", c, err)
	}
}

func TestParseMalformed(t *testing.T) {
	for name, s := range map[string]string{
		"wrong name":         `<query xmlns='http://jabber.org/protocol/commands' node='x'/>`,
		"wrong namespace":    `<command xmlns='urn:x' node='x'/>`,
		"no node":            `<command xmlns='http://jabber.org/protocol/commands'/>`,
		"bad action":         `<command xmlns='http://jabber.org/protocol/commands' node='x' action='run'/>`,
		"bad status":         `<command xmlns='http://jabber.org/protocol/commands' node='x' status='done'/>`,
		"text":               `<command xmlns='http://jabber.org/protocol/commands' node='x'>hi</command>`,
		"two actions":        `<command xmlns='http://jabber.org/protocol/commands' node='x'><actions><next/></actions><actions><next/></actions></command>`,
		"repeated action":    `<command xmlns='http://jabber.org/protocol/commands' node='x'><actions><next/><next/></actions></command>`,
		"unknown action":     `<command xmlns='http://jabber.org/protocol/commands' node='x'><actions><cancel/></actions></command>`,
		"foreign action":     `<command xmlns='http://jabber.org/protocol/commands' node='x'><actions><next xmlns='urn:x'/></actions></command>`,
		"execute not listed": `<command xmlns='http://jabber.org/protocol/commands' node='x'><actions execute='complete'><next/></actions></command>`,
		"text in actions":    `<command xmlns='http://jabber.org/protocol/commands' node='x'><actions>go<next/></actions></command>`,
		"bad note type":      `<command xmlns='http://jabber.org/protocol/commands' node='x'><note type='fatal'>x</note></command>`,
		"element in note":    `<command xmlns='http://jabber.org/protocol/commands' node='x'><note><b xmlns='urn:x'/></note></command>`,
		"unknown child":      `<command xmlns='http://jabber.org/protocol/commands' node='x'><bad-action/></command>`,
		"bad form":           `<command xmlns='http://jabber.org/protocol/commands' node='x'><x xmlns='jabber:x:data' type='nope'/></command>`,
	} {
		t.Run(name, func(t *testing.T) {
			if c, err := parse(t, s); !errors.Is(err, commands.ErrMalformed) {
				t.Fatalf("Parse = %+v, %v; want ErrMalformed", c, err)
			}
		})
	}
	if _, err := commands.Parse(nil); !errors.Is(err, commands.ErrMalformed) {
		t.Errorf("Parse(nil) = %v", err)
	}
	if _, err := parse(t, `<command xmlns='http://jabber.org/protocol/commands' node='x'><x xmlns='jabber:x:data' type='nope'/></command>`); !errors.Is(err, form.ErrMalformed) {
		t.Errorf("a bad form's error does not wrap form.ErrMalformed: %v", err)
	}
}

// Actions are read in any order and kept in the schema's order; the
// encoder writes them so.
func TestActionsOrder(t *testing.T) {
	c, err := parse(t, `<command xmlns='http://jabber.org/protocol/commands' node='x' status='executing' sessionid='s'><actions execute='complete'><complete/><prev/></actions></command>`)
	want := []commands.Action{commands.ActionPrev, commands.ActionComplete}
	if err != nil || !slices.Equal(c.Actions.Allowed, want) {
		t.Fatalf("Parse = %+v, %v", c, err)
	}
	if got := c.Element().String(); got != `<command xmlns='http://jabber.org/protocol/commands' node='x' sessionid='s' status='executing'><actions execute='complete'><prev/><complete/></actions></command>` {
		t.Errorf("Element = %s", got)
	}
}
