// Package testcorpus builds the fixed corpus of realistic stanzas that the
// XML and stanza benchmarks measure, so that both read the same bytes.
package testcorpus

import (
	"fmt"
	"strings"
)

// Header is a client stream header as a server sends it.
const Header = `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='example.com' id='c2s-8f3a' version='1.0' xml:lang='en'>`

// Item is one entry of the corpus.
type Item struct {
	Name   string
	Stanza string
}

// Chat is a chat message with a body and three extensions (chat state,
// receipt request, origin id), as modern clients send it.
const Chat = `<message to='romeo@example.net/orchard' from='juliet@example.com/balcony' id='ktx72v49' type='chat' xml:lang='en'>` +
	`<body>Art thou not Romeo, and a Montague?</body>` +
	`<active xmlns='http://jabber.org/protocol/chatstates'/>` +
	`<request xmlns='urn:xmpp:receipts'/>` +
	`<origin-id xmlns='urn:xmpp:sid:0' id='de305d54-75b4-431b-adb2-eb6b9e546014'/>` +
	`</message>`

// ChatOneExtension is a chat message with a body and one extension, the
// case the allocation budget is stated for.
const ChatOneExtension = `<message to='romeo@example.net/orchard' from='juliet@example.com/balcony' id='ktx72v49' type='chat' xml:lang='en'>` +
	`<body>Art thou not Romeo, and a Montague?</body>` +
	`<active xmlns='http://jabber.org/protocol/chatstates'/>` +
	`</message>`

// Presence is an available presence with show, status, priority, entity
// capabilities and a vCard avatar hash.
const Presence = `<presence from='juliet@example.com/balcony' to='romeo@example.net' id='p1'>` +
	`<show>away</show><status>In the garden</status><priority>5</priority>` +
	`<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://xmppkit.example/caps' ver='QgayPKawpkPSDYmwT/WM94uAlu0='/>` +
	`<x xmlns='vcard-temp:x:update'><photo>01b87fcd030b72895ff8e88db57ec525450f000d</photo></x>` +
	`</presence>`

// Roster returns a roster result with n items (RFC 6121 section 2.1.4).
func Roster(n int) string {
	var b strings.Builder
	b.WriteString(`<iq to='juliet@example.com/balcony' id='hu2bac18' type='result'><query xmlns='jabber:iq:roster' ver='ver11'>`)
	for i := range n {
		fmt.Fprintf(&b, `<item jid='contact%03d@example.net' name='Contact Number %d' subscription='both'><group>Friends</group><group>Group %d</group></item>`, i, i, i%7)
	}
	b.WriteString(`</query></iq>`)
	return b.String()
}

// PubSub returns a PubSub event notification (XEP-0060) whose item is an
// Atom entry of about size bytes.
func PubSub(size int) string {
	var b strings.Builder
	b.WriteString(`<message from='pubsub.example.com' to='romeo@example.net' id='foo'><event xmlns='http://jabber.org/protocol/pubsub#event'><items node='princely_musings'><item id='ae890ac52d0df67ed7cfdf51b644e901'>`)
	b.WriteString(`<entry xmlns='http://www.w3.org/2005/Atom'><title>Soliloquy</title><summary>`)
	line := "To be, or not to be: that is the question: Whether 'tis nobler in the mind to suffer &amp; endure. "
	for b.Len() < size-200 {
		b.WriteString(line)
	}
	b.WriteString(`</summary><link rel='alternate' type='text/html' href='http://denmark.lit/2003/12/13/atom03'/><id>tag:denmark.lit,2003:entry-32397</id><published>2003-12-13T18:30:02Z</published></entry>`)
	b.WriteString(`</item></items></event></message>`)
	return b.String()
}

// Items is the benchmark corpus.
func Items() []Item {
	return []Item{
		{"chat", Chat},
		{"presence", Presence},
		{"roster200", Roster(200)},
		{"pubsub64k", PubSub(64 << 10)},
	}
}

// Stream returns the corpus item repeated until the stream body holds at
// least minBytes, wrapped in a stream header and close tag.
func Stream(stanza string, minBytes int) []byte {
	var b strings.Builder
	b.WriteString(Header)
	for b.Len() < minBytes {
		b.WriteString(stanza)
	}
	b.WriteString(`</stream:stream>`)
	return []byte(b.String())
}
