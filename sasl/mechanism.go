package sasl

import (
	"strings"

	"github.com/xdg-go/scram"
)

// NS is the namespace of the SASL elements of RFC 6120 section 6:
// <mechanisms/>, <auth/>, <challenge/>, <response/>, <success/>,
// <failure/> and <abort/>.
const NS = "urn:ietf:params:xml:ns:xmpp-sasl"

// NSChannelBinding is the namespace of the XEP-0440 stream feature
// <sasl-channel-binding/>, whose <channel-binding type='...'/> children
// list the channel-binding types the server accepts (ConnInfo.ChannelBindingTypes).
const NSChannelBinding = "urn:xmpp:sasl-cb:0"

// Mechanism names.
const (
	SCRAMSHA1       = "SCRAM-SHA-1"
	SCRAMSHA1Plus   = "SCRAM-SHA-1-PLUS"
	SCRAMSHA256     = "SCRAM-SHA-256"
	SCRAMSHA256Plus = "SCRAM-SHA-256-PLUS"
	SCRAMSHA512     = "SCRAM-SHA-512"
	SCRAMSHA512Plus = "SCRAM-SHA-512-PLUS"
	Plain           = "PLAIN"
	External        = "EXTERNAL"
	Anonymous       = "ANONYMOUS"
	OAuthBearer     = "OAUTHBEARER"
	XOAuth2         = "X-OAUTH2"
)

// Channel-binding types (the IANA "Channel-binding unique prefix"), for
// Config.ChannelBinding and ConnInfo.ChannelBindingTypes.
const (
	// TLSExporter is tls-exporter (RFC 9266), used here on TLS 1.3 only.
	TLSExporter = "tls-exporter"
	// TLSServerEndPoint is tls-server-end-point (RFC 5929): a hash of the
	// server's certificate, available with every TLS version.
	TLSServerEndPoint = "tls-server-end-point"
	// TLSUnique is tls-unique (RFC 5929), the RFC 5802 default; it exists
	// on TLS 1.2 and earlier only.
	TLSUnique = "tls-unique"
)

// DefaultMechanisms returns the preference list used when
// Config.Mechanisms is nil: the SCRAM family, strongest hash first, with
// channel binding before without, then PLAIN. EXTERNAL, ANONYMOUS,
// OAUTHBEARER and X-OAUTH2 are used only when listed explicitly. Each call
// returns a new slice.
func DefaultMechanisms() []string {
	return []string{
		SCRAMSHA512Plus, SCRAMSHA256Plus, SCRAMSHA1Plus,
		SCRAMSHA512, SCRAMSHA256, SCRAMSHA1,
		Plain,
	}
}

// Session runs one authentication exchange with one mechanism. Select
// returns one; the stream layer then sends <auth/> with Start's initial
// response, answers each <challenge/> with Next's <response/>, and on
// <success/> calls Verify with the success element's additional data. A
// Session is used once and is not safe for concurrent use. After any error
// it is spent: every later call fails.
type Session interface {
	// Mechanism returns the SASL name of the mechanism, for the
	// mechanism attribute of <auth/>.
	Mechanism() string

	// Start returns the initial response. A nil response means none (an
	// empty <auth/>); an empty, non-nil one is sent as "=" (RFC 6120
	// section 6.4.2). AuthElement does both.
	Start() (initialResponse []byte, err error)

	// Next returns the response to a server challenge, already decoded
	// from base64 (DecodePayload). An error means the exchange cannot go
	// on and the stream layer should send <abort/>: the server's data was
	// invalid (ErrInvalidChallenge), reveals a downgrade (ErrDowngrade),
	// reports an error (*ServerError), or the mechanism expects no
	// challenge. For SCRAM, Next derives the salted password (PBKDF2) on
	// the server-first message, which costs CPU time up to the bound set
	// by Config.MaxIterations.
	Next(challenge []byte) (response []byte, err error)

	// Verify checks the additional data of <success/> (nil when there is
	// none). For SCRAM it checks the server signature, carried either
	// here or in the last challenge, and fails with an error matching
	// ErrServerSignature when neither carried it or it is wrong: the
	// stream must then be closed, as the server did not prove it knows
	// the credentials. The other mechanisms accept any data.
	Verify(successData []byte) error
}

// BindingType returns the channel-binding type s binds the exchange to
// (TLSUnique, TLSExporter or TLSServerEndPoint), or "" when it binds to
// none, as every mechanism but the SCRAM -PLUS family does.
func BindingType(s Session) string {
	if b, ok := s.(interface{ ChannelBinding() string }); ok {
		return b.ChannelBinding()
	}
	return ""
}

// mechInfo describes a mechanism this package implements.
type mechInfo struct {
	name  string
	scram bool
	plus  bool                   // SCRAM with channel binding
	hash  scram.HashGeneratorFcn // SCRAM only
}

// lookupMech returns the description of the mechanism named name and
// whether this package implements it.
func lookupMech(name string) (mechInfo, bool) {
	m := mechInfo{name: name}
	base := strings.TrimSuffix(name, "-PLUS")
	m.plus = base != name
	switch base {
	case SCRAMSHA1:
		m.scram, m.hash = true, scram.SHA1
	case SCRAMSHA256:
		m.scram, m.hash = true, scram.SHA256
	case SCRAMSHA512:
		m.scram, m.hash = true, scram.SHA512
	case Plain, External, Anonymous, OAuthBearer, XOAuth2:
		if m.plus {
			return mechInfo{}, false
		}
	default:
		return mechInfo{}, false
	}
	return m, true
}
