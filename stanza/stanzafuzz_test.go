package stanza_test

import (
	"errors"
	"testing"

	"github.com/xmppkit/xmpp/stanza"
)

// fuzzTree builds an element tree from fuzz bytes, one choice per byte, so
// that the fuzzer explores stanza shapes without going through the XML
// decoder. Names, namespaces and values come mostly from small vocabularies
// of the words the stanza decoders look for; a value byte of 200 or more
// takes raw bytes from the input instead. Running out of input reads
// zeros, so every input gives a finite tree.
type fuzzTree struct{ data []byte }

const fuzzMaxDepth = 4

var (
	fuzzRootNames  = []string{"message", "presence", "iq", "message", "presence", "iq", "error", "body"}
	fuzzRootSpaces = []string{stanza.NSClient, stanza.NSServer, stanza.NSClient, stanza.NSStream, "urn:example"}
	fuzzNames      = []string{
		"body", "subject", "thread", "show", "status", "priority", "error", "text",
		"query", "ping", "bad-request", "item-not-found", "gone", "redirect",
		"undefined-condition", "conflict", "see-other-host", "on-fire", "message",
	}
	// "=" stands for the parent's namespace.
	fuzzSpaces = []string{"=", "=", "=", stanza.NSStanzas, stanza.NSStanzas, stanza.NSStreams,
		"urn:example", "", stanza.NSClient, stanza.NSServer}
	fuzzAttrs = []stanza.Name{
		{Local: "to"}, {Local: "from"}, {Local: "id"}, {Local: "type"}, {Local: "type"},
		{Space: stanza.NSXML, Local: "lang"}, {Local: "by"}, {Local: "parent"}, {Space: "urn:example", Local: "type"},
	}
	fuzzJIDs = []string{"romeo@example.net", "juliet@example.com/balcony", "example.org", "",
		"a@b@c", "@example.com", "ÅNGSTRÖM@Example.COM/Résumé", "x/y/z", "example.com/"}
	fuzzTypes = []string{"", "normal", "chat", "groupchat", "headline", "error", "get", "set", "result",
		"unavailable", "subscribe", "subscribed", "unsubscribe", "unsubscribed", "probe",
		"auth", "cancel", "continue", "modify", "wait", "bogus"}
	fuzzLangs = []string{"", "en", "EN", "de", "en-GB"}
	fuzzTexts = []string{"", "hi", " ", "away", "chat", "dnd", "xa", "0", "5", "-128", "127", "128",
		"-129", "+1", " 7 ", "xmpp:romeo@example.net", "ünïcode", "1"}
)

func (g *fuzzTree) next() int {
	if len(g.data) == 0 {
		return 0
	}
	b := g.data[0]
	g.data = g.data[1:]
	return int(b)
}

func (g *fuzzTree) pick(words []string) string { return words[g.next()%len(words)] }

// value returns a word of words, or raw input bytes for a byte >= 200.
func (g *fuzzTree) value(words []string) string {
	n := g.next()
	if n < 200 {
		return words[n%len(words)]
	}
	k := min(n-200, len(g.data))
	s := string(g.data[:k])
	g.data = g.data[k:]
	return s
}

func (g *fuzzTree) root() *stanza.Element {
	local := g.pick(fuzzRootNames)
	e := stanza.NewElement(g.pick(fuzzRootSpaces), local)
	g.fill(e, 0)
	return e
}

func (g *fuzzTree) element(parentNS string, depth int) *stanza.Element {
	local, space := g.pick(fuzzNames), g.pick(fuzzSpaces)
	if space == "=" {
		space = parentNS
	}
	e := stanza.NewElement(space, local)
	g.fill(e, depth)
	return e
}

// fill adds attributes and content to e.
func (g *fuzzTree) fill(e *stanza.Element, depth int) {
	for range g.next() % 6 {
		n := fuzzAttrs[g.next()%len(fuzzAttrs)]
		var v string
		switch n.Local {
		case "to", "from", "by":
			v = g.value(fuzzJIDs)
		case "type":
			v = g.value(fuzzTypes)
		case "lang":
			v = g.value(fuzzLangs)
		default:
			v = g.value(fuzzTexts)
		}
		e.SetAttrNS(n.Space, n.Local, v)
	}
	if depth >= fuzzMaxDepth {
		return
	}
	for range g.next() % 6 {
		if g.next()%4 == 0 {
			e.AddText(g.value(fuzzTexts))
		} else {
			e.AddChild(g.element(e.Name.Space, depth+1))
		}
	}
}

// FuzzParseStanza checks Parse, ParseError and ParseStreamError on trees
// built by fuzzTree: no panics, failures only as *DecodeError, and every
// decoded value survives a round trip through its Element.
func FuzzParseStanza(f *testing.F) {
	// Each seed is a list of fuzzTree choices: root name, root namespace,
	// attribute count, (attribute, value)..., child count, then per child
	// 0 for text (then its value) or 1 for an element (name, namespace,
	// attributes, children).
	//
	// <message to='romeo@example.net' type='chat' xml:lang='en'>
	// <body>hi</body><query xmlns='urn:example'/></message>
	f.Add([]byte{0, 0, 3, 0, 0, 3, 2, 5, 1, 2, 1, 0, 0, 0, 1, 0, 1, 1, 8, 6, 0, 0})
	// <iq id='1' type='get'><query xmlns='urn:example'/></iq>
	f.Add([]byte{2, 0, 2, 2, 17, 3, 6, 1, 1, 8, 6, 0, 0})
	// <iq xmlns='jabber:server' id='1' type='error'><error type='cancel'>
	// <gone>xmpp:romeo@example.net</gone><text xml:lang='en'>hi</text></error></iq>
	f.Add([]byte{2, 1, 2, 2, 17, 3, 5, 1, 1, 6, 0, 1, 3, 16, 2, 1, 12, 3, 0, 1, 0, 15, 1, 7, 3, 1, 5, 1, 1, 0, 1})
	// <presence><show>away</show><priority>128</priority></presence>
	f.Add([]byte{1, 0, 0, 2, 1, 3, 0, 0, 1, 0, 3, 1, 5, 0, 0, 1, 0, 11})
	// <presence><show>away</show><priority>5</priority></presence>
	f.Add([]byte{1, 0, 0, 2, 1, 3, 0, 0, 1, 0, 3, 1, 5, 0, 0, 1, 0, 8})
	// Found by fuzzing: <presence xmlns='jabber:server'><body/></presence>,
	// whose payload must stay a payload in jabber:client.
	f.Add([]byte("18011"))
	f.Add([]byte("\x00\x01\x05\x00\x00\x01\x03\x05\x05\x04\x02\x01\x06\x03\x02"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		g := &fuzzTree{data: data}
		root := g.root()
		checkStanzaRoundTrip(t, root)
		walkErrors(t, root)
	})
}

// checkStanzaRoundTrip checks that Parse never panics, fails only with a
// *DecodeError, and that a decoded stanza, its encoding and its error
// reply decode again to the same values.
func checkStanzaRoundTrip(t *testing.T, root *stanza.Element) {
	s, err := stanza.Parse(root)
	if err != nil {
		var de *stanza.DecodeError
		if !errors.As(err, &de) || de.Condition == "" {
			t.Fatalf("Parse error %v (%T) is not a DecodeError with a condition", err, err)
		}
		if s != nil {
			t.Fatalf("Parse returned %+v with error %v", s, err)
		}
		return
	}
	e := s.Element()
	back, err := stanza.Parse(e)
	if err != nil {
		t.Fatalf("Parse(Element()) of %+v: %v", s, err)
	}
	if !sameStanza(s, back) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", back, s)
	}
	reply := stanza.ErrorReply(s, stanza.NewError(stanza.ErrBadRequest, "x"))
	if _, err := stanza.Parse(reply.Element()); err != nil {
		t.Fatalf("error reply to %+v does not decode: %v", s, err)
	}
}

// walkErrors feeds every element named error to ParseError and
// ParseStreamError and checks their round trips.
func walkErrors(t *testing.T, e *stanza.Element) {
	if e.Name.Local == "error" {
		if se, err := stanza.ParseError(e); err == nil {
			back, err := stanza.ParseError(se.Element())
			if err != nil || !sameError(se, back) {
				t.Fatalf("stanza error round trip: %+v -> %+v, %v", se, back, err)
			}
		}
		if se, err := stanza.ParseStreamError(e); err == nil {
			back, err := stanza.ParseStreamError(se.Element())
			if err != nil || back.Condition != se.Condition || back.Text != se.Text ||
				back.TextLang != se.TextLang || back.SeeOtherHost != se.SeeOtherHost || !back.App.Equal(se.App) {
				t.Fatalf("stream error round trip: %+v -> %+v, %v", se, back, err)
			}
		}
	}
	for c := range e.Children() {
		walkErrors(t, c)
	}
}
