package commands_test

import (
	"testing"

	"github.com/xmppkit/xmpp/commands"
	"github.com/xmppkit/xmpp/stanza"
)

// FuzzParse checks that Parse never panics and that what it accepts
// encodes to an element that decodes to the same command (compared by
// encoding again).
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		// XEP-0050 examples.
		`<command xmlns='http://jabber.org/protocol/commands' node='list' action='execute'/>`,
		`<command xmlns='http://jabber.org/protocol/commands' sessionid='list:20020923T213616Z-700' node='list' status='completed'><x xmlns='jabber:x:data' type='result'><title>Available Services</title><reported><field var='service' label='Service'/><field var='runlevel-1' label='Single-User mode'/></reported><item><field var='service'><value>httpd</value></field><field var='runlevel-1'><value>off</value></field></item></x></command>`,
		`<command xmlns='http://jabber.org/protocol/commands' sessionid='config:20020923T213616Z-700' node='config' status='executing'><actions execute='next'><next/></actions><x xmlns='jabber:x:data' type='form'><title>Configure Service</title><instructions>Please select the service to configure.</instructions><field var='service' label='Service' type='list-single'><option><value>httpd</value></option><option><value>jabberd</value></option></field></x></command>`,
		`<command xmlns='http://jabber.org/protocol/commands' sessionid='config:20020923T213616Z-700' node='config' status='executing'><actions execute='complete'><prev/><complete/></actions><x xmlns='jabber:x:data' type='form'><field var='state' label='Run State' type='list-multi'><value>off</value><option label='Off'><value>off</value></option></field></x></command>`,
		`<command xmlns='http://jabber.org/protocol/commands' sessionid='config:20020923T213616Z-700' node='config' action='prev'/>`,
		`<command xmlns='http://jabber.org/protocol/commands' sessionid='config:20020923T213616Z-700' node='config' status='completed'><note type='info'>Service 'httpd' has been configured.</note></command>`,
		`<command xmlns='http://jabber.org/protocol/commands' sessionid='config:20020923T213616Z-700' node='config' status='canceled'/>`,
		`<command xmlns='http://jabber.org/protocol/commands' node='list' status='completed' xml:lang='fr-ca'><note type='warn'>x</note><x xmlns='jabber:x:oob'><url>u</url></x><x xmlns='jabber:x:data' type='result'/><x xmlns='jabber:x:data' type='result'/></command>`,
		`<command xmlns='http://jabber.org/protocol/commands' node='x'><actions execute='complete'><next/></actions></command>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		c, err := commands.Parse(e)
		if err != nil {
			return
		}
		enc := c.Element()
		again, err := commands.Parse(enc)
		if err != nil {
			t.Fatalf("%+v encodes to %s, which does not decode: %v", c, enc, err)
		}
		if a, b := enc.String(), again.Element().String(); a != b {
			t.Fatalf("round trip changed the command:\n%s\n%s", a, b)
		}
	})
}
