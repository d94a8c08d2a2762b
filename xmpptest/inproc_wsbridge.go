package xmpptest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/xmppkit/xmpp/stanza"
	xstream "github.com/xmppkit/xmpp/stream"
)

// wsPipeEnd is the session's end of the pipe to a bridge. Its Close,
// which is how the session ends its connection (at its end, or at once
// for Cut), tells the bridge.
type wsPipeEnd struct {
	net.Conn
	once   sync.Once
	closed func()
}

// Close closes the pipe and tells the bridge.
func (p *wsPipeEnd) Close() error {
	err := p.Conn.Close()
	p.once.Do(p.closed)
	return err
}

// wsBridge joins a WebSocket connection and a session. Two goroutines run
// it: up (the handler's) carries the client's messages to the session,
// down the session's output to the client. The WebSocket connection ends
// when down is done: with a close handshake after the session's stream
// ended, at once otherwise. The pipe ends when up is done.
type wsBridge struct {
	srv  *Server
	ws   *websocket.Conn
	tcp  net.Conn // under ws's TLS; nil if unknown
	pipe net.Conn // the bridge's end
	ss   *session

	// wctx bounds down's writes to the client: cancelled once the
	// session has closed its end and down has had closeWait to send
	// the last of what it wrote, so that a client that stops reading
	// cannot hold the Server.
	wctx    context.Context
	wcancel context.CancelFunc
	tmu     sync.Mutex
	timer   *time.Timer // started by sessionClosed
	done    bool        // down has finished: no timer any more
}

func newWSBridge(s *Server, ws *websocket.Conn, tcp net.Conn) *wsBridge {
	b := &wsBridge{srv: s, ws: ws, tcp: tcp}
	b.wctx, b.wcancel = context.WithCancel(context.Background())
	return b
}

// sessionClosed is called when the session closes its end of the pipe.
func (b *wsBridge) sessionClosed() {
	b.tmu.Lock()
	defer b.tmu.Unlock()
	if !b.done {
		b.timer = time.AfterFunc(closeWait, b.wcancel)
	}
}

// stopTimer ends the bound on down's writes, for good.
func (b *wsBridge) stopTimer() {
	b.tmu.Lock()
	b.done = true
	if b.timer != nil {
		b.timer.Stop()
	}
	b.tmu.Unlock()
	b.wcancel()
}

// up reads the client's messages and writes them to the session as the
// bytes of an XML stream, until the WebSocket connection or the session
// ends. Then it closes the pipe: the session takes that as a lost
// connection unless its stream was closed.
func (b *wsBridge) up() {
	defer b.pipe.Close()
	enc := stanza.NewEncoder(b.pipe)
	var br bytes.Reader
	dec := stanza.NewFragmentDecoder(&br, nil)
	failed := false
	for {
		typ, msg, err := b.ws.Read(context.Background())
		if err != nil {
			b.readEnded(err)
			return
		}
		var e *stanza.Element
		if typ != websocket.MessageText {
			err = &xstream.FramingError{Kind: xstream.FramingBinary}
		} else {
			e, err = decodeMessage(dec, &br, msg)
		}
		if failed {
			// The session is ending with a stream error: only the
			// client's <close/> still matters to it.
			if err == nil && e != nil && e.Name == (stanza.Name{Space: xstream.NSFraming, Local: "close"}) {
				_ = enc.WriteEnd()
			}
			continue
		}
		if e != nil && err == nil {
			var fe *xstream.FramingError
			err = b.forward(enc, e)
			if err != nil && !errors.As(err, &fe) && !errors.Is(err, stanza.ErrUnencodable) {
				return // the session closed its end
			}
		}
		if err != nil {
			b.refuse(err)
			failed = true
		}
	}
}

// forward writes the client's element e to the session: <open/> as a
// stream header, <close/> as the closing tag, anything else as it is.
func (b *wsBridge) forward(enc *stanza.Encoder, e *stanza.Element) error {
	if e.Name.Space != xstream.NSFraming {
		return enc.Encode(e)
	}
	switch e.Name.Local {
	case "open":
		lang, _ := e.LookupAttr(stanza.NSXML, "lang")
		enc.Reset(b.pipe)
		return enc.WriteHeader(stanza.StreamHeader{
			Namespace: stanza.NSClient, To: e.Attr("to"), From: e.Attr("from"),
			ID: e.Attr("id"), Version: e.Attr("version"), Lang: lang,
		})
	case "close":
		return enc.WriteEnd()
	}
	return &xstream.FramingError{Kind: xstream.FramingMisplaced, Detail: "<" + e.Name.Local + "/>"}
}

// refuse ends the session with the stream error for a message that
// breaks the framing of RFC 7395 or is not XML.
func (b *wsBridge) refuse(err error) {
	cond, text := stanza.StreamNotWellFormed, err.Error()
	var syn *stanza.SyntaxError
	if errors.As(err, &syn) {
		cond, text = syn.Condition, syn.Msg
	}
	var fe *xstream.FramingError
	if errors.As(err, &fe) {
		text = fe.Kind.String()
		if fe.Detail != "" {
			text += ": " + fe.Detail
		}
	}
	b.srv.log.Info("bad websocket message from client", "session", b.ss.id, "error", err)
	b.ss.end(endClosed, streamError(cond, text))
}

// readEnded logs why the client's side of the WebSocket connection ended.
func (b *wsBridge) readEnded(err error) {
	switch {
	case errors.Is(err, websocket.ErrMessageTooBig):
		// coder/websocket has closed the connection with status 1009.
		b.srv.log.Info("websocket message over the limit, connection closed", "session", b.ss.id, "limit", wsReadLimit)
	case websocket.CloseStatus(err) != -1:
		b.srv.log.Debug("websocket closed", "session", b.ss.id, "status", websocket.CloseStatus(err))
	default:
		b.srv.log.Debug("websocket read ended", "session", b.ss.id, "error", err)
	}
}

// decodeMessage decodes msg, which must hold exactly one element with at
// most white space around it; nil, nil for white space alone.
func decodeMessage(dec *stanza.Decoder, br *bytes.Reader, msg []byte) (*stanza.Element, error) {
	body := bytes.TrimLeft(msg, " \t\r\n")
	if len(body) == 0 {
		return nil, nil
	}
	if body[0] != '<' {
		return nil, &xstream.FramingError{Kind: xstream.FramingText}
	}
	br.Reset(msg)
	dec.Reset(br)
	e, err := dec.ReadElement()
	switch {
	case err == io.EOF:
		return nil, &xstream.FramingError{Kind: xstream.FramingText, Detail: "no element"}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, &xstream.FramingError{Kind: xstream.FramingIncomplete}
	case err != nil:
		return nil, err
	}
	rest := bytes.TrimLeft(msg[dec.InputOffset():], " \t\r\n")
	switch {
	case len(rest) == 0:
		return e, nil
	case rest[0] == '<':
		return nil, &xstream.FramingError{Kind: xstream.FramingElements}
	}
	return nil, &xstream.FramingError{Kind: xstream.FramingText}
}

// down writes what the session writes to the client, as messages, until
// the session closes its end of the pipe. Then it ends the WebSocket
// connection: with a close handshake if the session's stream was closed
// (the client has had its <close/>), at once if not (Cut, a failure).
func (b *wsBridge) down() {
	defer b.srv.wg.Done()
	if b.relay() {
		b.closeHandshake()
	} else {
		_ = b.ws.CloseNow()
	}
	b.stopTimer()
}

// relay parses the session's byte stream and sends it as messages. It
// reports whether the stream was closed, by the closing tag or by a stream
// error (RFC 7395 section 3.6: the error, then <close/>), after which it
// waits for the session to close the pipe.
func (b *wsBridge) relay() bool {
	split := &streamSplitter{r: b.pipe}
	dec := stanza.NewDecoder(split, relayLimits())
	var buf []byte
	for {
		h, err := dec.ReadHeader()
		if err != nil {
			b.relayEnded(err)
			return false
		}
		if buf, err = b.send(buf, openElement(h)); err != nil {
			return false
		}
		for {
			e, err := dec.ReadElement()
			streamErr := err == nil && e.Name == stanza.Name{Space: stanza.NSStream, Local: "error"}
			if err == io.EOF || streamErr {
				return b.closeStream(buf, e)
			}
			if errors.Is(err, io.ErrUnexpectedEOF) && split.atNext {
				// The session restarted its stream: a new header.
				split.next()
				dec.Reset(split)
				break
			}
			if err != nil {
				b.relayEnded(err)
				return false
			}
			if buf, err = b.send(buf, e); err != nil {
				return false
			}
		}
	}
}

// closeStream sends the stream error se, if not nil, and <close/>, then
// waits until the session has closed the pipe (once the client answered
// with its <close/>, or after closeWait). It reports whether the client
// had the <close/>.
func (b *wsBridge) closeStream(buf []byte, se *stanza.Element) bool {
	var err error
	if se != nil {
		if buf, err = b.send(buf, se); err != nil {
			return false
		}
	}
	if _, err = b.send(buf, stanza.NewElement(xstream.NSFraming, "close")); err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, b.pipe)
	return true
}

// relayEnded logs why the session's byte stream could not be relayed
// further: the session closed the pipe (a Cut, a lost connection), or
// it wrote what cannot be framed (raw bytes from InjectRaw).
func (b *wsBridge) relayEnded(err error) {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.ErrClosedPipe) {
		b.srv.log.Debug("session closed its connection", "session", b.ss.id)
		return
	}
	b.srv.log.Info("session output cannot be framed, closing the websocket", "session", b.ss.id, "error", err)
}

// send sends e as one text message, encoded into buf, which it returns
// for the next one.
func (b *wsBridge) send(buf []byte, e *stanza.Element) ([]byte, error) {
	buf, err := stanza.AppendElement(buf[:0], e)
	if err == nil {
		err = b.ws.Write(b.wctx, websocket.MessageText, buf)
	}
	if err != nil {
		b.srv.log.Debug("websocket write failed", "session", b.ss.id, "error", err)
	}
	if cap(buf) > 1<<20 {
		buf = nil // a huge element's buffer is not kept
	}
	return buf, err
}

// closeHandshake ends the WebSocket connection with a close handshake
// (status 1000), which a client that has its <close/> begins too; one that
// does not answer within closeWait has its TCP connection closed.
func (b *wsBridge) closeHandshake() {
	if b.tcp != nil {
		t := time.AfterFunc(closeWait, func() { b.tcp.Close() })
		defer t.Stop()
	}
	_ = b.ws.Close(websocket.StatusNormalClosure, "")
}

// openElement is the <open/> for the stream header h (RFC 7395 section
// 3.3.2); its content namespace is jabber:client by definition.
func openElement(h stanza.StreamHeader) *stanza.Element {
	e := stanza.NewElement(xstream.NSFraming, "open")
	for _, a := range [...][2]string{{"to", h.To}, {"from", h.From}, {"id", h.ID}, {"version", h.Version}} {
		if a[1] != "" {
			e.SetAttr(a[0], a[1])
		}
	}
	if h.Lang != "" {
		e.SetAttrNS(stanza.NSXML, "lang", h.Lang)
	}
	return e
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
