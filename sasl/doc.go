// Package sasl implements the client side of SASL authentication for XMPP
// (RFC 4422 as profiled by RFC 6120 section 6): the mechanisms, the choice
// among those a server offers, and the <auth/>, <response/>, <abort/> and
// <failure/> elements of the namespace NS. It does no network I/O: the
// stream layer sends what a Session produces and hands it what the server
// sends back.
//
// Mechanisms:
//
//   - SCRAM-SHA-1, SCRAM-SHA-256, SCRAM-SHA-512 and their -PLUS variants
//     with channel binding (RFC 5802, RFC 7677; SHA-512 by the same
//     pattern), built on github.com/xdg-go/scram. The channel-binding
//     types are tls-unique and tls-server-end-point (RFC 5929) and
//     tls-exporter (RFC 9266).
//   - PLAIN, EXTERNAL, ANONYMOUS and OAUTHBEARER (RFC 4616, RFC 4422
//     appendix A, RFC 4505, RFC 7628), built on github.com/emersion/go-sasl.
//   - X-OAUTH2, Google's non-standard bearer-token mechanism.
//
// Config.Select picks the first mechanism of the caller's preference list
// that the server offers and that is safe on the connection described by a
// ConnInfo: PLAIN and the token mechanisms only under TLS, -PLUS only when a
// channel binding can be computed, and so on (see Config.Select). It reads
// the channel-binding types a server advertises with XEP-0440 and checks the
// downgrade-protection hash of XEP-0474 when a server sends one.
//
// A SCRAM exchange is checked before any key derivation: the server-first
// message must extend our nonce, carry a salt and an iteration count within
// Config's bounds, and follow RFC 5802's grammar; otherwise Next fails with
// an error matching ErrInvalidChallenge, cheaply. On <success/>,
// Session.Verify checks the server signature and fails, matching
// ErrServerSignature, when it is missing or wrong: a server that does not
// prove it knows the credentials is not trusted even if it says success.
//
// Errors: a <failure/> from the server decodes to a *Failure (ParseFailure)
// whose condition matches the Condition constants with errors.Is
// (errors.Is(err, sasl.ErrNotAuthorized)); a SCRAM server error (e=) is a
// *ServerError; Select's failure to find a mechanism is a *NoMechanismError
// matching ErrNoMechanism; a detected downgrade matches ErrDowngrade.
//
// The package has no mutable state. A Config may be shared by goroutines
// that do not modify it; a Session is one exchange and is not safe for
// concurrent use.
package sasl
