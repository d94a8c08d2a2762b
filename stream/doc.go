// Package stream establishes one negotiated XMPP stream (RFC 6120): it
// dials the server (SRV lookup per RFC 6120 section 3.2 and XEP-0368),
// secures the connection with STARTTLS or direct TLS, authenticates with
// SASL, binds a resource, and then carries whole top-level elements in both
// directions.
//
// Negotiation is written once against the Transport interface, which sends
// and receives whole elements and knows how to restart the stream. Three
// transports implement it: TCP with STARTTLS or direct TLS (NewTCP, Dial),
// WebSocket (RFC 7395, DialWebSocket) and BOSH (XEP-0124 with XEP-0206,
// DialBOSH); LookupHostMeta finds a domain's WebSocket and BOSH endpoints
// (XEP-0156). The Client in the root package is built on a negotiated
// Session and picks the transport from its Options.Addr; most programs
// use that and never this package directly.
package stream
