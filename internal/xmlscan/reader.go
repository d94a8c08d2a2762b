package xmlscan

import (
	"errors"
	"io"
)

// Default limits, used for zero fields of Limits.
const (
	DefaultMaxElementBytes = 10 << 20
	DefaultMaxDepth        = 100
	DefaultMaxAttrs        = 128
	DefaultMaxNameLen      = 1024
)

// Limits bound what one stream may make the Reader hold. Zero fields take
// the defaults above.
type Limits struct {
	// MaxElementBytes bounds the encoded size of one top-level element,
	// and of any single token.
	MaxElementBytes int
	// MaxDepth bounds element nesting, counting the stream element.
	MaxDepth int
	// MaxAttrs bounds the attributes of one element, namespace
	// declarations included.
	MaxAttrs int
	// MaxNameLen bounds the length of a qualified name in bytes.
	MaxNameLen int
}

func (l Limits) withDefaults() Limits {
	if l.MaxElementBytes <= 0 {
		l.MaxElementBytes = DefaultMaxElementBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxAttrs <= 0 {
		l.MaxAttrs = DefaultMaxAttrs
	}
	if l.MaxNameLen <= 0 {
		l.MaxNameLen = DefaultMaxNameLen
	}
	return l
}

// Kind is the kind of a Token.
type Kind uint8

// Token kinds.
const (
	StartElement Kind = iota + 1
	EndElement
	Text
)

// Attr is an attribute of a start tag with its namespace resolved and its
// value unescaped. Namespace declarations are not reported as attributes.
type Attr struct {
	Space, Local, Value []byte
}

// Token is one item of the stream. The Token and its slices belong to the
// Reader and are valid until the next call to Next. Fields that do not
// apply to its Kind hold no meaning.
type Token struct {
	Kind Kind
	// Space and Local are the resolved name of a start or end tag.
	Space, Local []byte
	// Attrs are the attributes of a start tag.
	Attrs []Attr
	// Text is the character data of a Text token, with references
	// replaced and line ends normalised.
	Text []byte
	// Offset is the stream offset of the token's first byte.
	Offset int64
}

const initialBuffer = 4 << 10

// Reader tokenizes one XML stream. It is not safe for concurrent use.
type Reader struct {
	src  io.Reader
	lim  Limits
	buf  []byte
	pos  int   // first unread byte
	end  int   // end of buffered data
	base int64 // stream offset of buf[0]
	rerr error // read error to report once buffered data runs out

	err        error // sticky syntax or limit error
	depth      int   // open elements
	pendingEnd bool  // the last start tag was self-closing
	skipLF     bool  // white space ended in '\r': skip a '\n' that follows
	rootSeen   bool
	declOK     bool  // an XML declaration may still come
	top        int   // depth of the stream element: 1, or 0 for fragments
	elemStart  int64 // offset of the open top-level element, or -1

	tok   Token // the token Next returns
	ns    nsStack
	attrs []Attr
	vbuf  []byte // unescaped attribute values and text
}

// NewReader returns a Reader of the stream src, bounded by lim.
func NewReader(src io.Reader, lim Limits) *Reader {
	r := &Reader{lim: lim.withDefaults(), top: 1}
	r.Reset(src)
	return r
}

// NewFragmentReader returns a Reader of a sequence of elements without a
// stream element around them, such as one WebSocket message or a document
// held in memory. Its top-level elements are the outermost ones, and the
// element limit applies to each of them.
func NewFragmentReader(src io.Reader, lim Limits) *Reader {
	r := &Reader{lim: lim.withDefaults(), top: 0}
	r.Reset(src)
	return r
}

// Reset discards all state, buffered input included, and starts reading a
// new stream from src (after STARTTLS, for example). Check Buffered first
// when unread input would be a protocol violation.
func (r *Reader) Reset(src io.Reader) {
	r.src = src
	r.pos, r.end, r.base, r.rerr = 0, 0, 0, nil
	r.Restart()
}

// Restart starts a new stream on the same input, keeping buffered bytes
// (the stream restart after SASL, RFC 6120 section 6.4.6).
func (r *Reader) Restart() {
	r.err = nil
	r.depth = 0
	r.pendingEnd = false
	r.skipLF = false
	r.rootSeen = false
	r.declOK = true
	r.elemStart = -1
	r.ns.reset()
}

// Buffered returns the number of bytes read from the source but not yet
// consumed.
func (r *Reader) Buffered() int { return r.end - r.pos }

// Depth returns the number of open elements, the stream element included.
func (r *Reader) Depth() int { return r.depth }

// DefaultSpace returns the default namespace in scope at the current
// position. The slice is valid until the next call to Next.
func (r *Reader) DefaultSpace() []byte { return r.ns.defaultSpace() }

// Next returns the next token. At the end of the input it returns io.EOF
// if no element is open (before the stream started or after it closed) and
// io.ErrUnexpectedEOF otherwise. Errors from the source are returned as
// they are; a timeout can be retried with another call. Syntax and limit
// errors are *Error values and are sticky.
func (r *Reader) Next() (*Token, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.pendingEnd {
		r.pendingEnd = false
		r.endToken(r.offset())
		return &r.tok, nil
	}
	if r.rootSeen && r.depth == 0 {
		return nil, io.EOF
	}
	if r.pos == r.end {
		if err := r.more(); err != nil {
			return nil, r.eofError(err)
		}
	}
	var err error
	if r.buf[r.pos] == '<' {
		err = r.markup()
	} else {
		err = r.text()
	}
	if err != nil {
		var se *Error
		if errors.As(err, &se) {
			r.err = err
		}
		return nil, err
	}
	return &r.tok, nil
}

func (r *Reader) offset() int64 { return r.base + int64(r.pos) }

// Offset returns the number of bytes of the input the tokens so far
// came from.
func (r *Reader) Offset() int64 { return r.offset() }

// eofError turns the end of the input into io.EOF or io.ErrUnexpectedEOF.
func (r *Reader) eofError(err error) error {
	if err != io.EOF {
		return err
	}
	if r.depth == 0 && r.pos == r.end {
		return io.EOF
	}
	return io.ErrUnexpectedEOF
}

func (r *Reader) fail(cond string, off int64, msg string) error {
	return &Error{Cond: cond, Offset: off, Msg: msg}
}

// more reads more input, keeping buf[r.pos:]. It compacts the buffer and
// grows it, within the element limit, when it is full.
func (r *Reader) more() error {
	if r.rerr != nil {
		err := r.rerr
		r.rerr = nil
		return err
	}
	if r.pos > 0 {
		n := copy(r.buf, r.buf[r.pos:r.end])
		r.base += int64(r.pos)
		r.pos, r.end = 0, n
	}
	if r.end == len(r.buf) {
		if err := r.grow(); err != nil {
			return err
		}
	}
	for range 100 {
		n, err := r.src.Read(r.buf[r.end:])
		r.end += n
		if n > 0 {
			r.rerr = err
			return nil
		}
		if err != nil {
			return err
		}
	}
	return io.ErrNoProgress
}

func (r *Reader) grow() error {
	limit := r.lim.MaxElementBytes + 64
	if len(r.buf) >= limit {
		return r.fail(CondPolicyViolation, r.offset(), "token exceeds the size limit")
	}
	size := max(2*len(r.buf), initialBuffer)
	size = min(size, limit)
	nb := make([]byte, size)
	copy(nb, r.buf[:r.end])
	r.buf = nb
	return nil
}

// need makes sure that n bytes from r.pos are buffered. It reports
// io.ErrUnexpectedEOF at the end of the input.
func (r *Reader) need(n int) error {
	for r.end-r.pos < n {
		if err := r.checkSize(r.end - r.pos); err != nil {
			return err
		}
		if err := r.more(); err != nil {
			if err == io.EOF {
				return io.ErrUnexpectedEOF
			}
			return err
		}
	}
	return nil
}

// checkSize fails when a token of n bytes starting at r.pos would exceed
// the element limit.
func (r *Reader) checkSize(n int) error {
	start := r.offset()
	if r.elemStart >= 0 {
		start = r.elemStart
	}
	if r.offset()+int64(n)-start > int64(r.lim.MaxElementBytes) {
		return r.fail(CondPolicyViolation, start, "element exceeds the size limit")
	}
	return nil
}
