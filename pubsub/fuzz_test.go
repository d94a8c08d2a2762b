package pubsub_test

import (
	"testing"

	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/stanza"
)

// FuzzParseEvent feeds ParseEvent messages from the network: it must
// never panic, and an event it accepts has a kind and a node.
func FuzzParseEvent(f *testing.F) {
	const ns = ` xmlns='http://jabber.org/protocol/pubsub#event'`
	for _, s := range []string{
		`<event` + ns + `><items node='n'><item id='1' publisher='a@b/c'><entry xmlns='x'>t</entry></item><retract id='2'/></items></event>`,
		`<event` + ns + `><items node='n'><item id='1'><a xmlns='x'/><b xmlns='x'/></item></items></event>`,
		`<event` + ns + `><purge node='n'/></event>`,
		`<event` + ns + `><delete node='n'><redirect uri='xmpp:s?;node=m'/></delete></event>`,
		`<event` + ns + `><configuration node='n'><x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#node_config</value></field></x></configuration></event>`,
		`<event` + ns + `><subscription node='n' jid='a@b' subscription='subscribed' expiry='2006-02-28T23:59:59Z'/></event>`,
		`<event` + ns + `><subscription node='n' jid='@@' subscription='maybe'/></event>`,
		`<event` + ns + `><collection node='c'><associate node='n'/></collection></event>`,
		`<event` + ns + `/>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		m := &stanza.Message{Payloads: []*stanza.Element{e}}
		ev, err := pubsub.ParseEvent(m)
		if err != nil {
			return
		}
		if ev.Kind == 0 || ev.Node == "" {
			t.Errorf("accepted %s as %+v", s, ev)
		}
		if ev.Kind == pubsub.EventSubscription && ev.Subscription == nil {
			t.Errorf("a subscription event without its subscription: %s", s)
		}
	})
}

// FuzzParseAuthorizationRequest feeds it messages from the network: it
// must never panic, and a request it accepts names a node and a
// subscriber.
func FuzzParseAuthorizationRequest(f *testing.F) {
	f.Add(`<x xmlns='jabber:x:data' type='form'><field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#subscribe_authorization</value></field><field var='pubsub#subid'><value>123-abc</value></field><field var='pubsub#node'><value>princely_musings</value></field><field var='pubsub#subscriber_jid' type='jid-single'><value>horatio@denmark.lit</value></field><field var='pubsub#allow' type='boolean'><value>false</value></field></x>`)
	f.Add(`<x xmlns='jabber:x:data' type='form'><field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#subscribe_authorization</value></field><field var='pubsub#subscriber_jid'><value>@@</value></field></x>`)
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		req, err := pubsub.ParseAuthorizationRequest(&stanza.Message{Payloads: []*stanza.Element{e}})
		if err != nil {
			return
		}
		if req.Node == "" || req.Subscriber.IsZero() || req.Form == nil {
			t.Errorf("accepted %s as %+v", s, req)
		}
	})
}
