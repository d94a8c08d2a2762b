package xmpptest

import (
	"net"
	"net/http"
	"strings"

	"github.com/coder/websocket"

	"github.com/xmppkit/xmpp/internal/xmlscan"
	xstream "github.com/xmppkit/xmpp/stream"
)

// XMPP over WebSocket (RFC 7395) is served by the same sessions as TCP:
// each WebSocket connection is bridged to a session through net.Pipe.
// The bridge turns the client's messages into the bytes of an XML stream
// (an <open/> into a stream header, an element into its encoding, a
// <close/> into the closing tag) and parses the session's byte stream
// back into messages (a stream header into an <open/>, each element into
// one message, the closing tag into a <close/>). The session is told that
// its transport secures it, so that it offers no STARTTLS.

// wsReadLimit is the largest message a client may send over WebSocket:
// the element limit of the session's decoder (its default), since every
// message carries one element.
const wsReadLimit = xmlscan.DefaultMaxElementBytes

// serveWebSocket accepts a WebSocket connection with the xmpp subprotocol
// and bridges it to a new session, reading the client's messages until
// the connection ends.
func (s *Server) serveWebSocket(w http.ResponseWriter, r *http.Request) {
	if !offersXMPP(r.Header) {
		http.Error(w, "the xmpp subprotocol (RFC 7395) is required", http.StatusBadRequest)
		return
	}
	if !s.hold() {
		http.Error(w, "the server is closing", http.StatusServiceUnavailable)
		return
	}
	defer s.wg.Done()
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{xstream.WebSocketProtocol}})
	if err != nil {
		s.log.Debug("websocket upgrade failed", "error", err)
		return
	}
	ws.SetReadLimit(wsReadLimit)
	tcp, _ := r.Context().Value(tcpConnKey{}).(net.Conn)
	b := newWSBridge(s, ws, tcp)
	ours, theirs := net.Pipe()
	b.pipe, b.in, b.out = ours, newBridgeIn(ours), newBridgeOut(ours)
	b.ss = s.serve(&bridgePipe{Conn: theirs, closed: b.sessionClosed}, secTransport)
	if b.ss == nil {
		_ = ws.CloseNow()
		return
	}
	s.log.Info("websocket connection", "session", b.ss.id, "remote", r.RemoteAddr)
	s.wg.Add(1) // this goroutine holds a count: no Wait can have begun at zero
	go b.down()
	b.up()
}

// offersXMPP reports whether the request asks for the xmpp subprotocol.
func offersXMPP(h http.Header) bool {
	for _, v := range h.Values("Sec-WebSocket-Protocol") {
		for p := range strings.SplitSeq(v, ",") {
			if strings.TrimSpace(p) == xstream.WebSocketProtocol {
				return true
			}
		}
	}
	return false
}
