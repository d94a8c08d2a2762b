package stream

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/xmppkit/xmpp/stanza"
)

// ErrUnsupported is returned by Transport methods a transport cannot
// provide, such as StartTLS on a transport that is secured by other means.
var ErrUnsupported = errors.New("stream: not supported by this transport")

// ErrBroken is wrapped by the errors of a transport that can no longer be
// used: a write failed or was abandoned part-way, so the stream may hold a
// partial element.
var ErrBroken = errors.New("stream: transport broken")

// Transport carries one XML stream as whole top-level elements. Read
// methods are called from one goroutine at a time; WriteElement and
// WriteKeepalive are safe for concurrent use and serialized; Close may be
// called from any goroutine and unblocks a pending read.
type Transport interface {
	// Open writes our stream header and reads the peer's; it is also how
	// the stream restarts after TLS and SASL.
	Open(ctx context.Context, h stanza.StreamHeader) (stanza.StreamHeader, error)
	// ReadElement reads the next top-level element. It returns io.EOF
	// when the peer closed the stream and io.ErrUnexpectedEOF when the
	// connection ended inside it.
	ReadElement() (*stanza.Element, error)
	// ReadElementContext is ReadElement bounded by ctx, for negotiation.
	ReadElementContext(ctx context.Context) (*stanza.Element, error)
	// InputOffset returns the number of bytes read from the peer so
	// far: the size of an element on the wire is the difference of the
	// offsets before and after reading it, which is how the Client
	// bounds the bytes waiting for its handlers.
	InputOffset() int64
	// WriteElement writes e. It returns when ctx ends, and a write cut
	// short leaves the transport broken.
	WriteElement(ctx context.Context, e *stanza.Element) error
	// WriteKeepalive writes a whitespace keepalive where the transport
	// has one.
	WriteKeepalive(ctx context.Context) error
	// StartTLS upgrades the connection (after <proceed/>).
	StartTLS(ctx context.Context, cfg *tls.Config) error
	// TLS returns the TLS state, or nil on a cleartext connection.
	TLS() *tls.ConnectionState
	// EndStream writes the closing tag of our stream. The peer answers
	// with its own, which ReadElement reports as io.EOF.
	EndStream(ctx context.Context) error
	// Close closes the connection at once.
	Close() error
}

// TCP is the transport over a byte stream: TCP, with STARTTLS or direct
// TLS. Create it with NewTCP or Dial.
type TCP struct {
	conn   net.Conn
	raw    net.Conn // the connection under TLS, closed by Close
	dec    *stanza.Decoder
	trace  *tracer
	wmu    chan struct{} // one-slot lock for writes, taken with a context
	enc    *stanza.Encoder
	broken error

	closeOnce sync.Once
	closeErr  error
	tlsState  *tls.ConnectionState
}

// NewTCP returns a transport over conn, which may already be a *tls.Conn
// (direct TLS). lim bounds what the peer can make us buffer (nil: the
// defaults). trace, if not nil, receives every element in and out with
// SASL data redacted.
func NewTCP(conn net.Conn, lim *stanza.Limits, trace io.Writer) *TCP {
	t := &TCP{conn: conn, raw: conn, wmu: make(chan struct{}, 1)}
	if trace != nil {
		t.trace = &tracer{w: trace}
	}
	t.dec = stanza.NewDecoder(conn, lim)
	t.enc = stanza.NewEncoder(conn)
	if tc, ok := conn.(*tls.Conn); ok {
		st := tc.ConnectionState()
		t.tlsState = &st
		t.raw = tc.NetConn()
	}
	return t
}

// Conn returns the underlying connection.
func (t *TCP) Conn() net.Conn { return t.conn }

// Open implements Transport.
func (t *TCP) Open(ctx context.Context, h stanza.StreamHeader) (stanza.StreamHeader, error) {
	if err := t.lock(ctx); err != nil {
		return stanza.StreamHeader{}, err
	}
	t.enc.Reset(t.conn)
	err := t.withWriteDeadline(ctx, func() error { return t.enc.WriteHeader(h) })
	t.unlock()
	if err != nil {
		return stanza.StreamHeader{}, err
	}
	t.trace.header("SEND", h)
	t.dec.Restart()
	var peer stanza.StreamHeader
	err = t.withReadDeadline(ctx, func() error {
		var err error
		peer, err = t.dec.ReadHeader()
		return err
	})
	if err != nil {
		return stanza.StreamHeader{}, fmt.Errorf("stream: reading the stream header: %w", err)
	}
	t.trace.header("RECV", peer)
	return peer, nil
}

// ReadElement implements Transport.
func (t *TCP) ReadElement() (*stanza.Element, error) {
	e, err := t.dec.ReadElement()
	if err == nil {
		t.trace.element("RECV", e)
	}
	return e, err
}

// InputOffset implements Transport.
func (t *TCP) InputOffset() int64 { return t.dec.InputOffset() }

// ReadElementContext implements Transport.
func (t *TCP) ReadElementContext(ctx context.Context) (*stanza.Element, error) {
	var e *stanza.Element
	err := t.withReadDeadline(ctx, func() error {
		var err error
		e, err = t.ReadElement()
		return err
	})
	return e, err
}

// WriteElement implements Transport.
func (t *TCP) WriteElement(ctx context.Context, e *stanza.Element) error {
	if err := t.lock(ctx); err != nil {
		return err
	}
	defer t.unlock()
	if t.broken != nil {
		return t.broken
	}
	err := t.withWriteDeadline(ctx, func() error { return t.enc.Encode(e) })
	if err != nil {
		if errors.Is(err, stanza.ErrUnencodable) {
			return err // nothing was written
		}
		t.broken = fmt.Errorf("%w: %w", ErrBroken, err)
		return t.broken
	}
	t.trace.element("SEND", e)
	return nil
}

// WriteKeepalive implements Transport with a single space (RFC 6120
// section 4.6.1).
func (t *TCP) WriteKeepalive(ctx context.Context) error {
	if err := t.lock(ctx); err != nil {
		return err
	}
	defer t.unlock()
	if t.broken != nil {
		return t.broken
	}
	err := t.withWriteDeadline(ctx, func() error { return t.enc.WriteRaw([]byte{' '}) })
	if err != nil {
		t.broken = fmt.Errorf("%w: %w", ErrBroken, err)
	}
	return err
}

// StartTLS implements Transport. It refuses to start when bytes that
// arrived in the clear are still unread: they would otherwise be taken as
// coming through TLS.
func (t *TCP) StartTLS(ctx context.Context, cfg *tls.Config) error {
	if t.tlsState != nil {
		return errors.New("stream: starttls: already secured")
	}
	if n := t.dec.Buffered(); n > 0 {
		return fmt.Errorf("stream: starttls: %d bytes received in the clear after <proceed/>", n)
	}
	tc := tls.Client(t.conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		return fmt.Errorf("stream: tls handshake: %w", err)
	}
	st := tc.ConnectionState()
	t.conn, t.tlsState = tc, &st
	t.dec.Reset(tc)
	t.enc.Reset(tc)
	return nil
}

// TLS implements Transport.
func (t *TCP) TLS() *tls.ConnectionState { return t.tlsState }

// EndStream implements Transport.
func (t *TCP) EndStream(ctx context.Context) error {
	if err := t.lock(ctx); err != nil {
		return err
	}
	defer t.unlock()
	if t.broken != nil {
		return t.broken
	}
	err := t.withWriteDeadline(ctx, t.enc.WriteEnd)
	if err != nil {
		t.broken = fmt.Errorf("%w: %w", ErrBroken, err)
		return t.broken
	}
	t.trace.raw("SEND", "</stream:stream>")
	return nil
}

// Close implements Transport. It closes the network connection without a
// TLS close_notify: that alert is a write, which blocks (for up to five
// seconds in crypto/tls) when the peer has stopped reading, and the
// stream's closing tag already says the stream is over.
func (t *TCP) Close() error {
	t.closeOnce.Do(func() { t.closeErr = t.raw.Close() })
	return t.closeErr
}

func (t *TCP) lock(ctx context.Context) error {
	select {
	case t.wmu <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (t *TCP) unlock() { <-t.wmu }

// withWriteDeadline runs fn with the connection's write deadline following
// ctx: its deadline, and an immediate deadline when it is cancelled.
func (t *TCP) withWriteDeadline(ctx context.Context, fn func() error) error {
	return withDeadline(ctx, t.conn.SetWriteDeadline, fn)
}

func (t *TCP) withReadDeadline(ctx context.Context, fn func() error) error {
	return withDeadline(ctx, t.conn.SetReadDeadline, fn)
}

func withDeadline(ctx context.Context, set func(time.Time) error, fn func() error) error {
	if ctx.Done() == nil {
		return fn()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	d, hasDeadline := ctx.Deadline()
	_ = set(d)
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		_ = set(time.Unix(1, 0))
		close(fired)
	})
	err := fn()
	if !stop() {
		<-fired // so that its deadline in the past is not set after ours
	}
	_ = set(time.Time{})
	if err == nil {
		return nil
	}
	// A connection deadline that came from ctx is reported as ctx's
	// error, which says why; the connection's own deadline can fire a
	// moment before ctx notices its own.
	cerr := ctx.Err()
	if cerr == nil && hasDeadline && !time.Now().Before(d) {
		cerr = context.DeadlineExceeded
	}
	if cerr != nil {
		return fmt.Errorf("%w (%w)", cerr, err)
	}
	return err
}
