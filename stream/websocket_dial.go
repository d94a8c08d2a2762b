package stream

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"

	"github.com/coder/websocket"

	"github.com/xmppkit/xmpp/internal/xmlscan"
	"github.com/xmppkit/xmpp/stanza"
)

// ErrNoXMPPSubprotocol reports a WebSocket server that did not agree to
// the xmpp subprotocol: what it would speak is not RFC 7395.
var ErrNoXMPPSubprotocol = errors.New("stream: websocket: the server did not select the xmpp subprotocol")

// DialWebSocket opens a WebSocket connection to rawURL (ws: or wss:)
// with the xmpp subprotocol and returns the transport, not yet
// negotiated. Of opts it uses Dial, TLSConfig, Limits and Trace; Addr,
// DirectTLS and LookupSRV are for TCP and ignored.
//
// A wss: URL is TLS from the first byte, verified with opts.TLSConfig,
// whose ServerName defaults to the URL's host (as for any HTTPS URL).
// HTTP redirects are not followed. ctx bounds the connection and the
// WebSocket handshake only.
func DialWebSocket(ctx context.Context, rawURL string, opts *DialOptions) (*WebSocket, error) {
	var o DialOptions
	if opts != nil {
		o = *opts
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("stream: websocket: %w", err)
	}
	if u.Scheme != "ws" && u.Scheme != "wss" {
		return nil, fmt.Errorf("stream: websocket: URL scheme %q is not ws or wss", u.Scheme)
	}
	var state atomic.Pointer[tls.ConnectionState]
	client := httpClient(o.Dial, TLSConfig(o.TLSConfig, u.Hostname()), func(st *tls.ConnectionState) { state.Store(st) })
	defer client.CloseIdleConnections()
	conn, _, err := websocket.Dial(ctx, rawURL, &websocket.DialOptions{
		HTTPClient:   client,
		Subprotocols: []string{WebSocketProtocol},
	})
	if err != nil {
		return nil, fmt.Errorf("stream: connect to %s: %w", rawURL, err)
	}
	if conn.Subprotocol() != WebSocketProtocol {
		_ = conn.CloseNow()
		return nil, fmt.Errorf("%w (%s)", ErrNoXMPPSubprotocol, rawURL)
	}
	var st *tls.ConnectionState
	if u.Scheme == "wss" {
		if st = state.Load(); st == nil {
			_ = conn.CloseNow()
			return nil, errors.New("stream: websocket: wss connection without TLS state")
		}
	}
	return newWebSocket(conn, st, o.Limits, o.Trace), nil
}

// httpClient is the HTTP client of the WebSocket and BOSH transports:
// connections opened with dial (a net.Dialer if nil), TLS with cfg and
// its state handed to onTLS, HTTP/1.1 only, no proxy from the
// environment (Dial is how a caller reaches a proxy), no compression,
// and no redirects followed.
func httpClient(dial DialFunc, cfg *tls.Config, onTLS func(*tls.ConnectionState)) *http.Client {
	if dial == nil {
		var d net.Dialer
		dial = d.DialContext
	}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return dial(ctx, network, addr)
		},
		DialTLSContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := dial(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			tc := tls.Client(conn, cfg)
			if err := tc.HandshakeContext(ctx); err != nil {
				conn.Close()
				return nil, fmt.Errorf("tls with %s: %w", addr, err)
			}
			st := tc.ConnectionState()
			onTLS(&st)
			return tc, nil
		},
		TLSNextProto:       map[string]func(string, *tls.Conn) http.RoundTripper{},
		DisableCompression: true,
	}
	return &http.Client{
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// maxMessageBytes is the largest WebSocket message accepted: one
// element, as large as the element limit allows.
func maxMessageBytes(lim *stanza.Limits) int {
	if lim == nil || lim.MaxElementBytes <= 0 {
		return xmlscan.DefaultMaxElementBytes
	}
	return lim.MaxElementBytes
}
