package xmlscan

import (
	"bytes"
	"encoding/xml"
	"io"
	"testing"

	"github.com/xmppkit/xmpp/internal/testcorpus"
)

// BenchmarkTokenizer compares our tokenizer with encoding/xml's
// Decoder.Token loop over the same stream bytes.
func BenchmarkTokenizer(b *testing.B) {
	for _, it := range testcorpus.Items() {
		data := testcorpus.Stream(it.Stanza, 256<<10)
		b.Run(it.Name+"/xmlscan", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			rd := bytes.NewReader(data)
			r := NewReader(rd, Limits{})
			for b.Loop() {
				rd.Reset(data)
				r.Reset(rd)
				for {
					_, err := r.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			}
		})
		b.Run(it.Name+"/encoding_xml", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			rd := bytes.NewReader(data)
			for b.Loop() {
				rd.Reset(data)
				d := xml.NewDecoder(rd)
				for {
					_, err := d.Token()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
