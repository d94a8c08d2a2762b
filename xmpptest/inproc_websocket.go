package xmpptest

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

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

// httpsHeaderTimeout bounds the wait for the request on an HTTPS
// connection.
const httpsHeaderTimeout = 10 * time.Second

// tcpConnKey is the context key under which an HTTPS request finds the
// TCP connection under its TLS, so that the bridge can bound a close
// handshake that the client leaves unanswered.
type tcpConnKey struct{}

// listenWebSocketLocked starts the HTTPS listener of WebSocketURL. s.mu
// is held, and the Server is not closed.
func (s *Server) listenWebSocketLocked() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("xmpptest: listen: %w", err)
	}
	conf := s.tlsConf.Clone()
	conf.NextProtos = []string{"http/1.1"} // a WebSocket upgrade is HTTP/1.1
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+WebSocketPath, s.serveWebSocket)
	s.https = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: httpsHeaderTimeout,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
		ConnState:         s.trackHTTPS,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			if tc, ok := c.(*tls.Conn); ok {
				c = tc.NetConn()
			}
			return context.WithValue(ctx, tcpConnKey{}, c)
		},
	}
	s.wsURL = "wss://" + ln.Addr().String() + WebSocketPath
	s.wg.Add(1)
	go s.serveHTTPS(s.https, tls.NewListener(ln, conf))
	s.log.Info("serving XMPP over WebSocket", "url", s.wsURL)
	return nil
}

// serveHTTPS serves HTTPS on ln with hs until Close.
func (s *Server) serveHTTPS(hs *http.Server, ln net.Listener) {
	defer s.wg.Done()
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		s.log.Warn("https listener failed", "error", err)
	}
}

// trackHTTPS counts each HTTPS connection in s.wg from its acceptance
// until it closes or becomes a WebSocket connection (whose handler counts
// itself), so that Close waits for them all. StateNew comes from the
// serving goroutine, which s.wg counts, before the connection's own.
func (s *Server) trackHTTPS(_ net.Conn, st http.ConnState) {
	switch st {
	case http.StateNew:
		s.wg.Add(1)
	case http.StateHijacked, http.StateClosed:
		s.wg.Done()
	}
}

// hold counts a goroutine that is already running in s.wg, unless the
// Server is closed.
func (s *Server) hold() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.wg.Add(1)
	return true
}

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
	b.pipe = ours
	b.ss = s.serve(&wsPipeEnd{Conn: theirs, closed: b.sessionClosed}, secTransport)
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
