package stream_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/sasl"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stream"
	"github.com/xmppkit/xmpp/xmpptest"
)

// Negotiation's error paths, each made by changing one element (or, before
// TLS, a few bytes) of an otherwise real exchange with xmpptest.Server.

// negotiate runs Negotiate for account 0 of srv over conn (DialPipe when
// nil), with cfg changed by change.
func negotiate(t *testing.T, srv *xmpptest.Server, conn net.Conn, change func(*stream.Config)) (*stream.Session, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if conn == nil {
		var err error
		if conn, err = srv.DialPipe(ctx, "tcp", ""); err != nil {
			t.Fatal(err)
		}
	}
	a := srv.Account(0)
	cfg := &stream.Config{
		JID:       a.JID(),
		Resource:  "neg",
		SASL:      sasl.Config{Password: a.Password},
		TLSConfig: srv.TLSConfig(),
	}
	if change != nil {
		change(cfg)
	}
	tr := stream.NewTCP(conn, nil, nil)
	sess, err := stream.Negotiate(ctx, tr, cfg)
	if err == nil {
		t.Cleanup(func() { _ = tr.Close() })
	}
	return sess, err
}

// replace makes srv write what repl returns instead of the first element
// to a client that match accepts.
func replace(srv *xmpptest.Server, match func(*stanza.Element) bool, repl func(*stanza.Element) *stanza.Element) {
	var once sync.Once
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		var v xmpptest.Verdict
		if ev.Dir == xmpptest.ServerToClient && match(ev.Element) {
			once.Do(func() { v.Replace = repl(ev.Element) })
		}
		return v
	})
}

// fromClient returns a channel receiving the elements clients send whose
// local name is local.
func fromClient(srv *xmpptest.Server, local string) <-chan *stanza.Element {
	ch := make(chan *stanza.Element, 16)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == xmpptest.ClientToServer && ev.Element.Name.Local == local {
			select {
			case ch <- ev.Element:
			default:
			}
		}
		return xmpptest.Verdict{}
	})
	return ch
}

// streamError waits for the stream error a client sent.
func streamError(t *testing.T, ch <-chan *stanza.Element) *stanza.StreamError {
	t.Helper()
	select {
	case e := <-ch:
		se, err := stanza.ParseStreamError(e)
		if err != nil {
			t.Fatal(err)
		}
		return se
	case <-time.After(5 * time.Second):
		t.Fatal("the client sent no stream error")
		return nil
	}
}

func hasStartTLS(e *stanza.Element) bool { return e.Child(stream.NSTLS, "starttls") != nil }

func isTLS(local string) func(*stanza.Element) bool {
	return func(e *stanza.Element) bool { return e.Name == stanza.Name{Space: stream.NSTLS, Local: local} }
}

func features(children ...*stanza.Element) *stanza.Element {
	f := stanza.NewElement(stanza.NSStream, "features")
	for _, c := range children {
		f.AddChild(c)
	}
	return f
}

func TestNegotiate(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	sess, err := negotiate(t, srv, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := jid.MustParse("alice@localhost/neg"); sess.JID != want {
		t.Errorf("bound %s, want %s", sess.JID, want)
	}
	if sess.Mechanism != sasl.SCRAMSHA256 {
		t.Errorf("mechanism %s", sess.Mechanism)
	}
	if st := sess.Transport.TLS(); st == nil || st.Version < tls.VersionTLS12 {
		t.Errorf("TLS state %v", st)
	}
	if sess.ID == "" || sess.Features.Child(stream.NSBind, "bind") == nil || sess.Resumed {
		t.Errorf("session %+v", sess)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.WaitSession(ctx, sess.JID); err != nil {
		t.Error(err)
	}
}

func TestNegotiateUntrustedCertificate(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	_, err := negotiate(t, srv, nil, func(c *stream.Config) { c.TLSConfig = nil }) // system roots
	var cve *tls.CertificateVerificationError
	if !errors.As(err, &cve) {
		t.Fatalf("err = %v, want a certificate verification error", err)
	}
}

func TestNegotiateStartTLSRefused(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	replace(srv, isTLS("proceed"), func(*stanza.Element) *stanza.Element { return stanza.NewElement(stream.NSTLS, "failure") })
	_, err := negotiate(t, srv, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "refused to start TLS") {
		t.Fatalf("err = %v", err)
	}
}

// TestNegotiateUnexpectedAnswer: an answer to <starttls/> that is neither
// <proceed/> nor <failure/> ends the negotiation. (The stream error the
// client sends then is not checked: the Server, having sent <proceed/>,
// reads it as a bad TLS handshake.)
func TestNegotiateUnexpectedAnswer(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	replace(srv, isTLS("proceed"), func(*stanza.Element) *stanza.Element { return stanza.NewElement(sasl.NS, "success") })
	_, err := negotiate(t, srv, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "unexpected <success>") {
		t.Fatalf("err = %v", err)
	}
}

// TestNegotiateCleartext: without STARTTLS offered, negotiation stops
// unless cleartext is allowed, and even then PLAIN is not sent in the
// clear.
func TestNegotiateCleartext(t *testing.T) {
	plainOnly := func(*stanza.Element) *stanza.Element {
		return features(stanza.NewElement(sasl.NS, "mechanisms").AddChild(stanza.NewElement(sasl.NS, "mechanism").AddText("PLAIN")))
	}
	srv := xmpptest.StartServer(t, nil)
	replace(srv, hasStartTLS, plainOnly)
	if _, err := negotiate(t, srv, nil, nil); !errors.Is(err, stream.ErrTLSRequired) {
		t.Errorf("without cleartext allowed: %v", err)
	}

	srv = xmpptest.StartServer(t, nil)
	auths := fromClient(srv, "auth")
	replace(srv, hasStartTLS, plainOnly)
	if _, err := negotiate(t, srv, nil, func(c *stream.Config) { c.InsecureAllowCleartext = true }); !errors.Is(err, sasl.ErrNoMechanism) {
		t.Errorf("PLAIN offered in the clear: %v", err)
	}
	select {
	case a := <-auths:
		t.Errorf("client sent %s in the clear", a)
	default:
	}
}

func TestNegotiateNoMechanisms(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	sent := fromClient(srv, "error")
	replace(srv, func(e *stanza.Element) bool { return e.Child(sasl.NS, "mechanisms") != nil },
		func(*stanza.Element) *stanza.Element { return features() })
	_, err := negotiate(t, srv, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "no SASL mechanisms") {
		t.Fatalf("err = %v", err)
	}
	streamError(t, sent)
}

// TestNegotiateStreamError: a stream error from the server during
// negotiation is returned as a *stanza.StreamError.
func TestNegotiateStreamError(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	replace(srv, func(e *stanza.Element) bool { return e.Child(stream.NSBind, "bind") != nil },
		func(*stanza.Element) *stanza.Element {
			return (&stanza.StreamError{Condition: stanza.StreamResourceConstraint, Text: "full"}).Element()
		})
	_, err := negotiate(t, srv, nil, nil)
	var se *stanza.StreamError
	if !errors.Is(err, stanza.StreamResourceConstraint) || !errors.As(err, &se) || se.Text != "full" {
		t.Fatalf("err = %v", err)
	}
}

// TestNegotiateBadXML: XML that breaks the rules, before TLS, is answered
// with the stream error it calls for. The bytes are changed on the wire,
// which only an attacker in the path (or a broken server) can do.
func TestNegotiateBadXML(t *testing.T) {
	for _, tc := range []struct {
		name, old, new string
		want           stanza.StreamCondition
	}{
		{"comment", "<starttls", "<!-- hi --><starttls", stanza.StreamRestrictedXML},
		{"mismatched tag", "</starttls>", "</tls>", stanza.StreamNotWellFormed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := xmpptest.StartServer(t, nil)
			sent := fromClient(srv, "error")
			conn, err := srv.DialPipe(context.Background(), "tcp", "")
			if err != nil {
				t.Fatal(err)
			}
			_, err = negotiate(t, srv, &rewriteConn{Conn: conn, old: []byte(tc.old), new: []byte(tc.new)}, nil)
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %s", err, tc.want)
			}
			if se := streamError(t, sent); se.Condition != tc.want {
				t.Errorf("client sent %v, want %s", se, tc.want)
			}
		})
	}
}

// TestNegotiateStartTLSInjection: bytes an attacker appends to <proceed/>
// in the clear are not taken as if they came through TLS.
func TestNegotiateStartTLSInjection(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	conn, err := srv.DialPipe(context.Background(), "tcp", "")
	if err != nil {
		t.Fatal(err)
	}
	proceed := "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
	rw := &rewriteConn{Conn: conn, old: []byte(proceed), new: []byte(proceed + "<message><body>injected</body></message>")}
	_, err = negotiate(t, srv, rw, nil)
	if err == nil || !strings.Contains(err.Error(), "in the clear") {
		t.Fatalf("err = %v", err)
	}
	if !rw.done {
		t.Fatal("the test did not find <proceed/> on the wire")
	}
}

// rewriteConn replaces the first occurrence of old in what is read from
// the connection, within one read, by new.
type rewriteConn struct {
	net.Conn
	old, new []byte
	done     bool
	pending  []byte
}

func (c *rewriteConn) Read(p []byte) (int, error) {
	if len(c.pending) == 0 {
		buf := make([]byte, len(p))
		n, err := c.Conn.Read(buf)
		if n == 0 {
			return 0, err
		}
		buf = buf[:n]
		if !c.done {
			if i := bytes.Index(buf, c.old); i >= 0 {
				c.done = true
				buf = append(buf[:i:i], append(append([]byte(nil), c.new...), buf[i+len(c.old):]...)...)
			}
		}
		c.pending = buf
	}
	n := copy(p, c.pending)
	c.pending = c.pending[n:]
	return n, nil
}

// TestNegotiatePreAuth: PreAuth runs once, on the secured stream, before
// SASL, with the features offered; its error ends the negotiation before
// anything is authenticated.
func TestNegotiatePreAuth(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	calls := 0
	sess, err := negotiate(t, srv, nil, func(c *stream.Config) {
		c.PreAuth = func(ctx context.Context, tr stream.Transport, f *stanza.Element) error {
			calls++
			if tr.TLS() == nil || f.Child(sasl.NS, "mechanisms") == nil {
				t.Errorf("PreAuth on TLS %v with features %s", tr.TLS(), f)
			}
			return nil
		}
	})
	if err != nil || calls != 1 || sess == nil {
		t.Fatalf("session %v, err %v, %d calls", sess, err, calls)
	}

	auths := fromClient(srv, "auth")
	refuse := errors.New("no thanks")
	_, err = negotiate(t, srv, nil, func(c *stream.Config) {
		c.PreAuth = func(context.Context, stream.Transport, *stanza.Element) error { return refuse }
	})
	if !errors.Is(err, refuse) {
		t.Errorf("err = %v", err)
	}
	select {
	case a := <-auths:
		t.Errorf("authenticated after PreAuth failed: %s", a)
	default:
	}
}
