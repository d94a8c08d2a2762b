package xmpptest

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Direction says which way data flows between a client and its server.
// The directions are bits: Both is ClientToServer|ServerToClient.
type Direction uint8

// The directions of a connection.
const (
	// ClientToServer is the flow from the client to the server (for a
	// Proxy, from the connecting client to the target).
	ClientToServer Direction = 1 << iota
	// ServerToClient is the flow from the server back to the client.
	ServerToClient
	// Both is either flow. For Proxy.CutAfter, the bytes of the two
	// flows add up.
	Both = ClientToServer | ServerToClient
)

// String returns "client-to-server", "server-to-client" or "both".
func (d Direction) String() string {
	switch d {
	case ClientToServer:
		return "client-to-server"
	case ServerToClient:
		return "server-to-client"
	case Both:
		return "both"
	}
	return "Direction(" + strconv.Itoa(int(d)) + ")"
}

const (
	// proxyBufSize is the most a proxy reads from a socket at once.
	proxyBufSize = 32 << 10
	// proxyQueueLen is how many chunks of one flow may wait to be written,
	// such as during a delay, before the proxy stops reading that flow.
	proxyQueueLen = 64
	// proxyDialTimeout bounds the connection to the target.
	proxyDialTimeout = 10 * time.Second
	// proxyMaxBackoff bounds the pause after a failed Accept.
	proxyMaxBackoff = time.Second
	// proxyMaxFlushPause bounds the pause between two looks at whether a
	// peer has acknowledged the bytes before a cut.
	proxyMaxFlushPause = 20 * time.Millisecond
)

// errProxyClosed is returned by Wait once the proxy is closed.
var errProxyClosed = fmt.Errorf("xmpptest: proxy: %w", net.ErrClosed)

// Proxy is a TCP proxy on the loopback interface that sits between a
// client and a server, such as an XMPP server, and injects network faults
// on command: it cuts connections at once or at an exact byte, stalls
// them as a half-open connection does, or delays them. Tests use it to
// check that a client notices a broken connection and reconnects.
//
// Every connection accepted on Addr is forwarded to the target over a new
// connection. An orderly close (FIN) on one side is passed on as a close
// of writing on the other; a reset or error on one side resets both. If
// the target cannot be reached, the client's connection is reset.
//
// All methods are safe for concurrent use. Each connection is served by
// goroutines the proxy owns; Close ends them all.
type Proxy struct {
	ln     *net.TCPListener
	target string
	ctx    context.Context // canceled by Close, to end dials
	cancel context.CancelFunc
	wg     sync.WaitGroup // the accept loop and one per connection

	mu        sync.Mutex
	closed    bool
	conns     map[*proxyConn]struct{}
	accepted  int
	discarded int64
	delay     time.Duration
	nextCut   proxyCut      // for the next connection, if dir != 0
	changed   chan struct{} // closed and replaced when a counter changes
}

// proxyCut is a pending CutAfter: the connection is reset once left more
// bytes have been forwarded in dir.
type proxyCut struct {
	dir  Direction
	left int64
}

// proxyConn is one client connection and its connection to the target.
type proxyConn struct {
	client   *net.TCPConn
	dialCtx  context.Context    // for the connection to the target
	stopDial context.CancelFunc // cancels dialCtx; called by shutLocked
	done     chan struct{}      // closed by shutLocked: the goroutines stop
	gone     chan struct{}      // closed when its goroutines exited and it left Proxy.conns

	// Guarded by Proxy.mu.
	server  *net.TCPConn // nil until dialed
	shut    bool
	stalled bool
	cut     proxyCut
	writing Direction // flows writing bytes that count toward cut
}

// proxyChunk is what a flow's reader hands its writer: data, or the error
// (io.EOF for an orderly close) that ended the reading.
type proxyChunk struct {
	data []byte
	err  error
	due  time.Time // not written before; zero without delay
}

// NewProxy starts a proxy listening on a free port of 127.0.0.1 that
// forwards every connection it accepts to target, a "host:port" address.
// It does not contact target until a client connects. The caller must
// call Close.
func NewProxy(target string) (*Proxy, error) {
	if _, _, err := net.SplitHostPort(target); err != nil {
		return nil, fmt.Errorf("xmpptest: proxy: target: %w", err)
	}
	ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return nil, fmt.Errorf("xmpptest: proxy: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Proxy{
		ln:      ln,
		target:  target,
		ctx:     ctx,
		cancel:  cancel,
		conns:   make(map[*proxyConn]struct{}),
		changed: make(chan struct{}),
	}
	p.wg.Add(1)
	go p.acceptLoop()
	return p, nil
}

// StartProxy is NewProxy for tests: it fails tb at once if the proxy
// cannot start, and closes the proxy when the test ends (tb.Cleanup).
func StartProxy(tb testing.TB, target string) *Proxy {
	tb.Helper()
	p, err := NewProxy(target)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := p.Close(); err != nil {
			tb.Errorf("xmpptest: proxy: close: %v", err)
		}
	})
	return p
}

// Addr returns the address clients connect to, such as "127.0.0.1:41234".
func (p *Proxy) Addr() string {
	return p.ln.Addr().String()
}

// Close stops accepting connections, resets every open connection as
// CutAll does, and returns once all goroutines of the proxy have exited.
// It returns the error of closing the listener, if any. Close is
// idempotent: later calls return nil, also after waiting for the
// goroutines.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		p.wg.Wait()
		return nil
	}
	p.closed = true
	p.cancel()
	err := p.ln.Close()
	for c := range p.conns {
		c.shutLocked(true)
	}
	p.broadcastLocked()
	p.mu.Unlock()
	p.wg.Wait()
	if err != nil {
		return fmt.Errorf("xmpptest: proxy: %w", err)
	}
	return nil
}

// CutAll resets every open connection, on both sides, as a network
// failure does: the sockets are closed with SO_LINGER 0, so that both the
// client and the target get a TCP reset and bytes not yet delivered are
// lost. It returns once the connections are gone (Conns no longer counts
// them). Connections accepted later are not affected.
func (p *Proxy) CutAll() {
	p.mu.Lock()
	p.cutAllLocked()
}

// cutAllLocked resets every open connection, unlocks p.mu, which must be
// held, and waits for the connections to be gone.
func (p *Proxy) cutAllLocked() {
	cut := make([]*proxyConn, 0, len(p.conns))
	for c := range p.conns {
		c.shutLocked(true)
		cut = append(cut, c)
	}
	p.mu.Unlock()
	for _, c := range cut {
		<-c.gone
	}
}

// CutAfter arranges for a connection to be reset, as by CutAll, as soon as
// exactly n more bytes have been forwarded in dir (in Both, the bytes of
// the two flows add up): the peers receive exactly those n bytes, in
// order, and then the reset; the bytes after them are discarded. So that
// the reset does not destroy the last bytes on the way, the proxy waits
// until the peer has acknowledged them, which it can see on Linux only
// (in /proc/net/tcp); elsewhere, a peer whose system has not yet received
// them when the reset is sent loses them. A peer that stops reading thus
// delays the cut, as it would delay the bytes. A peer that writes while
// it is reset may see the reset as an error of its write and then read
// end of file, as with any reset.
//
// If connections are open, the cut applies to each of them, counting from
// the call, and replaces any cut pending on them. Otherwise it applies to
// the next connection accepted, counting from its first byte; after that
// one, connections are not affected. Use Wait to make sure the connection
// you mean is open. With n equal to 0 the cut is immediate: CutAfter then
// waits as CutAll does; otherwise it does not block. CutAfter panics if
// dir is not ClientToServer, ServerToClient or Both, or if n is negative.
// Reset cancels a pending cut.
func (p *Proxy) CutAfter(dir Direction, n int64) {
	if dir == 0 || dir&^Both != 0 {
		panic("xmpptest: Proxy.CutAfter: invalid direction " + dir.String())
	}
	if n < 0 {
		panic("xmpptest: Proxy.CutAfter: negative byte count")
	}
	p.mu.Lock()
	if len(p.conns) == 0 {
		p.nextCut = proxyCut{dir: dir, left: n}
		p.mu.Unlock()
		return
	}
	p.nextCut = proxyCut{}
	for c := range p.conns {
		c.cut = proxyCut{dir: dir, left: n}
	}
	if n > 0 {
		p.mu.Unlock()
		return
	}
	p.cutAllLocked()
}

// Stall makes every open connection half-open, as when a network path
// dies without a reset: the proxy keeps reading from both sides, so that
// their writes succeed, but throws the bytes away (Discarded counts them)
// and forwards nothing, not even an orderly close, until Resume. Neither
// peer sees data, end of file or a reset; only a timeout of its own can
// tell it the connection is dead. A chunk the proxy is writing when Stall
// is called may still arrive. Connections accepted later are not stalled,
// so that a client that gives up and reconnects gets through. Stall does
// not block.
func (p *Proxy) Stall() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.stalled = true
	}
}

// Resume ends Stall on the connections still open: bytes the proxy reads
// from then on are forwarded again. Bytes sent during the stall are not
// replayed, and an orderly close swallowed by the stall is not passed on.
// Resume does not block.
func (p *Proxy) Resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.stalled = false
	}
}

// SetDelay makes the proxy hold every chunk of data it reads, on open and
// future connections, for d before forwarding it, as network latency
// does: chunks read in a row leave in a row, each d after it came, so
// throughput is not limited. Chunks read before the call keep their
// delay. A d of 0 or less removes the delay. SetDelay does not block.
func (p *Proxy) SetDelay(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.delay = max(d, 0)
}

// Reset clears every fault: it cancels pending cuts, on open connections
// and the one armed for the next connection, resumes stalled connections
// and removes the delay. Reset does not block.
func (p *Proxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.nextCut = proxyCut{}
	p.delay = 0
	for c := range p.conns {
		c.cut = proxyCut{}
		c.stalled = false
	}
}

// Conns returns the number of open connections: accepted and not yet
// closed on both sides.
func (p *Proxy) Conns() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.conns)
}

// Accepted returns the number of connections accepted since the proxy
// started, including those already closed. A client that reconnects
// raises it; Wait blocks until it reaches a number.
func (p *Proxy) Accepted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted
}

// Discarded returns the number of bytes the proxy read but did not
// forward: bytes read while stalled, and bytes past a cut. A test can use
// it to check that a client kept writing into a stalled connection.
func (p *Proxy) Discarded() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.discarded
}

// Wait blocks until at least n connections have been accepted in all
// (Accepted reaches n), such as the first connection of a client or its
// reconnection after a cut. It returns ctx.Err() if ctx ends first, and
// an error matching net.ErrClosed if the proxy is closed before.
func (p *Proxy) Wait(ctx context.Context, n int) error {
	return p.waitUntil(ctx, func() bool { return p.accepted >= n })
}

// waitUntil blocks until cond, called with p.mu held, is true, ctx ends or
// the proxy is closed.
func (p *Proxy) waitUntil(ctx context.Context, cond func() bool) error {
	for {
		p.mu.Lock()
		ok, closed, changed := cond(), p.closed, p.changed
		p.mu.Unlock()
		switch {
		case ok:
			return nil
		case closed:
			return errProxyClosed
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// broadcastLocked wakes the callers of waitUntil. p.mu must be held.
func (p *Proxy) broadcastLocked() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// acceptLoop accepts connections until the listener is closed. After a
// failed Accept it pauses, longer each time, so as not to spin.
func (p *Proxy) acceptLoop() {
	defer p.wg.Done()
	var backoff time.Duration
	for {
		conn, err := p.ln.AcceptTCP()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			backoff = min(max(2*backoff, 5*time.Millisecond), proxyMaxBackoff)
			t := time.NewTimer(backoff)
			select {
			case <-t.C:
			case <-p.ctx.Done():
				t.Stop()
				return
			}
			continue
		}
		backoff = 0
		p.add(conn)
	}
}

// add registers a newly accepted connection and starts serving it.
func (p *Proxy) add(client *net.TCPConn) {
	c := &proxyConn{client: client, done: make(chan struct{}), gone: make(chan struct{})}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		c.shutLocked(true)
		return
	}
	c.dialCtx, c.stopDial = context.WithCancel(p.ctx)
	p.conns[c] = struct{}{}
	p.accepted++
	c.cut, p.nextCut = p.nextCut, proxyCut{}
	if c.cut.dir != 0 && c.cut.left == 0 {
		c.shutLocked(true)
	}
	p.broadcastLocked()
	p.wg.Add(1)
	go p.serve(c)
}

// serve connects c to the target and runs its two flows, each a reader
// and a writer goroutine, until they end; then it closes c.
func (p *Proxy) serve(c *proxyConn) {
	defer p.wg.Done()
	defer p.remove(c)
	var server *net.TCPConn
	var err error
	select {
	case <-c.done: // cut at once: do not even dial
	default:
		server, err = p.dial(c.dialCtx)
	}
	p.mu.Lock()
	if err != nil || c.shut {
		if server != nil {
			_ = server.SetLinger(0)
			_ = server.Close()
		}
		c.shutLocked(true)
		p.mu.Unlock()
		return
	}
	c.server = server
	p.mu.Unlock()

	var flows sync.WaitGroup
	up := make(chan proxyChunk, proxyQueueLen)
	down := make(chan proxyChunk, proxyQueueLen)
	flows.Go(func() { p.read(c, c.client, up) })
	flows.Go(func() { p.write(c, ClientToServer, server, up) })
	flows.Go(func() { p.read(c, server, down) })
	flows.Go(func() { p.write(c, ServerToClient, c.client, down) })
	flows.Wait()

	p.mu.Lock()
	c.shutLocked(false)
	p.mu.Unlock()
}

// dial connects to the target. A cut of the connection or Close cancels
// it, through ctx.
func (p *Proxy) dial(ctx context.Context) (*net.TCPConn, error) {
	d := net.Dialer{Timeout: proxyDialTimeout}
	conn, err := d.DialContext(ctx, "tcp", p.target)
	if err != nil {
		return nil, err
	}
	return conn.(*net.TCPConn), nil
}

// remove forgets c once its goroutines are done.
func (p *Proxy) remove(c *proxyConn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.broadcastLocked()
	p.mu.Unlock()
	close(c.gone)
}

// shutLocked closes both sockets of c, once, and stops its goroutines. If
// abrupt, the sockets are closed with SO_LINGER 0, which sends a reset.
// Proxy.mu must be held.
func (c *proxyConn) shutLocked(abrupt bool) {
	if c.shut {
		return
	}
	c.shut = true
	close(c.done)
	if c.stopDial != nil {
		c.stopDial()
	}
	for _, s := range []*net.TCPConn{c.client, c.server} {
		if s == nil {
			continue
		}
		if abrupt {
			_ = s.SetLinger(0)
		}
		_ = s.Close()
	}
}

// abort resets both sides of c.
func (p *Proxy) abort(c *proxyConn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c.shutLocked(true)
}

// read reads one flow from src and queues it for its writer, stamped with
// the delay in force, until src fails or ends; the error (io.EOF for an
// orderly close) is queued last.
func (p *Proxy) read(c *proxyConn, src *net.TCPConn, q chan<- proxyChunk) {
	buf := make([]byte, proxyBufSize)
	for {
		n, err := src.Read(buf)
		var ch proxyChunk
		if n > 0 {
			ch.data = append([]byte(nil), buf[:n]...)
		} else if err != nil {
			ch.err = err
		} else {
			continue
		}
		p.mu.Lock()
		if p.delay > 0 {
			ch.due = time.Now().Add(p.delay)
		}
		p.mu.Unlock()
		select {
		case q <- ch:
		case <-c.done:
			return
		}
		if ch.err != nil {
			return
		}
	}
}

// write forwards the chunks of one flow to dst, each once its delay has
// passed, applying the faults in force when it is due.
func (p *Proxy) write(c *proxyConn, dir Direction, dst *net.TCPConn, q <-chan proxyChunk) {
	for {
		var ch proxyChunk
		select {
		case ch = <-q:
		case <-c.done:
			return
		}
		if !c.sleep(ch.due) {
			return
		}
		if ch.err != nil {
			p.end(c, dst, ch.err)
			return
		}
		data, cut := p.admit(c, dir, ch.data)
		if len(data) > 0 {
			_, err := dst.Write(data)
			p.wrote(c, dir)
			if err != nil {
				p.abort(c)
				return
			}
		}
		if cut {
			p.cutAfterWrites(c)
			return
		}
	}
}

// sleep waits until due; it reports false if c was shut meanwhile.
func (c *proxyConn) sleep(due time.Time) bool {
	if wait := time.Until(due); wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-c.done:
		}
	}
	select {
	case <-c.done:
		return false
	default:
		return true
	}
}

// admit returns the part of data that may be forwarded in dir now, and
// whether the connection must be cut once it is: nothing while stalled,
// and no more than a pending cut allows. The rest is counted as
// discarded. Only the writer that forwards the last byte of a cut reports
// it, so that the cut waits for that byte to be written; the other
// writers mark in c.writing the counted bytes they are writing, so that
// the cut waits for those too.
func (p *Proxy) admit(c *proxyConn, dir Direction, data []byte) (_ []byte, cut bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	take := int64(len(data))
	switch {
	case c.shut || c.stalled:
		take = 0
	case c.cut.dir&dir != 0:
		take = min(take, c.cut.left)
		c.cut.left -= take
		cut = take > 0 && c.cut.left == 0
		if take > 0 && !cut {
			c.writing |= dir
		}
	}
	if dropped := int64(len(data)) - take; dropped > 0 {
		p.discarded += dropped
		p.broadcastLocked()
	}
	return data[:take], cut
}

// wrote records that the writer of dir finished writing what admit let
// through.
func (p *Proxy) wrote(c *proxyConn, dir Direction) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c.writing&dir != 0 {
		c.writing &^= dir
		p.broadcastLocked()
	}
}

// cutAfterWrites resets c once the bytes counted toward its cut have
// been delivered: once the other flow has finished writing its share, and
// once the peers that received them have acknowledged them (see
// proxyUnacked), so that the reset cannot destroy them on the way.
func (p *Proxy) cutAfterWrites(c *proxyConn) {
	p.mu.Lock()
	for c.writing != 0 && !c.shut {
		changed := p.changed
		p.mu.Unlock()
		select {
		case <-changed:
		case <-c.done:
		}
		p.mu.Lock()
	}
	dir := c.cut.dir
	p.mu.Unlock()
	if dir&ClientToServer != 0 {
		c.flushed(c.server)
	}
	if dir&ServerToClient != 0 {
		c.flushed(c.client)
	}
	p.abort(c)
}

// flushed waits until the peer of s has acknowledged every byte written
// to s, or c is shut. Where that cannot be known, it returns at once.
func (c *proxyConn) flushed(s *net.TCPConn) {
	pause := 50 * time.Microsecond
	for {
		n, ok := proxyUnacked(s)
		if !ok || n == 0 {
			return
		}
		t := time.NewTimer(pause)
		select {
		case <-t.C:
		case <-c.done:
			t.Stop()
			return
		}
		pause = min(2*pause, proxyMaxFlushPause)
	}
}

// proxyUnacked returns how many bytes written to s its peer has not yet
// acknowledged: the send queue of the socket, which Linux shows in
// /proc/net/tcp and /proc/net/tcp6. ok is false where those files do not
// exist or do not list s.
func proxyUnacked(s *net.TCPConn) (n int64, ok bool) {
	local, _ := s.LocalAddr().(*net.TCPAddr)
	remote, _ := s.RemoteAddr().(*net.TCPAddr)
	if local == nil || remote == nil {
		return 0, false
	}
	file := "/proc/net/tcp"
	if local.IP.To4() == nil {
		file = "/proc/net/tcp6"
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return 0, false
	}
	// Each line: sl local_address rem_address st tx_queue:rx_queue ...,
	// an address being the IP address in hex, as 32-bit words in host
	// byte order, a colon and the port in hex.
	procAddr := func(a *net.TCPAddr) string {
		ip := a.IP.To4()
		if file != "/proc/net/tcp" {
			ip = a.IP.To16()
		}
		var b strings.Builder
		for i := 0; i+4 <= len(ip); i += 4 {
			fmt.Fprintf(&b, "%08X", binary.NativeEndian.Uint32(ip[i:]))
		}
		fmt.Fprintf(&b, ":%04X", a.Port)
		return b.String()
	}
	wantLocal, wantRemote := procAddr(local), procAddr(remote)
	for line := range strings.Lines(string(data)) {
		f := strings.Fields(line)
		if len(f) < 5 || f[1] != wantLocal || f[2] != wantRemote {
			continue
		}
		tx, _, _ := strings.Cut(f[4], ":")
		n, err := strconv.ParseInt(tx, 16, 64)
		return n, err == nil
	}
	return 0, false
}

// end passes on the end of a flow: an orderly close (io.EOF) as a close
// of writing on dst, anything else as a reset of both sides. While
// stalled, nothing is passed on.
func (p *Proxy) end(c *proxyConn, dst *net.TCPConn, err error) {
	p.mu.Lock()
	stalled := c.stalled
	p.mu.Unlock()
	switch {
	case stalled:
	case errors.Is(err, io.EOF):
		if dst.CloseWrite() != nil {
			p.abort(c)
		}
	default:
		p.abort(c)
	}
}
