package stanza

import (
	"bytes"
	"encoding/xml"
	"io"
	"testing"

	"github.com/xmppkit/xmpp/internal/testcorpus"
)

// The encoding/xml baseline: typed structs as Go XMPP libraries built on
// encoding/xml declare them, decoded with Decoder.DecodeElement.
type stdText struct {
	Lang  string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	Value string `xml:",chardata"`
}

type stdAny struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Inner   []byte     `xml:",innerxml"`
}

type stdMessage struct {
	XMLName    xml.Name  `xml:"jabber:client message"`
	To         string    `xml:"to,attr"`
	From       string    `xml:"from,attr"`
	ID         string    `xml:"id,attr"`
	Type       string    `xml:"type,attr"`
	Lang       string    `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	Subject    []stdText `xml:"subject"`
	Body       []stdText `xml:"body"`
	Thread     string    `xml:"thread"`
	Extensions []stdAny  `xml:",any"`
}

type stdPresence struct {
	XMLName    xml.Name  `xml:"jabber:client presence"`
	To         string    `xml:"to,attr"`
	From       string    `xml:"from,attr"`
	ID         string    `xml:"id,attr"`
	Type       string    `xml:"type,attr"`
	Show       string    `xml:"show"`
	Status     []stdText `xml:"status"`
	Priority   int8      `xml:"priority"`
	Extensions []stdAny  `xml:",any"`
}

type stdRosterItem struct {
	JID          string   `xml:"jid,attr"`
	Name         string   `xml:"name,attr"`
	Subscription string   `xml:"subscription,attr"`
	Groups       []string `xml:"group"`
}

type stdIQ struct {
	XMLName xml.Name `xml:"jabber:client iq"`
	To      string   `xml:"to,attr"`
	From    string   `xml:"from,attr"`
	ID      string   `xml:"id,attr"`
	Type    string   `xml:"type,attr"`
	Query   *struct {
		Ver   string          `xml:"ver,attr"`
		Items []stdRosterItem `xml:"item"`
	} `xml:"jabber:iq:roster query"`
}

func stdDecodeStream(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		start, ok := tok.(xml.StartElement)
		if !ok || start.Name.Local == "stream" {
			continue
		}
		var v any
		switch start.Name.Local {
		case "message":
			v = new(stdMessage)
		case "presence":
			v = new(stdPresence)
		default:
			v = new(stdIQ)
		}
		if err := d.DecodeElement(v, &start); err != nil {
			return err
		}
	}
}

func ourDecodeStream(d *Decoder) error {
	if _, err := d.ReadHeader(); err != nil {
		return err
	}
	for {
		e, err := d.ReadElement()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := Parse(e); err != nil {
			return err
		}
	}
}

// BenchmarkDecode compares full decoding into typed stanzas with
// encoding/xml decoding into tagged structs, over the same stream bytes.
func BenchmarkDecode(b *testing.B) {
	for _, it := range testcorpus.Items() {
		data := testcorpus.Stream(it.Stanza, 256<<10)
		b.Run(it.Name+"/stanza", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			rd := bytes.NewReader(data)
			d := NewDecoder(rd, nil)
			for b.Loop() {
				rd.Reset(data)
				d.Reset(rd)
				if err := ourDecodeStream(d); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(it.Name+"/encoding_xml", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if err := stdDecodeStream(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEncode measures writing each corpus stanza to a stream.
func BenchmarkEncode(b *testing.B) {
	for _, it := range testcorpus.Items() {
		e, err := ParseElement(it.Stanza)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(it.Name, func(b *testing.B) {
			b.SetBytes(int64(len(it.Stanza)))
			b.ReportAllocs()
			enc := NewEncoder(io.Discard)
			for b.Loop() {
				if err := enc.Encode(e); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// repeatReader yields a stream header and then the same stanza forever.
type repeatReader struct {
	data []byte
	pos  int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.data[r.pos:])
		n += c
		r.pos = (r.pos + c) % len(r.data)
	}
	return n, nil
}

// TestChatMessageAllocs holds decoding of a chat message with a body and
// one extension, from bytes to *Message, to its allocation budget.
func TestChatMessageAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under the race detector")
	}
	src := io.MultiReader(bytes.NewReader([]byte(testcorpus.Header)), &repeatReader{data: []byte(testcorpus.ChatOneExtension)})
	d := NewDecoder(src, nil)
	if _, err := d.ReadHeader(); err != nil {
		t.Fatal(err)
	}
	decode := func() {
		e, err := d.ReadElement()
		if err != nil {
			t.Fatal(err)
		}
		m, err := ParseMessage(e)
		if err != nil || m.Body() == "" {
			t.Fatal(err)
		}
	}
	decode() // warm the decoder's buffers and name table
	allocs := testing.AllocsPerRun(1000, decode)
	t.Logf("%.1f allocations per chat message", allocs)
	if allocs > 12 {
		t.Errorf("%.1f allocations per chat message, budget 12", allocs)
	}
}
