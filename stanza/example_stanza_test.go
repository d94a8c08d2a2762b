package stanza_test

import (
	"errors"
	"fmt"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// A service answers a request it cannot serve with an error reply, and the
// requester tests the error with errors.Is and errors.As.
func ExampleErrorReply() {
	req := &stanza.IQ{
		Header: stanza.Header{
			From: jid.MustParse("romeo@example.net/orchard"),
			To:   jid.MustParse("pubsub.example.com"),
			ID:   "sub1",
		},
		Type:    stanza.IQSet,
		Payload: stanza.NewElement("http://jabber.org/protocol/pubsub", "pubsub"),
	}
	reply := stanza.ErrorReply(req, stanza.NewError(stanza.ErrItemNotFound, "no such node")).(*stanza.IQ)
	fmt.Println(reply.Type, reply.To, reply.From, reply.ID)

	// On the requester's side, a helper returns the peer's error wrapped.
	err := fmt.Errorf("pubsub: subscribe: %w", reply.Error)
	fmt.Println(err)
	fmt.Println(errors.Is(err, stanza.ErrItemNotFound), errors.Is(err, stanza.ErrForbidden))
	var se *stanza.Error
	if errors.As(err, &se) {
		fmt.Println(se.Type, string(se.Condition))
	}
	// Output:
	// error romeo@example.net/orchard pubsub.example.com sub1
	// pubsub: subscribe: stanza error: cancel item-not-found: no such node
	// true false
	// cancel item-not-found
}

// Decoding a message with bodies in two languages and a chat state.
func ExampleParseMessage() {
	e := stanza.NewElement(stanza.NSClient, "message",
		stanza.A("from", "juliet@example.com/balcony"), stanza.A("type", "chat"))
	e.SetAttrNS(stanza.NSXML, "lang", "en")
	e.AddChild(stanza.NewElement(stanza.NSClient, "body").AddText("Wherefore art thou, Romeo?"))
	e.AddChild(stanza.NewElement(stanza.NSClient, "body").
		SetAttrNS(stanza.NSXML, "lang", "de").AddText("Warum bist du Romeo?"))
	e.AddChild(stanza.NewElement("http://jabber.org/protocol/chatstates", "active"))

	m, err := stanza.ParseMessage(e)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.From, m.Type)
	fmt.Println(m.Body())
	de, ok := m.BodyLang("de")
	fmt.Println(de, ok)
	for _, p := range m.Payloads {
		fmt.Println(p.Name.Space, p.Name.Local)
	}
	// Output:
	// juliet@example.com/balcony chat
	// Wherefore art thou, Romeo?
	// Warum bist du Romeo? true
	// http://jabber.org/protocol/chatstates active
}

// Parse decodes any stanza; a type switch tells the kinds apart, and a
// *DecodeError says what is wrong with a bad one.
func ExampleParse() {
	for _, e := range []*stanza.Element{
		stanza.NewElement(stanza.NSClient, "presence", stanza.A("type", "unavailable")),
		stanza.NewElement(stanza.NSClient, "iq", stanza.A("type", "get"), stanza.A("id", "v1")).
			AddChild(stanza.NewElement("jabber:iq:version", "query")),
		stanza.NewElement(stanza.NSClient, "iq", stanza.A("type", "get"), stanza.A("id", "v2")),
	} {
		s, err := stanza.Parse(e)
		switch s := s.(type) {
		case *stanza.Presence:
			fmt.Println("presence", s.Type)
		case *stanza.IQ:
			fmt.Println("iq", s.Type, s.Payload.Name.Space)
		case nil:
			var de *stanza.DecodeError
			if errors.As(err, &de) {
				fmt.Println(string(de.Condition), "-", err)
			}
		}
	}
	// Output:
	// presence unavailable
	// iq get jabber:iq:version
	// bad-request - stanza: iq: get must have exactly one payload, has 0
}
