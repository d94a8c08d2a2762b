package xmpp

import (
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"time"

	"github.com/xmppkit/xmpp/sasl"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stream"
)

// Options configure a Client. The zero value (or nil) is safe: TLS
// required and verified, default limits, keepalives on, logging off.
// New copies the Options; changing them afterwards has no effect.
type Options struct {
	// Password authenticates the account. Ignored when SASL is set.
	Password string
	// SASL, if set, configures authentication in full: credentials,
	// allowed mechanisms, OAuth token, channel binding.
	SASL *sasl.Config
	// Resource to request when binding; empty uses the JID's resource,
	// and if that is empty too the server chooses.
	Resource string

	// Addr is where to connect instead of looking up SRV records for the
	// JID's domain: a host:port for TCP, or a URL that picks another
	// transport:
	//
	//   - ws: or wss:, such as "wss://example.net/xmpp-websocket": XMPP
	//     over WebSocket (RFC 7395). A server's see-other-uri is
	//     followed once, never from wss: to ws:.
	//   - http: or https:, such as "https://example.net/http-bind": BOSH
	//     (XEP-0124, XEP-0206), whose connection manager holds requests
	//     until it has something to send, and whose session survives a
	//     lost HTTP response without losing a stanza.
	//
	// Over a URL, DirectTLS and SRV records are not used, reconnections
	// (stream management resumption included) go to the same URL, and
	// wss: and https: are verified with TLSConfig, whose ServerName
	// defaults to the URL's host. ws: and http: are cleartext and follow
	// the rules of a TCP stream without TLS: refused unless
	// InsecureAllowCleartext, and never PLAIN.
	Addr string
	// DirectTLS starts the connection to Addr with TLS (XEP-0368)
	// instead of STARTTLS.
	DirectTLS bool
	// TLSConfig for STARTTLS and direct TLS; ServerName defaults to the
	// domain and the minimum version is TLS 1.2.
	TLSConfig *tls.Config
	// BOSH is what a BOSH session asks of its connection manager (wait,
	// hold, retries of lost requests); nil asks for the defaults.
	BOSH *stream.BOSHOptions
	// DiscoverAlternatives makes the Client, when no TCP connection to
	// the domain can be opened (SRV targets and the domain itself
	// unreachable, or Addr), look for the domain's alternative
	// connection methods in its Web Host Metadata (XEP-0156: fetched over
	// HTTPS only; wss: and https: endpoints only) and connect to the
	// first WebSocket endpoint, or else the first BOSH one, as Addr would.
	DiscoverAlternatives bool
	// HostMeta configures that lookup; nil fetches
	// https://<domain>/.well-known/host-meta with a default HTTPS client.
	HostMeta *stream.HostMetaOptions
	// Dial opens the network connection (for WebSocket too); nil uses a
	// net.Dialer.
	Dial stream.DialFunc
	// InsecureAllowCleartext lets the stream go on without TLS when the
	// server offers none. For local test servers only; PLAIN is never sent
	// in the clear regardless.
	InsecureAllowCleartext bool

	// Limits bound what the server can make the Client buffer.
	Limits *stanza.Limits
	// QueueStanzas and QueueBytes bound the stanzas waiting for handlers,
	// in number and in bytes on the wire; defaults 1024 and 1 MiB. When
	// either is reached the Client stops reading until the handlers catch
	// up, and TCP holds the server back: a slow handler delays stanzas
	// but loses none. The bytes may go over by one stanza, bounded by
	// Limits.MaxElementBytes.
	QueueStanzas int
	QueueBytes   int64
	// QueueHardCap bounds the bytes of stanzas waiting while a handler
	// waits on the Client (Request, Sync, a Send waiting for
	// acknowledgements): the reader then goes on reading past QueueBytes
	// so that the answer can arrive. Default 16 MiB. Past it, with a
	// resumable session, the Client drops the connection and resumes once
	// the handlers have caught up (the server keeps what was not read);
	// otherwise it ends the stream with <policy-violation/> and
	// ErrDispatchOverflow.
	QueueHardCap int64
	// Lang is the default language (xml:lang) of the stream.
	Lang string

	// KeepaliveInterval is the idle time after which a whitespace
	// keepalive is sent; default 60s, negative disables.
	KeepaliveInterval time.Duration
	// PingInterval is the time without traffic from the server after which
	// the Client sends an XEP-0199 ping; default 3 minutes, negative
	// disables.
	PingInterval time.Duration
	// PingTimeout is how long that ping may go unanswered before the
	// connection is declared dead (ErrDeadConnection); default 30s. So
	// may a stream management ack request while stanzas wait for it,
	// even if the server sends other things meanwhile.
	PingTimeout time.Duration
	// CloseTimeout bounds how long Close waits for the server to close
	// its side of the stream; default 5s.
	CloseTimeout time.Duration

	// DisableStreamManagement turns off XEP-0198, which is otherwise
	// used whenever the server offers it.
	DisableStreamManagement bool
	// MaxUnacked bounds the stanzas sent but not yet acknowledged by the
	// server (stream management); Send waits for acknowledgements when it
	// is reached. Default 1000.
	MaxUnacked int
	// AckEvery asks the server for an acknowledgement after this many
	// stanzas; default 10.
	AckEvery int
	// AckInterval asks for one when stanzas have waited this long
	// without; default 5s.
	AckInterval time.Duration
	// ReconnectMin and ReconnectMax bound the backoff between reconnection
	// attempts after a broken connection of a resumable session; defaults
	// 250ms and 30s. Each wait is random up to ReconnectMin·2^attempt.
	ReconnectMin, ReconnectMax time.Duration
	// ConnectTimeout bounds each reconnection attempt; default 30s.
	ConnectTimeout time.Duration
	// ResumeTimeout bounds the wait for the server's answer to <resume/>
	// within a reconnection attempt; default 10s. A server that does not
	// answer in time is asked once more, on a new connection (it may have
	// been slow to let go of the old one); after a second silence the
	// session is not asked for again: the Client starts a new one and
	// reports what may be lost.
	ResumeTimeout time.Duration

	// PreAuth, if set, runs on the first connection only, once the
	// stream is secured and before authentication, with the stream
	// features offered then; it may exchange elements over the stream.
	// It is for XEP-0077 in-band registration (see the register
	// package): an account created there is the one Dial then logs in
	// to. An error from it fails Dial.
	PreAuth func(ctx context.Context, t stream.Transport, features *stanza.Element) error

	// Logger receives lifecycle events (Info), dropped spoofed stanzas
	// (Warn) and per-stanza events (Debug). nil is silent.
	Logger *slog.Logger
	// Trace, if set, receives every element in and out, one per line,
	// with SASL data redacted.
	Trace io.Writer
}

func (o *Options) withDefaults() Options {
	var c Options
	if o != nil {
		c = *o
	}
	if c.QueueStanzas <= 0 {
		c.QueueStanzas = 1024
	}
	if c.QueueBytes <= 0 {
		c.QueueBytes = 1 << 20
	}
	if c.QueueHardCap <= 0 {
		c.QueueHardCap = 16 << 20
	}
	c.QueueHardCap = max(c.QueueHardCap, c.QueueBytes)
	if c.KeepaliveInterval == 0 {
		c.KeepaliveInterval = 60 * time.Second
	}
	if c.PingInterval == 0 {
		c.PingInterval = 3 * time.Minute
	}
	if c.PingTimeout <= 0 {
		c.PingTimeout = 30 * time.Second
	}
	if c.CloseTimeout <= 0 {
		c.CloseTimeout = 5 * time.Second
	}
	if c.MaxUnacked <= 0 {
		c.MaxUnacked = 1000
	}
	if c.AckEvery <= 0 {
		c.AckEvery = 10
	}
	if c.AckInterval <= 0 {
		c.AckInterval = 5 * time.Second
	}
	if c.ReconnectMin <= 0 {
		c.ReconnectMin = 250 * time.Millisecond
	}
	if c.ReconnectMax <= 0 {
		c.ReconnectMax = 30 * time.Second
	}
	if c.ConnectTimeout <= 0 {
		c.ConnectTimeout = 30 * time.Second
	}
	if c.ResumeTimeout <= 0 {
		c.ResumeTimeout = 10 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}
