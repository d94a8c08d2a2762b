package stanza

import (
	"errors"
	"io"
	"strings"
	"testing"
)

const testHeader = `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='example.com' id='s1' version='1.0' xml:lang='en'>`

func TestDecoderStream(t *testing.T) {
	in := testHeader + "\n <message to='a@b' type='chat'><body>hi &amp; bye</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>  " +
		"<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features></stream:stream>"
	d := NewDecoder(strings.NewReader(in), nil)
	h, err := d.ReadHeader()
	if err != nil {
		t.Fatal(err)
	}
	want := StreamHeader{Namespace: NSClient, From: "example.com", ID: "s1", Version: "1.0", Lang: "en"}
	if h != want {
		t.Fatalf("header %+v, want %+v", h, want)
	}
	msg, err := d.ReadElement()
	if err != nil {
		t.Fatal(err)
	}
	if msg.Name != (Name{NSClient, "message"}) || msg.Attr("type") != "chat" || msg.ChildText(NSClient, "body") != "hi & bye" {
		t.Errorf("message decoded as %s", msg)
	}
	if msg.Child("http://jabber.org/protocol/chatstates", "active") == nil {
		t.Error("extension missing")
	}
	feat, err := d.ReadElement()
	if err != nil {
		t.Fatal(err)
	}
	if feat.Name != (Name{NSStream, "features"}) || feat.Child("urn:ietf:params:xml:ns:xmpp-tls", "starttls").Child("urn:ietf:params:xml:ns:xmpp-tls", "required") == nil {
		t.Errorf("features decoded as %s", feat)
	}
	if _, err := d.ReadElement(); err != io.EOF {
		t.Errorf("after </stream:stream>: %v, want io.EOF", err)
	}
}

func TestDecoderErrors(t *testing.T) {
	tests := []struct {
		name, in string
		want     error
	}{
		{"wrong root", `<stream xmlns='jabber:client'>`, StreamInvalidNamespace},
		{"comment", testHeader + `<!-- x -->`, StreamRestrictedXML},
		{"unbound prefix", testHeader + `<x:message/>`, StreamNotWellFormed},
		{"text at top level", testHeader + `hello<a/>`, StreamNotWellFormed},
		{"cut mid stanza", testHeader + `<message><body>`, io.ErrUnexpectedEOF},
		{"cut in stream", testHeader + `<message/>`, io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDecoder(strings.NewReader(tt.in), nil)
			_, err := d.ReadHeader()
			for err == nil {
				_, err = d.ReadElement()
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var se *SyntaxError
			if errors.As(err, &se) && se.Error() == "" {
				t.Error("empty message")
			}
		})
	}
}

func TestDecoderLimit(t *testing.T) {
	in := testHeader + "<message><body>" + strings.Repeat("x", 5000) + "</body></message>"
	d := NewDecoder(strings.NewReader(in), &Limits{MaxElementBytes: 4096})
	if _, err := d.ReadHeader(); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ReadElement(); !errors.Is(err, StreamPolicyViolation) {
		t.Fatalf("err = %v, want policy-violation", err)
	}
}

func TestDecodedSlicesHaveNoSpareCapacity(t *testing.T) {
	e, err := ParseElement(`<a x='1' y='2'><b z='3'>t</b><c/>u</a>`)
	if err != nil {
		t.Fatal(err)
	}
	b := e.Child("", "b")
	b.SetAttr("w", "4")
	b.AddText("more")
	if e.Attr("x") != "1" || e.Attr("y") != "2" || len(e.Nodes) != 3 || e.Nodes[2].Text != "u" {
		t.Fatalf("appending to a child changed its parent: %s", e)
	}
	if got := b.String(); got != `<b z='3' w='4'>tmore</b>` {
		t.Errorf("child is %s", got)
	}
}

func TestParseElement(t *testing.T) {
	if _, err := ParseElement(`<a/><b/>`); err == nil {
		t.Error("two elements accepted")
	}
	if _, err := ParseElement(`  `); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("empty: %v", err)
	}
	e, err := ParseElement(" <a xmlns='urn:a'>x<![CDATA[y]]>z</a>\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Nodes) != 1 || e.Text() != "xyz" {
		t.Errorf("adjacent text not joined: %#v", e.Nodes)
	}
}

func TestRestartKeepsBufferedInput(t *testing.T) {
	in := testHeader + "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>" + testHeader + "<a/>"
	d := NewDecoder(strings.NewReader(in), nil)
	if _, err := d.ReadHeader(); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ReadElement(); err != nil {
		t.Fatal(err)
	}
	d.Restart()
	if _, err := d.ReadHeader(); err != nil {
		t.Fatal(err)
	}
	if e, err := d.ReadElement(); err != nil || e.Name.Local != "a" {
		t.Fatalf("%v %v", e, err)
	}
}
