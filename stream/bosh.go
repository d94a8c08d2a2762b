package stream

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/xmppkit/xmpp/internal/xmlscan"
	"github.com/xmppkit/xmpp/sasl"
	"github.com/xmppkit/xmpp/stanza"
)

// NSBOSH is the namespace of the <body/> wrapper of BOSH (XEP-0124).
const NSBOSH = "http://jabber.org/protocol/httpbind"

// NSXBOSH is the namespace of the XMPP attributes of the wrapper
// (XEP-0206): xmpp:version and xmpp:restart.
const NSXBOSH = "urn:xmpp:xbosh"

// boshVersion is the version of XEP-0124 followed here.
const boshVersion = "1.11"

// Bounds on what a connection manager may ask for: a hostile one must
// not make the client open hundreds of connections or wait for hours.
const (
	maxBOSHRequests = 8
	maxBOSHWait     = 10 * time.Minute
	// boshInputBytes is how much received input may wait for the reader
	// before the transport stops asking for more (see BOSH).
	boshInputBytes = 1 << 20
	// maxRecoverable bounds the recoverable binding errors in a row.
	maxRecoverable = 5
	// boshSettle is how long a request waits after the previous one
	// while that is unanswered (see nextLocked).
	boshSettle = 50 * time.Millisecond
	// boshPollDelay is how long after a response an empty request
	// waits for something to carry.
	boshPollDelay = 10 * time.Millisecond
	// boshStall is how long more requests than the manager may hold can
	// go unanswered before the session is given up.
	boshStall = 10 * time.Second
)

// BOSHOptions are what a client asks of a BOSH connection manager in its
// session creation request. The zero value asks for the defaults.
type BOSHOptions struct {
	// Wait is the longest the connection manager may hold a request
	// before it answers with nothing; default 60 s. The manager may
	// choose less, never more.
	Wait time.Duration
	// Hold is how many requests the manager may hold at once; default 1.
	Hold int
	// Retries is how many times a request whose response was lost (a
	// broken connection, a gateway error, no response within the wait
	// and a margin) is sent again, unchanged, before the session is
	// given up; default 3 (XEP-0124 section 14).
	Retries int
}

// BOSHParams are the session parameters a connection manager chose in
// its session creation response (XEP-0124 section 7.2).
type BOSHParams struct {
	// SID is the session id.
	SID string
	// Wait is the longest the manager holds a request.
	Wait time.Duration
	// Hold is how many requests the manager holds at once.
	Hold int
	// Requests is how many requests the client may have outstanding.
	Requests int
	// Polling is the shortest interval allowed between two empty
	// requests when the first got an empty response; 0 if not given.
	Polling time.Duration
	// Inactivity is the longest the client may go without a request at
	// the manager; 0 if not given.
	Inactivity time.Duration
	// MaxPause is the longest pause the manager allows; 0 if it allows
	// none. This transport never pauses a session: pausing is for
	// browsers that change page, and a paused stream would stall the
	// Client's keepalives.
	MaxPause time.Duration
	// Acks reports whether the manager acknowledges requests.
	Acks bool
	// Version is the version of XEP-0124 the manager speaks.
	Version string
}

// ErrBOSHUnreachable is wrapped by the error that ends a BOSH session
// whose request could not be answered after every retry: the network or
// the connection manager is down.
var ErrBOSHUnreachable = errors.New("stream: bosh: no response from the connection manager")

// ErrBOSHProtocol is wrapped by the errors of a connection manager that
// breaks XEP-0124: a response that is not a <body/>, a session id or
// acknowledgement that does not belong to the session.
var ErrBOSHProtocol = errors.New("stream: bosh: protocol violation by the connection manager")

// BOSHError is a terminal binding condition (XEP-0124 section 17): the
// connection manager ended the session with <body type='terminate'
// condition='...'/>, or refused a request with an HTTP error status (as
// managers older than version 1.6 do).
type BOSHError struct {
	// Condition is the binding condition, such as "item-not-found",
	// "policy-violation" or "host-unknown"; for an HTTP status, the
	// condition XEP-0124 gives it ("bad-request" for 400,
	// "policy-violation" for 403, "item-not-found" for 404), or
	// "undefined-condition".
	Condition string
	// Status is the HTTP status code when the manager answered with one,
	// otherwise 0.
	Status int
}

// Error describes the condition.
func (e *BOSHError) Error() string {
	if e.Status != 0 {
		return "stream: bosh: HTTP status " + strconv.Itoa(e.Status) + " (" + e.Condition + ")"
	}
	return "stream: bosh: the connection manager ended the session: " + e.Condition
}

// BOSH is the transport of XEP-0124 with XEP-0206: the stream travels in
// <body/> wrappers of HTTP requests and responses, and the connection
// manager holds a request for as long as it has nothing to send. Create
// it with DialBOSH.
//
// Writes are batched into the next request the session allows (at most
// Requests at once, one more for terminate); a request whose response is
// lost is sent again unchanged, and the manager answers it from its
// buffer, so a lost HTTP response loses no stanza. Responses are handled
// in request order whatever order they arrive in. The transport keeps
// Hold requests at the manager, so that the server can send at any time,
// and never polls faster than the manager allows. When the reader falls
// behind by more than 1 MiB it stops asking for more (as TCP would stop
// reading), except once per inactivity period, which keeps the session.
//
// Compared with TCP: StartTLS returns ErrUnsupported, and a <starttls/>
// offered in the stream features is removed (over BOSH, TLS belongs to
// the HTTP connections: use an https: URL); WriteKeepalive does nothing,
// since the requests kept at the manager are the keepalive; a terminal
// binding condition is a *BOSHError, a see-other-uri condition a
// *SeeOtherURIError, and a remote-stream-error the <stream:error/> it
// carries. The session's own reliability replaces stream management,
// which works over it all the same where the server offers it.
type BOSH struct {
	url     string
	domain  string
	client  *http.Client
	tr      *http.Transport
	trace   *tracer
	lim     *stanza.Limits
	limit   int // bytes of one response body
	opts    BOSHOptions
	tlsInfo atomic.Pointer[tls.ConnectionState]
	offset  atomic.Int64

	ctx    context.Context // of every HTTP request; ended by Close
	cancel context.CancelFunc
	wake   chan struct{} // one slot: the request loop has work
	ready  chan struct{} // one slot: input or the end of input arrived
	done   chan struct{} // closed when the session has ended for writers
	wg     sync.WaitGroup

	mu         sync.Mutex
	params     BOSHParams
	header     stanza.StreamHeader
	nextRID    uint64
	acked      uint64 // every response up to this rid was handled
	out        []*boshOut
	inflight   map[uint64]*boshRequest
	early      map[uint64]*boshResponse // responses ahead of acked+1
	in         []boshIn
	inBytes    int
	readErr    error // after in is drained
	err        error // why the session ended, for writers
	last       *boshRequest
	lastSent   time.Time
	recover    int       // recoverable binding errors in a row
	lastAnswer time.Time // when the last response came

	awaitRestart bool          // SASL succeeded: the next request is the restart
	afterRestart bool          // features came: the client speaks next
	restarting   bool          // a restart request is wanted
	restarted    chan struct{} // closed once it is sent
	ending       bool          // a terminate request is wanted
	ended        chan struct{} // closed once it is sent
	terminated   bool          // the terminate request was sent

	closeOnce sync.Once
}

var _ Transport = (*BOSH)(nil)

// boshOut is one element waiting for a request.
type boshOut struct {
	e    *stanza.Element
	b    []byte
	sent chan struct{} // closed once it is in a request
}

// boshRequest is one request of the session, kept until its response.
type boshRequest struct {
	rid    uint64
	body   []byte
	empty  bool // no payload, restart or terminate
	sentAt time.Time

	// Under BOSH.mu: the attempt in progress and whether it is to be
	// abandoned and made again.
	cancel context.CancelFunc
	resend bool

	answeredEmpty bool // its response carried no payload

	wrote     chan struct{} // closed once the first attempt is written
	wroteOnce sync.Once
}

// boshResponse is a response waiting for those of earlier requests.
type boshResponse struct {
	body *stanza.Element
	n    int
}

// boshIn is one received element and its share of the bytes on the wire.
type boshIn struct {
	e *stanza.Element
	n int
}

// DialBOSH returns a transport for the BOSH connection manager at rawURL
// (http: or https:) for the XMPP domain. No request is made until Open,
// which creates the session. Of opts it uses Dial, TLSConfig, Limits,
// Trace and BOSH; Addr, DirectTLS and LookupSRV are for TCP and ignored.
// An https: URL is verified with opts.TLSConfig, whose ServerName
// defaults to the URL's host. Redirects are not followed, and proxies
// are reached through Dial, not the environment.
func DialBOSH(ctx context.Context, rawURL, domain string, opts *DialOptions) (*BOSH, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var o DialOptions
	if opts != nil {
		o = *opts
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("stream: bosh: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("stream: bosh: URL %q is neither http nor https", rawURL)
	}
	if domain == "" {
		return nil, errors.New("stream: bosh: no domain")
	}
	t := &BOSH{
		url: rawURL, domain: domain, lim: o.Limits, limit: maxMessageBytes(o.Limits),
		wake: make(chan struct{}, 1), ready: make(chan struct{}, 1), done: make(chan struct{}),
		inflight: make(map[uint64]*boshRequest), early: make(map[uint64]*boshResponse),
	}
	if o.BOSH != nil {
		t.opts = *o.BOSH
	}
	if t.opts.Wait <= 0 {
		t.opts.Wait = 60 * time.Second
	}
	t.opts.Wait = min(t.opts.Wait, maxBOSHWait)
	if t.opts.Hold <= 0 {
		t.opts.Hold = 1
	}
	t.opts.Hold = min(t.opts.Hold, maxBOSHRequests-1)
	if t.opts.Retries <= 0 {
		t.opts.Retries = 3
	}
	if o.Trace != nil {
		t.trace = &tracer{w: o.Trace}
	}
	t.nextRID, err = firstRID()
	if err != nil {
		return nil, err
	}
	t.client = httpClient(o.Dial, TLSConfig(o.TLSConfig, u.Hostname()), func(st *tls.ConnectionState) {
		t.tlsInfo.CompareAndSwap(nil, st)
	})
	t.tr = t.client.Transport.(*http.Transport)
	t.tr.MaxIdleConnsPerHost = maxBOSHRequests + 1
	t.tr.IdleConnTimeout = 2 * time.Minute
	t.ctx, t.cancel = context.WithCancel(context.Background())
	return t, nil
}

// firstRID is a random request id with room for 2^32 requests below
// 2^53 (XEP-0124 section 7.1).
func firstRID() (uint64, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return 0, fmt.Errorf("stream: bosh: %w", err)
	}
	return binary.BigEndian.Uint64(b[:])>>12 + 1, nil // below 2^52
}

// Params returns the session parameters the connection manager chose;
// the zero value before Open.
func (t *BOSH) Params() BOSHParams {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.params
}

// Open implements Transport. The first Open creates the session
// (XEP-0206 section 5); the stream features follow as elements. A later
// Open restarts the stream (XEP-0206 section 6, after SASL) and returns
// the first header again: BOSH has no stream header of its own.
func (t *BOSH) Open(ctx context.Context, h stanza.StreamHeader) (stanza.StreamHeader, error) {
	t.mu.Lock()
	created := t.params.SID != ""
	t.mu.Unlock()
	if !created {
		return t.create(ctx, h)
	}
	return t.restart(ctx)
}

// create makes the session creation request and reads its response.
func (t *BOSH) create(ctx context.Context, h stanza.StreamHeader) (stanza.StreamHeader, error) {
	t.mu.Lock()
	rid := t.nextRID
	t.nextRID++
	t.mu.Unlock()
	if h.To == "" {
		h.To = t.domain
	}
	attrs := []string{
		"content", "text/xml; charset=utf-8",
		"hold", strconv.Itoa(t.opts.Hold),
		"rid", strconv.FormatUint(rid, 10),
		"to", h.To,
		"ver", boshVersion,
		"wait", strconv.Itoa(int(t.opts.Wait / time.Second)),
		"ack", "1",
	}
	if h.From != "" {
		attrs = append(attrs, "from", h.From)
	}
	if h.Lang != "" {
		attrs = append(attrs, "xml:lang", h.Lang)
	}
	attrs = append(attrs, "xmpp:version", "1.0")
	data, err := boshWrapper(attrs)
	if err != nil {
		return stanza.StreamHeader{}, err
	}
	t.trace.raw("SEND", string(data))
	rctx, cancel := context.WithTimeout(ctx, t.opts.Wait+responseMargin(t.opts.Wait))
	defer cancel()
	stop := context.AfterFunc(t.ctx, cancel) // Close ends it too
	defer stop()
	resp, n, err := t.post(rctx, data)
	if err != nil {
		return stanza.StreamHeader{}, fmt.Errorf("stream: bosh: creating the session: %w", err)
	}
	t.trace.element("RECV", wrapperOnly(resp))
	if resp.Attr("type") == "terminate" {
		return stanza.StreamHeader{}, terminateError(resp)
	}
	p, err := sessionParams(resp)
	if err != nil {
		return stanza.StreamHeader{}, err
	}
	version, _ := resp.LookupAttr(NSXBOSH, "version")
	lang, _ := resp.LookupAttr(stanza.NSXML, "lang")
	hdr := stanza.StreamHeader{Namespace: stanza.NSClient, From: resp.Attr("from"), ID: resp.Attr("authid"), Version: version, Lang: lang}

	t.mu.Lock()
	if t.err != nil {
		// Closed while the response was on its way: the loop must not
		// start behind Close's back.
		err := t.err
		t.mu.Unlock()
		return stanza.StreamHeader{}, err
	}
	t.params = p
	t.header = hdr
	t.acked = rid
	t.lastSent = time.Now()
	t.deliverLocked(resp, n)
	t.wg.Add(1) // under mu: Close sets err under mu before it waits
	t.mu.Unlock()
	t.signal(t.ready)
	go t.loop()
	return hdr, nil
}

// boshWrapper writes an empty <body/> wrapper with attrs, name and value
// pairs in order. Names are written as given: "xml:lang", and
// "xmpp:version" and "xmpp:restart" with the prefix xmpp bound to
// NSXBOSH, which is how XEP-0206 writes them and how some connection
// managers (ejabberd 23.01) look for them, prefix included.
func boshWrapper(attrs []string) ([]byte, error) {
	b := append(make([]byte, 0, 256), "<body xmlns='"+NSBOSH+"'"...)
	for i := 0; i+1 < len(attrs); i += 2 {
		if strings.HasPrefix(attrs[i], "xmpp:") {
			b = append(b, " xmlns:xmpp='"+NSXBOSH+"'"...)
			break
		}
	}
	for i := 0; i+1 < len(attrs); i += 2 {
		b = append(b, ' ')
		b = append(b, attrs[i]...)
		b = append(b, "='"...)
		var ok bool
		if b, ok = xmlscan.AppendAttr(b, attrs[i+1]); !ok {
			return nil, fmt.Errorf("stream: bosh: attribute %s: not XML text", attrs[i])
		}
		b = append(b, '\'')
	}
	return append(b, "/>"...), nil
}

// responseMargin is how long after the wait a response may be late
// before it is taken as lost.
func responseMargin(wait time.Duration) time.Duration {
	return wait/2 + 2*time.Second
}

// sessionParams reads the session creation response's attributes,
// bounded so that a hostile manager cannot ask for too much.
func sessionParams(b *stanza.Element) (BOSHParams, error) {
	p := BOSHParams{SID: b.Attr("sid"), Version: b.Attr("ver")}
	if p.SID == "" {
		return p, fmt.Errorf("%w: session creation response without sid", ErrBOSHProtocol)
	}
	if _, err := boshWrapper([]string{"sid", p.SID}); err != nil || len(p.SID) > 1024 {
		return p, fmt.Errorf("%w: unusable sid", ErrBOSHProtocol)
	}
	seconds := func(name string, def, max time.Duration) (time.Duration, error) {
		v := b.Attr(name)
		if v == "" {
			return def, nil
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return 0, fmt.Errorf("%w: %s=%q", ErrBOSHProtocol, name, v)
		}
		return min(time.Duration(n)*time.Second, max), nil
	}
	count := func(name string, def int) (int, error) {
		v := b.Attr(name)
		if v == "" {
			return def, nil
		}
		n, err := strconv.ParseUint(v, 10, 16)
		if err != nil {
			return 0, fmt.Errorf("%w: %s=%q", ErrBOSHProtocol, name, v)
		}
		return int(n), nil
	}
	var err error
	if p.Wait, err = seconds("wait", 0, maxBOSHWait); err != nil {
		return p, err
	}
	if p.Wait == 0 {
		return p, fmt.Errorf("%w: session creation response without wait", ErrBOSHProtocol)
	}
	if p.Polling, err = seconds("polling", 0, maxBOSHWait); err != nil {
		return p, err
	}
	if p.Inactivity, err = seconds("inactivity", 0, time.Hour); err != nil {
		return p, err
	}
	if p.MaxPause, err = seconds("maxpause", 0, time.Hour); err != nil {
		return p, err
	}
	if p.Hold, err = count("hold", 1); err != nil {
		return p, err
	}
	p.Hold = min(p.Hold, maxBOSHRequests-1)
	if p.Requests, err = count("requests", p.Hold+1); err != nil {
		return p, err
	}
	p.Requests = max(min(p.Requests, maxBOSHRequests), 1)
	p.Hold = min(p.Hold, p.Requests)
	_, p.Acks = b.LookupAttr("", "ack")
	return p, nil
}

// restart asks for a stream restart and returns once the request is on
// its way; the new stream features follow as elements.
func (t *BOSH) restart(ctx context.Context) (stanza.StreamHeader, error) {
	t.mu.Lock()
	if t.err != nil {
		err := t.err
		t.mu.Unlock()
		return stanza.StreamHeader{}, err
	}
	t.restarting = true
	sent := make(chan struct{})
	t.restarted = sent
	hdr := t.header
	t.mu.Unlock()
	t.signal(t.wake)
	select {
	case <-sent:
		return hdr, nil
	case <-t.done:
		return stanza.StreamHeader{}, t.failure()
	case <-ctx.Done():
		return stanza.StreamHeader{}, ctx.Err()
	}
}

// loop makes the requests of the session: what the writers queued, the
// restarts and the terminate, and the empty requests that let the
// manager send at any time. It ends with the session.
func (t *BOSH) loop() {
	defer t.wg.Done()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		t.mu.Lock()
		if t.err != nil {
			t.mu.Unlock()
			return
		}
		req, wait := t.nextLocked(time.Now())
		if req != nil {
			t.wg.Add(1)
		}
		t.mu.Unlock()
		if req != nil {
			go t.send(req)
			// The next request waits until this one is written: requests
			// travel on different connections, and a manager that gets
			// rid N+1 before N may stall (ejabberd 23.01 does).
			wrote := time.NewTimer(time.Second)
			select {
			case <-req.wrote:
			case <-wrote.C:
			case <-t.done:
			}
			wrote.Stop()
			continue
		}
		var tick <-chan time.Time
		if wait > 0 {
			timer.Reset(wait)
			tick = timer.C
		}
		select {
		case <-t.wake:
		case <-tick:
		case <-t.done:
			return
		}
		timer.Stop()
	}
}

// nextLocked returns the next request to make now, or nil and how long
// to wait before one is due (0: until something happens).
func (t *BOSH) nextLocked(now time.Time) (*boshRequest, time.Duration) {
	p := t.params
	n := len(t.inflight)
	if t.terminated {
		return nil, 0
	}
	var newest time.Time
	for _, r := range t.inflight {
		newest = later(newest, r.sentAt)
	}
	if n > p.Hold && now.Sub(later(newest, t.lastAnswer)) >= boshStall {
		// The manager holds more requests than it may and answers none.
		t.failLocked(fmt.Errorf("%w: %d requests unanswered for %v", ErrBOSHUnreachable, n, boshStall))
		return nil, 0
	}
	stall := time.Duration(0)
	if n > p.Hold {
		stall = later(newest, t.lastAnswer).Add(boshStall).Sub(now)
	}
	if n > 0 && now.Sub(newest) < boshSettle {
		// A request on the heels of another may reach the manager
		// first, and ejabberd 23.01 then answers neither.
		return nil, newest.Add(boshSettle).Sub(now)
	}
	switch {
	case t.ending && n <= p.Requests: // one more than Requests is allowed
		req := t.requestLocked(now, "terminate", t.takeOutLocked())
		t.terminated = true
		close(t.ended)
		return req, 0
	case n >= p.Requests:
		return nil, stall
	case t.restarting:
		req := t.requestLocked(now, "restart", nil)
		t.restarting, t.awaitRestart = false, false
		close(t.restarted)
		return req, 0
	case len(t.out) > 0:
		t.afterRestart = false
		return t.requestLocked(now, "", t.takeOutLocked()), 0
	}
	// Nothing to send: keep Hold requests at the manager, or poll; but
	// not between SASL success and the restart (XEP-0206 section 6), nor
	// between the restart's features and the client's answer (bind or
	// resume): ejabberd 23.01 may then answer neither the empty request
	// nor the next one.
	if t.awaitRestart || t.afterRestart || p.Hold > 0 && n >= p.Hold || p.Hold == 0 && n > 0 {
		return nil, stall
	}
	// A moment after a response, so that what a handler answers to it
	// goes in the request that stays at the manager.
	due := t.lastAnswer.Add(boshPollDelay)
	if p.Hold == 0 {
		due = later(due, t.lastSent.Add(max(p.Polling, time.Second)))
	}
	if l := t.last; l != nil && l.empty && l.answeredEmpty && p.Polling > 0 {
		// XEP-0124 section 12: two empty requests in a row, the first
		// answered empty, no closer than the polling interval.
		due = later(due, l.sentAt.Add(p.Polling))
	}
	if t.inBytes > boshInputBytes {
		// The reader is behind: ask for nothing more, except once per
		// inactivity period, which the session needs.
		if p.Inactivity == 0 {
			return nil, 0
		}
		due = later(due, t.lastSent.Add(p.Inactivity/2))
	}
	if now.Before(due) {
		return nil, due.Sub(now)
	}
	return t.requestLocked(now, "", nil), 0
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// takeOutLocked takes the queued writes that go in the next request, at
// most about 64 KiB of them (always at least one).
func (t *BOSH) takeOutLocked() []*boshOut {
	size, i := 0, 0
	for i < len(t.out) && (i == 0 || size+len(t.out[i].b) <= 64<<10) {
		size += len(t.out[i].b)
		i++
	}
	items := slices.Clone(t.out[:i])
	clear(t.out[:i])
	t.out = t.out[i:]
	return items
}

// requestLocked builds the next request: kind "restart", "terminate" or
// "" for payloads (none for an empty request).
func (t *BOSH) requestLocked(now time.Time, kind string, items []*boshOut) *boshRequest {
	rid := t.nextRID
	t.nextRID++
	attrs := []string{"rid", strconv.FormatUint(rid, 10), "sid", t.params.SID}
	if t.acked < rid-1 && t.params.Acks {
		// Responses are missing: say which we have (XEP-0124 9.2).
		attrs = append(attrs, "ack", strconv.FormatUint(t.acked, 10))
	}
	switch kind {
	case "restart":
		attrs = append(attrs, "to", t.domain)
		if t.header.Lang != "" {
			attrs = append(attrs, "xml:lang", t.header.Lang)
		}
		attrs = append(attrs, "xmpp:restart", "true")
	case "terminate":
		attrs = append(attrs, "type", "terminate")
	}
	// The session id and domain were checked when the session was
	// created: the wrapper cannot fail.
	head, _ := boshWrapper(attrs)
	body := head
	if len(items) > 0 {
		// <body .../> becomes <body ...>payloads</body>.
		body = append(head[:len(head)-2], '>')
		for _, it := range items {
			body = append(body, it.b...)
		}
		body = append(body, "</body>"...)
	}
	if kind != "" {
		t.trace.raw("SEND", string(head))
	}
	for _, it := range items {
		t.trace.element("SEND", it.e)
		close(it.sent)
	}
	req := &boshRequest{rid: rid, body: body, empty: kind == "" && len(items) == 0, sentAt: now, wrote: make(chan struct{})}
	t.inflight[rid] = req
	t.last = req
	t.lastSent = now
	return req
}

// send makes req, again after a lost response, until it is answered or
// the session ends.
func (t *BOSH) send(req *boshRequest) {
	defer t.wg.Done()
	t.mu.Lock()
	timeout := t.params.Wait + responseMargin(t.params.Wait)
	t.mu.Unlock()
	lost := 0
	for {
		ctx, cancel := context.WithTimeout(t.ctx, timeout)
		t.mu.Lock()
		req.cancel, req.resend = cancel, false
		t.mu.Unlock()
		resp, n, err := t.post(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
			WroteRequest: func(httptrace.WroteRequestInfo) { req.wroteOnce.Do(func() { close(req.wrote) }) },
		}), req.body)
		req.wroteOnce.Do(func() { close(req.wrote) })
		cancel()
		if t.ctx.Err() != nil {
			return // closed
		}
		t.mu.Lock()
		resend := req.resend
		t.mu.Unlock()
		switch {
		case resend:
			continue // the manager reported the response missing
		case err == nil:
			if !t.received(req, resp, n) {
				return
			}
			continue // a recoverable binding error: send it again
		case !isLost(err):
			t.fail(err)
			return
		}
		lost++
		if lost > t.opts.Retries {
			t.fail(fmt.Errorf("%w: request %d: %w", ErrBOSHUnreachable, req.rid, err))
			return
		}
		// The request may or may not have arrived: sent again with the
		// same rid, the manager answers it once (XEP-0124 section 14).
		backoff := time.NewTimer(time.Duration(lost) * 200 * time.Millisecond)
		select {
		case <-backoff.C:
		case <-t.ctx.Done():
			backoff.Stop()
			return
		}
	}
}

// lostError is a request whose response did not come: a broken
// connection, a timeout or a gateway's error status.
type lostError struct{ err error }

func (e *lostError) Error() string { return e.err.Error() }
func (e *lostError) Unwrap() error { return e.err }

func isLost(err error) bool {
	var le *lostError
	return errors.As(err, &le)
}

// post makes one HTTP request and returns the <body/> of its response
// and its size.
func (t *BOSH) post(ctx context.Context, data []byte) (*stanza.Element, int, error) {
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, bytes.NewReader(data))
	if err != nil {
		return nil, 0, err
	}
	hreq.Header.Set("Content-Type", "text/xml; charset=utf-8")
	resp, err := t.client.Do(hreq)
	if err != nil {
		return nil, 0, &lostError{err}
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		// From a proxy between us and the manager: the request may not
		// have arrived.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, 0, &lostError{fmt.Errorf("stream: bosh: HTTP status %d", resp.StatusCode)}
	default:
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, 0, &BOSHError{Status: resp.StatusCode, Condition: httpCondition(resp.StatusCode)}
	}
	got, err := io.ReadAll(io.LimitReader(resp.Body, int64(t.limit)+1))
	if err != nil {
		return nil, 0, &lostError{err}
	}
	if len(got) > t.limit {
		return nil, 0, &stanza.SyntaxError{Condition: stanza.StreamPolicyViolation, Msg: "stream: bosh: response over " + strconv.Itoa(t.limit) + " bytes"}
	}
	b, err := ParseBOSHBody(got, t.lim)
	if err != nil {
		return nil, 0, err
	}
	return b, len(got), nil
}

// httpCondition is the binding condition of an HTTP status (XEP-0124
// section 17.1, for managers before version 1.6).
func httpCondition(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "bad-request"
	case http.StatusForbidden:
		return "policy-violation"
	case http.StatusNotFound:
		return "item-not-found"
	}
	return "undefined-condition"
}

// ParseBOSHBody parses one HTTP body of a BOSH response: a single <body/>
// element of NSBOSH, within lim. Its children are returned as they came;
// the transport moves those left in NSBOSH (a stanza without its own
// xmlns) to jabber:client.
func ParseBOSHBody(data []byte, lim *stanza.Limits) (*stanza.Element, error) {
	b, err := stanza.DecodeElement(bytes.NewReader(data), lim)
	if err != nil {
		return nil, fmt.Errorf("stream: bosh: bad response: %w", err)
	}
	if b.Name != (stanza.Name{Space: NSBOSH, Local: "body"}) {
		return nil, fmt.Errorf("%w: response is <%s xmlns='%s'>, not <body/>", ErrBOSHProtocol, b.Name.Local, b.Name.Space)
	}
	return b, nil
}

// received handles the response to req. It returns true when req is to
// be sent again (a recoverable binding error).
func (t *BOSH) received(req *boshRequest, b *stanza.Element, n int) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err != nil {
		return false
	}
	if sid := b.Attr("sid"); sid != "" && sid != t.params.SID {
		t.failLocked(fmt.Errorf("%w: response for session %q", ErrBOSHProtocol, sid))
		return false
	}
	if b.Attr("type") == "error" {
		// A recoverable binding error (XEP-0124 section 17.3): this
		// request and every earlier one still unanswered are sent
		// again, unchanged.
		t.recover++
		if t.recover > maxRecoverable {
			t.failLocked(fmt.Errorf("%w: %d recoverable errors in a row", ErrBOSHUnreachable, t.recover))
			return false
		}
		for rid, r := range t.inflight {
			if rid < req.rid && r.cancel != nil {
				r.resend = true
				r.cancel()
			}
		}
		return true
	}
	t.recover = 0
	t.lastAnswer = time.Now()
	sent := t.nextRID - 1
	if v, ok := b.LookupAttr("", "ack"); ok {
		ack, err := strconv.ParseUint(v, 10, 64)
		if err != nil || ack > sent {
			t.failLocked(fmt.Errorf("%w: ack %q for a request never sent", ErrBOSHProtocol, v))
			return false
		}
	}
	if v, ok := b.LookupAttr("", "report"); ok {
		report, err := strconv.ParseUint(v, 10, 64)
		if err != nil || report > sent {
			t.failLocked(fmt.Errorf("%w: report %q for a request never sent", ErrBOSHProtocol, v))
			return false
		}
		if r := t.inflight[report]; r != nil && r != req && r.cancel != nil {
			// The manager answered it and the answer was lost on the
			// way (XEP-0124 section 9.3): ask again.
			r.resend = true
			r.cancel()
		}
	}
	if _, ok := t.inflight[req.rid]; !ok {
		return false // answered already, by an attempt made again
	}
	delete(t.inflight, req.rid)
	req.answeredEmpty = b.NumChildren() == 0
	t.early[req.rid] = &boshResponse{body: b, n: n}
	delivered := false
	for {
		r, ok := t.early[t.acked+1]
		if !ok {
			break
		}
		delete(t.early, t.acked+1)
		t.acked++
		t.deliverLocked(r.body, r.n)
		delivered = true
	}
	t.signal(t.wake)
	if delivered {
		t.signal(t.ready)
	}
	return false
}

// deliverLocked queues the payloads of a response for the reader, and
// ends the input after a terminate.
func (t *BOSH) deliverLocked(b *stanza.Element, n int) {
	var end error
	if b.Attr("type") == "terminate" && t.readErr == nil {
		// Before rehome moves <uri/> out of NSBOSH.
		end = terminateError(b)
	}
	kids := b.NumChildren()
	share := n / max(kids, 1)
	for e := range b.Children() {
		if e.Name == (stanza.Name{Space: NSBOSH, Local: "uri"}) && b.Attr("condition") == "see-other-uri" {
			continue // part of the condition, not of the stream
		}
		rehome(e)
		switch e.Name {
		case stanza.Name{Space: stanza.NSStream, Local: "features"}:
			dropStartTLS(e)
			t.afterRestart = true
		case stanza.Name{Space: sasl.NS, Local: "success"}:
			t.awaitRestart = true
		}
		t.in = append(t.in, boshIn{e: e, n: share})
		t.inBytes += share
	}
	if end == nil {
		return
	}
	t.readErr = end
	t.endLocked(t.readErr)
	t.cancel() // what is still held will not be answered
}

// terminateError is what a terminate response means to the reader: the
// end of the stream, a *BOSHError, a *SeeOtherURIError or, for a
// remote-stream-error, the end of input after the <stream:error/> it
// carries (which the reader gets as an element first).
func terminateError(b *stanza.Element) error {
	switch cond := b.Attr("condition"); cond {
	case "":
		return io.EOF
	case "see-other-uri":
		if uri := b.ChildText(NSBOSH, "uri"); uri != "" {
			return &SeeOtherURIError{URI: uri}
		}
		return &BOSHError{Condition: cond}
	case "remote-stream-error":
		if b.Child(stanza.NSStream, "error") != nil {
			if se, err := stanza.ParseStreamError(b.Child(stanza.NSStream, "error")); err == nil {
				return se
			}
		}
		return &BOSHError{Condition: cond}
	default:
		return &BOSHError{Condition: cond}
	}
}

// rehome moves elements left in the wrapper's namespace (a stanza sent
// without its own xmlns) to jabber:client, where they belong.
func rehome(e *stanza.Element) {
	if e.Name.Space == NSBOSH {
		e.Name.Space = stanza.NSClient
	}
	for c := range e.Children() {
		rehome(c)
	}
}

// dropStartTLS removes <starttls/> from stream features received over
// BOSH, where TLS is the HTTP connection's business.
func dropStartTLS(features *stanza.Element) {
	features.Nodes = slices.DeleteFunc(slices.Clone(features.Nodes), func(n stanza.Node) bool {
		return n.Elem != nil && n.Elem.Name == stanza.Name{Space: NSTLS, Local: "starttls"}
	})
}

// ReadElement implements Transport.
func (t *BOSH) ReadElement() (*stanza.Element, error) {
	return t.ReadElementContext(context.Background())
}

// ReadElementContext implements Transport: it returns the next payload
// of the responses, in request order. After a terminate response without
// a condition it returns io.EOF.
func (t *BOSH) ReadElementContext(ctx context.Context) (*stanza.Element, error) {
	for {
		t.mu.Lock()
		if len(t.in) > 0 {
			it := t.in[0]
			t.in[0] = boshIn{}
			t.in = t.in[1:]
			full := t.inBytes > boshInputBytes
			t.inBytes -= it.n
			t.mu.Unlock()
			t.offset.Add(int64(it.n))
			if full {
				t.signal(t.wake) // maybe room to ask for more
			}
			t.trace.element("RECV", it.e)
			return it.e, nil
		}
		err := t.readErr
		t.mu.Unlock()
		if err != nil {
			return nil, err
		}
		select {
		case <-t.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// InputOffset implements Transport: the bytes of the response bodies
// whose elements were read, shared equally among a body's elements.
func (t *BOSH) InputOffset() int64 { return t.offset.Load() }

// WriteElement implements Transport: e goes in the next request the
// session allows. WriteElement returns once it is in a request (which is
// sent again, unchanged, if its response is lost); a write that ctx ends
// first is withdrawn and leaves the transport usable.
func (t *BOSH) WriteElement(ctx context.Context, e *stanza.Element) error {
	b, err := stanza.AppendElement(nil, e)
	if err != nil {
		return err
	}
	it := &boshOut{e: e, b: b, sent: make(chan struct{})}
	t.mu.Lock()
	switch {
	case t.err != nil:
		t.mu.Unlock()
		return t.failure()
	case t.params.SID == "":
		t.mu.Unlock()
		return errors.New("stream: bosh: write before Open")
	case t.terminated || t.ending:
		t.mu.Unlock()
		return fmt.Errorf("%w: the session is ending", ErrBroken)
	}
	t.out = append(t.out, it)
	t.mu.Unlock()
	t.signal(t.wake)
	select {
	case <-it.sent:
		return nil
	case <-t.done:
		select {
		case <-it.sent:
			return nil
		default:
			return t.failure()
		}
	case <-ctx.Done():
		t.mu.Lock()
		defer t.mu.Unlock()
		if i := slices.Index(t.out, it); i >= 0 {
			t.out = slices.Delete(t.out, i, i+1)
			return ctx.Err()
		}
		return nil // it made the request after all
	}
}

// WriteKeepalive implements Transport. It does nothing: the requests
// kept at the connection manager are the session's keepalive.
func (t *BOSH) WriteKeepalive(ctx context.Context) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err != nil {
		return fmt.Errorf("%w: %w", ErrBroken, t.err)
	}
	return nil
}

// StartTLS implements Transport: TLS over BOSH is that of the HTTP
// connections; use an https: URL.
func (t *BOSH) StartTLS(context.Context, *tls.Config) error {
	return fmt.Errorf("stream: bosh: starttls: %w", ErrUnsupported)
}

// TLS implements Transport: the state of the first TLS connection to an
// https: URL, nil for http:. Every connection is verified alike, but a
// channel binding of one connection would not bind the others, and
// servers offer no SCRAM-PLUS over BOSH.
func (t *BOSH) TLS() *tls.ConnectionState { return t.tlsInfo.Load() }

// EndStream implements Transport: what is queued goes out in a terminate
// request (XEP-0124 section 13); its response ends the input with
// io.EOF.
func (t *BOSH) EndStream(ctx context.Context) error {
	t.mu.Lock()
	if t.err != nil {
		t.mu.Unlock()
		return t.failure()
	}
	if t.params.SID == "" {
		t.mu.Unlock()
		return errors.New("stream: bosh: end before Open")
	}
	if !t.ending {
		t.ending = true
		t.ended = make(chan struct{})
	}
	ended := t.ended
	t.mu.Unlock()
	t.signal(t.wake)
	select {
	case <-ended:
		return nil
	case <-t.done:
		return t.failure()
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close implements Transport: it abandons every request at once and
// returns once the transport's goroutines have ended. The manager ends
// the session after its inactivity period, unless EndStream ended it.
func (t *BOSH) Close() error {
	t.closeOnce.Do(func() {
		t.mu.Lock()
		t.failLocked(fmt.Errorf("stream: bosh: %w", net.ErrClosed))
		t.mu.Unlock()
		t.wg.Wait()
		t.tr.CloseIdleConnections()
	})
	return nil
}

// fail ends the session with err.
func (t *BOSH) fail(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failLocked(err)
}

// failLocked ends the session: readers get err after what was received,
// writers get err, and every request is abandoned.
func (t *BOSH) failLocked(err error) {
	if t.readErr == nil {
		t.readErr = err
	}
	t.endLocked(err)
	t.cancel()
}

// endLocked ends the session for writers and the request loop.
func (t *BOSH) endLocked(err error) {
	if t.err != nil {
		return
	}
	t.err = err
	close(t.done)
	t.signal(t.ready)
}

// failure is the error of a write after the session ended.
func (t *BOSH) failure() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err == io.EOF {
		return fmt.Errorf("%w: the session has ended", ErrBroken)
	}
	return fmt.Errorf("%w: %w", ErrBroken, t.err)
}

func (t *BOSH) signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// wrapperOnly is b without its payloads, for the trace: the payloads are
// traced one by one, SASL data redacted.
func wrapperOnly(b *stanza.Element) *stanza.Element {
	return &stanza.Element{Name: b.Name, Attrs: b.Attrs}
}
