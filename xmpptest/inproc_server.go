package xmpptest

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xdg-go/scram"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// ServerOptions configures an in-process Server. A nil *ServerOptions and
// the zero value give the defaults.
type ServerOptions struct {
	// Domain is the XMPP domain the server hosts; default "localhost".
	Domain string
	// Accounts are the accounts clients may log in to. Default: alice,
	// bob, carol and dave with the passwords "alice-pass" and so on,
	// like the real servers. An empty Domain means the server's domain;
	// another domain is an error.
	Accounts []Account
	// StreamManagement offers stream management (XEP-0198) with
	// resumption: acks both ways (the Server asks for one whenever it
	// has written stanzas and its queue for the client is empty), and a
	// session whose connection breaks (or is Cut) waits ResumeTimeout
	// for its client to resume it, keeping what is sent to it.
	StreamManagement bool
	// ResumeTimeout is how long a broken stream-managed session waits
	// to be resumed; default one minute. It is also the max attribute of
	// <enabled/>, rounded up to seconds. When it runs out, the requests
	// and chat messages the client never acknowledged are answered with
	// service-unavailable and the session ends.
	ResumeTimeout time.Duration
	// QueueSize bounds the elements waiting to be written to one client;
	// default 65536. Routing never waits for a client: what a client is
	// sent faster than it reads waits here, as it does in a real server's
	// buffers (a client that reads slower than others send, for a while,
	// is still served), and a client that falls this far behind is
	// disconnected with a policy-violation stream error, so that one
	// that stops reading never holds up the others or fills the memory.
	QueueSize int
	// Logger receives sessions starting and ending (Info) and every
	// element in and out (Debug). nil is silent.
	Logger *slog.Logger
	// MUC runs a Multi-User Chat service (XEP-0045) at
	// conference.<Domain> (Server.MUC), listed in the disco#items of
	// the domain. Any account may create rooms there: a new room is
	// locked until its owner configures it. Without MUC, addresses of
	// that domain are other servers' (remote-server-not-found).
	MUC bool
	// PEP runs a Personal Eventing Protocol service (XEP-0163) at every
	// account's bare JID: publish (creating the node, with
	// publish-options checked as preconditions), retract, items (by id
	// and max_items), and for the owner node configuration, purge and
	// delete; access models presence (the default), open and whitelist;
	// notifications from the owner's bare JID to the owner's available
	// resources and to those of the contacts that may read the node,
	// whatever their entity capabilities say. Nodes are kept in memory.
	// Without PEP, pubsub requests to an account are answered as other
	// IQs are.
	PEP bool
}

// ErrNoSession is returned by the Server methods that act on a session
// (Inject, InjectRaw, Flush, Cut) when no session is bound to the address.
var ErrNoSession = errors.New("xmpptest: no session bound to that address")

// ErrServerClosed is returned by DialPipe and WaitSession once the Server
// is closed.
var ErrServerClosed = errors.New("xmpptest: server closed")

// Server is an XMPP server running inside the test process, for tests of
// code that uses XMPP, like net/http/httptest's Server. It is a test tool,
// not a production server: it keeps everything in memory, serves one
// domain, talks to no other server, and trusts its own configuration.
//
// It negotiates like a real server: STARTTLS required (or TLS from the
// first byte on DirectTLSAddr, or XMPP over WebSocket at WebSocketURL or
// BOSH at BOSHURL, secured by their HTTPS connections), with a generated
// certificate that TLSConfig trusts; SASL SCRAM-SHA-256 and PLAIN; resource binding, where
// a second session with the same full address replaces the first (which
// ends with a conflict stream error); stream management with resumption
// when ServerOptions.StreamManagement is set. Bad input is answered with
// the stream error RFC 6120 names for it.
//
// It routes stanzas between its clients as RFC 6121 section 8 says,
// stamping the sender's full address on everything (a client's own from
// is never trusted): messages to a bare address go to the available
// resources with the highest non-negative priority (all of them on a
// tie), IQs to a full address go to that session, and an IQ nobody can
// answer gets service-unavailable. It broadcasts presence to subscribers
// and the account's own resources, delivers directed presence, answers
// probes, and on initial presence sends the contacts' presence and the
// subscription requests that waited. It answers IQs addressed to itself:
// ping (XEP-0199), disco#info and disco#items (XEP-0030), the roster (RFC
// 6121 section 2, with pushes to every resource that asked for it and
// roster versioning, section 2.6), and whatever HandleIQ scripts. Rosters
// and subscriptions (the state machine of RFC 6121 section 3) are kept in
// memory for the Server's life.
//
// With ServerOptions.MUC it also runs a Multi-User Chat service (XEP-0045)
// at MUC, conference.<Domain>: rooms created by joining them, locked
// until their owner configures them (the muc#roomconfig form); history,
// subject, private messages, nick changes, kicks, bans, roles and
// affiliations (muc#admin), configuration and destruction (muc#owner),
// mediated invitations, disco#info and disco#items of the service and
// its rooms, and self-pings (XEP-0410); DropOccupant makes it forget an
// occupant without a word, so that a test can check how a client finds
// out. Its permission checks follow Prosody's. Of XEP-0045 it leaves
// out: registration
// with a room and reserved nicks, voice requests, several sessions under
// one nick (the second gets conflict), fully anonymous rooms, presence
// probes, room archives (XEP-0313), stanza-ids (XEP-0359), the status
// codes about logging (170, 171) and nick rewriting (210), and the
// rewriting of the ids of IQs it relays between occupants.
//
// With ServerOptions.PEP every account has a PEP service (XEP-0163) at
// its bare JID; see ServerOptions.PEP for what it does.
//
// It does not implement: offline storage (a chat or normal message for an
// account with no available resource comes back as service-unavailable),
// subscription pre-approval, channel binding (SCRAM-*-PLUS), other
// servers (addresses of other domains get remote-server-not-found),
// account registration, or any XEP not named here.
//
// Hooks let a test watch, drop, delay or rewrite any element, inject
// stanzas or bytes, cut connections and script answers to IQs; see
// OnElement, Inject, InjectRaw, Flush, Cut and HandleIQ.
//
// Its methods are safe for concurrent use.
type Server struct {
	domain        string
	domainJ       jid.JID
	log           *slog.Logger
	accounts      []Account
	users         map[string]*account // by localpart
	qsize         int
	sm            bool
	resumeTimeout time.Duration
	pool          *x509.CertPool
	tlsConf       *tls.Config // the server side
	scram         *scram.Server
	addr          string // STARTTLS listener
	directAddr    string // direct TLS listener

	wg        sync.WaitGroup // every goroutine of the server
	closeOnce sync.Once

	mu        sync.Mutex
	closed    bool
	lns       []net.Listener
	conns     map[*session]struct{} // every connection, bound or not
	changed   chan struct{}         // closed and replaced when bindings change
	resumable map[string]*session   // stream-managed sessions by resumption id
	nextID    uint64
	https     *http.Server // serves wsURL and boshURL; nil until WebSocketURL or BOSHURL starts it
	wsURL     string
	boshURL   string

	boshMu   sync.Mutex
	boshSIDs map[string]*boshSession // live BOSH sessions by sid; nil once closed

	// Test knobs, set only by this package's tests: how long a BOSH
	// session may go without a request (0: boshInactivity), and which
	// BOSH responses are lost on the way (their HTTP connection dropped
	// once they are buffered).
	boshIdle time.Duration
	boshLose atomic.Pointer[func(*stanza.Element) bool]

	hmu        sync.RWMutex
	hooks      []*hook
	iqHandlers map[iqKey]IQHandlerFunc
	features   []string // disco#info features added by HandleIQ

	muc *mucService // nil without ServerOptions.MUC; set once, its state guarded by mu
	pep bool        // ServerOptions.PEP
}

// account is one account of the Server and its state: roster and bound
// sessions, both guarded by Server.mu.
type account struct {
	Account
	bare      jid.JID
	roster    roster
	resources map[string]*session // bound sessions by resourcepart
	creds     *scram.StoredCredentials
	pep       map[string]*pepNode // PEP nodes by name, with ServerOptions.PEP
}

// NewServer starts a Server listening on 127.0.0.1 on a free port. Close
// stops it. It fails when the configuration is invalid or the listener
// cannot be opened.
func NewServer(cfg *ServerOptions) (*Server, error) {
	var c ServerOptions
	if cfg != nil {
		c = *cfg
	}
	s, err := newServer(&c)
	if err != nil {
		return nil, err
	}
	for _, sec := range []security{secSTARTTLS, secDirectTLS} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("xmpptest: listen: %w", err)
		}
		s.mu.Lock()
		s.lns = append(s.lns, ln)
		s.mu.Unlock()
		if sec == secDirectTLS {
			s.directAddr = ln.Addr().String()
		} else {
			s.addr = ln.Addr().String()
		}
		s.wg.Add(1)
		go s.acceptLoop(ln, sec)
	}
	s.log.Info("xmpptest server started", "domain", s.domain, "addr", s.addr, "direct tls", s.directAddr)
	return s, nil
}

// StartServer starts a Server for the test tb and closes it when the test
// ends. It ends the test with tb.Fatal if the Server cannot start.
func StartServer(tb testing.TB, cfg *ServerOptions) *Server {
	tb.Helper()
	s, err := NewServer(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// newServer validates c and prepares everything but the listener.
func newServer(c *ServerOptions) (*Server, error) {
	if c.Domain == "" {
		c.Domain = testDomain
	}
	dom, err := jid.Parse(c.Domain)
	if err != nil || dom.Localpart() != "" || dom.Resourcepart() != "" {
		return nil, fmt.Errorf("xmpptest: invalid domain %q", c.Domain)
	}
	s := &Server{
		domain:        dom.Domainpart(),
		domainJ:       dom,
		log:           c.Logger,
		qsize:         c.QueueSize,
		sm:            c.StreamManagement,
		resumeTimeout: c.ResumeTimeout,
		resumable:     make(map[string]*session),
		boshSIDs:      make(map[string]*boshSession),
		users:         make(map[string]*account),
		conns:         make(map[*session]struct{}),
		changed:       make(chan struct{}),
		iqHandlers:    make(map[iqKey]IQHandlerFunc),
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.qsize <= 0 {
		s.qsize = 1 << 16
	}
	if s.resumeTimeout <= 0 {
		s.resumeTimeout = defaultResumeTimeout
	}
	s.pep = c.PEP
	if c.MUC {
		if s.muc, err = newMUC(s.domain); err != nil {
			return nil, err
		}
	}
	accts := c.Accounts
	if len(accts) == 0 {
		accts = newAccounts(0, s.domain)
	}
	for _, a := range accts {
		if a.Domain == "" {
			a.Domain = s.domain
		}
		bare, err := jid.New(a.User, a.Domain, "")
		if err != nil || bare.Domainpart() != s.domain || a.User == "" {
			return nil, fmt.Errorf("xmpptest: invalid account %q@%q for domain %s", a.User, a.Domain, s.domain)
		}
		if s.users[bare.Localpart()] != nil {
			return nil, fmt.Errorf("xmpptest: account %s given twice", bare)
		}
		s.users[bare.Localpart()] = &account{Account: a, bare: bare, resources: make(map[string]*session)}
		s.accounts = append(s.accounts, a)
	}
	cert, err := newTestCert(s.domain)
	if err != nil {
		return nil, fmt.Errorf("xmpptest: certificate: %w", err)
	}
	pair, err := tls.X509KeyPair(cert.certPEM, cert.keyPEM)
	if err != nil {
		return nil, fmt.Errorf("xmpptest: certificate: %w", err)
	}
	s.pool = cert.pool
	s.tlsConf = &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12, NextProtos: []string{"xmpp-client"}}
	if s.scram, err = scram.SHA256.NewServer(s.scramCredentials); err != nil {
		return nil, fmt.Errorf("xmpptest: scram: %w", err)
	}
	return s, nil
}

// scramIterations is the PBKDF2 count of the SCRAM credentials: the
// smallest RFC 5802 allows, so that logins stay fast.
const scramIterations = 4096

// scramCredentials looks up the SCRAM-SHA-256 credentials of a user,
// deriving them on first use.
func (s *Server) scramCredentials(user string) (scram.StoredCredentials, error) {
	a := s.lookupUser(user)
	if a == nil {
		return scram.StoredCredentials{}, errors.New("unknown user")
	}
	s.mu.Lock()
	creds := a.creds
	s.mu.Unlock()
	if creds != nil {
		return *creds, nil
	}
	cl, err := scram.SHA256.NewClient(a.User, a.Password, "")
	if err != nil {
		return scram.StoredCredentials{}, err
	}
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	sc, err := cl.GetStoredCredentialsWithError(scram.KeyFactors{Salt: string(salt), Iters: scramIterations})
	if err != nil {
		return scram.StoredCredentials{}, err
	}
	s.mu.Lock()
	if a.creds == nil { // another login may have raced us; keep the first
		a.creds = &sc
	}
	sc = *a.creds
	s.mu.Unlock()
	return sc, nil
}

// Name returns "xmpptest", the name of the in-process Server as a Target.
func (s *Server) Name() string { return "xmpptest" }

// Addr returns the address of the client listener, "127.0.0.1:port". It
// offers STARTTLS and requires it before authentication.
func (s *Server) Addr() string { return s.addr }

// DirectTLSAddr returns the address of the listener for TLS from the first
// byte (XEP-0368), "127.0.0.1:port". It offers the ALPN protocol
// "xmpp-client".
func (s *Server) DirectTLSAddr() string { return s.directAddr }

// Domain returns the domain the Server hosts.
func (s *Server) Domain() string { return s.domain }

// TLSConfig returns a new TLS client configuration that trusts the
// Server's certificate, verifies the name Domain and requires TLS 1.2 or
// later. The caller may change it.
func (s *Server) TLSConfig() *tls.Config {
	return &tls.Config{RootCAs: s.pool, ServerName: s.domain, MinVersion: tls.VersionTLS12}
}

// Accounts returns the Server's accounts, in the order of the
// configuration.
func (s *Server) Accounts() []Account { return slices.Clone(s.accounts) }

// Account returns the i-th account. It panics if i is out of range.
func (s *Server) Account(i int) Account { return s.accounts[i] }

// DialPipe connects to the Server through net.Pipe, without a socket. Its
// signature is that of stream.DialFunc, so that it can be given as the
// Dial option of a client (the network and address are ignored). The
// connection then negotiates exactly as over TCP. Like a socket, the
// client's end buffers what the Server writes (up to 256 KiB), so that
// both may write at once; what the client writes waits until the Server
// reads it.
func (s *Server) DialPipe(ctx context.Context, network, addr string) (net.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c, sc := net.Pipe()
	if s.serve(sc, secSTARTTLS) == nil {
		c.Close()
		return nil, ErrServerClosed
	}
	return newPipeConn(c), nil
}

// acceptLoop accepts TCP connections on ln until it closes; sec says
// whether they start with TLS.
func (s *Server) acceptLoop(ln net.Listener, sec security) {
	defer s.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed || errors.Is(err, net.ErrClosed) {
				return
			}
			s.log.Warn("accept failed", "error", err)
			time.Sleep(10 * time.Millisecond) // a transient error, such as too many open files
			continue
		}
		s.serve(c, sec)
	}
}

// serve starts a session on conn, secured as sec says, and returns it. It
// returns nil, having closed conn, if the Server is closed.
func (s *Server) serve(conn net.Conn, sec security) *session {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		conn.Close()
		return nil
	}
	s.nextID++
	ss := newSession(s, conn, s.nextID)
	ss.sec = sec
	s.conns[ss] = struct{}{}
	s.wg.Add(2)
	s.mu.Unlock()
	go ss.readLoop()
	go ss.writeLoop()
	return ss
}

// Close stops the Server: it closes the listeners (the HTTPS one of
// WebSocketURL and BOSHURL included), ends every session with a
// system-shutdown stream error (over BOSH, a terminate with
// remote-stream-error answered to a held request, if the client has one
// at the Server within half a second), and returns once every goroutine
// of the Server has exited, those serving WebSocket connections and BOSH
// requests included (each session waits at most a few seconds for its
// client). Close is idempotent; it must not be called from a hook or an
// IQ handler.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		conns := make([]*session, 0, len(s.conns))
		for ss := range s.conns {
			conns = append(conns, ss)
		}
		for _, ss := range s.resumable {
			if ss.hibernating.Load() {
				s.stopHibernationLocked(ss)
				s.forgetResumableLocked(ss)
				s.unbindLocked(ss)
			}
		}
		s.notifyLocked()
		https := s.https
		s.mu.Unlock()
		for _, ln := range s.lns {
			ln.Close()
		}
		for _, ss := range conns {
			ss.end(endClosed, streamError(stanza.StreamSystemShutdown, "the test server is closing"))
		}
		if https != nil {
			// The WebSocket connections end with their sessions; the
			// BOSH sessions answer the stream error to a held request,
			// then their HTTP connections close.
			s.awaitBOSH(closeWait)
		}
		s.closeBOSH()
		if https != nil {
			ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
			if https.Shutdown(ctx) != nil {
				https.Close()
			}
			cancel()
		}
		s.wg.Wait()
		s.log.Info("xmpptest server closed", "domain", s.domain)
	})
	return nil
}

// notifyLocked wakes the waiters of WaitSession. s.mu is held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Sessions returns the full addresses of the bound sessions, sorted,
// including those waiting to be resumed (stream management).
func (s *Server) Sessions() []jid.JID {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []jid.JID
	for _, a := range s.users {
		for _, ss := range a.resources {
			out = append(out, ss.full)
		}
	}
	slices.SortFunc(out, func(a, b jid.JID) int { return strings.Compare(a.String(), b.String()) })
	return out
}

// WaitSession waits until a session is bound to the full address j, or,
// when j is a bare address, to any resource of that account. It returns
// ctx's error when ctx ends first and ErrServerClosed when the Server
// closes.
func (s *Server) WaitSession(ctx context.Context, j jid.JID) error {
	return s.wait(ctx, func() bool { return s.boundLocked(j) })
}

// WaitNoSession waits until no session is bound to the full address j,
// or, when j is a bare address, to any resource of that account: after
// Cut, say, or after a client closed. It returns ctx's error when ctx
// ends first and ErrServerClosed when the Server closes.
func (s *Server) WaitNoSession(ctx context.Context, j jid.JID) error {
	return s.wait(ctx, func() bool { return !s.boundLocked(j) })
}

// wait waits until cond, called with s.mu held, is true.
func (s *Server) wait(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ok, closed, ch := cond(), s.closed, s.changed
		s.mu.Unlock()
		switch {
		case ok:
			return nil
		case closed:
			return ErrServerClosed
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// boundLocked reports whether a session is bound to j (any resource for a
// bare j). s.mu is held.
func (s *Server) boundLocked(j jid.JID) bool {
	if j.IsFull() {
		return s.sessionLocked(j) != nil
	}
	a := s.accountOf(j)
	return a != nil && len(a.resources) > 0
}

// accountOf returns the local account of the address j, or nil.
func (s *Server) accountOf(j jid.JID) *account {
	if j.Domainpart() != s.domain || j.Localpart() == "" {
		return nil
	}
	return s.users[j.Localpart()]
}

// sessionLocked returns the session bound to the full address j, or nil.
// s.mu is held.
func (s *Server) sessionLocked(j jid.JID) *session {
	a := s.accountOf(j)
	if a == nil || !j.IsFull() {
		return nil
	}
	return a.resources[j.Resourcepart()]
}
