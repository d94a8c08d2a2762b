package stanza

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/xmppkit/xmpp/internal/xmlscan"
)

// ErrUnencodable is wrapped by the errors of encoding an element that XML
// cannot represent: an invalid name, a character outside XML 1.0, an
// attribute that would be a namespace declaration.
var ErrUnencodable = errors.New("element cannot be encoded as XML")

const nsXMLNS = "http://www.w3.org/2000/xmlns/"

// Encoder writes a stream of XML elements: the stream header, top-level
// elements, and the closing tag. Each call makes exactly one Write to the
// underlying writer, so a stanza is never split across writes by the
// encoder. It is not safe for concurrent use.
type Encoder struct {
	w   io.Writer
	buf []byte
	// ns is the default namespace of the stream, inherited by top-level
	// elements; "" before WriteHeader.
	ns       string
	inStream bool
}

// NewEncoder returns an Encoder writing to w.
func NewEncoder(w io.Writer) *Encoder { return &Encoder{w: w} }

// Reset makes the Encoder write a new stream to w.
func (e *Encoder) Reset(w io.Writer) {
	e.w, e.ns, e.inStream = w, "", false
}

// WriteHeader writes the XML declaration and the stream's open tag. The
// stream: prefix is bound to NSStream and h.Namespace (NSClient if empty)
// becomes the default namespace of the elements that follow.
func (e *Encoder) WriteHeader(h StreamHeader) error {
	if h.Namespace == "" {
		h.Namespace = NSClient
	}
	b := append(e.buf[:0], "<?xml version='1.0'?><stream:stream xmlns='"...)
	var ok bool
	if b, ok = xmlscan.AppendAttr(b, h.Namespace); !ok {
		return fmt.Errorf("stanza: stream namespace: %w", ErrUnencodable)
	}
	b = append(b, "' xmlns:stream='"+NSStream+"'"...)
	for _, a := range [...]struct{ name, value string }{
		{"to", h.To}, {"from", h.From}, {"id", h.ID}, {"version", h.Version}, {"xml:lang", h.Lang},
	} {
		if a.value == "" {
			continue
		}
		b = append(b, ' ')
		b = append(b, a.name...)
		b = append(b, "='"...)
		if b, ok = xmlscan.AppendAttr(b, a.value); !ok {
			return fmt.Errorf("stanza: stream header %s: %w", a.name, ErrUnencodable)
		}
		b = append(b, '\'')
	}
	b = append(b, '>')
	e.buf = b
	if err := e.write(b); err != nil {
		return err
	}
	e.ns, e.inStream = h.Namespace, true
	return nil
}

// Encode writes el as a top-level element of the stream (or standalone,
// with its namespace declared, before WriteHeader).
func (e *Encoder) Encode(el *Element) error {
	b, err := e.appendTop(e.buf[:0], el)
	e.buf = b
	if err != nil {
		return err
	}
	return e.write(b)
}

// WriteEnd writes the stream's closing tag.
func (e *Encoder) WriteEnd() error {
	return e.write([]byte("</stream:stream>"))
}

// WriteRaw writes b as it is, for white-space keepalives. The caller
// answers for b being well-formed.
func (e *Encoder) WriteRaw(b []byte) error { return e.write(b) }

func (e *Encoder) write(b []byte) error {
	_, err := e.w.Write(b)
	// A huge stanza's buffer is not kept after it is sent.
	if cap(e.buf) > 1<<20 {
		e.buf = nil
	}
	return err
}

func (e *Encoder) appendTop(dst []byte, el *Element) ([]byte, error) {
	w := writer{buf: dst, streamPrefix: e.inStream}
	if err := w.element(el, e.ns, 0); err != nil {
		return w.buf, err
	}
	return w.buf, nil
}

// AppendElement appends the encoding of el to dst as a standalone element:
// the namespace of el is declared on it.
func AppendElement(dst []byte, el *Element) ([]byte, error) {
	w := writer{buf: dst}
	err := w.element(el, "", 0)
	return w.buf, err
}

// String returns the standalone encoding of e, or a description of why it
// cannot be encoded. It is meant for logs and tests; use an Encoder or
// AppendElement to send.
func (e *Element) String() string {
	b, err := AppendElement(nil, e)
	if err != nil {
		return "<!-- " + err.Error() + " -->"
	}
	return string(b)
}

// maxEncodeDepth bounds recursion on elements built by hand; decoded
// elements are bounded by the Decoder's limits already.
const maxEncodeDepth = 10000

type writer struct {
	buf          []byte
	streamPrefix bool // the stream: prefix is bound (inside a stream)
}

func (w *writer) fail(el *Element, what string) error {
	return fmt.Errorf("stanza: encode <%s>: %s: %w", el.Name.Local, what, ErrUnencodable)
}

// element writes el, whose parent's default namespace is parentNS.
func (w *writer) element(el *Element, parentNS string, depth int) error {
	if el == nil {
		return fmt.Errorf("stanza: encode: nil element: %w", ErrUnencodable)
	}
	if depth > maxEncodeDepth {
		return w.fail(el, "nested too deeply")
	}
	if !xmlscan.IsNCName(el.Name.Local) {
		return w.fail(el, "invalid element name")
	}
	if el.Name.Space == NSXML || el.Name.Space == nsXMLNS {
		return w.fail(el, "element in a reserved namespace")
	}
	start := len(w.buf)
	w.buf = append(w.buf, '<')
	ns := parentNS
	prefixed := w.streamPrefix && el.Name.Space == NSStream
	if prefixed {
		w.buf = append(w.buf, "stream:"...)
	}
	w.buf = append(w.buf, el.Name.Local...)
	if !prefixed && el.Name.Space != parentNS {
		w.buf = append(w.buf, " xmlns='"...)
		var ok bool
		if w.buf, ok = xmlscan.AppendAttr(w.buf, el.Name.Space); !ok {
			return w.fail(el, "invalid namespace")
		}
		w.buf = append(w.buf, '\'')
		ns = el.Name.Space
	}
	if err := w.attrs(el); err != nil {
		return err
	}
	if len(el.Nodes) == 0 {
		w.buf = append(w.buf, "/>"...)
		return nil
	}
	w.buf = append(w.buf, '>')
	for _, n := range el.Nodes {
		if n.Elem != nil {
			if err := w.element(n.Elem, ns, depth+1); err != nil {
				return err
			}
			continue
		}
		var ok bool
		if w.buf, ok = xmlscan.AppendText(w.buf, n.Text); !ok {
			return w.fail(el, "text is not valid UTF-8 or has a character XML cannot carry")
		}
	}
	w.buf = append(w.buf, "</"...)
	// Reuse the start tag's qualified name.
	nameEnd := start + 1 + len(el.Name.Local)
	if prefixed {
		nameEnd += len("stream:")
	}
	w.buf = append(w.buf, w.buf[start+1:nameEnd]...)
	w.buf = append(w.buf, '>')
	return nil
}

// attrs writes the attributes of el, declaring a prefix for each other
// namespace an attribute is in.
func (w *writer) attrs(el *Element) error {
	var spaces [4]string
	declared := spaces[:0]
	for _, a := range el.Attrs {
		if !xmlscan.IsNCName(a.Name.Local) {
			return w.fail(el, "invalid attribute name")
		}
		w.buf = append(w.buf, ' ')
		switch a.Name.Space {
		case "":
			if a.Name.Local == "xmlns" {
				return w.fail(el, "xmlns attribute")
			}
		case NSXML:
			w.buf = append(w.buf, "xml:"...)
		case nsXMLNS:
			return w.fail(el, "namespace declaration as an attribute")
		default:
			i := indexOf(declared, a.Name.Space)
			if i < 0 {
				i = len(declared)
				declared = append(declared, a.Name.Space)
				w.buf = append(w.buf, "xmlns:a"...)
				w.buf = strconv.AppendInt(w.buf, int64(i), 10)
				w.buf = append(w.buf, "='"...)
				var ok bool
				if w.buf, ok = xmlscan.AppendAttr(w.buf, a.Name.Space); !ok {
					return w.fail(el, "invalid attribute namespace")
				}
				w.buf = append(w.buf, "' "...)
			}
			w.buf = append(w.buf, 'a')
			w.buf = strconv.AppendInt(w.buf, int64(i), 10)
			w.buf = append(w.buf, ':')
		}
		w.buf = append(w.buf, a.Name.Local...)
		w.buf = append(w.buf, "='"...)
		var ok bool
		if w.buf, ok = xmlscan.AppendAttr(w.buf, a.Value); !ok {
			return w.fail(el, "attribute value is not valid UTF-8 or has a character XML cannot carry")
		}
		w.buf = append(w.buf, '\'')
	}
	return nil
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}
