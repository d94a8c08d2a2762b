package xmpptest

import (
	"bytes"
	"encoding/base64"
	"errors"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/sasl"
	"github.com/xmppkit/xmpp/stanza"
)

// Mechanisms the Server offers, strongest first.
const (
	mechSCRAMSHA256 = "SCRAM-SHA-256"
	mechPlain       = "PLAIN"
)

// maxAuthAttempts bounds the failed authentications on one stream.
const maxAuthAttempts = 10

// mechanisms returns the <mechanisms/> stream feature.
func (s *Server) mechanisms() *stanza.Element {
	m := stanza.NewElement(sasl.NS, "mechanisms")
	for _, name := range []string{mechSCRAMSHA256, mechPlain} {
		m.AddChild(stanza.NewElement(sasl.NS, "mechanism").AddText(name))
	}
	return m
}

// saslFailure is a SASL failure condition (RFC 6120 section 6.5) that ends
// one authentication attempt.
type saslFailure string

func (f saslFailure) Error() string { return "sasl: " + string(f) }

// authenticate runs SASL exchanges (RFC 6120 section 6) until one
// succeeds. Failed attempts are answered with <failure/> and the client
// may try again, up to maxAuthAttempts.
func (ss *session) authenticate() error {
	for attempt := 0; ; attempt++ {
		if attempt == maxAuthAttempts {
			return streamError(stanza.StreamPolicyViolation, "too many failed authentication attempts")
		}
		e, err := ss.next()
		if err != nil {
			return err
		}
		switch e.Name {
		case stanza.Name{Space: sasl.NS, Local: "auth"}:
		case stanza.Name{Space: sasl.NS, Local: "abort"}:
			ss.fail("aborted")
			continue
		default:
			return streamError(stanza.StreamNotAuthorized, "authenticate first")
		}
		var a *account
		var success []byte
		switch mech := e.Attr("mechanism"); mech {
		case mechPlain:
			a, err = ss.plain(e)
		case mechSCRAMSHA256:
			a, success, err = ss.scramSHA256(e)
		default:
			err = saslFailure("invalid-mechanism")
		}
		var f saslFailure
		switch {
		case errors.As(err, &f):
			ss.srv.log.Info("authentication failed", "session", ss.id, "condition", string(f))
			ss.fail(f)
			continue
		case err != nil:
			return err
		}
		ss.acct = a
		ss.setAddress(a.bare)
		el := stanza.NewElement(sasl.NS, "success")
		if len(success) > 0 {
			el.AddText(base64.StdEncoding.EncodeToString(success))
		}
		ss.send(el)
		ss.srv.log.Info("authenticated", "session", ss.id, "jid", a.bare.String())
		return nil
	}
}

// fail sends <failure/> with condition f.
func (ss *session) fail(f saslFailure) {
	ss.send(stanza.NewElement(sasl.NS, "failure").AddChild(stanza.NewElement(sasl.NS, string(f))))
}

// initialResponse returns the data of <auth/>, asking for it with an
// empty challenge when the client sent none.
func (ss *session) initialResponse(auth *stanza.Element) ([]byte, error) {
	if auth.Text() != "" || auth.NumChildren() > 0 {
		return decodeSASL(auth)
	}
	return ss.challenge(nil)
}

// challenge sends a challenge carrying data and returns the client's
// response.
func (ss *session) challenge(data []byte) ([]byte, error) {
	el := stanza.NewElement(sasl.NS, "challenge")
	if data != nil {
		el.AddText(base64.StdEncoding.EncodeToString(data))
	} else {
		el.AddText("=")
	}
	ss.send(el)
	e, err := ss.next()
	if err != nil {
		return nil, err
	}
	switch e.Name {
	case stanza.Name{Space: sasl.NS, Local: "response"}:
		return decodeSASL(e)
	case stanza.Name{Space: sasl.NS, Local: "abort"}:
		return nil, saslFailure("aborted")
	}
	return nil, streamError(stanza.StreamNotAuthorized, "unexpected <"+e.Name.Local+"> during authentication")
}

// decodeSASL decodes the base64 content of a SASL element; "=" is empty.
func decodeSASL(e *stanza.Element) ([]byte, error) {
	s := e.Text()
	if e.NumChildren() > 0 {
		return nil, saslFailure("malformed-request")
	}
	if s == "=" || s == "" {
		return []byte{}, nil
	}
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, saslFailure("incorrect-encoding")
	}
	return b, nil
}

// plain runs PLAIN (RFC 4616): authzid NUL authcid NUL password.
func (ss *session) plain(auth *stanza.Element) (*account, error) {
	data, err := ss.initialResponse(auth)
	if err != nil {
		return nil, err
	}
	parts := bytes.Split(data, []byte{0})
	if len(parts) != 3 {
		return nil, saslFailure("malformed-request")
	}
	a := ss.srv.lookupUser(string(parts[1]))
	if a == nil || string(parts[2]) != a.Password {
		return nil, saslFailure("not-authorized")
	}
	if err := ss.srv.checkAuthzID(a, string(parts[0])); err != nil {
		return nil, err
	}
	return a, nil
}

// scramSHA256 runs SCRAM-SHA-256 (RFC 7677) without channel binding and
// returns the account and the server-final message for <success/>.
func (ss *session) scramSHA256(auth *stanza.Element) (*account, []byte, error) {
	first, err := ss.initialResponse(auth)
	if err != nil {
		return nil, nil, err
	}
	conv := ss.srv.scram.NewConversation()
	serverFirst, err := conv.Step(string(first))
	if err != nil {
		return nil, nil, saslFailure("not-authorized")
	}
	final, err := ss.challenge([]byte(serverFirst))
	if err != nil {
		return nil, nil, err
	}
	serverFinal, err := conv.Step(string(final))
	if err != nil || !conv.Valid() {
		return nil, nil, saslFailure("not-authorized")
	}
	a := ss.srv.lookupUser(conv.Username())
	if a == nil {
		return nil, nil, saslFailure("not-authorized")
	}
	if err := ss.srv.checkAuthzID(a, conv.AuthzID()); err != nil {
		return nil, nil, err
	}
	return a, []byte(serverFinal), nil
}

// lookupUser returns the account of a SASL user name (a localpart), or
// nil.
func (s *Server) lookupUser(name string) *account {
	j, err := jid.New(name, s.domain, "")
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.users[j.Localpart()]
}

// checkAuthzID accepts an empty authorization identity or the account's
// own bare address.
func (s *Server) checkAuthzID(a *account, authz string) error {
	if authz == "" {
		return nil
	}
	if j, err := jid.Parse(authz); err == nil && j == a.bare {
		return nil
	}
	return saslFailure("invalid-authzid")
}
