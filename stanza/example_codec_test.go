package stanza_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xmppkit/xmpp/stanza"
)

// Reading a stream: the header, then one top-level element at a time, each
// turned into a typed stanza.
func ExampleDecoder() {
	in := `<?xml version='1.0'?>` +
		`<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='example.com' version='1.0'>` +
		`<message from='juliet@example.com/balcony' type='chat'><body>Hi &amp; bye</body></message>` +
		`<iq from='example.com' id='p1' type='get'><ping xmlns='urn:xmpp:ping'/></iq>` +
		`</stream:stream>`
	d := stanza.NewDecoder(strings.NewReader(in), nil)
	h, err := d.ReadHeader()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("stream from", h.From)
	for {
		e, err := d.ReadElement()
		if err == io.EOF {
			fmt.Println("stream closed")
			return
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		switch s, err := stanza.Parse(e); s := s.(type) {
		case *stanza.Message:
			fmt.Printf("message from %s: %s\n", s.From, s.Body())
		case *stanza.IQ:
			fmt.Printf("iq %s for {%s}%s\n", s.Type, s.Payload.Name.Space, s.Payload.Name.Local)
		default:
			fmt.Println(err)
		}
	}
	// Output:
	// stream from example.com
	// message from juliet@example.com/balcony: Hi & bye
	// iq get for {urn:xmpp:ping}ping
	// stream closed
}

// Writing a stream: namespaces are declared only where they change.
func ExampleEncoder() {
	var out bytes.Buffer
	enc := stanza.NewEncoder(&out)
	_ = enc.WriteHeader(stanza.StreamHeader{To: "example.com", Version: "1.0"})
	msg := stanza.NewElement(stanza.NSClient, "message", stanza.A("to", "romeo@example.net"))
	msg.AddChild(stanza.NewElement(stanza.NSClient, "body").AddText("1 < 2"))
	msg.AddChild(stanza.NewElement("urn:xmpp:receipts", "request"))
	_ = enc.Encode(msg)
	_ = enc.WriteEnd()
	fmt.Println(out.String())
	// Output:
	// <?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'><message to='romeo@example.net'><body>1 &lt; 2</body><request xmlns='urn:xmpp:receipts'/></message></stream:stream>
}

// A peer that breaks the rules of restricted XML gets the stream error the
// SyntaxError names.
func ExampleSyntaxError() {
	_, err := stanza.ParseElement(`<message><!-- hidden --></message>`)
	fmt.Println(err)
	var se *stanza.SyntaxError
	if errors.As(err, &se) {
		fmt.Println("send <" + string(se.Condition) + "/>")
	}
	// Output:
	// stanza: restricted-xml at byte 9: comment
	// send <restricted-xml/>
}
