package stream_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/sasl"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stream"
)

// A WebSocket peer written for each test: an httptest server whose
// handler accepts the upgrade and runs a script against the client.

const (
	wsOpen     = `<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='localhost' id='s1' version='1.0' xml:lang='en'/>`
	wsClose    = `<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>`
	wsFeatures = `<stream:features xmlns:stream='http://etherx.jabber.org/streams'>` +
		`<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>`
	wsBindFeatures = `<stream:features xmlns:stream='http://etherx.jabber.org/streams'>` +
		`<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>`
)

// wsPeer is the server side of one test.
type wsPeer struct {
	t    *testing.T
	c    *websocket.Conn
	ctx  context.Context
	done chan struct{}
}

// read reads one text message and parses it.
func (p *wsPeer) read() *stanza.Element {
	p.t.Helper()
	typ, b, err := p.c.Read(p.ctx)
	if err != nil {
		p.t.Errorf("peer: read: %v", err)
		return stanza.NewElement("", "missing")
	}
	if typ != websocket.MessageText {
		p.t.Errorf("peer: message type %v, want text", typ)
	}
	e, err := stanza.ParseElement(string(b))
	if err != nil {
		p.t.Errorf("peer: %q: %v", b, err)
		return stanza.NewElement("", "missing")
	}
	return e
}

// expect reads one message and checks that it is {space}local.
func (p *wsPeer) expect(space, local string) *stanza.Element {
	p.t.Helper()
	e := p.read()
	if e.Name != (stanza.Name{Space: space, Local: local}) {
		p.t.Errorf("peer: got %s, want {%s}%s", e, space, local)
	}
	return e
}

// send writes s as one text message.
func (p *wsPeer) send(s string) {
	p.t.Helper()
	if err := p.c.Write(p.ctx, websocket.MessageText, []byte(s)); err != nil {
		p.t.Errorf("peer: write: %v", err)
	}
}

type wsOptions struct {
	tls    bool
	limits *stanza.Limits
	trace  io.Writer
	onPing func()
}

// dialPeer starts a WebSocket server running script for one connection,
// dials it and returns the client transport. The transport is closed and
// the script awaited when the test ends.
func dialPeer(t *testing.T, o wsOptions, script func(p *wsPeer)) *stream.WebSocket {
	t.Helper()
	p := &wsPeer{t: t, done: make(chan struct{})}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(p.done)
		ao := &websocket.AcceptOptions{Subprotocols: []string{stream.WebSocketProtocol}}
		if o.onPing != nil {
			ao.OnPingReceived = func(context.Context, []byte) bool { o.onPing(); return true }
		}
		c, err := websocket.Accept(w, r, ao)
		if err != nil {
			t.Errorf("peer: accept: %v", err)
			return
		}
		defer c.CloseNow()
		p.c, p.ctx = c, ctx
		script(p)
	})
	var srv *httptest.Server
	var cfg *tls.Config
	if o.tls {
		srv = httptest.NewTLSServer(h)
		pool := x509.NewCertPool()
		pool.AddCert(srv.Certificate())
		cfg = &tls.Config{RootCAs: pool}
	} else {
		srv = httptest.NewServer(h)
	}
	url := "ws" + strings.TrimPrefix(srv.URL, "http") + "/xmpp-websocket"
	ws, err := stream.DialWebSocket(ctx, url, &stream.DialOptions{TLSConfig: cfg, Limits: o.limits, Trace: o.trace})
	t.Cleanup(func() {
		if ws != nil {
			_ = ws.Close()
		}
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			t.Error("peer script did not end")
		}
		cancel()
		srv.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

func TestWebSocketOpenClose(t *testing.T) {
	var trace bytes.Buffer
	ws := dialPeer(t, wsOptions{trace: &trace}, func(p *wsPeer) {
		open := p.expect(stream.NSFraming, "open")
		if open.Attr("to") != "localhost" || open.Attr("version") != "1.0" {
			p.t.Errorf("peer: got %s", open)
		}
		if lang, _ := open.LookupAttr(stanza.NSXML, "lang"); lang != "fr" {
			p.t.Errorf("peer: xml:lang %q", lang)
		}
		p.send(wsOpen)
		p.send(wsFeatures)
		p.expect(stream.NSFraming, "close")
		p.send(wsClose)
		_ = p.c.Close(websocket.StatusNormalClosure, "")
	})
	ctx := context.Background()
	h, err := ws.Open(ctx, stanza.StreamHeader{To: "localhost", Version: "1.0", Lang: "fr"})
	if err != nil {
		t.Fatal(err)
	}
	want := stanza.StreamHeader{Namespace: stanza.NSClient, From: "localhost", ID: "s1", Version: "1.0", Lang: "en"}
	if h != want {
		t.Errorf("header %+v, want %+v", h, want)
	}
	before := ws.InputOffset()
	// ejabberd's features carry no jabber:client declaration: the
	// element is in the stream namespace all the same.
	f, err := ws.ReadElement()
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != (stanza.Name{Space: stanza.NSStream, Local: "features"}) || f.Child(sasl.NS, "mechanisms") == nil {
		t.Errorf("features: %s", f)
	}
	if n := ws.InputOffset() - before; n != int64(len(wsFeatures)) {
		t.Errorf("offset moved by %d, want %d", n, len(wsFeatures))
	}
	if err := ws.EndStream(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.ReadElement(); err != io.EOF {
		t.Fatalf("after <close/>: %v, want io.EOF", err)
	}
	if _, err := ws.ReadElement(); err != io.EOF {
		t.Fatalf("again: %v, want io.EOF", err)
	}
	if err := ws.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	if ws.TLS() != nil {
		t.Error("ws: URL has a TLS state")
	}
	if !errors.Is(ws.StartTLS(ctx, nil), stream.ErrUnsupported) {
		t.Error("StartTLS is not ErrUnsupported")
	}
	for _, s := range []string{"SEND <open ", "RECV <features ", "SEND <close "} {
		if !strings.Contains(trace.String(), s) {
			t.Errorf("trace lacks %q:\n%s", s, trace.String())
		}
	}
}

// TestWebSocketNegotiate runs the whole negotiation over wss: features
// without jabber:client, SASL, the restart with a second <open/>, bind.
func TestWebSocketNegotiate(t *testing.T) {
	ws := dialPeer(t, wsOptions{tls: true}, func(p *wsPeer) {
		p.expect(stream.NSFraming, "open")
		p.send(wsOpen)
		p.send(wsFeatures)
		auth := p.expect(sasl.NS, "auth")
		if auth.Attr("mechanism") != "PLAIN" {
			p.t.Errorf("peer: %s", auth)
		}
		p.send(`<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>`)
		open := p.expect(stream.NSFraming, "open")
		if open.Attr("from") != "alice@localhost" {
			p.t.Errorf("peer: restart %s", open)
		}
		p.send(wsOpen)
		p.send(wsBindFeatures)
		iq := p.expect(stanza.NSClient, "iq")
		p.send(`<iq xmlns='jabber:client' type='result' id='` + iq.Attr("id") + `'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>alice@localhost/ws</jid></bind></iq>`)
		p.expect(stream.NSFraming, "close")
		p.send(wsClose)
	})
	if ws.TLS() == nil {
		t.Fatal("wss: no TLS state")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sess, err := stream.Negotiate(ctx, ws, &stream.Config{
		JID:  jid.MustParse("alice@localhost"),
		SASL: sasl.Config{Password: "pw", Mechanisms: []string{sasl.Plain}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if sess.JID.String() != "alice@localhost/ws" || sess.Mechanism != sasl.Plain {
		t.Errorf("session %s %s", sess.JID, sess.Mechanism)
	}
	if err := ws.EndStream(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.ReadElementContext(ctx); err != io.EOF {
		t.Fatalf("got %v, want io.EOF", err)
	}
}

// TestWebSocketCleartextNoPlain: over ws: the TLS rules are those of a
// cleartext TCP stream.
func TestWebSocketCleartextNoPlain(t *testing.T) {
	ws := dialPeer(t, wsOptions{}, func(p *wsPeer) {
		p.expect(stream.NSFraming, "open")
		p.send(wsOpen)
		p.send(wsFeatures)
		p.read() // <close/>, or the end
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cfg := &stream.Config{JID: jid.MustParse("alice@localhost"), SASL: sasl.Config{Password: "pw"}}
	if _, err := stream.Negotiate(ctx, ws, cfg); !errors.Is(err, stream.ErrTLSRequired) {
		t.Fatalf("got %v, want ErrTLSRequired", err)
	}
}

func TestWebSocketCleartextAllowedStillNoPlain(t *testing.T) {
	ws := dialPeer(t, wsOptions{}, func(p *wsPeer) {
		p.expect(stream.NSFraming, "open")
		p.send(wsOpen)
		p.send(wsFeatures)
		p.read()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cfg := &stream.Config{JID: jid.MustParse("alice@localhost"), SASL: sasl.Config{Password: "pw"}, InsecureAllowCleartext: true}
	if _, err := stream.Negotiate(ctx, ws, cfg); !errors.Is(err, sasl.ErrNoMechanism) {
		t.Fatalf("got %v, want ErrNoMechanism: PLAIN is not sent over ws:", err)
	}
}

func TestWebSocketBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		send func(p *wsPeer)
		kind stream.FramingKind
		cond stanza.StreamCondition
	}{
		{"binary", func(p *wsPeer) {
			_ = p.c.Write(p.ctx, websocket.MessageBinary, []byte(`<presence xmlns='jabber:client'/>`))
		}, stream.FramingBinary, stanza.StreamBadFormat},
		{"two elements", func(p *wsPeer) { p.send(`<presence xmlns='jabber:client'/><presence xmlns='jabber:client'/>`) }, stream.FramingElements, stanza.StreamNotWellFormed},
		{"text after", func(p *wsPeer) { p.send(`<presence xmlns='jabber:client'/>hello`) }, stream.FramingText, stanza.StreamNotWellFormed},
		{"text before", func(p *wsPeer) { p.send(`hello<presence xmlns='jabber:client'/>`) }, stream.FramingText, stanza.StreamNotWellFormed},
		{"text only", func(p *wsPeer) { p.send(`hello`) }, stream.FramingText, stanza.StreamNotWellFormed},
		{"declaration only", func(p *wsPeer) { p.send(`<?xml version='1.0'?>`) }, stream.FramingText, stanza.StreamNotWellFormed},
		{"unfinished element", func(p *wsPeer) { p.send(`<presence xmlns='jabber:client'>`) }, stream.FramingIncomplete, stanza.StreamNotWellFormed},
		{"open inside", func(p *wsPeer) { p.send(wsOpen) }, stream.FramingMisplaced, stanza.StreamInvalidXML},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws := dialPeer(t, wsOptions{}, func(p *wsPeer) {
				p.send(" ") // white space only: ignored
				tc.send(p)
				_, _, _ = p.c.Read(p.ctx) // until the client goes
			})
			_, err := ws.ReadElement()
			var fe *stream.FramingError
			if !errors.As(err, &fe) || fe.Kind != tc.kind {
				t.Fatalf("got %v, want a %v", err, tc.kind)
			}
			if !errors.Is(err, tc.cond) {
				t.Errorf("%v does not match %s", err, tc.cond)
			}
		})
	}
	t.Run("bad xml", func(t *testing.T) {
		ws := dialPeer(t, wsOptions{}, func(p *wsPeer) {
			p.send(`<presence xmlns='jabber:client'><x></presence>`)
			_, _, _ = p.c.Read(p.ctx)
		})
		_, err := ws.ReadElement()
		var syn *stanza.SyntaxError
		if !errors.As(err, &syn) {
			t.Fatalf("got %v, want a *stanza.SyntaxError", err)
		}
	})
}

// TestWebSocketTooBig: a message over the element limit is refused after
// about the limit, not read whole.
func TestWebSocketTooBig(t *testing.T) {
	const limit = 4096
	ws := dialPeer(t, wsOptions{limits: &stanza.Limits{MaxElementBytes: limit}}, func(p *wsPeer) {
		big := `<message xmlns='jabber:client'><body>` + strings.Repeat("x", 8<<20) + `</body></message>`
		_ = p.c.Write(p.ctx, websocket.MessageText, []byte(big)) // fails once the client goes
	})
	_, err := ws.ReadElement()
	var fe *stream.FramingError
	if !errors.As(err, &fe) || fe.Kind != stream.FramingTooBig {
		t.Fatalf("got %v, want a message too big", err)
	}
	if n := ws.InputOffset(); n > limit+1 {
		t.Errorf("read %d bytes of the message, limit %d", n, limit)
	}
}

func TestWebSocketNoSubprotocol(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(done)
		c, err := websocket.Accept(w, r, nil) // agrees to no subprotocol
		if err != nil {
			return
		}
		defer c.CloseNow()
		_, _, _ = c.Read(ctx)
	}))
	defer srv.Close()
	url := "ws" + strings.TrimPrefix(srv.URL, "http")
	_, err := stream.DialWebSocket(ctx, url, nil)
	if !errors.Is(err, stream.ErrNoXMPPSubprotocol) {
		t.Fatalf("got %v, want ErrNoXMPPSubprotocol", err)
	}
	<-done
}

func TestWebSocketSeeOtherURI(t *testing.T) {
	for _, during := range []string{"open", "stream"} {
		t.Run(during, func(t *testing.T) {
			ws := dialPeer(t, wsOptions{}, func(p *wsPeer) {
				p.expect(stream.NSFraming, "open")
				if during == "stream" {
					p.send(wsOpen)
				}
				p.send(`<close xmlns='urn:ietf:params:xml:ns:xmpp-framing' see-other-uri='wss://other.example/xmpp'/>`)
				_, _, _ = p.c.Read(p.ctx)
			})
			_, err := ws.Open(context.Background(), stanza.StreamHeader{To: "localhost", Version: "1.0"})
			if during == "stream" {
				if err != nil {
					t.Fatal(err)
				}
				_, err = ws.ReadElement()
			}
			var so *stream.SeeOtherURIError
			if !errors.As(err, &so) || so.URI != "wss://other.example/xmpp" {
				t.Fatalf("got %v, want see-other-uri", err)
			}
		})
	}
}

// TestWebSocketWriteContext: a write to a peer that does not read
// returns when its context ends, and leaves the transport broken.
func TestWebSocketWriteContext(t *testing.T) {
	release := make(chan struct{})
	ws := dialPeer(t, wsOptions{}, func(p *wsPeer) {
		select {
		case <-release:
		case <-p.ctx.Done():
		}
	})
	defer close(release)
	body := strings.Repeat("x", 256<<10)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	var err error
	for err == nil {
		err = ws.WriteElement(ctx, stanza.NewElement(stanza.NSClient, "message").AddChild(stanza.NewElement(stanza.NSClient, "body").AddText(body)))
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want the deadline", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	err = ws.WriteElement(context.Background(), stanza.NewElement(stanza.NSClient, "presence"))
	if !errors.Is(err, stream.ErrBroken) {
		t.Errorf("after a cut write: %v, want ErrBroken", err)
	}
}

// TestWebSocketKeepalive: a ping goes out without waiting for its pong,
// and Close does not wait for one either.
func TestWebSocketKeepalive(t *testing.T) {
	pinged := make(chan struct{}, 2)
	ws := dialPeer(t, wsOptions{onPing: func() { pinged <- struct{}{} }}, func(p *wsPeer) {
		// The server's reader answers pings; this one reads until the
		// client closes.
		_, _, _ = p.c.Read(p.ctx)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := ws.WriteKeepalive(ctx); err != nil {
		t.Fatal(err)
	}
	if err := ws.WriteKeepalive(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-pinged:
	case <-ctx.Done():
		t.Fatal("no ping arrived")
	}
	done := make(chan struct{})
	go func() { _ = ws.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close waits for the pong")
	}
	if err := ws.WriteKeepalive(ctx); err == nil {
		t.Error("keepalive after Close succeeded")
	}
}
