package stanza

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestEncoderStream(t *testing.T) {
	var buf bytes.Buffer
	enc := NewEncoder(&buf)
	if err := enc.WriteHeader(StreamHeader{To: "example.com", Version: "1.0", Lang: "en"}); err != nil {
		t.Fatal(err)
	}
	msg := NewElement(NSClient, "message", A("to", "a@b"), A("type", "chat"))
	msg.AddChild(NewElement(NSClient, "body").AddText("1 < 2 & 3 > 2\r\n"))
	msg.AddChild(NewElement("http://jabber.org/protocol/chatstates", "active"))
	msg.SetAttrNS(NSXML, "lang", "en")
	feat := NewElement(NSStream, "features").AddChild(NewElement("urn:ietf:params:xml:ns:xmpp-bind", "bind"))
	for _, e := range []*Element{msg, feat} {
		if err := enc.Encode(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.WriteEnd(); err != nil {
		t.Fatal(err)
	}
	want := `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0' xml:lang='en'>` +
		`<message to='a@b' type='chat' xml:lang='en'><body>1 &lt; 2 &amp; 3 &gt; 2&#xD;` + "\n" + `</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>` +
		`<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features></stream:stream>`
	if buf.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", buf.String(), want)
	}
	// And it reads back the same.
	d := NewDecoder(&buf, nil)
	if _, err := d.ReadHeader(); err != nil {
		t.Fatal(err)
	}
	for _, e := range []*Element{msg, feat} {
		got, err := d.ReadElement()
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equal(e) {
			t.Errorf("read back %s, want %s", got, e)
		}
	}
}

func TestEncoderNamespaces(t *testing.T) {
	e := NewElement("urn:a", "x", Attr{Name: Name{"urn:p", "one"}, Value: "1"}, Attr{Name: Name{"urn:q", "two"}, Value: "2"}, Attr{Name: Name{"urn:p", "three"}, Value: "3"})
	e.AddChild(NewElement("urn:a", "same")).AddChild(NewElement("", "none")).AddChild(NewElement(NSStream, "error"))
	got := e.String()
	want := `<x xmlns='urn:a' xmlns:a0='urn:p' a0:one='1' xmlns:a1='urn:q' a1:two='2' a0:three='3'><same/><none xmlns=''/><error xmlns='http://etherx.jabber.org/streams'/></x>`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	back, err := ParseElement(got)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Equal(e) {
		t.Errorf("round trip changed %s into %s", e, back)
	}
}

func TestEncoderRejects(t *testing.T) {
	tests := map[string]*Element{
		"empty name":      NewElement("", ""),
		"colon in name":   NewElement("", "a:b"),
		"xmlns attribute": NewElement("", "a", A("xmlns", "urn:x")),
		"xmlns namespace": NewElement("", "a", Attr{Name: Name{nsXMLNS, "p"}, Value: "urn:x"}),
		"control in text": NewElement("", "a").AddText("\x00"),
		"bad utf-8 value": NewElement("", "a", A("v", "\xff")),
		"xml namespace":   NewElement(NSXML, "a"),
	}
	for name, e := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := AppendElement(nil, e); !errors.Is(err, ErrUnencodable) {
				t.Fatalf("err = %v", err)
			}
			if !strings.HasPrefix(e.String(), "<!--") {
				t.Errorf("String() = %s", e.String())
			}
		})
	}
}

// TestEncodeOneWrite checks that each element reaches the writer in one
// Write, so a stanza is never split by the encoder.
func TestEncodeOneWrite(t *testing.T) {
	w := &countingWriter{}
	enc := NewEncoder(w)
	if err := enc.Encode(NewElement(NSClient, "message").AddChild(NewElement(NSClient, "body").AddText(strings.Repeat("x", 100000)))); err != nil {
		t.Fatal(err)
	}
	if w.n != 1 {
		t.Errorf("%d writes", w.n)
	}
}

type countingWriter struct{ n int }

func (w *countingWriter) Write(p []byte) (int, error) { w.n++; return len(p), nil }
