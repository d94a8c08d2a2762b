package xmpp

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/sasl"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stream"
	"github.com/xmppkit/xmpp/xmpptest"
)

// The Client's unit tests run against xmpptest.Server over net.Pipe. Error
// paths are made with its hooks: a verdict that drops, delays or replaces
// an element in either direction (negotiation included), Inject and
// InjectRaw for what no honest server sends, Cut for a broken connection,
// HandleIQ for scripted answers.

// testOptions returns Options for account i of srv over DialPipe, with the
// Client's timers quiet (no keepalive, no ping) and fast reconnection, so
// that a test sees only what it provokes.
func testOptions(srv *xmpptest.Server, i int) *Options {
	a := srv.Account(i)
	return &Options{
		Password:          a.Password,
		TLSConfig:         srv.TLSConfig(),
		Dial:              srv.DialPipe,
		KeepaliveInterval: -1,
		PingInterval:      -1,
		CloseTimeout:      time.Second,
		ReconnectMin:      time.Millisecond,
		ReconnectMax:      10 * time.Millisecond,
	}
}

// dialTest logs in as account i of srv with testOptions changed by change
// (if not nil), and closes the Client when the test ends.
func dialTest(t *testing.T, srv *xmpptest.Server, i int, change func(*Options)) *Client {
	t.Helper()
	return connectTest(t, srv, i, change, nil)
}

// connectTest is dialTest with register (if not nil) run on the Client
// before it connects, to register handlers that must see everything.
func connectTest(t *testing.T, srv *xmpptest.Server, i int, change func(*Options), register func(*Client)) *Client {
	t.Helper()
	opts := testOptions(srv, i)
	if change != nil {
		change(opts)
	}
	c := New(srv.Account(i).JID(), opts)
	t.Cleanup(func() { c.Close() })
	if register != nil {
		register(c)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Connect(ctx); err != nil {
		t.Fatalf("login as %s: %v", srv.Account(i).User, err)
	}
	return c
}

// eventsTo returns a register function for connectTest that sends the
// Client's events to ch, without blocking the dispatcher (ch must have
// room for what the test provokes).
func eventsTo(ch chan<- Event) func(*Client) {
	return func(c *Client) {
		c.HandleEvent(func(_ context.Context, ev Event) {
			if ev.Kind == EventConnected {
				return
			}
			select {
			case ch <- ev:
			default:
			}
		})
	}
}

// dialWith dials account i of srv with opts, waiting at most ten seconds.
func dialWith(srv *xmpptest.Server, i int, opts *Options) (*Client, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return Dial(ctx, srv.Account(i).JID(), opts)
}

// watch returns a channel that receives, in order, the elements passing
// in direction dir that match. It never blocks the Server: elements that
// find the channel full (64) are not delivered.
func watch(srv *xmpptest.Server, dir xmpptest.Direction, match func(*stanza.Element) bool) <-chan *stanza.Element {
	ch := make(chan *stanza.Element, 64)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == dir && match(ev.Element) {
			select {
			case ch <- ev.Element:
			default:
			}
		}
		return xmpptest.Verdict{}
	})
	return ch
}

// streamErrors returns a channel receiving the stream errors clients send.
func streamErrors(srv *xmpptest.Server) <-chan *stanza.Element {
	return watch(srv, xmpptest.ClientToServer, func(e *stanza.Element) bool {
		return e.Name == stanza.Name{Space: stanza.NSStream, Local: "error"}
	})
}

// next receives from ch, failing the test after five seconds.
func next(t *testing.T, ch <-chan *stanza.Element, what string) *stanza.Element {
	t.Helper()
	select {
	case e := <-ch:
		return e
	case <-time.After(5 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		return nil
	}
}

// isIQ reports whether e is an IQ of type typ whose payload is {space}local.
func isIQ(e *stanza.Element, typ stanza.IQType, space, local string) bool {
	return e.Name == stanza.Name{Space: stanza.NSClient, Local: "iq"} && e.Attr("type") == string(typ) && e.Child(space, local) != nil
}

// isPing reports whether e is an XEP-0199 ping.
func isPing(e *stanza.Element) bool { return isIQ(e, stanza.IQGet, "urn:xmpp:ping", "ping") }

// isSM reports whether e is the stream-management nonza local.
func isSM(e *stanza.Element, local string) bool {
	return e.Name == stanza.Name{Space: nsSM, Local: local}
}

// features returns <stream:features/> with the given children.
func features(children ...*stanza.Element) *stanza.Element {
	f := stanza.NewElement(stanza.NSStream, "features")
	for _, c := range children {
		f.AddChild(c)
	}
	return f
}

const (
	nsTLS     = stream.NSTLS
	nsSASL    = sasl.NS
	nsBind    = stream.NSBind
	nsSession = stream.NSSession
	nsSM      = stream.NSSM
)

// mechanisms returns the <mechanisms/> feature offering names.
func mechanisms(names ...string) *stanza.Element {
	m := stanza.NewElement(nsSASL, "mechanisms")
	for _, n := range names {
		m.AddChild(stanza.NewElement(nsSASL, "mechanism").AddText(n))
	}
	return m
}

// chat returns a chat message from from to to, as the Server would write
// it (with a from address), for Inject.
func chat(from, to jid.JID, body string) *stanza.Element {
	m := stanza.NewMessage(stanza.MessageChat, to, body)
	m.From = from
	return m.Element()
}

// waitDone waits up to five seconds for c to end.
func waitDone(t *testing.T, c *Client) {
	t.Helper()
	select {
	case <-c.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("client still running")
	}
}

// dialCounter wraps srv.DialPipe, records the addresses dialled and
// refuses every connection after the first n (n < 0: none refused).
type dialCounter struct {
	srv   *xmpptest.Server
	n     int
	mu    sync.Mutex
	addrs []string
}

var errRefused = errors.New("test: connection refused")

func (d *dialCounter) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	d.addrs = append(d.addrs, addr)
	refuse := d.n >= 0 && len(d.addrs) > d.n
	d.mu.Unlock()
	if refuse {
		return nil, errRefused
	}
	return d.srv.DialPipe(ctx, network, addr)
}

func (d *dialCounter) dialled() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.addrs...)
}
