package xmpptest_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/roster"
	"github.com/xmppkit/xmpp/sasl"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stream"
	"github.com/xmppkit/xmpp/xmpptest"
)

// overURL makes a Client connect to srv at the endpoint url gives
// (WebSocket or BOSH) instead of over net.Pipe.
func overURL(url func(*xmpptest.Server) string) func(*xmpptest.Server) func(*xmpp.Options) {
	return func(srv *xmpptest.Server) func(*xmpp.Options) {
		return func(o *xmpp.Options) { o.Dial, o.Addr = nil, url(srv) }
	}
}

// overWebSocket and overBOSH connect over the Server's WebSocket and
// BOSH endpoints.
var (
	overWebSocket = overURL((*xmpptest.Server).WebSocketURL)
	overBOSH      = overURL((*xmpptest.Server).BOSHURL)
)

// TestServerWebSocketClient logs a Client in over WebSocket and has it
// talk to one over net.Pipe (testClientOver).
func TestServerWebSocketClient(t *testing.T) {
	testClientOver(t, "ws", (*xmpptest.Server).WebSocketURL, "wss://127.0.0.1:", xmpptest.WebSocketPath)
}

// testClientOver logs a Client in over the endpoint url gives (which
// starts with prefix and ends with path) and
// has it talk to one over net.Pipe: messages both ways, an IQ, the
// roster with its pushes, Sync; the hooks see its session's elements as
// they see any other's.
func testClientOver(t *testing.T, resource string, url func(*xmpptest.Server) string, prefix, path string) {
	srv := startServer(t, nil)
	if u := url(srv); !strings.HasPrefix(u, prefix) || !strings.HasSuffix(u, path) {
		t.Fatalf("endpoint %q", u)
	}
	mechs := make(chan string, 10)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Element.Name == (stanza.Name{Space: sasl.NS, Local: "auth"}) {
			mechs <- ev.Element.Attr("mechanism")
		}
		return xmpptest.Verdict{}
	})
	var r *roster.Roster
	msgs := make(chan *stanza.Message, 10)
	alice, err := login(t, srv, 0, resource, overURL(url)(srv), func(c *xmpp.Client) {
		r = roster.New(c, nil) // it claims the roster pushes
		c.HandleMessage(xmpp.Route{}, func(_ context.Context, m *stanza.Message) { msgs <- m })
	})
	if err != nil {
		t.Fatal(err)
	}
	defer alice.Close()
	if got := <-mechs; got != sasl.SCRAMSHA256 {
		t.Errorf("mechanism %s over %s", got, resource)
	}
	bob := mustLogin(t, srv, 1, "pipe")
	<-mechs
	bin := newInbox(bob)

	if err := srv.WaitSession(ctx(t), alice.JID()); err != nil {
		t.Fatal(err)
	}
	send(t, bob, stanza.NewMessage(stanza.MessageChat, alice.JID(), "to the browser"))
	select {
	case m := <-msgs:
		if m.Body() != "to the browser" || m.From != bob.JID() {
			t.Errorf("alice got %s", m.Element())
		}
	case <-time.After(waitTimeout):
		t.Fatal("alice received nothing")
	}
	send(t, alice, stanza.NewMessage(stanza.MessageChat, bob.JID(), "from the browser"))
	if m := bin.message(t); m.Body() != "from the browser" || m.From != alice.JID() {
		t.Errorf("bob got %s", m.Element())
	}
	if err := alice.Ping(ctx(t), bob.JID()); err != nil {
		t.Errorf("ping bob: %v", err)
	}

	if err := r.Load(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if err := r.Set(ctx(t), roster.Item{JID: bob.JID().Bare(), Name: "Bob"}); err != nil {
		t.Fatal(err)
	}
	if err := alice.Sync(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if it, ok := r.Item(bob.JID().Bare()); !ok || it.Name != "Bob" {
		t.Errorf("roster item %+v, %v", it, ok)
	}
	if len(msgs) != 0 {
		t.Errorf("%d more messages", len(msgs))
	}
}

// TestServerWebSocketResumes is TestServerSMClientResumes over
// WebSocket: Cut closes the WebSocket connection as a network failure
// would, the Client resumes on a new one, and nothing is lost.
func TestServerWebSocketResumes(t *testing.T) {
	testClientResumes(t, overWebSocket)
}

// TestServerWebSocketNoSTARTTLS opens a stream with the SDK's WebSocket
// transport: the Server answers <open/> with its own, and its features
// offer SASL but no STARTTLS (RFC 7395 section 3.8).
func TestServerWebSocketNoSTARTTLS(t *testing.T) {
	srv := startServer(t, nil)
	ws, err := stream.DialWebSocket(ctx(t), srv.WebSocketURL(), &stream.DialOptions{TLSConfig: srv.TLSConfig()})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if ws.TLS() == nil {
		t.Error("wss connection without TLS state")
	}
	h, err := ws.Open(ctx(t), stanza.StreamHeader{To: srv.Domain(), Version: "1.0"})
	if err != nil {
		t.Fatal(err)
	}
	if h.From != srv.Domain() || h.ID == "" || h.Version != "1.0" {
		t.Errorf("header %+v", h)
	}
	f, err := ws.ReadElementContext(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != (stanza.Name{Space: stanza.NSStream, Local: "features"}) {
		t.Fatalf("got %s, want features", f)
	}
	if f.Child(stream.NSTLS, "starttls") != nil {
		t.Errorf("STARTTLS offered over WebSocket: %s", f)
	}
	if f.Child(sasl.NS, "mechanisms") == nil {
		t.Errorf("no SASL mechanisms: %s", f)
	}
	if err := ws.EndStream(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.ReadElementContext(ctx(t)); !errors.Is(err, io.EOF) {
		t.Errorf("after <close/>: %v, want io.EOF", err)
	}
}

// dialWS opens a WebSocket connection to srv with the xmpp subprotocol,
// closed when the test ends.
func dialWS(t *testing.T, srv *xmpptest.Server) *websocket.Conn {
	t.Helper()
	tr := &http.Transport{TLSClientConfig: srv.TLSConfig()}
	t.Cleanup(tr.CloseIdleConnections)
	c, _, err := websocket.Dial(ctx(t), srv.WebSocketURL(), &websocket.DialOptions{
		HTTPClient:   &http.Client{Transport: tr},
		Subprotocols: []string{stream.WebSocketProtocol},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	if c.Subprotocol() != stream.WebSocketProtocol {
		t.Fatalf("subprotocol %q", c.Subprotocol())
	}
	c.SetReadLimit(-1)
	return c
}

// writeWS sends msg as a text message.
func writeWS(t *testing.T, c *websocket.Conn, msg string) {
	t.Helper()
	if err := c.Write(ctx(t), websocket.MessageText, []byte(msg)); err != nil {
		t.Fatal(err)
	}
}

// readWS reads the next message, which must be one element.
func readWS(t *testing.T, c *websocket.Conn) *stanza.Element {
	t.Helper()
	typ, msg, err := c.Read(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	e, err := stanza.ParseElement(string(msg))
	if typ != websocket.MessageText || err != nil {
		t.Fatalf("message %q (%v): %v", msg, typ, err)
	}
	return e
}

const wsOpen = `<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>`

// TestServerWebSocketFraming sends messages that break RFC 7395 framing:
// the Server answers with the stream error the SDK's own transport would
// send, then <close/>.
func TestServerWebSocketFraming(t *testing.T) {
	srv := startServer(t, nil)
	for _, tc := range []struct {
		name  string
		typ   websocket.MessageType
		msg   string
		want  stanza.StreamCondition
		first bool // sent instead of <open/>
	}{
		{"two elements", websocket.MessageText, `<presence xmlns='jabber:client'/><presence xmlns='jabber:client'/>`, stanza.StreamNotWellFormed, false},
		{"text outside", websocket.MessageText, `<presence xmlns='jabber:client'/>hello`, stanza.StreamNotWellFormed, false},
		{"incomplete", websocket.MessageText, `<presence xmlns='jabber:client'>`, stanza.StreamNotWellFormed, false},
		{"binary", websocket.MessageBinary, `<presence xmlns='jabber:client'/>`, stanza.StreamBadFormat, false},
		{"bad XML", websocket.MessageText, `<presence xmlns='jabber:client'><!-- no --></presence>`, stanza.StreamRestrictedXML, false},
		{"misplaced framing", websocket.MessageText, `<frame xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>`, stanza.StreamInvalidXML, false},
		{"no open", websocket.MessageText, `<presence xmlns='jabber:client'/>`, stanza.StreamInvalidNamespace, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := dialWS(t, srv)
			if !tc.first {
				writeWS(t, c, wsOpen)
				if e := readWS(t, c); e.Name.Local != "open" || e.Attr("from") != srv.Domain() {
					t.Fatalf("got %s, want <open/>", e)
				}
				if e := readWS(t, c); e.Name.Local != "features" {
					t.Fatalf("got %s, want features", e)
				}
			}
			if err := c.Write(ctx(t), tc.typ, []byte(tc.msg)); err != nil {
				t.Fatal(err)
			}
			e := readWS(t, c)
			if tc.first {
				if e.Name.Local != "open" {
					t.Fatalf("got %s, want <open/> before the error", e)
				}
				e = readWS(t, c)
			}
			se, err := stanza.ParseStreamError(e)
			if err != nil || se.Condition != tc.want {
				t.Fatalf("got %s (%v), want a %s stream error", e, err, tc.want)
			}
			if e := readWS(t, c); e.Name != (stanza.Name{Space: stream.NSFraming, Local: "close"}) {
				t.Fatalf("got %s after the stream error, want <close/>", e)
			}
			writeWS(t, c, `<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>`)
			if _, _, err := c.Read(ctx(t)); websocket.CloseStatus(err) != websocket.StatusNormalClosure {
				t.Errorf("after <close/>: %v, want a normal closure", err)
			}
		})
	}
}

// TestServerWebSocketLimit sends a message one byte over the Server's
// element limit: the Server closes the WebSocket connection with status
// 1009 before reading it as XML, and the session ends.
func TestServerWebSocketLimit(t *testing.T) {
	srv := startServer(t, nil)
	c := dialWS(t, srv)
	writeWS(t, c, wsOpen)
	readWS(t, c) // <open/>
	readWS(t, c) // features
	const limit = 10 << 20
	head, tail := "<presence xmlns='jabber:client'><status>", "</status></presence>"
	big := head + strings.Repeat("x", limit+1-len(head)-len(tail)) + tail
	if err := c.Write(ctx(t), websocket.MessageText, []byte(big)); err != nil {
		t.Fatal(err)
	}
	_, _, err := c.Read(ctx(t))
	if websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
		t.Fatalf("after an oversized message: %v, want status 1009", err)
	}
}

// TestServerWebSocketSubprotocol checks that the endpoint refuses a
// WebSocket connection without the xmpp subprotocol.
func TestServerWebSocketSubprotocol(t *testing.T) {
	srv := startServer(t, nil)
	tr := &http.Transport{TLSClientConfig: srv.TLSConfig()}
	defer tr.CloseIdleConnections()
	c, resp, err := websocket.Dial(ctx(t), srv.WebSocketURL(), &websocket.DialOptions{HTTPClient: &http.Client{Transport: tr}})
	if err == nil {
		c.CloseNow()
		t.Fatal("connected without the xmpp subprotocol")
	}
	if resp == nil || resp.StatusCode != http.StatusBadRequest {
		t.Errorf("response %v, want 400", resp)
	}
}

// TestServerWebSocketClose closes the Server under Clients connected over
// WebSocket, and under connections that never got as far: every Client
// gets system-shutdown, and no goroutine is left.
func TestServerWebSocketClose(t *testing.T) {
	checkGoroutines(t)
	srv, err := xmpptest.NewServer(&xmpptest.ServerOptions{StreamManagement: true})
	if err != nil {
		t.Fatal(err)
	}
	var clients []*xmpp.Client
	for i := range 3 {
		via := overWebSocket(srv)
		if i == 2 {
			via = nil // one over net.Pipe
		}
		c, err := login(t, srv, i, "", via)
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	// A WebSocket connection with no stream, and an HTTPS connection
	// with no request.
	// It reads one message and no more, so that it answers neither the
	// Server's <close/> nor its close frame: the Server gives up on it
	// after a short wait.
	raw := dialWS(t, srv)
	go raw.Read(context.Background()) //nolint:errcheck // ends when the connection closes
	u := strings.TrimPrefix(srv.WebSocketURL(), "wss://")
	idle, err := tls.Dial("tcp", u[:strings.IndexByte(u, '/')], srv.TLSConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()

	t0 := time.Now()
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("Close took %v", time.Since(t0))
	expectShutdown(t, clients)
	if n, err := idle.Read(make([]byte, 1)); err == nil {
		t.Errorf("idle HTTPS connection still open (read %d bytes)", n)
	}
}

// TestServerWebSocketCutAndInject checks that the Server's test API acts
// on a WebSocket session as on any other: Inject and Flush reach the
// client, and Cut ends its connection as a network failure would.
func TestServerWebSocketCutAndInject(t *testing.T) {
	srv := startServer(t, nil)
	alice, err := login(t, srv, 0, "ws", overWebSocket(srv))
	if err != nil {
		t.Fatal(err)
	}
	defer alice.Close()
	ain := newInbox(alice)
	m := stanza.NewMessage(stanza.MessageChat, alice.JID(), "injected")
	m.From = jid.MustParse("someone@localhost/x")
	if err := srv.Inject(alice.JID(), m.Element()); err != nil {
		t.Fatal(err)
	}
	if err := srv.Flush(ctx(t), alice.JID()); err != nil {
		t.Fatal(err)
	}
	if got := ain.message(t); got.Body() != "injected" {
		t.Errorf("got %s", got.Element())
	}
	if err := srv.Cut(alice.JID()); err != nil {
		t.Fatal(err)
	}
	// Without stream management the Client does not reconnect: it
	// ends with the broken connection.
	select {
	case <-alice.Done():
		if !errors.Is(alice.Err(), io.ErrUnexpectedEOF) {
			t.Errorf("ended with %v, want a broken connection", alice.Err())
		}
	case <-time.After(waitTimeout):
		t.Fatal("the Client did not notice the Cut")
	}
}
