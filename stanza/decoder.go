package stanza

import (
	"bytes"
	"errors"
	"io"
	"strconv"

	"github.com/xmppkit/xmpp/internal/xmlscan"
)

// Limits bound what a peer can make a Decoder hold. The zero value, and
// every zero field, means the default given in the field's comment.
type Limits struct {
	// MaxElementBytes bounds the encoded size of one top-level element
	// (a stanza or a nonza). Default 10 MiB.
	MaxElementBytes int
	// MaxDepth bounds element nesting, the stream element included.
	// Default 100.
	MaxDepth int
	// MaxAttrs bounds the attributes of one element, namespace
	// declarations included. Default 128.
	MaxAttrs int
	// MaxNameLen bounds the length in bytes of one qualified name.
	// Default 1024.
	MaxNameLen int
}

func (l *Limits) scan() xmlscan.Limits {
	if l == nil {
		return xmlscan.Limits{}
	}
	return xmlscan.Limits{MaxElementBytes: l.MaxElementBytes, MaxDepth: l.MaxDepth, MaxAttrs: l.MaxAttrs, MaxNameLen: l.MaxNameLen}
}

// SyntaxError reports input that is not the restricted XML of RFC 6120
// section 11, or that exceeds a limit. Condition is the stream error to send
// to the peer; errors.Is(err, StreamRestrictedXML) and the like match it.
type SyntaxError struct {
	Condition StreamCondition
	Offset    int64 // byte offset in the stream where the bad token starts
	Msg       string
}

// Error describes the problem with its condition and offset.
func (e *SyntaxError) Error() string {
	return "stanza: " + string(e.Condition) + " at byte " + strconv.FormatInt(e.Offset, 10) + ": " + e.Msg
}

// Is reports whether target is e's condition.
func (e *SyntaxError) Is(target error) bool {
	c, ok := target.(StreamCondition)
	return ok && c == e.Condition
}

// StreamHeader holds the attributes of a <stream:stream> open tag
// (RFC 6120 section 4.7), as sent, without validation of the addresses.
type StreamHeader struct {
	// Namespace is the default (content) namespace, NSClient for a
	// client stream.
	Namespace string
	To, From  string
	ID        string
	Version   string
	Lang      string
}

// Decoder reads a stream of XML elements: the stream header and then one
// top-level element at a time. It is not safe for concurrent use.
type Decoder struct {
	s     *xmlscan.Reader
	b     builder
	names [256]string // see internName
}

// NewDecoder returns a Decoder of the XMPP stream read from r. A nil lim
// means the default limits.
func NewDecoder(r io.Reader, lim *Limits) *Decoder {
	return &Decoder{s: xmlscan.NewReader(r, lim.scan())}
}

// NewFragmentDecoder returns a Decoder of elements that are not wrapped in
// a stream element (a WebSocket message, a file). ReadHeader is not used
// with it.
func NewFragmentDecoder(r io.Reader, lim *Limits) *Decoder {
	return &Decoder{s: xmlscan.NewFragmentReader(r, lim.scan())}
}

// Reset discards all state and buffered input and starts reading a new
// stream from r, as after STARTTLS.
func (d *Decoder) Reset(r io.Reader) { d.s.Reset(r) }

// Restart starts a new stream on the same input, keeping buffered bytes, as
// after SASL success.
func (d *Decoder) Restart() { d.s.Restart() }

// Buffered returns the number of input bytes read but not yet decoded. A
// client checks that it is zero before starting TLS, so that nothing sent in
// the clear is taken as coming through TLS.
func (d *Decoder) Buffered() int { return d.s.Buffered() }

// InputOffset returns the number of bytes of the input read so far: the
// size of an element is the difference of the offsets around its
// ReadElement.
func (d *Decoder) InputOffset() int64 { return d.s.Offset() }

// ReadHeader reads the stream's open tag, after an optional XML declaration
// and white space. A first element that is not {NSStream}stream is reported
// as a *SyntaxError with condition StreamInvalidNamespace.
func (d *Decoder) ReadHeader() (StreamHeader, error) {
	tok, err := d.next(true)
	if err != nil {
		return StreamHeader{}, err
	}
	if tok.Kind != xmlscan.StartElement || string(tok.Local) != "stream" || string(tok.Space) != NSStream {
		return StreamHeader{}, &SyntaxError{Condition: StreamInvalidNamespace, Offset: tok.Offset, Msg: "first element is not <stream:stream>"}
	}
	h := StreamHeader{Namespace: string(d.s.DefaultSpace())}
	for _, a := range tok.Attrs {
		v := string(a.Value)
		switch {
		case len(a.Space) == 0 && string(a.Local) == "to":
			h.To = v
		case len(a.Space) == 0 && string(a.Local) == "from":
			h.From = v
		case len(a.Space) == 0 && string(a.Local) == "id":
			h.ID = v
		case len(a.Space) == 0 && string(a.Local) == "version":
			h.Version = v
		case string(a.Space) == NSXML && string(a.Local) == "lang":
			h.Lang = v
		}
	}
	return h, nil
}

// ReadElement reads the next top-level element, skipping white space
// between elements. It returns io.EOF when the peer closed the stream
// (</stream:stream>, or the end of input between fragments) and
// io.ErrUnexpectedEOF when the input ended inside the stream. Syntax and
// limit errors are *SyntaxError values; a second stream header is one,
// with condition StreamInvalidXML. The returned element shares no
// memory with the Decoder.
func (d *Decoder) ReadElement() (*Element, error) {
	tok, err := d.next(true)
	if err != nil {
		return nil, err
	}
	switch tok.Kind {
	case xmlscan.EndElement:
		return nil, io.EOF
	case xmlscan.Text:
		return nil, &SyntaxError{Condition: StreamNotWellFormed, Offset: tok.Offset, Msg: "character data outside of a stanza"}
	}
	if string(tok.Local) == "stream" && string(tok.Space) == NSStream {
		// A stream header inside the stream: the schema of RFC 6120
		// allows none, and read as an element it would never end.
		return nil, &SyntaxError{Condition: StreamInvalidXML, Offset: tok.Offset, Msg: "stream header inside the stream"}
	}
	d.b.reset()
	d.b.start(d, tok)
	for depth := 1; depth > 0; {
		tok, err := d.next(false)
		if err != nil {
			return nil, err
		}
		switch tok.Kind {
		case xmlscan.StartElement:
			d.b.start(d, tok)
			depth++
		case xmlscan.EndElement:
			d.b.end()
			depth--
		case xmlscan.Text:
			d.b.text(tok.Text)
		}
	}
	return d.b.finish(), nil
}

// next returns the next token, skipping white space between elements when
// skipSpace is set, and turns tokenizer errors into *SyntaxError.
func (d *Decoder) next(skipSpace bool) (*xmlscan.Token, error) {
	for {
		tok, err := d.s.Next()
		if err != nil {
			var se *xmlscan.Error
			if errors.As(err, &se) {
				return nil, &SyntaxError{Condition: StreamCondition(se.Cond), Offset: se.Offset, Msg: se.Msg}
			}
			return nil, err
		}
		if skipSpace && tok.Kind == xmlscan.Text && len(bytes.TrimLeft(tok.Text, " \t\r\n")) == 0 {
			continue
		}
		return tok, nil
	}
}

// ParseElement decodes the single element in s, with the default limits.
// Surrounding white space is allowed; anything else is an error.
func ParseElement(s string) (*Element, error) {
	return DecodeElement(bytes.NewReader([]byte(s)), nil)
}

// DecodeElement reads one element from r and checks that only white space
// follows it.
func DecodeElement(r io.Reader, lim *Limits) (*Element, error) {
	d := NewFragmentDecoder(r, lim)
	e, err := d.ReadElement()
	if err == io.EOF {
		return nil, io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, err
	}
	switch _, err := d.ReadElement(); {
	case err == io.EOF:
		return e, nil
	case err == nil:
		return nil, &SyntaxError{Condition: StreamNotWellFormed, Msg: "more than one element"}
	default:
		return nil, err
	}
}

// internName returns a shared string for a name or namespace seen before,
// so that the names of a stream are allocated once. The cache has a fixed
// size (two candidate slots per name, the older replaced on a miss), so a
// peer sending endless new names costs allocations, not memory.
func (d *Decoder) internName(b []byte) (string, bool) {
	if len(b) > 128 {
		return "", false
	}
	if len(b) == 0 {
		return "", true
	}
	// A cheap hash: names differ in length or at their ends or middle.
	h := uint32(len(b))*0x9E3779B1 ^ uint32(b[0])<<16 ^ uint32(b[len(b)-1])<<8 ^ uint32(b[len(b)/2])*0x85EBCA6B
	i := (h ^ h>>15) % uint32(len(d.names)) &^ 1
	if s := d.names[i]; s == string(b) {
		return s, true
	}
	if s := d.names[i+1]; s == string(b) {
		return s, true
	}
	s := string(b)
	d.names[i+1] = d.names[i]
	d.names[i] = s
	return s, true
}
