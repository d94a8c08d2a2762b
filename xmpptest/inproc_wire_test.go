package xmpptest_test

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

const (
	nsTLS  = "urn:ietf:params:xml:ns:xmpp-tls"
	nsSASL = "urn:ietf:params:xml:ns:xmpp-sasl"
	nsBind = "urn:ietf:params:xml:ns:xmpp-bind"
)

// rawClient drives a stream by hand, to send what a proper client never
// does.
type rawClient struct {
	t      *testing.T
	srv    *xmpptest.Server
	conn   net.Conn
	enc    *stanza.Encoder
	dec    *stanza.Decoder
	opened bool // the server's header was read
}

func dialRaw(t *testing.T, srv *xmpptest.Server) *rawClient {
	t.Helper()
	conn, err := srv.DialPipe(context.Background(), "tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	_ = conn.SetDeadline(time.Now().Add(waitTimeout))
	t.Cleanup(func() { conn.Close() })
	return &rawClient{t: t, srv: srv, conn: conn, enc: stanza.NewEncoder(conn), dec: stanza.NewDecoder(conn, nil)}
}

// open sends a stream header with the given attributes and reads the
// server's.
func (c *rawClient) open(h stanza.StreamHeader) stanza.StreamHeader {
	c.t.Helper()
	if err := c.enc.WriteHeader(h); err != nil {
		c.t.Fatal(err)
	}
	peer, err := c.dec.ReadHeader()
	if err != nil {
		c.t.Fatalf("server header: %v", err)
	}
	c.opened = true
	return peer
}

// openOK opens a proper stream and returns the features.
func (c *rawClient) openOK() *stanza.Element {
	c.t.Helper()
	peer := c.open(stanza.StreamHeader{To: "localhost", Version: "1.0"})
	if peer.From != "localhost" || peer.ID == "" || peer.Version != "1.0" || peer.Namespace != stanza.NSClient {
		c.t.Errorf("server header %+v", peer)
	}
	f := c.read()
	if f.Name != (stanza.Name{Space: stanza.NSStream, Local: "features"}) {
		c.t.Fatalf("got %s, want features", f)
	}
	return f
}

func (c *rawClient) read() *stanza.Element {
	c.t.Helper()
	e, err := c.dec.ReadElement()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return e
}

func (c *rawClient) write(e *stanza.Element) {
	c.t.Helper()
	if err := c.enc.Encode(e); err != nil {
		c.t.Fatal(err)
	}
}

func (c *rawClient) writeString(s string) {
	c.t.Helper()
	if _, err := io.WriteString(c.conn, s); err != nil {
		c.t.Fatal(err)
	}
}

// streamError reads until a stream error, checks its condition, and then
// expects the server's closing tag.
func (c *rawClient) streamError(want stanza.StreamCondition) {
	c.t.Helper()
	if !c.opened {
		// The server opens a stream to send the error in.
		if _, err := c.dec.ReadHeader(); err != nil {
			c.t.Fatalf("server header: %v", err)
		}
	}
	for {
		e, err := c.dec.ReadElement()
		if err != nil {
			c.t.Fatalf("read: %v, want a %s stream error", err, want)
		}
		if e.Name != (stanza.Name{Space: stanza.NSStream, Local: "error"}) {
			continue
		}
		se, err := stanza.ParseStreamError(e)
		if err != nil || se.Condition != want {
			c.t.Fatalf("got %s, want %s", e, want)
		}
		break
	}
	if _, err := c.dec.ReadElement(); err != io.EOF {
		c.t.Errorf("after the stream error: %v, want the closing tag", err)
	}
}

// startTLS negotiates TLS after the first features.
func (c *rawClient) startTLS() {
	c.t.Helper()
	f := c.openOK()
	if f.Child(nsTLS, "starttls") == nil {
		c.t.Fatalf("features %s", f)
	}
	c.write(stanza.NewElement(nsTLS, "starttls"))
	if e := c.read(); e.Name.Local != "proceed" {
		c.t.Fatalf("got %s", e)
	}
	tc := tls.Client(c.conn, c.srv.TLSConfig())
	if err := tc.Handshake(); err != nil {
		c.t.Fatal(err)
	}
	c.conn = tc
	c.enc.Reset(tc)
	c.dec.Reset(tc)
	c.opened = false
}

// plain authenticates with PLAIN after TLS and restarts the stream.
func (c *rawClient) plain(user, password string) {
	c.t.Helper()
	c.openOK()
	c.write(stanza.NewElement(nsSASL, "auth", stanza.A("mechanism", "PLAIN")).AddText(base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + password))))
	if e := c.read(); e.Name.Local != "success" {
		c.t.Fatalf("got %s", e)
	}
	c.dec.Restart()
	c.opened = false
}

// login runs TLS, PLAIN and bind as alice and returns the bound address.
func (c *rawClient) login() jid.JID {
	c.t.Helper()
	c.authenticate("alice")
	return c.bind()
}

// authenticate runs TLS and PLAIN as user and returns the features of the
// authenticated stream.
func (c *rawClient) authenticate(user string) *stanza.Element {
	c.t.Helper()
	c.startTLS()
	c.plain(user, user+"-pass")
	return c.openOK()
}

// bind binds a resource the server chooses.
func (c *rawClient) bind() jid.JID {
	c.t.Helper()
	c.write(stanza.NewIQ(stanza.IQSet, jid.JID{}, stanza.NewElement(nsBind, "bind")).Element())
	iq, err := stanza.ParseIQ(c.read())
	if err != nil || iq.Type != stanza.IQResult {
		c.t.Fatalf("bind: %v %v", iq, err)
	}
	return jid.MustParse(iq.Payload.ChildText(nsBind, "jid"))
}

// TestServerStreamErrors sends what the Server must refuse with a stream
// error.
func TestServerStreamErrors(t *testing.T) {
	srv := startServer(t, nil)
	for _, tc := range []struct {
		name string
		run  func(c *rawClient)
		want stanza.StreamCondition
	}{
		{"other host", func(c *rawClient) { c.open(stanza.StreamHeader{To: "example.org", Version: "1.0"}) }, stanza.StreamHostUnknown},
		{"no to", func(c *rawClient) { c.open(stanza.StreamHeader{Version: "1.0"}) }, stanza.StreamHostUnknown},
		{"no version", func(c *rawClient) { c.open(stanza.StreamHeader{To: "localhost"}) }, stanza.StreamUnsupportedVersion},
		{"server namespace", func(c *rawClient) {
			c.open(stanza.StreamHeader{Namespace: stanza.NSServer, To: "localhost", Version: "1.0"})
		}, stanza.StreamInvalidNamespace},
		{"not XML", func(c *rawClient) { c.writeString("GET / HTTP/1.1\r\n\r\n") }, stanza.StreamNotWellFormed},
		{"auth before STARTTLS", func(c *rawClient) {
			f := c.openOK()
			if f.Child(nsSASL, "mechanisms") != nil {
				t.Error("mechanisms offered before TLS")
			}
			c.write(stanza.NewElement(nsSASL, "auth", stanza.A("mechanism", "PLAIN")).AddText("AGFsaWNlAGFsaWNlLXBhc3M="))
		}, stanza.StreamPolicyViolation},
		{"data after starttls", func(c *rawClient) {
			c.openOK()
			c.writeString("<starttls xmlns='" + nsTLS + "'/><message/>")
		}, stanza.StreamPolicyViolation},
		{"stanza before auth", func(c *rawClient) {
			c.startTLS()
			c.openOK()
			c.write(stanza.NewMessage(stanza.MessageChat, jid.MustParse("bob@localhost"), "hi").Element())
		}, stanza.StreamNotAuthorized},
		{"stanza before bind", func(c *rawClient) {
			c.startTLS()
			c.plain("alice", "alice-pass")
			c.openOK()
			c.write(stanza.NewMessage(stanza.MessageChat, jid.MustParse("bob@localhost"), "hi").Element())
		}, stanza.StreamNotAuthorized},
		{"unknown element", func(c *rawClient) {
			c.login()
			c.write(stanza.NewElement("urn:example", "thing"))
		}, stanza.StreamUnsupportedStanzaType},
		{"restricted XML", func(c *rawClient) {
			c.login()
			c.writeString("<!-- a comment -->")
		}, stanza.StreamRestrictedXML},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := dialRaw(t, srv)
			c.t = t
			tc.run(c)
			c.streamError(tc.want)
		})
	}
}

// TestServerSASLFailures checks the SASL failures that leave the stream
// open for another try.
func TestServerSASLFailures(t *testing.T) {
	srv := startServer(t, nil)
	c := dialRaw(t, srv)
	c.startTLS()
	c.openOK()
	expect := func(cond string) {
		t.Helper()
		e := c.read()
		if e.Name.Local != "failure" || e.Child(nsSASL, cond) == nil {
			t.Errorf("got %s, want failure %s", e, cond)
		}
	}
	c.write(stanza.NewElement(nsSASL, "auth", stanza.A("mechanism", "DIGEST-MD5")))
	expect("invalid-mechanism")
	c.write(stanza.NewElement(nsSASL, "auth", stanza.A("mechanism", "PLAIN")).AddText("not base64!"))
	expect("incorrect-encoding")
	c.write(stanza.NewElement(nsSASL, "auth", stanza.A("mechanism", "PLAIN")).AddText(base64.StdEncoding.EncodeToString([]byte("alice"))))
	expect("malformed-request")
	c.write(stanza.NewElement(nsSASL, "auth", stanza.A("mechanism", "PLAIN")).AddText(base64.StdEncoding.EncodeToString([]byte("bob@localhost\x00alice\x00alice-pass"))))
	expect("invalid-authzid")
	// SCRAM, then abort after the challenge.
	c.write(stanza.NewElement(nsSASL, "auth", stanza.A("mechanism", "SCRAM-SHA-256")).AddText(base64.StdEncoding.EncodeToString([]byte("n,,n=alice,r=abcdefgh"))))
	if e := c.read(); e.Name.Local != "challenge" {
		t.Fatalf("got %s", e)
	}
	c.write(stanza.NewElement(nsSASL, "abort"))
	expect("aborted")
	// PLAIN without an initial response: an empty challenge asks for it.
	c.write(stanza.NewElement(nsSASL, "auth", stanza.A("mechanism", "PLAIN")))
	if e := c.read(); e.Name.Local != "challenge" || e.Text() != "=" {
		t.Fatalf("got %s, want an empty challenge", e)
	}
	c.write(stanza.NewElement(nsSASL, "response").AddText(base64.StdEncoding.EncodeToString([]byte("alice@localhost\x00alice\x00alice-pass"))))
	if e := c.read(); e.Name.Local != "success" {
		t.Fatalf("got %s", e)
	}
}

// TestServerStanzaChecks checks that the Server stamps the sender's
// address over a forged one, answers stanzas it cannot decode, and
// answers a closing tag with its own.
func TestServerStanzaChecks(t *testing.T) {
	srv := startServer(t, nil)
	c := dialRaw(t, srv)
	me := c.login()
	forged := stanza.NewMessage(stanza.MessageChat, me, "forged")
	forged.From = jid.MustParse("bob@localhost/x")
	c.write(forged.Element())
	m, err := stanza.ParseMessage(c.read())
	if err != nil || m.From != me || m.Body() != "forged" {
		t.Errorf("got %v %v, want the message from %s", m, err, me)
	}
	c.writeString("<message to='a@b@c' id='m1'><body>x</body></message>")
	e := c.read()
	if perr, _ := stanza.ParseMessage(e); e.Attr("id") != "m1" || perr == nil || !errors.Is(perr.Error, stanza.ErrJIDMalformed) {
		t.Errorf("got %s, want a jid-malformed error", e)
	}
	c.writeString("<iq type='get' id='q1'/>")
	e = c.read()
	if iq, _ := stanza.ParseIQ(e); e.Attr("id") != "q1" || iq == nil || !errors.Is(iq.Error, stanza.ErrBadRequest) {
		t.Errorf("got %s, want a bad-request error", e)
	}
	// A legacy session request is accepted after binding.
	req := stanza.NewIQ(stanza.IQSet, jid.JID{}, stanza.NewElement("urn:ietf:params:xml:ns:xmpp-session", "session"))
	c.write(req.Element())
	if iq, err := stanza.ParseIQ(c.read()); err != nil || iq.Type != stanza.IQResult || iq.ID != req.ID {
		t.Errorf("session: %v %v", iq, err)
	}
	if err := c.enc.WriteEnd(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.dec.ReadElement(); err != io.EOF {
		t.Errorf("after our closing tag: %v, want the server's", err)
	}
	if err := srv.WaitNoSession(ctx(t), me); err != nil {
		t.Error(err)
	}
}

// TestServerOptions checks the configuration errors and the accounts.
func TestServerOptions(t *testing.T) {
	for _, cfg := range []*xmpptest.ServerOptions{
		{Domain: "not a domain!"},
		{Domain: "user@example.com"},
		{Accounts: []xmpptest.Account{{User: "x", Password: "p", Domain: "elsewhere"}}},
		{Accounts: []xmpptest.Account{{User: "a@b", Password: "p"}}},
		{Accounts: []xmpptest.Account{{User: "x"}, {User: "X"}}},
	} {
		if srv, err := xmpptest.NewServer(cfg); err == nil {
			srv.Close()
			t.Errorf("NewServer(%+v) did not fail", cfg)
		}
	}
	srv := startServer(t, &xmpptest.ServerOptions{
		Domain:   "example.test",
		Accounts: []xmpptest.Account{{User: "eve", Password: "secret"}},
	})
	if got := srv.Account(0); got != (xmpptest.Account{User: "eve", Password: "secret", Domain: "example.test"}) {
		t.Errorf("account %+v", got)
	}
	if srv.Domain() != "example.test" || srv.TLSConfig().ServerName != "example.test" || len(srv.Accounts()) != 1 {
		t.Errorf("domain %s, accounts %v", srv.Domain(), srv.Accounts())
	}
	c, err := login(t, srv, 0, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.JID().Bare().String() != "eve@example.test" {
		t.Errorf("bound %s", c.JID())
	}
}
