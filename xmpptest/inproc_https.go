package xmpptest

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// The Server's HTTPS listener serves the transports of XMPP over HTTP:
// WebSocket (RFC 7395) at WebSocketPath and BOSH (XEP-0124, XEP-0206) at
// BOSHPath. It starts on the first call of WebSocketURL or BOSHURL.

// WebSocketURL returns the URL of the Server's XMPP over WebSocket
// endpoint (RFC 7395), "wss://127.0.0.1:port/xmpp-websocket", to give as
// a client's Addr option with TLSConfig. Its HTTPS listener, which
// the first call starts (a Server that is never asked costs nothing
// more), has the certificate TLSConfig trusts (valid for Domain and for
// 127.0.0.1) and serves BOSHURL too; at WebSocketPath it accepts only
// WebSocket connections with the xmpp subprotocol. It returns "" if the listener cannot be opened (the
// Logger says why) or the Server was closed before it was started.
//
// A session over WebSocket is the same as one over TCP, negotiated and
// served by the same code: hooks see the same elements, Inject, Flush and
// HandleIQ work the same, stream management resumes it from a new
// WebSocket connection (or a TCP one, and the other way round), and Cut
// closes the WebSocket connection at once, without a close frame, as a
// network failure would. Its stream offers no STARTTLS (RFC 7395 section
// 3.8): the wss: connection secures it. Like every stream of the Server
// it offers no SCRAM-*-PLUS: channel binding over WebSocket would have to
// bind to the TLS of the HTTPS connection. A message larger than the
// Server's element limit (10 MiB) closes the WebSocket connection with
// status 1009 (message too big) before it is read whole. Bytes given to
// InjectRaw must parse as whole elements: the Server frames what it
// writes one element per message, and a session whose output cannot be
// framed loses its WebSocket connection.
func (s *Server) WebSocketURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.startHTTPSLocked()
	return s.wsURL
}

// BOSHURL returns the URL of the Server's BOSH connection manager
// (XEP-0124 with XEP-0206), "https://127.0.0.1:port/http-bind", to give as
// a client's Addr option with TLSConfig. It is served by the HTTPS
// listener of WebSocketURL, which the first call of either starts, and
// returns "" when WebSocketURL would.
//
// Each BOSH session (one per sid) is bridged to a session like those over
// TCP, so what WebSocketURL says of hooks, Inject, HandleIQ, stream
// management and SCRAM-*-PLUS holds over BOSH too; the stream offers no
// STARTTLS (XEP-0206 section 5: the HTTPS connections secure it) and the
// session creation response says secure='true'. The connection manager
// grants a wait of at most one minute, holds at most the hold the client
// asked for, allows requests = hold+1, and ends a session after 30
// seconds without a request (as a network failure would: with stream
// management the session then waits to be resumed). Requests are
// processed in rid order: one that arrives ahead of its turn waits for
// those before it. The last responses are kept, so that a request sent
// again after its response was lost is answered again, unchanged; a rid
// outside the window, or an unknown sid, ends with the terminal condition
// item-not-found. A stream error from the session ends the BOSH session
// with remote-stream-error carrying it; a client's type='terminate' ends
// the stream after its payloads. Cut drops the HTTP connections of the
// held requests at once and forgets the sid, so that the client's next
// request fails as it would after a network failure. What the Server
// writes must parse as whole elements, as over WebSocket.
func (s *Server) BOSHURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.startHTTPSLocked()
	return s.boshURL
}

// startHTTPSLocked starts the HTTPS listener unless it runs or the Server
// is closed. s.mu is held.
func (s *Server) startHTTPSLocked() {
	if s.https == nil && !s.closed {
		if err := s.listenHTTPSLocked(); err != nil {
			s.log.Warn("cannot serve XMPP over WebSocket and BOSH", "error", err)
		}
	}
}

// httpsHeaderTimeout bounds the wait for the request on an HTTPS
// connection.
const httpsHeaderTimeout = 10 * time.Second

// tcpConnKey is the context key under which an HTTPS request finds the
// TCP connection under its TLS, so that the WebSocket bridge can bound a
// close handshake that the client leaves unanswered, and BOSH can drop a
// held request as a network failure would.
type tcpConnKey struct{}

// listenHTTPSLocked starts the HTTPS listener of WebSocketURL and
// BOSHURL. s.mu is held, and the Server is not closed.
func (s *Server) listenHTTPSLocked() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("xmpptest: listen: %w", err)
	}
	conf := s.tlsConf.Clone()
	conf.NextProtos = []string{"http/1.1"} // a WebSocket upgrade is HTTP/1.1
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+WebSocketPath, s.serveWebSocket)
	mux.HandleFunc("POST "+BOSHPath, s.serveBOSH)
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
	s.boshURL = "https://" + ln.Addr().String() + BOSHPath
	s.wg.Add(1)
	go s.serveHTTPS(s.https, tls.NewListener(ln, conf))
	s.log.Info("serving XMPP over WebSocket and BOSH", "websocket", s.wsURL, "bosh", s.boshURL)
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
