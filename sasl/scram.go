package sasl

import (
	"errors"
	"fmt"

	"github.com/xdg-go/scram"
)

// scramState is where a SCRAM exchange stands.
type scramState int

const (
	scramNew       scramState = iota
	scramFirstSent            // client-first sent; expecting server-first
	scramFinalSent            // client-final sent; expecting server-final
	scramVerified             // server signature checked
	scramFailed               // spent after an error
)

// scramSession is a SCRAM exchange (RFC 5802, RFC 7677) on top of an
// xdg-go/scram client conversation, which builds the messages and checks
// the proofs. The session checks every server message first (see
// parseServerFirst), so the conversation only sees well-formed input.
type scramSession struct {
	name     string
	conv     *scram.ClientConversation
	nonce    string
	minIters int
	maxIters int

	// XEP-0474: the expected hash, and whether the server must send it.
	wantHash    []byte
	requireHash bool

	binding string // the channel-binding type, "" without

	state       scramState
	err         error  // the error that spent the session
	serverFinal string // the verified server-final message
}

// scramParams are the inputs of newSCRAM beyond the configuration.
type scramParams struct {
	mech        mechInfo
	cb          scram.ChannelBinding // used when supported (gs2 flag p)
	flagY       bool                 // gs2 flag y: we could bind, server offers no -PLUS
	nonce       string               // client nonce: printable, no ','
	mechs       []string             // all offered mechanisms, for XEP-0474
	cbTypes     []string             // XEP-0440 types, nil when not advertised
	requireHash bool                 // XEP-0474 hash required (see Select)
}

// newSCRAM returns a SCRAM session for cfg (already defaulted) and p.
func newSCRAM(cfg *Config, p scramParams) *scramSession {
	client, err := p.mech.hash.NewClient(cfg.Username, cfg.Password, cfg.AuthzID)
	if err != nil {
		// SASLprep (RFC 4013) refused a string, for example a password
		// with characters unassigned in Unicode 3.2 such as emoji. Such a
		// password can still be the one the server hashed (servers that
		// skip SASLprep, or prepare with unassigned code points allowed),
		// so it is used as it is rather than refused.
		client, _ = p.mech.hash.NewClientUnprepped(cfg.Username, cfg.Password, cfg.AuthzID)
	}
	nonce := p.nonce
	client.WithMinIterations(cfg.MinIterations).WithNonceGenerator(func() string { return nonce })
	var conv *scram.ClientConversation
	switch {
	case p.cb.IsSupported():
		conv = client.NewConversationWithChannelBinding(p.cb)
	case p.flagY:
		conv = client.NewConversationAdvertisingChannelBinding()
	default:
		conv = client.NewConversation()
	}
	return &scramSession{
		name:        p.mech.name,
		conv:        conv,
		nonce:       nonce,
		minIters:    cfg.MinIterations,
		maxIters:    cfg.MaxIterations,
		wantHash:    downgradeHash(p.mech.hash, p.mechs, p.cbTypes),
		requireHash: p.requireHash,
		binding:     bindingType(p.cb),
	}
}

// bindingType is the name of cb's type when it is used, "" otherwise.
func bindingType(cb scram.ChannelBinding) string {
	if !cb.IsSupported() {
		return ""
	}
	return string(cb.Type)
}

// ChannelBinding returns the channel-binding type the exchange binds to
// (TLSUnique, TLSExporter, TLSServerEndPoint), or "" when it binds to
// none.
func (s *scramSession) ChannelBinding() string { return s.binding }

// Mechanism returns the SCRAM mechanism name.
func (s *scramSession) Mechanism() string { return s.name }

// fail spends the session with err and returns it.
func (s *scramSession) fail(err error) error {
	s.state, s.err = scramFailed, err
	return err
}

// Start returns the client-first message.
func (s *scramSession) Start() ([]byte, error) {
	if s.state != scramNew {
		return nil, s.outOfOrder("start")
	}
	msg, err := s.conv.Step("")
	if err != nil {
		return nil, s.fail(fmt.Errorf("sasl: scram: client-first message: %w", err))
	}
	s.state = scramFirstSent
	return []byte(msg), nil
}

// Next answers the server-first message with the client-final message,
// and a server-final message sent as a challenge with an empty response.
func (s *scramSession) Next(challenge []byte) ([]byte, error) {
	switch s.state {
	case scramFirstSent:
		return s.clientFinal(string(challenge))
	case scramFinalSent:
		if err := s.checkServerFinal(string(challenge)); err != nil {
			return nil, err
		}
		return []byte{}, nil
	}
	return nil, s.outOfOrder("challenge")
}

// clientFinal checks the server-first message s1 and returns the
// client-final message.
func (s *scramSession) clientFinal(s1 string) ([]byte, error) {
	sf, err := parseServerFirst(s1, s.nonce, s.minIters, s.maxIters)
	if err != nil {
		return nil, s.fail(err)
	}
	if err := checkDowngrade(sf, s.wantHash, s.requireHash); err != nil {
		return nil, s.fail(err)
	}
	msg, err := s.conv.Step(s1)
	if err != nil {
		return nil, s.fail(fmt.Errorf("sasl: scram: client-final message: %w", err))
	}
	s.state = scramFinalSent
	return []byte(msg), nil
}

// checkServerFinal checks the server-final message s2: a server error
// becomes a *ServerError, a wrong signature an ErrServerSignature.
func (s *scramSession) checkServerFinal(s2 string) error {
	sf, err := parseServerFinal(s2)
	if err != nil {
		return s.fail(err)
	}
	if sf.err != "" {
		return s.fail(&ServerError{Value: sf.err})
	}
	if _, err := s.conv.Step(s2); err != nil || !s.conv.Valid() {
		return s.fail(fmt.Errorf("sasl: scram: %w: the server signature does not match", ErrServerSignature))
	}
	s.state, s.serverFinal = scramVerified, s2
	return nil
}

// Verify checks the server signature in the additional data of
// <success/>, or that it came in the last challenge.
func (s *scramSession) Verify(data []byte) error {
	switch s.state {
	case scramVerified:
		if len(data) == 0 || string(data) == s.serverFinal {
			return nil
		}
		return s.fail(fmt.Errorf("sasl: scram: %w: success data differs from the server-final message already verified", ErrInvalidChallenge))
	case scramFinalSent:
		if len(data) == 0 {
			return s.fail(fmt.Errorf("sasl: scram: %w: success without a server-final message", ErrServerSignature))
		}
		return s.checkServerFinal(string(data))
	case scramFailed:
		return s.err
	}
	return s.fail(fmt.Errorf("sasl: scram: %w: success before the exchange completed", ErrServerSignature))
}

// outOfOrder returns the error for a step made in the wrong state: the
// session's own error when it is spent, otherwise a new one that spends
// it.
func (s *scramSession) outOfOrder(step string) error {
	if s.state == scramFailed {
		return s.err
	}
	if step == "start" {
		return s.fail(errors.New("sasl: scram: start called twice"))
	}
	return s.fail(fmt.Errorf("sasl: scram: %w: unexpected challenge", ErrInvalidChallenge))
}
