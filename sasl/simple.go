package sasl

import (
	"errors"
	"fmt"
	"strings"

	gosasl "github.com/emersion/go-sasl"
)

// clientSession adapts a github.com/emersion/go-sasl client of a
// single-message mechanism (PLAIN, EXTERNAL, ANONYMOUS) to Session.
type clientSession struct {
	name    string
	client  gosasl.Client
	started bool
}

// Mechanism returns the mechanism name.
func (s *clientSession) Mechanism() string { return s.name }

// Start returns the initial response, which these mechanisms always send:
// empty ("=" on the wire) when there is nothing to say.
func (s *clientSession) Start() ([]byte, error) {
	if s.started {
		return nil, fmt.Errorf("sasl: %s: start called twice", strings.ToLower(s.name))
	}
	s.started = true
	_, ir, err := s.client.Start()
	if err != nil {
		return nil, fmt.Errorf("sasl: %s: %w", strings.ToLower(s.name), err)
	}
	if ir == nil {
		ir = []byte{}
	}
	return ir, nil
}

// Next fails: these mechanisms expect no challenge.
func (s *clientSession) Next(challenge []byte) ([]byte, error) {
	resp, err := s.client.Next(challenge)
	if errors.Is(err, gosasl.ErrUnexpectedServerChallenge) {
		return nil, unexpectedChallenge(s.name)
	}
	if err != nil {
		return nil, fmt.Errorf("sasl: %s: %w", strings.ToLower(s.name), err)
	}
	return resp, nil
}

// Verify accepts any additional data: these mechanisms authenticate only
// the client.
func (s *clientSession) Verify([]byte) error { return nil }

// unexpectedChallenge returns the error for a challenge that mechanism
// name does not expect.
func unexpectedChallenge(name string) error {
	return fmt.Errorf("sasl: %s: %w: the mechanism expects no challenge", strings.ToLower(name), ErrInvalidChallenge)
}

// oauthBearerSession is OAUTHBEARER (RFC 7628) over the go-sasl client,
// which builds the initial response.
type oauthBearerSession struct {
	clientSession
	answered bool
}

// newOAuthBearer returns an OAUTHBEARER session sending token, with authzid
// (may be empty) in the GS2 header and host as the host key.
func newOAuthBearer(authzid, host, token string) *oauthBearerSession {
	// go-sasl writes the authzid as it is; RFC 5801 saslname escaping of
	// '=' and ',' is ours to do, as both may occur in a localpart.
	authzid = strings.NewReplacer("=", "=3D", ",", "=2C").Replace(authzid)
	c := gosasl.NewOAuthBearerClient(&gosasl.OAuthBearerOptions{Username: authzid, Host: host, Token: token})
	return &oauthBearerSession{clientSession: clientSession{name: OAuthBearer, client: c}}
}

// Next answers the server's error challenge (a JSON status document) with
// the single %x01 byte that RFC 7628 section 3.2.3 requires; the server
// then sends <failure/>, which is the error the caller sees. A second
// challenge is an error.
func (s *oauthBearerSession) Next([]byte) ([]byte, error) {
	if s.answered {
		return nil, unexpectedChallenge(s.name)
	}
	s.answered = true
	return []byte{0x01}, nil
}

// xoauth2Session is X-OAUTH2, Google's bearer-token mechanism that some
// servers (ejabberd among them) accept: a single message
// authzid NUL user NUL token, like PLAIN with a token for the password.
type xoauth2Session struct {
	ir      []byte
	started bool
}

// Mechanism returns "X-OAUTH2".
func (s *xoauth2Session) Mechanism() string { return XOAuth2 }

// Start returns the initial response.
func (s *xoauth2Session) Start() ([]byte, error) {
	if s.started {
		return nil, errors.New("sasl: x-oauth2: start called twice")
	}
	s.started = true
	return s.ir, nil
}

// Next fails: X-OAUTH2 expects no challenge.
func (s *xoauth2Session) Next([]byte) ([]byte, error) { return nil, unexpectedChallenge(XOAuth2) }

// Verify accepts any additional data.
func (s *xoauth2Session) Verify([]byte) error { return nil }
