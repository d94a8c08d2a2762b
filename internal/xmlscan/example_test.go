package xmlscan_test

import (
	"fmt"
	"io"
	"strings"

	"github.com/xmppkit/xmpp/internal/xmlscan"
)

// The tokenizer yields resolved names; namespace declarations are not
// attributes.
func ExampleReader() {
	in := `<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>` +
		`<presence><show>away</show></presence>`
	r := xmlscan.NewReader(strings.NewReader(in), xmlscan.Limits{})
	for {
		tok, err := r.Next()
		if err == io.ErrUnexpectedEOF {
			fmt.Println("input ended inside the stream")
			return
		}
		switch tok.Kind {
		case xmlscan.StartElement:
			fmt.Printf("start {%s}%s\n", tok.Space, tok.Local)
		case xmlscan.EndElement:
			fmt.Printf("end {%s}%s\n", tok.Space, tok.Local)
		case xmlscan.Text:
			fmt.Printf("text %q\n", tok.Text)
		}
	}
	// Output:
	// start {http://etherx.jabber.org/streams}stream
	// start {jabber:client}presence
	// start {jabber:client}show
	// text "away"
	// end {jabber:client}show
	// end {jabber:client}presence
	// input ended inside the stream
}
