package stream

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/sasl"
	"github.com/xmppkit/xmpp/stanza"
)

// Namespaces of stream negotiation.
const (
	NSTLS     = "urn:ietf:params:xml:ns:xmpp-tls"
	NSBind    = "urn:ietf:params:xml:ns:xmpp-bind"
	NSSession = "urn:ietf:params:xml:ns:xmpp-session"
	NSSASLCB  = "urn:xmpp:sasl-cb:0" // XEP-0440
)

// ErrTLSRequired reports a server that does not offer STARTTLS on a
// cleartext connection, when the Config does not allow cleartext.
var ErrTLSRequired = errors.New("stream: server does not offer STARTTLS and cleartext is not allowed")

// Config says how to negotiate a client stream. The zero value is not
// usable: JID is required.
type Config struct {
	// JID is the account. Its localpart is the SASL username unless
	// SASL.Username is set; its resourcepart, if any, is requested at
	// bind unless Resource is set.
	JID jid.JID
	// Resource to request at bind; empty lets the server choose.
	Resource string
	// SASL configures authentication (password, allowed mechanisms).
	SASL sasl.Config
	// TLSConfig is used for STARTTLS; ServerName defaults to the domain.
	TLSConfig *tls.Config
	// InsecureAllowCleartext accepts a server that offers no STARTTLS and
	// goes on without TLS. For tests against local servers only: PLAIN is
	// still never sent in the clear.
	InsecureAllowCleartext bool
	// Lang is the xml:lang of our stream header.
	Lang string
	// Logger receives negotiation steps at Debug level; nil is silent.
	Logger *slog.Logger
	// Resume, if set, asks to resume that stream-managed session instead
	// of binding, when the server offers stream management. If the server
	// refuses, a new session is bound and Session.ResumeErr says why.
	Resume *Resume
	// PreAuth, if set, runs once the stream is secured and before SASL,
	// with the stream features offered then. It may exchange elements
	// over t, as XEP-0077 in-band registration does. An error from it
	// ends the negotiation (the stream is closed) and is returned.
	PreAuth func(ctx context.Context, t Transport, features *stanza.Element) error
}

// Session is a negotiated stream, ready for stanzas.
type Session struct {
	Transport Transport
	// JID is the full address the server bound.
	JID jid.JID
	// ID is the stream id the server gave the final stream.
	ID string
	// Features are the stream features offered after authentication
	// (stream management, roster versioning, ...).
	Features *stanza.Element
	// Mechanism is the SASL mechanism used.
	Mechanism string
	// ChannelBinding is the channel-binding type the SASL exchange bound
	// to (sasl.TLSUnique, ...), or "" when it bound to none.
	ChannelBinding string
	// Resumed reports that Config.Resume was honoured: the old session
	// goes on, and ServerH is how many of our stanzas the server had
	// handled.
	Resumed bool
	ServerH uint32
	// ResumeErr is why resumption was refused, when it was asked for
	// and a new session was bound instead.
	ResumeErr *ResumeError
}

// Negotiate runs RFC 6120 stream negotiation on t: stream headers,
// STARTTLS, SASL, resource binding and, where the server requires it,
// legacy session establishment. ctx bounds the whole negotiation. On error
// the transport is closed; a stream error from the server is returned as a
// *stanza.StreamError.
func Negotiate(ctx context.Context, t Transport, cfg *Config) (*Session, error) {
	n := negotiator{t: t, cfg: cfg, log: cfg.Logger}
	if n.log == nil {
		n.log = slog.New(slog.DiscardHandler)
	}
	s, err := n.run(ctx)
	if err != nil {
		t.Close()
		return nil, err
	}
	return s, nil
}

type negotiator struct {
	t         Transport
	cfg       *Config
	log       *slog.Logger
	authed    bool
	preAuthed bool
	mech      string
	binding   string
	resumeErr *ResumeError
}

func (n *negotiator) run(ctx context.Context) (*Session, error) {
	domain := n.cfg.JID.Domainpart()
	if domain == "" {
		return nil, errors.New("stream: negotiate: no account address")
	}
	for round := 0; round < 4; round++ {
		h := stanza.StreamHeader{To: domain, Version: "1.0", Lang: n.cfg.Lang}
		if n.t.TLS() != nil {
			// RFC 6120 section 4.7.1: say who we are only once encrypted.
			h.From = n.cfg.JID.Bare().String()
		}
		peer, err := n.t.Open(ctx, h)
		if err != nil {
			return nil, n.readFailed(ctx, err)
		}
		if err := checkHeader(peer); err != nil {
			n.sendStreamError(ctx, err)
			return nil, err
		}
		feats, err := n.read(ctx)
		if err != nil {
			return nil, err
		}
		if feats.Name != (stanza.Name{Space: stanza.NSStream, Local: "features"}) {
			return nil, n.protocolError(ctx, "expected <stream:features>, got <"+feats.Name.Local+">")
		}
		switch {
		case n.t.TLS() == nil && feats.Child(NSTLS, "starttls") != nil:
			if err := n.startTLS(ctx, domain); err != nil {
				return nil, err
			}
		case n.t.TLS() == nil && !n.cfg.InsecureAllowCleartext:
			n.end(ctx)
			return nil, ErrTLSRequired
		case !n.authed:
			if n.cfg.PreAuth != nil && !n.preAuthed {
				n.preAuthed = true
				if err := n.cfg.PreAuth(ctx, n.t, feats); err != nil {
					n.end(ctx)
					return nil, err
				}
			}
			if err := n.authenticate(ctx, feats); err != nil {
				return nil, err
			}
		default:
			if r := n.cfg.Resume; r != nil && feats.Child(NSSM, "sm") != nil {
				ok, h, err := n.resume(ctx, r)
				if err != nil {
					return nil, err
				}
				if ok {
					return &Session{Transport: n.t, JID: r.JID, ID: peer.ID, Features: feats, Mechanism: n.mech, ChannelBinding: n.binding, Resumed: true, ServerH: h}, nil
				}
			} else if n.cfg.Resume != nil {
				n.resumeErr = &ResumeError{}
			}
			bound, err := n.bind(ctx, feats)
			if err != nil {
				return nil, err
			}
			if err := n.session(ctx, feats); err != nil {
				return nil, err
			}
			return &Session{Transport: n.t, JID: bound, ID: peer.ID, Features: feats, Mechanism: n.mech, ChannelBinding: n.binding, ResumeErr: n.resumeErr}, nil
		}
	}
	return nil, n.protocolError(ctx, "negotiation did not finish")
}

// checkHeader validates the server's stream header.
func checkHeader(h stanza.StreamHeader) error {
	if h.Namespace != stanza.NSClient {
		return &stanza.StreamError{Condition: stanza.StreamInvalidNamespace, Text: "content namespace is not jabber:client"}
	}
	if h.Version == "" || h.Version[0] != '1' {
		return &stanza.StreamError{Condition: stanza.StreamUnsupportedVersion, Text: "stream version " + h.Version}
	}
	return nil
}

// read reads the next element, turning a stream error from the peer into
// an error and answering bad XML with the stream error it calls for.
func (n *negotiator) read(ctx context.Context) (*stanza.Element, error) {
	e, err := n.t.ReadElementContext(ctx)
	if err != nil {
		return nil, n.readFailed(ctx, err)
	}
	if e.Name == (stanza.Name{Space: stanza.NSStream, Local: "error"}) {
		se, perr := stanza.ParseStreamError(e)
		if perr != nil {
			return nil, fmt.Errorf("stream: bad stream error from server: %w", perr)
		}
		return nil, se
	}
	return e, nil
}

// readFailed sends the stream error a syntax error calls for and returns
// err with context.
func (n *negotiator) readFailed(ctx context.Context, err error) error {
	var syn *stanza.SyntaxError
	if errors.As(err, &syn) {
		n.sendStreamError(ctx, &stanza.StreamError{Condition: syn.Condition})
	}
	return fmt.Errorf("stream: negotiation: %w", err)
}

// protocolError ends the stream for an unexpected element.
func (n *negotiator) protocolError(ctx context.Context, msg string) error {
	se := &stanza.StreamError{Condition: stanza.StreamUndefinedCondition, Text: msg}
	n.sendStreamError(ctx, se)
	return fmt.Errorf("stream: negotiation: %s", msg)
}

// sendStreamError writes err as a stream error, if it is one, and closes.
func (n *negotiator) sendStreamError(ctx context.Context, err error) {
	var se *stanza.StreamError
	if errors.As(err, &se) {
		_ = n.t.WriteElement(ctx, se.Element())
	}
	n.end(ctx)
}

// end closes our stream and the connection, after a failure.
func (n *negotiator) end(ctx context.Context) {
	_ = n.t.EndStream(ctx)
	_ = n.t.Close()
}

func (n *negotiator) startTLS(ctx context.Context, domain string) error {
	n.log.Debug("starttls")
	if err := n.t.WriteElement(ctx, stanza.NewElement(NSTLS, "starttls")); err != nil {
		return fmt.Errorf("stream: starttls: %w", err)
	}
	e, err := n.read(ctx)
	if err != nil {
		return err
	}
	switch e.Name {
	case stanza.Name{Space: NSTLS, Local: "proceed"}:
	case stanza.Name{Space: NSTLS, Local: "failure"}:
		_ = n.t.Close()
		return errors.New("stream: starttls: the server refused to start TLS")
	default:
		return n.protocolError(ctx, "unexpected <"+e.Name.Local+"> in answer to <starttls/>")
	}
	if err := n.t.StartTLS(ctx, TLSConfig(n.cfg.TLSConfig, domain)); err != nil {
		return err
	}
	return nil
}

func (n *negotiator) authenticate(ctx context.Context, feats *stanza.Element) error {
	mechs := feats.Child(sasl.NS, "mechanisms")
	if mechs == nil {
		return n.protocolError(ctx, "the server offers no SASL mechanisms")
	}
	var offered []string
	for m := range mechs.Children() {
		if m.Name.Local == "mechanism" {
			offered = append(offered, m.Text())
		}
	}
	var cbTypes []string
	if cb := feats.Child(NSSASLCB, "sasl-channel-binding"); cb != nil {
		for c := range cb.Children() {
			if c.Name.Local == "channel-binding" {
				cbTypes = append(cbTypes, c.Attr("type"))
			}
		}
	}
	sc := n.cfg.SASL
	if sc.Username == "" {
		sc.Username = n.cfg.JID.Localpart()
	}
	sess, err := sc.Select(offered, sasl.ConnInfo{TLS: n.t.TLS(), Domain: n.cfg.JID.Domainpart(), ChannelBindingTypes: cbTypes, Mechanisms: offered})
	if err != nil {
		n.end(ctx)
		return err
	}
	n.mech = sess.Mechanism()
	n.binding = sasl.BindingType(sess)
	n.log.Debug("sasl", "mechanism", n.mech, "offered", offered)
	if err := n.exchange(ctx, sess); err != nil {
		return err
	}
	n.authed = true
	return nil
}

// exchange runs the SASL exchange of RFC 6120 section 6.4.
func (n *negotiator) exchange(ctx context.Context, sess sasl.Session) error {
	ir, err := sess.Start()
	if err != nil {
		n.end(ctx)
		return err
	}
	if err := n.t.WriteElement(ctx, sasl.AuthElement(sess.Mechanism(), ir)); err != nil {
		return fmt.Errorf("stream: sasl: %w", err)
	}
	for {
		e, err := n.read(ctx)
		if err != nil {
			return err
		}
		if e.Name.Space != sasl.NS {
			return n.protocolError(ctx, "unexpected <"+e.Name.Local+"> during SASL")
		}
		switch e.Name.Local {
		case "challenge":
			data, err := sasl.DecodePayload(e)
			if err == nil {
				data, err = sess.Next(data)
			}
			if err != nil {
				_ = n.t.WriteElement(ctx, stanza.NewElement(sasl.NS, "abort"))
				n.end(ctx)
				return err
			}
			if err := n.t.WriteElement(ctx, sasl.ResponseElement(data)); err != nil {
				return fmt.Errorf("stream: sasl: %w", err)
			}
		case "success":
			data, err := sasl.DecodePayload(e)
			if err == nil {
				err = sess.Verify(data)
			}
			if err != nil {
				// The server could not prove it knows the password:
				// it is not the server we meant to talk to.
				n.end(ctx)
				return fmt.Errorf("stream: sasl: server not authenticated: %w", err)
			}
			return nil
		case "failure":
			n.end(ctx)
			return sasl.ParseFailure(e)
		default:
			return n.protocolError(ctx, "unexpected <"+e.Name.Local+"> during SASL")
		}
	}
}
