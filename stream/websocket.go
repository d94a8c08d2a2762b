package stream

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/xmppkit/xmpp/stanza"
)

// NSFraming is the namespace of the <open/> and <close/> elements that
// frame an XML stream over WebSocket (RFC 7395 section 3.3.2).
const NSFraming = "urn:ietf:params:xml:ns:xmpp-framing"

// WebSocketProtocol is the WebSocket subprotocol of XMPP (RFC 7395
// section 3.1).
const WebSocketProtocol = "xmpp"

// pingTimeout bounds the wait for the pong of a keepalive ping.
const pingTimeout = 30 * time.Second

// WebSocket is the transport of RFC 7395: the stream is framed by <open/>
// and <close/> elements, and every WebSocket text message carries exactly
// one top-level element. Create it with DialWebSocket.
//
// Compared with TCP: StartTLS returns ErrUnsupported (a wss: URL is
// secured by TLS from the first byte); WriteKeepalive sends a WebSocket
// ping, since RFC 7395 has no white-space keepalive; a message that is
// not a single element is refused with a *FramingError; a server's
// <close/> naming another URI is reported as a *SeeOtherURIError.
type WebSocket struct {
	conn     *websocket.Conn
	tlsState *tls.ConnectionState
	trace    *tracer
	limit    int // bytes in one message

	// Read side: used by one goroutine at a time.
	dec    *stanza.Decoder
	br     bytes.Reader
	rbuf   []byte
	offset atomic.Int64
	eof    atomic.Bool // the peer sent <close/>

	// Write side, under the one-slot lock wmu.
	wmu    chan struct{}
	wbuf   []byte
	broken error

	// Keepalive pings in flight, ended by Close.
	pingMu  sync.Mutex
	pinging bool
	closed  bool
	pings   sync.WaitGroup

	closeOnce sync.Once
	closeErr  error
}

var _ Transport = (*WebSocket)(nil)

func newWebSocket(conn *websocket.Conn, st *tls.ConnectionState, lim *stanza.Limits, trace io.Writer) *WebSocket {
	t := &WebSocket{conn: conn, tlsState: st, limit: maxMessageBytes(lim), wmu: make(chan struct{}, 1)}
	conn.SetReadLimit(int64(t.limit))
	if trace != nil {
		t.trace = &tracer{w: trace}
	}
	t.dec = stanza.NewFragmentDecoder(&t.br, lim)
	return t
}

// Open implements Transport: it sends <open/> with the attributes of h
// and reads the server's <open/>, whose content namespace is jabber:client
// by definition (RFC 7395 section 3.3.3). A stream error or a <close/>
// in its place is returned as an error.
func (t *WebSocket) Open(ctx context.Context, h stanza.StreamHeader) (stanza.StreamHeader, error) {
	open := openElement(h)
	if err := t.write(ctx, open); err != nil {
		return stanza.StreamHeader{}, err
	}
	t.trace.element("SEND", open)
	e, err := t.readFraming(ctx)
	if err != nil {
		return stanza.StreamHeader{}, fmt.Errorf("stream: reading the stream header: %w", err)
	}
	t.trace.element("RECV", e)
	switch {
	case e.Name == stanza.Name{Space: NSFraming, Local: "open"}:
		return openHeader(e), nil
	case e.Name == stanza.Name{Space: stanza.NSStream, Local: "error"}:
		se, perr := stanza.ParseStreamError(e)
		if perr != nil {
			return stanza.StreamHeader{}, fmt.Errorf("stream: bad stream error from server: %w", perr)
		}
		return stanza.StreamHeader{}, se
	case e.Name == stanza.Name{Space: NSFraming, Local: "close"}:
		t.eof.Store(true)
		return stanza.StreamHeader{}, closeError(e, io.ErrUnexpectedEOF)
	}
	return stanza.StreamHeader{}, &stanza.SyntaxError{Condition: stanza.StreamInvalidNamespace, Msg: "first element is <" + e.Name.Local + ">, not <open/>"}
}

// openElement is our <open/> for h.
func openElement(h stanza.StreamHeader) *stanza.Element {
	e := stanza.NewElement(NSFraming, "open")
	for _, a := range [...]struct{ name, value string }{{"to", h.To}, {"from", h.From}, {"id", h.ID}, {"version", h.Version}} {
		if a.value != "" {
			e.SetAttr(a.name, a.value)
		}
	}
	if h.Lang != "" {
		e.SetAttrNS(stanza.NSXML, "lang", h.Lang)
	}
	return e
}

// openHeader reads the attributes of the server's <open/>.
func openHeader(e *stanza.Element) stanza.StreamHeader {
	lang, _ := e.LookupAttr(stanza.NSXML, "lang")
	return stanza.StreamHeader{
		Namespace: stanza.NSClient,
		To:        e.Attr("to"),
		From:      e.Attr("from"),
		ID:        e.Attr("id"),
		Version:   e.Attr("version"),
		Lang:      lang,
	}
}

// closeError is what a <close/> from the server means: cause (io.EOF
// for the end of the stream), or a *SeeOtherURIError if it names another
// URI to connect to (RFC 7395 section 3.6.1).
func closeError(e *stanza.Element, cause error) error {
	if uri := e.Attr("see-other-uri"); uri != "" {
		return &SeeOtherURIError{URI: uri}
	}
	return cause
}

// ReadElement implements Transport. The server's <close/> is io.EOF.
func (t *WebSocket) ReadElement() (*stanza.Element, error) {
	return t.ReadElementContext(context.Background())
}

// ReadElementContext implements Transport. When ctx ends during the read,
// the WebSocket connection is closed: a message cannot be left half read.
func (t *WebSocket) ReadElementContext(ctx context.Context) (*stanza.Element, error) {
	e, err := t.readFraming(ctx)
	if err != nil {
		return nil, err
	}
	if e.Name.Space == NSFraming {
		if e.Name.Local == "close" {
			t.eof.Store(true)
			return nil, closeError(e, io.EOF)
		}
		return nil, &FramingError{Kind: FramingMisplaced, Detail: "<" + e.Name.Local + "/> inside the stream"}
	}
	t.trace.element("RECV", e)
	return e, nil
}

// readFraming reads the next element, framing elements included, skipping
// messages of white space only.
func (t *WebSocket) readFraming(ctx context.Context) (*stanza.Element, error) {
	if t.eof.Load() {
		return nil, io.EOF
	}
	for {
		msg, err := t.readMessage(ctx)
		if err != nil {
			return nil, err
		}
		e, err := t.decode(msg)
		if err != nil || e != nil {
			return e, err
		}
	}
}

// readMessage reads one text message into t.rbuf. The connection's read
// limit refuses a message over the element limit before it is read
// whole.
func (t *WebSocket) readMessage(ctx context.Context) ([]byte, error) {
	typ, r, err := t.conn.Reader(ctx)
	if err != nil {
		return nil, t.readError(ctx, err)
	}
	if typ != websocket.MessageText {
		return nil, &FramingError{Kind: FramingBinary}
	}
	buf := t.rbuf[:0]
	if cap(buf) > 1<<20 {
		buf = nil // a huge message's buffer is not kept
	}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		t.offset.Add(int64(n))
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, websocket.ErrMessageTooBig) {
				return nil, &FramingError{Kind: FramingTooBig, Detail: "over " + strconv.Itoa(t.limit) + " bytes"}
			}
			return nil, t.readError(ctx, err)
		}
	}
	t.rbuf = buf
	return buf, nil
}

// readError turns the end of the WebSocket connection, which came
// without the stream's <close/>, into io.ErrUnexpectedEOF, and a read
// cut short by ctx into ctx's error.
func (t *WebSocket) readError(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("%w (%w)", cerr, err)
	}
	if code := websocket.CloseStatus(err); code != -1 {
		return fmt.Errorf("stream: websocket closed by the server (%d) inside the stream: %w", code, io.ErrUnexpectedEOF)
	}
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("stream: websocket: %w", io.ErrUnexpectedEOF)
	}
	return err
}

// decode parses msg, which must hold one element, with white space
// around it at most. It returns nil, nil for a message of white space.
func (t *WebSocket) decode(msg []byte) (*stanza.Element, error) {
	body := bytes.TrimLeft(msg, " \t\r\n")
	if len(body) == 0 {
		return nil, nil
	}
	if body[0] != '<' {
		return nil, &FramingError{Kind: FramingText}
	}
	t.br.Reset(msg)
	t.dec.Reset(&t.br)
	e, err := t.dec.ReadElement()
	if err == io.EOF {
		// An XML declaration, say, and nothing else.
		return nil, &FramingError{Kind: FramingText}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, &FramingError{Kind: FramingIncomplete}
	}
	if err != nil {
		return nil, err
	}
	rest := bytes.TrimLeft(msg[t.dec.InputOffset():], " \t\r\n")
	switch {
	case len(rest) == 0:
		return e, nil
	case rest[0] == '<':
		return nil, &FramingError{Kind: FramingElements}
	default:
		return nil, &FramingError{Kind: FramingText}
	}
}

// InputOffset implements Transport: the bytes of the WebSocket messages
// read so far (frame headers not counted).
func (t *WebSocket) InputOffset() int64 { return t.offset.Load() }

// WriteElement implements Transport: e goes out as one text message.
func (t *WebSocket) WriteElement(ctx context.Context, e *stanza.Element) error {
	if err := t.write(ctx, e); err != nil {
		return err
	}
	t.trace.element("SEND", e)
	return nil
}

// write sends e as one text message, standalone: its namespace declared.
func (t *WebSocket) write(ctx context.Context, e *stanza.Element) error {
	if err := t.lock(ctx); err != nil {
		return err
	}
	defer t.unlock()
	if t.broken != nil {
		return t.broken
	}
	b, err := stanza.AppendElement(t.wbuf[:0], e)
	if err != nil {
		return err // nothing was written
	}
	t.wbuf = b
	if cap(t.wbuf) > 1<<20 {
		t.wbuf = nil
	}
	if err := t.conn.Write(ctx, websocket.MessageText, b); err != nil {
		// coder/websocket closes the connection when a write is cut
		// short: the peer may hold part of a frame.
		if cerr := ctx.Err(); cerr != nil {
			err = fmt.Errorf("%w (%w)", cerr, err)
		}
		t.broken = fmt.Errorf("%w: %w", ErrBroken, err)
		return t.broken
	}
	return nil
}

// WriteKeepalive implements Transport with a WebSocket ping (RFC 6455
// section 5.5.2): RFC 7395 leaves no room for white space between
// messages. It returns once the ping is under way and does not wait for
// the pong, which the reader receives (and which a reader paused for
// back-pressure would not see for a while); a ping already in flight
// makes it a no-op. A ping whose write fails closes the connection, and
// the reader reports it.
func (t *WebSocket) WriteKeepalive(ctx context.Context) error {
	if err := t.lock(ctx); err != nil {
		return err
	}
	broken := t.broken
	t.unlock()
	if broken != nil {
		return broken
	}
	t.pingMu.Lock()
	defer t.pingMu.Unlock()
	if t.closed {
		return fmt.Errorf("%w: closed", ErrBroken)
	}
	if t.pinging {
		return nil
	}
	t.pinging = true
	t.pings.Add(1)
	go t.ping()
	return nil
}

// ping sends one ping and waits for its pong, until pingTimeout or Close.
func (t *WebSocket) ping() {
	defer t.pings.Done()
	ctx, cancel := context.WithTimeout(context.Background(), pingTimeout)
	defer cancel()
	_ = t.conn.Ping(ctx)
	t.pingMu.Lock()
	t.pinging = false
	t.pingMu.Unlock()
}

// StartTLS implements Transport: RFC 7395 section 3.8 forbids STARTTLS
// over WebSocket; use a wss: URL.
func (t *WebSocket) StartTLS(context.Context, *tls.Config) error {
	return fmt.Errorf("stream: websocket: starttls: %w", ErrUnsupported)
}

// TLS implements Transport: the state of the TLS connection of a wss:
// URL, nil for ws:.
func (t *WebSocket) TLS() *tls.ConnectionState { return t.tlsState }

// EndStream implements Transport: it sends <close/>; the server answers
// with its own, which ReadElement reports as io.EOF.
func (t *WebSocket) EndStream(ctx context.Context) error {
	if err := t.write(ctx, stanza.NewElement(NSFraming, "close")); err != nil {
		return err
	}
	t.trace.raw("SEND", "<close xmlns='"+NSFraming+"'/>")
	return nil
}

// Close implements Transport. After the server's <close/> it ends the
// WebSocket connection with a close handshake (status 1000), which the
// server has begun or is about to; otherwise it closes the connection at
// once. It returns once a keepalive ping in flight has given up.
func (t *WebSocket) Close() error {
	t.closeOnce.Do(func() {
		t.pingMu.Lock()
		t.closed = true
		t.pingMu.Unlock()
		if t.eof.Load() {
			t.closeErr = t.conn.Close(websocket.StatusNormalClosure, "")
		} else {
			t.closeErr = t.conn.CloseNow()
		}
		t.pings.Wait()
	})
	return t.closeErr
}

func (t *WebSocket) lock(ctx context.Context) error {
	select {
	case t.wmu <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (t *WebSocket) unlock() { <-t.wmu }
