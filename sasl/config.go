package sasl

import (
	"crypto/rand"
	"crypto/tls"
	"fmt"
	"slices"
	"strings"

	gosasl "github.com/emersion/go-sasl"
)

// Default SCRAM iteration bounds (Config.MinIterations, MaxIterations).
const (
	// DefaultMinIterations is the least count RFC 5802 section 5.1 lets
	// servers announce, and the one ejabberd uses (Prosody uses 10000).
	DefaultMinIterations = 4096
	// DefaultMaxIterations bounds the PBKDF2 work a server can demand,
	// once per login. Measured on the project's 2-core AMD EPYC machine
	// with Go 1.26.8 (median of 9 runs), 600000 iterations take 86 ms
	// with SHA-1, 87 ms with SHA-256 and 219 ms with SHA-512; a hostile
	// server asking for 2^31-1 would cost about 5 minutes (SHA-1) to 13
	// minutes (SHA-512) of CPU per attempt instead.
	DefaultMaxIterations = 600000
)

// Config holds the credentials and the policy for choosing a mechanism.
// Its zero value allows the default mechanisms with default bounds, and
// needs only Username and Password to log in. Select reads a Config and
// never changes it, so one Config may serve concurrent Selects.
type Config struct {
	// Username is the authentication identity: the localpart of the
	// account's JID.
	Username string
	// Password is the password, for SCRAM and PLAIN. SCRAM prepares it
	// (and Username, AuthzID) with SASLprep (RFC 4013); strings SASLprep
	// refuses, such as passwords with emoji, are used unprepared.
	Password string
	// AuthzID is the authorization identity (a JID to act as), usually
	// empty.
	AuthzID string

	// Mechanisms lists the mechanisms allowed, most preferred first; nil
	// means DefaultMechanisms. Names must be ones this package
	// implements (the constants of this package). PLAIN is never used
	// without TLS, even when listed.
	Mechanisms []string

	// OAuthToken is the bearer token for OAUTHBEARER and X-OAUTH2.
	OAuthToken string

	// ChannelBinding is the channel-binding type for the -PLUS
	// mechanisms: "" chooses automatically (see Select), or one of
	// TLSExporter, TLSServerEndPoint, TLSUnique to use that type only.
	ChannelBinding string

	// MinIterations and MaxIterations bound the SCRAM iteration count a
	// server may ask for; a count outside is refused before any key
	// derivation, with an error matching ErrInvalidChallenge. Zero means
	// DefaultMinIterations (4096) and DefaultMaxIterations (600000,
	// which costs 86 ms of CPU with SHA-1 and 219 ms with SHA-512 on the
	// project's 2-core machine).
	MinIterations, MaxIterations int
}

// ConnInfo describes the stream an exchange runs on. The stream layer
// fills it in after TLS and the <stream:features/> that list the
// mechanisms.
type ConnInfo struct {
	// TLS is the state of the stream's TLS connection, nil on a
	// cleartext stream.
	TLS *tls.ConnectionState
	// Domain is the server's domain, the host of OAUTHBEARER and the
	// domain of the bare JID it sends as authorization identity.
	Domain string
	// ChannelBindingTypes lists the types of the XEP-0440
	// <sasl-channel-binding/> feature (NSChannelBinding). Nil means the
	// server did not send the feature; non-nil, even empty, that it did,
	// which matters to the XEP-0474 hash.
	ChannelBindingTypes []string
	// Mechanisms lists every mechanism the server offered, in its order,
	// for the XEP-0474 hash; nil means the offered list given to Select.
	Mechanisms []string
}

// Select returns a Session for the first mechanism of the preference list
// (c.Mechanisms, or DefaultMechanisms when nil) that the server offered
// and that is usable on the connection described by info. Offered names
// are compared exactly, after trimming white space (RFC 4422 names are
// upper-case). A mechanism is usable as follows:
//
//   - PLAIN, OAUTHBEARER and X-OAUTH2, which send the secret itself, only
//     over TLS (info.TLS not nil), whatever the list says;
//   - EXTERNAL only over TLS; list it only when the TLS configuration
//     presents a client certificate, which a ConnectionState cannot show;
//   - SCRAM, PLAIN only with a username and password, the token
//     mechanisms only with a token;
//   - SCRAM -PLUS only when a channel binding can be computed.
//
// Channel binding, when c.ChannelBinding is "": if the server advertised
// its types with XEP-0440, the first of tls-exporter (TLS 1.3 only),
// tls-server-end-point, tls-unique (TLS 1.2 and earlier) that it lists
// and that can be computed. Without XEP-0440, tls-unique on TLS 1.2 and
// earlier (the RFC 5802 default, and the only type Prosody and ejabberd
// accept) and none on TLS 1.3, where Go has no tls-unique and servers have
// no tls-exporter.
//
// A SCRAM mechanism without -PLUS tells the server in its GS2 flag
// whether we could have bound: "y" when a binding could be computed but
// the server offered no -PLUS mechanism at all (RFC 5802 downgrade
// detection: a server that does offer -PLUS then refuses, as a man in the
// middle must have removed them; Prosody 0.12 answers malformed-request
// to "y" whenever it advertises -PLUS), "n" otherwise. On TLS 1.3 without
// XEP-0440 that is always "n": the one type deployed servers accept,
// tls-unique, does not exist there, so on that connection we cannot bind
// and say so; "y" would claim we could have, which is false even where
// ejabberd offers -PLUS on TLS 1.3.
//
// When the server advertised XEP-0440 types and -PLUS mechanisms but
// none of the types can be used and tls-server-end-point (which XEP-0440
// makes mandatory for servers) is not among them, the list may have been
// tampered with; as XEP-0474 allows, SCRAM goes on without binding but
// then requires the server's downgrade-protection hash and fails with
// ErrDowngrade without it.
//
// Select fails with a *NoMechanismError (matching ErrNoMechanism) when no
// mechanism fits, and with another error when c is invalid: an unknown
// mechanism or channel-binding type, or MinIterations above
// MaxIterations. It does no I/O and little computation; the costly SCRAM
// key derivation happens in the Session's Next.
func (c *Config) Select(offered []string, info ConnInfo) (Session, error) {
	var cfg Config
	if c != nil {
		cfg = *c
	}
	prefs, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	offered = trimAll(offered)
	if info.Mechanisms == nil {
		info.Mechanisms = offered
	}
	sel := selector{cfg: &cfg, info: info, offered: offered}
	var unusable []UnusableMechanism
	for i, name := range prefs {
		if !slices.Contains(offered, name) || slices.Contains(prefs[:i], name) {
			continue
		}
		s, why := sel.session(name)
		if s != nil {
			return s, nil
		}
		unusable = append(unusable, UnusableMechanism{Name: name, Reason: why})
	}
	return nil, &NoMechanismError{Offered: offered, Allowed: prefs, Unusable: unusable}
}

// normalize fills in defaults and checks cfg, returning the preference
// list.
func (cfg *Config) normalize() ([]string, error) {
	if cfg.MinIterations <= 0 {
		cfg.MinIterations = DefaultMinIterations
	}
	if cfg.MaxIterations <= 0 {
		cfg.MaxIterations = DefaultMaxIterations
	}
	if cfg.MinIterations > cfg.MaxIterations {
		return nil, fmt.Errorf("sasl: config: MinIterations %d above MaxIterations %d", cfg.MinIterations, cfg.MaxIterations)
	}
	switch cfg.ChannelBinding {
	case "", TLSExporter, TLSServerEndPoint, TLSUnique:
	default:
		return nil, fmt.Errorf("sasl: config: unsupported channel-binding type %s", quote(cfg.ChannelBinding))
	}
	if cfg.Mechanisms == nil {
		return DefaultMechanisms(), nil
	}
	for _, m := range cfg.Mechanisms {
		if _, ok := lookupMech(m); !ok {
			return nil, fmt.Errorf("sasl: config: unsupported mechanism %s", quote(m))
		}
	}
	return slices.Clone(cfg.Mechanisms), nil
}

// trimAll returns ss with surrounding white space removed from each
// element.
func trimAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.TrimSpace(s)
	}
	return out
}

// selector builds sessions for one Select call.
type selector struct {
	cfg     *Config
	info    ConnInfo
	offered []string
	bind    *binding // computed on first use
}

// binding returns the channel-binding decision, computing it once.
func (s *selector) binding() binding {
	if s.bind == nil {
		b := chooseBinding(s.cfg.ChannelBinding, s.info)
		s.bind = &b
	}
	return *s.bind
}

// anyPlus reports whether the server offered a -PLUS mechanism.
func (s *selector) anyPlus() bool {
	return slices.ContainsFunc(s.offered, func(m string) bool { return strings.HasSuffix(m, "-PLUS") })
}

// session returns a session for mechanism name, or nil and why it cannot
// be used.
func (s *selector) session(name string) (Session, string) {
	m, _ := lookupMech(name)
	cfg, tlsOn := s.cfg, s.info.TLS != nil
	switch {
	case m.scram:
		return s.scram(m)
	case name == Anonymous:
		return &clientSession{name: name, client: gosasl.NewAnonymousClient("")}, ""
	case !tlsOn:
		return nil, "requires TLS"
	case name == External:
		return &clientSession{name: name, client: gosasl.NewExternalClient(cfg.AuthzID)}, ""
	case name == Plain:
		if cfg.Username == "" || cfg.Password == "" {
			return nil, "no username or password"
		}
		return &clientSession{name: name, client: gosasl.NewPlainClient(cfg.AuthzID, cfg.Username, cfg.Password)}, ""
	case cfg.OAuthToken == "":
		return nil, "no OAuth token"
	case name == OAuthBearer:
		return newOAuthBearer(s.oauthAuthzID(), s.info.Domain, cfg.OAuthToken), ""
	default: // X-OAUTH2
		ir := []byte(cfg.AuthzID + "\x00" + cfg.Username + "\x00" + cfg.OAuthToken)
		return &xoauth2Session{ir: ir}, ""
	}
}

// oauthAuthzID returns the authorization identity for OAUTHBEARER:
// Config.AuthzID, or else the account's bare JID when the username and
// domain are known, since the token alone need not name the account; or
// none.
func (s *selector) oauthAuthzID() string {
	switch {
	case s.cfg.AuthzID != "":
		return s.cfg.AuthzID
	case s.cfg.Username != "" && s.info.Domain != "":
		return s.cfg.Username + "@" + s.info.Domain
	}
	return ""
}

// scram returns a SCRAM session for m, or nil and why it cannot be used.
func (s *selector) scram(m mechInfo) (Session, string) {
	if s.cfg.Username == "" || s.cfg.Password == "" {
		return nil, "no username or password"
	}
	b := s.binding()
	p := scramParams{
		mech:    m,
		nonce:   rand.Text(),
		mechs:   trimAll(s.info.Mechanisms),
		cbTypes: s.info.ChannelBindingTypes,
	}
	switch {
	case m.plus && !b.ok():
		return nil, "no channel binding: " + b.reason
	case m.plus:
		p.cb = b.cb
	case b.ok():
		p.flagY = !s.anyPlus()
	default:
		// XEP-0440 business rule 6 as relaxed by XEP-0474: -PLUS and
		// types offered, none usable, and the mandatory
		// tls-server-end-point missing: go on only if the server's
		// XEP-0474 hash proves the lists genuine.
		p.requireHash = s.cfg.ChannelBinding == "" && s.info.TLS != nil &&
			s.info.ChannelBindingTypes != nil && s.anyPlus() &&
			!slices.Contains(s.info.ChannelBindingTypes, TLSServerEndPoint)
	}
	return newSCRAM(s.cfg, p), ""
}
