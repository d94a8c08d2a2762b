package stanza

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/xmppkit/xmpp/internal/testcorpus"
)

var xmlSeeds = []string{
	testcorpus.Chat,
	testcorpus.Presence,
	testcorpus.Roster(2),
	`<a xmlns='urn:a' xmlns:p='urn:p' p:x='1&amp;2' xml:lang='en'>t&lt;<b xmlns=''>u</b><![CDATA[v]]>w<p:c/></a>`,
	"<a v='tab\there\r\nnl'>line\r\n</a>",
	`<stream:error xmlns:stream='http://etherx.jabber.org/streams'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>`,
	`<a>&#x1F600;&#65;</a>`,
}

// FuzzRoundTrip checks that every element we decode encodes, decodes to an
// equal element, and encodes to the same bytes again.
func FuzzRoundTrip(f *testing.F) {
	for _, s := range xmlSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseElement(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		b, err := AppendElement(nil, e)
		if err != nil {
			t.Fatalf("decoded element does not encode: %v\n%q", err, s)
		}
		e2, err := ParseElement(string(b))
		if err != nil {
			t.Fatalf("encoding does not decode: %v\n%q", err, b)
		}
		if !e2.Equal(e) {
			t.Fatalf("round trip changed the element:\n%q\n%q", s, b)
		}
		b2, err := AppendElement(nil, e2)
		if err != nil || !bytes.Equal(b, b2) {
			t.Fatalf("encoding not stable: %v\n%q\n%q", err, b, b2)
		}
		// Typed decoding never panics on what the decoder accepts.
		if st, err := Parse(e); err == nil {
			_ = st.Element().String()
		}
	})
}

// FuzzStream decodes a stream body and re-encodes every element inside a
// stream, where the stream: prefix and the default namespace are in scope.
func FuzzStream(f *testing.F) {
	for _, s := range xmlSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		d := NewDecoder(strings.NewReader(testcorpus.Header+body+"</stream:stream>"), &Limits{MaxElementBytes: 1 << 16})
		h, err := d.ReadHeader()
		if err != nil {
			t.Fatal(err)
		}
		var elems []*Element
		for {
			e, err := d.ReadElement()
			if err != nil {
				break
			}
			elems = append(elems, e)
		}
		var buf bytes.Buffer
		enc := NewEncoder(&buf)
		if err := enc.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		for _, e := range elems {
			if err := enc.Encode(e); err != nil {
				t.Fatalf("decoded element does not encode: %v", err)
			}
		}
		if err := enc.WriteEnd(); err != nil {
			t.Fatal(err)
		}
		d2 := NewDecoder(&buf, nil)
		if _, err := d2.ReadHeader(); err != nil {
			t.Fatal(err)
		}
		for i, want := range elems {
			got, err := d2.ReadElement()
			if err != nil {
				t.Fatalf("element %d: %v\n%q", i, err, buf.String())
			}
			if !got.Equal(want) {
				t.Fatalf("element %d changed: %s vs %s", i, got, want)
			}
		}
		if _, err := d2.ReadElement(); err != io.EOF {
			t.Fatalf("after the last element: %v", err)
		}
	})
}
