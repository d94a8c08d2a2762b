package xmlscan

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

const header = `<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>`

// dump renders every token of in, or the error that stopped the reader.
func dump(in string, oneByte bool, lim Limits) (string, error) {
	var src io.Reader = strings.NewReader(in)
	if oneByte {
		src = iotest.OneByteReader(src)
	}
	r := NewReader(src, lim)
	var b strings.Builder
	for {
		tok, err := r.Next()
		if err == io.EOF {
			return b.String(), nil
		}
		if err != nil {
			return b.String(), err
		}
		switch tok.Kind {
		case StartElement:
			fmt.Fprintf(&b, "<{%s}%s", tok.Space, tok.Local)
			for _, a := range tok.Attrs {
				fmt.Fprintf(&b, " {%s}%s=%q", a.Space, a.Local, a.Value)
			}
			b.WriteString(">")
		case EndElement:
			fmt.Fprintf(&b, "</{%s}%s>", tok.Space, tok.Local)
		case Text:
			fmt.Fprintf(&b, "%q", tok.Text)
		}
	}
}

func TestTokens(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"declaration and empty stream", `<?xml version='1.0' encoding='utf-8'?>` + header + `</stream:stream>`,
			`<{http://etherx.jabber.org/streams}stream {}version="1.0"></{http://etherx.jabber.org/streams}stream>`},
		{"stanza inherits default namespace", header + `<message to='a@b'><body>hi</body></message>`,
			`<{http://etherx.jabber.org/streams}stream {}version="1.0"><{jabber:client}message {}to="a@b"><{jabber:client}body>"hi"</{jabber:client}body></{jabber:client}message>`},
		{"prefixed and redeclared namespaces", header + `<p:x xmlns:p='urn:p' xmlns='urn:d' p:a='1' b="2"><y/><p:z xmlns:p='urn:q'/></p:x>`,
			`<{http://etherx.jabber.org/streams}stream {}version="1.0"><{urn:p}x {urn:p}a="1" {}b="2"><{urn:d}y></{urn:d}y><{urn:q}z></{urn:q}z></{urn:p}x>`},
		{"undeclared default", header + `<x xmlns=''/>`,
			`<{http://etherx.jabber.org/streams}stream {}version="1.0"><{}x></{}x>`},
		{"references", header + `<a v='&lt;&#65;&#x42;&amp;&apos;&quot;&gt;'>&lt;&#x1F600;</a>`,
			`<{http://etherx.jabber.org/streams}stream {}version="1.0"><{jabber:client}a {}v="<AB&'\">">"<😀"</{jabber:client}a>`},
		{"line ends", header + "<a v='x\r\ny\rz'>1\r\n2\r3</a>",
			`<{http://etherx.jabber.org/streams}stream {}version="1.0"><{jabber:client}a {}v="x\ny\nz">"1\n2\n3"</{jabber:client}a>`},
		{"cdata", header + "<a>x<![CDATA[<&]]>y</a>",
			`<{http://etherx.jabber.org/streams}stream {}version="1.0"><{jabber:client}a>"x""<&""y"</{jabber:client}a>`},
		{"xml prefix", header + `<a xml:lang='en'/>`,
			`<{http://etherx.jabber.org/streams}stream {}version="1.0"><{jabber:client}a {http://www.w3.org/XML/1998/namespace}lang="en"></{jabber:client}a>`},
		{"white space between stanzas", header + " \n<a/>\t",
			`<{http://etherx.jabber.org/streams}stream {}version="1.0">" \n"<{jabber:client}a></{jabber:client}a>"\t"`},
	}
	for _, tt := range tests {
		for _, oneByte := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/onebyte=%v", tt.name, oneByte), func(t *testing.T) {
				got, err := dump(tt.in, oneByte, Limits{})
				if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("error %v after %s", err, got)
				}
				// Adjacent text tokens (CDATA, white space split at
				// buffer ends) are compared joined.
				got = strings.ReplaceAll(got, `""`, ``)
				want := strings.ReplaceAll(tt.want, `""`, ``)
				if got != want {
					t.Errorf("got\n%s\nwant\n%s", got, want)
				}
			})
		}
	}
}

func TestRejects(t *testing.T) {
	tests := []struct {
		name, in, cond string
	}{
		{"comment", `<!-- hi -->`, CondRestrictedXML},
		{"doctype", `<!DOCTYPE x>`, CondRestrictedXML},
		{"processing instruction", `<?php x?>`, CondRestrictedXML},
		{"late declaration", `<a><?xml version='1.0'?></a>`, CondRestrictedXML},
		{"entity", `<a>&foo;</a>`, CondRestrictedXML},
		{"entity in attribute", `<a b='&foo;'/>`, CondRestrictedXML},
		{"bad reference", `<a>& x</a>`, CondNotWellFormed},
		{"unterminated reference", `<a>&amp</a>`, CondNotWellFormed},
		{"char ref zero", `<a>&#0;</a>`, CondNotWellFormed},
		{"char ref surrogate", `<a>&#xD800;</a>`, CondNotWellFormed},
		{"char ref too big", `<a>&#x110000;</a>`, CondNotWellFormed},
		{"char ref huge", `<a>&#99999999999999999999;</a>`, CondNotWellFormed},
		{"control char", "<a>\x01</a>", CondNotWellFormed},
		{"invalid utf-8", "<a>\xff</a>", CondNotWellFormed},
		{"invalid utf-8 in attribute", "<a b='\xc3'/>", CondNotWellFormed},
		{"U+FFFE", "<a>\uFFFE</a>", CondNotWellFormed},
		{"unbound prefix", `<p:a/>`, CondNotWellFormed},
		{"unbound attribute prefix", `<a p:b='1'/>`, CondNotWellFormed},
		{"duplicate attribute", `<a b='1' b='2'/>`, CondNotWellFormed},
		{"duplicate expanded attribute", `<a xmlns:p='u' xmlns:q='u' p:b='1' q:b='2'/>`, CondNotWellFormed},
		{"mismatched end tag", `<a></b>`, CondNotWellFormed},
		{"lt in attribute", `<a b='<'/>`, CondNotWellFormed},
		{"unquoted attribute", `<a b=c/>`, CondNotWellFormed},
		{"attribute without value", `<a b/>`, CondNotWellFormed},
		{"no space between attributes", `<a b='1'c='2'/>`, CondNotWellFormed},
		{"text between stanzas", `hello`, CondNotWellFormed},
		{"cdata end in text", `<a>]]></a>`, CondNotWellFormed},
		{"xmlns prefix declared", `<a xmlns:xmlns='u'/>`, CondNotWellFormed},
		{"xml prefix rebound", `<a xmlns:xml='u'/>`, CondNotWellFormed},
		{"empty prefix binding", `<a xmlns:p=''/>`, CondNotWellFormed},
		{"bad name", `<1a/>`, CondNotWellFormed},
		{"double colon", `<a:b:c/>`, CondNotWellFormed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := dump(header+tt.in, false, Limits{})
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if se.Cond != tt.cond {
				t.Errorf("condition %q (%v), want %q", se.Cond, err, tt.cond)
			}
		})
	}
}

func TestDeclarationRules(t *testing.T) {
	for _, in := range []string{
		`<?xml version='1.1'?>` + header,
		`<?xml encoding='UTF-8'?>` + header,
		`<?xml version='1.0' standalone='maybe'?>` + header,
	} {
		if _, err := dump(in, false, Limits{}); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
	_, err := dump(`<?xml version='1.0' encoding='ISO-8859-1'?>`+header, false, Limits{})
	var se *Error
	if !errors.As(err, &se) || se.Cond != CondUnsupportedEncoding {
		t.Errorf("latin-1 declaration: %v", err)
	}
}

func TestLimits(t *testing.T) {
	big := header + "<message><body>" + strings.Repeat("x", 2000) + "</body></message>"
	tests := []struct {
		name string
		in   string
		lim  Limits
	}{
		{"element bytes", big, Limits{MaxElementBytes: 1000}},
		{"element bytes in attribute", header + "<a b='" + strings.Repeat("x", 2000) + "'/>", Limits{MaxElementBytes: 1000}},
		{"depth", header + strings.Repeat("<a>", 20), Limits{MaxDepth: 10}},
		{"attributes", header + "<a" + func() string {
			var b strings.Builder
			for i := range 20 {
				fmt.Fprintf(&b, " a%d='1'", i)
			}
			return b.String()
		}() + "/>", Limits{MaxAttrs: 10}},
		{"name length", header + "<" + strings.Repeat("n", 100) + "/>", Limits{MaxNameLen: 50}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := dump(tt.in, false, tt.lim)
			var se *Error
			if !errors.As(err, &se) || se.Cond != CondPolicyViolation {
				t.Fatalf("err = %v, want policy-violation", err)
			}
		})
	}
	// Many stanzas, each under the limit, are fine in total.
	many := header + strings.Repeat("<message><body>"+strings.Repeat("x", 500)+"</body></message>", 100)
	if _, err := dump(many, false, Limits{MaxElementBytes: 1000}); err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatal(err)
	}
}

// TestHugeElementBoundedMemory feeds an endless stanza and checks that the
// reader gives up at the limit instead of buffering it all.
func TestHugeElementBoundedMemory(t *testing.T) {
	src := io.MultiReader(strings.NewReader(header+"<message><body>"), endless('x'))
	r := NewReader(src, Limits{MaxElementBytes: 1 << 20})
	for {
		_, err := r.Next()
		if err == nil {
			continue
		}
		var se *Error
		if !errors.As(err, &se) || se.Cond != CondPolicyViolation {
			t.Fatalf("err = %v", err)
		}
		break
	}
	if len(r.buf) > 1<<20+64 {
		t.Errorf("buffer grew to %d bytes", len(r.buf))
	}
}

type endless byte

func (e endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(e)
	}
	return len(p), nil
}

func TestEOF(t *testing.T) {
	if _, err := dump(header+"<message><bo", false, Limits{}); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("mid-stanza: %v", err)
	}
	if _, err := dump(header, false, Limits{}); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("open stream: %v", err)
	}
	if _, err := dump("", false, Limits{}); err != nil {
		t.Errorf("empty: %v", err)
	}
}

// TestHeaderNeedsNoMoreInput checks that the reader returns the stream
// header, and a stanza's end tag, without waiting for more bytes.
func TestHeaderNeedsNoMoreInput(t *testing.T) {
	pr, pw := io.Pipe()
	defer pr.Close()
	r := NewReader(pr, Limits{})
	go func() {
		pw.Write([]byte(header))
		pw.Write([]byte("<a/>"))
	}()
	for _, want := range []Kind{StartElement, StartElement, EndElement} {
		tok, err := r.Next()
		if err != nil || tok.Kind != want {
			t.Fatalf("got %v %v, want kind %v", tok.Kind, err, want)
		}
	}
}

func TestRestartAndReset(t *testing.T) {
	in := header + "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>" + header + "<a/>"
	r := NewReader(strings.NewReader(in), Limits{})
	for range 3 { // header, start, end
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
	}
	if r.Buffered() == 0 {
		t.Fatal("expected buffered input")
	}
	r.Restart()
	tok, err := r.Next()
	if err != nil || string(tok.Local) != "stream" {
		t.Fatalf("after restart: %v %v", tok, err)
	}
	r.Reset(strings.NewReader(header))
	if r.Buffered() != 0 {
		t.Fatal("reset kept input")
	}
	if tok, err := r.Next(); err != nil || string(tok.Local) != "stream" {
		t.Fatalf("after reset: %v %v", tok, err)
	}
}

func TestFragment(t *testing.T) {
	r := NewFragmentReader(strings.NewReader(" <open xmlns='urn:ietf:params:xml:ns:xmpp-framing'/> <a xmlns='jabber:client'>text</a>"), Limits{})
	var kinds []Kind
	for {
		tok, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		kinds = append(kinds, tok.Kind)
	}
	want := []Kind{Text, StartElement, EndElement, Text, StartElement, Text, EndElement}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Errorf("kinds %v, want %v", kinds, want)
	}
}

func TestEscapeRoundTrip(t *testing.T) {
	for _, s := range []string{"", "plain", "a&b<c>d\"e'f\tg\nh\ri", "ünïcødé 😀", "]]>"} {
		for _, attr := range []bool{false, true} {
			var b []byte
			var ok bool
			if attr {
				b, ok = AppendAttr([]byte("<a v='"), s)
				b = append(b, "'/>"...)
			} else {
				b, ok = AppendText([]byte("<a>"), s)
				b = append(b, "</a>"...)
			}
			if !ok {
				t.Fatalf("%q rejected", s)
			}
			r := NewFragmentReader(strings.NewReader(string(b)), Limits{})
			tok, err := r.Next()
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if attr {
				got = string(tok.Attrs[0].Value)
			} else if tok, err = r.Next(); err == nil && tok.Kind == Text {
				got = string(tok.Text)
			}
			if got != s {
				t.Errorf("attr=%v: %q came back as %q", attr, s, got)
			}
		}
	}
	for _, bad := range []string{"\x00", "\xff", "\uFFFE"} {
		if _, ok := AppendText(nil, bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}
