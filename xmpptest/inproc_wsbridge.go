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
	in   *bridgeIn
	out  *bridgeOut
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
				_ = b.in.close()
			}
			continue
		}
		if e != nil && err == nil {
			var fe *xstream.FramingError
			err = b.forward(e)
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
func (b *wsBridge) forward(e *stanza.Element) error {
	if e.Name.Space != xstream.NSFraming {
		return b.in.element(e)
	}
	switch e.Name.Local {
	case "open":
		lang, _ := e.LookupAttr(stanza.NSXML, "lang")
		return b.in.open(stanza.StreamHeader{
			To: e.Attr("to"), From: e.Attr("from"),
			ID: e.Attr("id"), Version: e.Attr("version"), Lang: lang,
		})
	case "close":
		return b.in.close()
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
	var buf []byte
	for {
		ev, err := b.out.next()
		switch {
		case err != nil:
			b.relayEnded(err)
			return false
		case ev.end:
			return b.closeStream(buf, ev.el)
		case ev.header != nil:
			buf, err = b.send(buf, openElement(*ev.header))
		default:
			buf, err = b.send(buf, ev.el)
		}
		if err != nil {
			return false
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
	b.out.drain()
	return true
}

// relayEnded logs why the session's byte stream could not be relayed
// further: the session closed the pipe (a Cut, a lost connection), or
// it wrote what cannot be framed (raw bytes from InjectRaw).
func (b *wsBridge) relayEnded(err error) {
	if closedPipe(err) {
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
