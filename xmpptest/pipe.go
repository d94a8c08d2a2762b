package xmpptest

import (
	"net"
	"os"
	"sync"
	"time"
)

// pipeBuffer bounds what a DialPipe connection holds for its client before
// the Server's writes wait, as a socket's receive buffer does.
const pipeBuffer = 256 << 10

// pipeConn is the client's end of a DialPipe connection: a net.Pipe end
// with a bounded receive buffer, filled by a goroutine. net.Pipe alone has
// no buffer, so two peers writing at once wait for each other forever:
// a TLS handshake that the client aborts (an untrusted certificate) would
// hang, with the client writing its alert while the Server still writes
// its flight. No real connection does that.
type pipeConn struct {
	net.Conn
	mu     sync.Mutex
	cond   *sync.Cond
	buf    []byte
	err    error // the pipe's read error, returned once buf is drained
	closed bool
	rdl    time.Time   // read deadline
	timer  *time.Timer // wakes readers at rdl
}

func newPipeConn(c net.Conn) *pipeConn {
	p := &pipeConn{Conn: c}
	p.cond = sync.NewCond(&p.mu)
	go p.fill()
	return p
}

// fill moves what the Server writes into buf while there is room. It ends
// when the pipe fails: when either end is closed.
func (p *pipeConn) fill() {
	chunk := make([]byte, 32<<10)
	for {
		p.mu.Lock()
		for len(p.buf) >= pipeBuffer && !p.closed {
			p.cond.Wait()
		}
		room := pipeBuffer - len(p.buf)
		p.mu.Unlock()
		n, err := p.Conn.Read(chunk[:min(room, len(chunk))])
		p.mu.Lock()
		p.buf = append(p.buf, chunk[:n]...)
		if err != nil {
			p.err = err
		}
		p.cond.Broadcast()
		p.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// Read reads from the buffer, waiting for data, an error, Close or the
// read deadline.
func (p *pipeConn) Read(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		switch {
		case p.closed:
			return 0, net.ErrClosed
		case len(p.buf) > 0:
			n := copy(b, p.buf)
			p.buf = p.buf[n:]
			if len(p.buf) == 0 {
				p.buf = nil // let the backing array go
			}
			p.cond.Broadcast() // room for fill
			return n, nil
		case p.err != nil:
			return 0, p.err
		case !p.rdl.IsZero() && !time.Now().Before(p.rdl):
			return 0, os.ErrDeadlineExceeded
		}
		p.cond.Wait()
	}
}

// SetReadDeadline sets the deadline of Read.
func (p *pipeConn) SetReadDeadline(t time.Time) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rdl = t
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	if !t.IsZero() {
		p.timer = time.AfterFunc(time.Until(t), func() {
			p.mu.Lock()
			p.cond.Broadcast()
			p.mu.Unlock()
		})
	}
	p.cond.Broadcast()
	return nil
}

// SetDeadline sets the read and write deadlines.
func (p *pipeConn) SetDeadline(t time.Time) error {
	_ = p.SetReadDeadline(t)
	return p.Conn.SetWriteDeadline(t)
}

// Close closes the connection; blocked reads return net.ErrClosed.
func (p *pipeConn) Close() error {
	p.mu.Lock()
	p.closed = true
	p.buf = nil
	if p.timer != nil {
		p.timer.Stop()
	}
	p.cond.Broadcast()
	p.mu.Unlock()
	return p.Conn.Close()
}
