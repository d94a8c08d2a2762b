package xmpptest

import (
	"bytes"
	"errors"
	"io"
	"net"
	"sync"

	"github.com/xmppkit/xmpp/stanza"
)

// The transports that carry a stream as elements rather than bytes
// (WebSocket, BOSH) are bridged to an ordinary session through net.Pipe.
// Both directions are translated here, the same for every such transport:
// bridgeIn turns the client's stream, given as a header and elements,
// into the bytes the session reads; bridgeOut parses the bytes the
// session writes back into headers and elements, and tells where a stream
// ends (its closing tag, or a stream error) and where a restarted one
// begins.

// bridgePipe is the session's end of the pipe to a bridge. Its Close,
// which is how the session ends its connection (at its end, or at once
// for Cut), runs closed if it is not nil.
type bridgePipe struct {
	net.Conn
	once   sync.Once
	closed func()
}

// Close closes the pipe and tells the bridge.
func (p *bridgePipe) Close() error {
	err := p.Conn.Close()
	if p.closed != nil {
		p.once.Do(p.closed)
	}
	return err
}

// bridgeIn writes a client's stream to a session as bytes. Its methods
// are not safe for concurrent use.
type bridgeIn struct {
	pipe net.Conn
	enc  *stanza.Encoder
}

func newBridgeIn(pipe net.Conn) *bridgeIn {
	return &bridgeIn{pipe: pipe, enc: stanza.NewEncoder(pipe)}
}

// open writes a stream header, which begins the stream or restarts it.
// Its content namespace is jabber:client, as both transports define.
func (in *bridgeIn) open(h stanza.StreamHeader) error {
	h.Namespace = stanza.NSClient
	in.enc.Reset(in.pipe)
	return in.enc.WriteHeader(h)
}

// element writes one element of the stream.
func (in *bridgeIn) element(e *stanza.Element) error { return in.enc.Encode(e) }

// close writes the closing tag of the stream.
func (in *bridgeIn) close() error { return in.enc.WriteEnd() }

// bridgeEvent is what bridgeOut read next from a session: a stream
// header, an element, or the end of the stream (end set), with the stream
// error that ended it in el if any.
type bridgeEvent struct {
	header *stanza.StreamHeader
	el     *stanza.Element
	end    bool
}

// bridgeOut parses a session's byte stream.
type bridgeOut struct {
	pipe     net.Conn
	split    *streamSplitter
	dec      *stanza.Decoder
	inStream bool
}

func newBridgeOut(pipe net.Conn) *bridgeOut {
	split := &streamSplitter{r: pipe}
	return &bridgeOut{pipe: pipe, split: split, dec: stanza.NewDecoder(split, relayLimits())}
}

// next returns the next header, element or end of stream. After an end
// the session has nothing more to say; drain waits for it to close the
// pipe. An error means the session closed the pipe without ending its
// stream (a Cut, a lost connection), or wrote what cannot be parsed (raw
// bytes from InjectRaw).
func (o *bridgeOut) next() (bridgeEvent, error) {
	for {
		if !o.inStream {
			h, err := o.dec.ReadHeader()
			if err != nil {
				return bridgeEvent{}, err
			}
			o.inStream = true
			return bridgeEvent{header: &h}, nil
		}
		e, err := o.dec.ReadElement()
		switch {
		case err == io.EOF:
			return bridgeEvent{end: true}, nil
		case err == nil && e.Name == stanza.Name{Space: stanza.NSStream, Local: "error"}:
			return bridgeEvent{el: e, end: true}, nil
		case errors.Is(err, io.ErrUnexpectedEOF) && o.split.atNext:
			// The session restarted its stream: a new header.
			o.split.next()
			o.dec.Reset(o.split)
			o.inStream = false
			continue
		case err != nil:
			return bridgeEvent{}, err
		}
		return bridgeEvent{el: e}, nil
	}
}

// buffered reports whether bytes the session wrote are waiting to be
// parsed: more of what it is writing right now.
func (o *bridgeOut) buffered() bool {
	return o.dec.Buffered() > 0 || len(o.split.buf) > 0
}

// drain discards what the session writes until it closes the pipe.
func (o *bridgeOut) drain() {
	_, _ = io.Copy(io.Discard, o.pipe)
}

// closedPipe reports whether err means that the session closed its end of
// the pipe, rather than wrote something that cannot be parsed.
func closedPipe(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.ErrClosedPipe)
}

// relayLimits bound the bridge's parse of a session's output: what the
// Server writes and what a test injects, perhaps to see a client refuse
// it, so they are far above a client's.
func relayLimits() *stanza.Limits {
	return &stanza.Limits{MaxElementBytes: 1 << 30, MaxDepth: 1000, MaxAttrs: 1 << 16, MaxNameLen: 1 << 16}
}

// xmlDecl begins every stream header the session writes.
const xmlDecl = "<?xml"

// streamSplitter reads a session's output one stream at a time. The
// session's encoder begins each stream header with an XML declaration and
// writes one nowhere else (text and attribute values escape '<'), so an
// XML declaration after the start of a stream begins the next stream:
// Read returns io.EOF before it, with atNext set, until next is called.
// The decoder of the stream that ends sees its input end inside the
// stream.
type streamSplitter struct {
	r       io.Reader
	buf     []byte // read from r, not yet returned
	err     error  // r's error, returned once buf is drained
	started bool   // bytes of the current stream were returned
	atNext  bool   // the current stream has ended at the next header
}

// Read implements io.Reader.
func (s *streamSplitter) Read(p []byte) (int, error) {
	for {
		if s.atNext {
			return 0, io.EOF
		}
		n := s.ready()
		if n == 0 && !s.atNext && s.err != nil {
			n = len(s.buf) // a partial declaration at the very end
			if n == 0 {
				return 0, s.err
			}
		}
		if n > 0 {
			n = copy(p, s.buf[:n])
			s.buf = s.buf[n:]
			s.started = true
			return n, nil
		}
		if !s.atNext {
			s.fill()
		}
	}
}

// ready returns how many buffered bytes belong to the current stream for
// certain, and sets atNext when the next stream's header comes first.
func (s *streamSplitter) ready() int {
	from := 0
	if !s.started {
		from = 1 // the stream's own header
	}
	if len(s.buf) > from {
		if i := bytes.Index(s.buf[from:], []byte(xmlDecl)); i >= 0 {
			i += from
			if i == 0 {
				s.atNext = true
			}
			return i
		}
	}
	// Keep back an end that may begin a declaration.
	for k := min(len(xmlDecl)-1, len(s.buf)); k > 0; k-- {
		if bytes.HasSuffix(s.buf, []byte(xmlDecl[:k])) {
			return len(s.buf) - k
		}
	}
	return len(s.buf)
}

// fill reads more from r.
func (s *streamSplitter) fill() {
	if cap(s.buf)-len(s.buf) < 4<<10 {
		nb := make([]byte, len(s.buf), len(s.buf)+32<<10)
		copy(nb, s.buf)
		s.buf = nb
	}
	n, err := s.r.Read(s.buf[len(s.buf):cap(s.buf)])
	s.buf = s.buf[:len(s.buf)+n]
	if err != nil {
		s.err = err
	}
}

// next starts reading the next stream.
func (s *streamSplitter) next() {
	s.atNext, s.started = false, false
}
