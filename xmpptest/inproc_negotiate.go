package xmpptest

import (
	"crypto/tls"
	"fmt"
	"strings"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	xstream "github.com/xmppkit/xmpp/stream"
)

// header returns the Server's stream header, addressed to to ("" for
// none), with a fresh stream id.
func (s *Server) header(to string) *stanza.StreamHeader {
	return &stanza.StreamHeader{Namespace: stanza.NSClient, From: s.domain, To: to, ID: stanza.NewID(), Version: "1.0"}
}

// negotiate runs RFC 6120 stream negotiation for the client: TLS
// (STARTTLS, required, or direct TLS; none on a connection its transport
// secures), SASL, then resource binding or stream resumption. It returns
// once the session is bound, or the error that ends it: a
// *stanza.StreamError to send, a *stanza.SyntaxError, io.EOF or a
// connection error.
func (ss *session) negotiate() error {
	switch ss.sec {
	case secDirectTLS:
		if err := ss.handshake(); err != nil {
			return err
		}
	case secSTARTTLS:
		if err := ss.open(); err != nil {
			return err
		}
		ss.features(stanza.NewElement(xstream.NSTLS, "starttls").AddChild(stanza.NewElement(xstream.NSTLS, "required")))
		if err := ss.startTLS(); err != nil {
			return err
		}
	}
	if err := ss.open(); err != nil {
		return err
	}
	ss.features(ss.srv.mechanisms())
	if err := ss.authenticate(); err != nil {
		return err
	}
	ss.dec.Restart()
	if err := ss.open(); err != nil {
		return err
	}
	feats := []*stanza.Element{
		stanza.NewElement(xstream.NSBind, "bind").AddChild(stanza.NewElement(xstream.NSBind, "required")),
		stanza.NewElement(xstream.NSSession, "session").AddChild(stanza.NewElement(xstream.NSSession, "optional")),
	}
	if ss.srv.sm {
		feats = append(feats, stanza.NewElement(nsSM, "sm"))
	}
	feats = append(feats, stanza.NewElement(nsRosterVer, "ver"))
	ss.features(feats...)
	return ss.bind()
}

// open reads the client's stream header and answers with ours. A header
// the Server cannot accept is answered with a stream error (after our
// header, as RFC 6120 section 4.9.1.1 asks).
func (ss *session) open() error {
	h, err := ss.dec.ReadHeader()
	if err != nil {
		return err
	}
	to := ""
	if from, err := jid.Parse(h.From); err == nil {
		to = from.String()
	}
	ss.push(outItem{header: ss.srv.header(to)})
	switch {
	case h.Namespace != stanza.NSClient:
		return streamError(stanza.StreamInvalidNamespace, "the content namespace must be "+stanza.NSClient)
	case !ss.srv.isDomain(h.To):
		return streamError(stanza.StreamHostUnknown, fmt.Sprintf("this server hosts %s, not %q", ss.srv.domain, h.To))
	case h.Version == "" || !strings.HasPrefix(h.Version, "1."):
		return streamError(stanza.StreamUnsupportedVersion, "stream version 1.0 is required")
	}
	return nil
}

// isDomain reports whether the address s names the Server's domain.
func (s *Server) isDomain(addr string) bool {
	j, err := jid.Parse(addr)
	return err == nil && j == s.domainJ
}

// features sends <stream:features/> with the given children.
func (ss *session) features(children ...*stanza.Element) {
	f := stanza.NewElement(stanza.NSStream, "features")
	for _, c := range children {
		f.AddChild(c)
	}
	ss.send(f)
}

// startTLS waits for <starttls/>, answers <proceed/> and runs the TLS
// handshake. Anything else first is refused: TLS is required.
func (ss *session) startTLS() error {
	e, err := ss.next()
	if err != nil {
		return err
	}
	if e.Name != (stanza.Name{Space: xstream.NSTLS, Local: "starttls"}) {
		return streamError(stanza.StreamPolicyViolation, "STARTTLS is required before <"+e.Name.Local+">")
	}
	if ss.dec.Buffered() > 0 {
		// Bytes sent in the clear after <starttls/> would be taken as
		// coming through TLS: the STARTTLS injection bug class.
		return streamError(stanza.StreamPolicyViolation, "data after <starttls/>")
	}
	ss.send(stanza.NewElement(xstream.NSTLS, "proceed"))
	if !ss.flush() {
		return errQuit
	}
	return ss.handshake()
}

// handshake runs the server side of a TLS handshake on the connection
// and makes both directions use TLS from then on. Nothing is written
// meanwhile.
func (ss *session) handshake() error {
	ss.inTLS.Store(true)
	tc := tls.Server(ss.raw, ss.srv.tlsConf)
	err := tc.HandshakeContext(ss.ctx)
	ss.inTLS.Store(false)
	if err != nil {
		return fmt.Errorf("tls handshake: %w", err)
	}
	ss.conn = tc
	ss.dec.Reset(tc)
	ss.q.pushAlways(outItem{fn: func() { ss.wconn, ss.headerSent = tc, false }})
	return nil
}

// bind waits for a resource binding request (RFC 6120 section 7) and binds
// the session, or for a stream-management resumption (XEP-0198), which
// takes over an earlier session instead. A second session with the same full address replaces the
// first, which ends with a conflict stream error, as Prosody and ejabberd
// do.
func (ss *session) bind() error {
	for {
		e, err := ss.next()
		if err != nil {
			return err
		}
		if e.Name.Space == nsSM && ss.srv.sm {
			switch {
			case e.Name.Local == "resume" && ss.resume(e):
				return nil
			case e.Name.Local == "enable":
				ss.send(smFailed(stanza.ErrUnexpectedRequest)) // bind first
			}
			continue
		}
		iq, perr := stanza.ParseIQ(e)
		if perr != nil || iq.Type != stanza.IQSet || iq.Payload == nil {
			return streamError(stanza.StreamNotAuthorized, "bind a resource first")
		}
		switch iq.Payload.Name {
		case stanza.Name{Space: xstream.NSBind, Local: "bind"}:
		case stanza.Name{Space: xstream.NSSession, Local: "session"}:
			ss.send(iq.Result(nil).Element())
			continue
		default:
			return streamError(stanza.StreamNotAuthorized, "bind a resource first")
		}
		res := strings.TrimSpace(iq.Payload.ChildText(xstream.NSBind, "resource"))
		if res == "" {
			res = "xmpptest-" + stanza.NewID()[:8]
		}
		full, err := jid.New(ss.acct.bare.Localpart(), ss.srv.domain, res)
		if err != nil {
			ss.send(iq.ErrorReply(stanza.NewError(stanza.ErrBadRequest, "invalid resource")).Element())
			continue
		}
		result := iq.Result(stanza.NewElement(xstream.NSBind, "bind").AddChild(stanza.NewElement(xstream.NSBind, "jid").AddText(full.String())))
		if !ss.srv.bindSession(ss, full, result.Element()) {
			return errQuit
		}
		ss.srv.log.Info("session bound", "session", ss.id, "jid", full.String())
		return nil
	}
}
