package xmpptest_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// waitTimeout bounds every wait of these tests for something to arrive.
const waitTimeout = 10 * time.Second

// startServer starts a Server for t and checks, after the Server is
// closed at the end of t, that no goroutine of the Server or of a Client
// is left.
func startServer(t *testing.T, cfg *xmpptest.ServerOptions) *xmpptest.Server {
	t.Helper()
	checkGoroutines(t) // registered first, so it runs after Close
	return xmpptest.StartServer(t, cfg)
}

// checkGoroutines fails t if, when its cleanups run, goroutines of the
// Server or of a Client are still running. Goroutines take a moment to
// exit after the channels they wait on close, so it polls for a while.
func checkGoroutines(t *testing.T) {
	t.Helper()
	t.Cleanup(func() {
		deadline := time.Now().Add(3 * time.Second)
		for {
			left := ourGoroutines()
			if left == "" {
				return
			}
			if time.Now().After(deadline) {
				t.Errorf("goroutines left behind:\n%s", left)
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// ourGoroutines returns the stacks of the goroutines running code of the
// Server or of a Client.
func ourGoroutines() string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "xmpp/xmpptest.(*Server)") || strings.Contains(g, "xmpp/xmpptest.(*session)") ||
			strings.Contains(g, "xmpp/xmpptest.(*wsBridge)") || strings.Contains(g, "xmpp/xmpptest.(*boshSession)") ||
			strings.Contains(g, "xmppkit/xmpp.(*Client)") {
			out = append(out, g)
		}
	}
	return strings.Join(out, "\n\n")
}

// options returns client Options that reach srv through net.Pipe, with
// keepalives off so that nothing but the test's own stanzas flows.
func options(srv *xmpptest.Server, password string) *xmpp.Options {
	return &xmpp.Options{
		Password:          password,
		Addr:              srv.Addr(),
		Dial:              srv.DialPipe,
		TLSConfig:         srv.TLSConfig(),
		KeepaliveInterval: -1,
		PingInterval:      -1,
		CloseTimeout:      time.Second,
	}
}

// login connects account i of srv as resource res ("" lets the server
// choose), with change changing the defaults of options, after running
// setup on the unconnected Client.
func login(t *testing.T, srv *xmpptest.Server, i int, res string, change func(*xmpp.Options), setup ...func(*xmpp.Client)) (*xmpp.Client, error) {
	t.Helper()
	acct := srv.Account(i)
	o := options(srv, acct.Password)
	o.Resource = res
	if change != nil {
		change(o)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	c := xmpp.New(acct.JID(), o)
	for _, f := range setup {
		f(c)
	}
	if err := c.Connect(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// mustLogin is login that fails the test on error and closes the Client
// when the test ends.
func mustLogin(t *testing.T, srv *xmpptest.Server, i int, res string) *xmpp.Client {
	t.Helper()
	c, err := login(t, srv, i, res, nil)
	if err != nil {
		t.Fatalf("login as %s/%s: %v", srv.Account(i).User, res, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// inbox collects what a Client receives: messages, presence and roster
// pushes, in arrival order.
type inbox struct {
	c  *xmpp.Client
	ch chan stanza.Stanza
}

func newInbox(c *xmpp.Client) *inbox {
	in := &inbox{c: c, ch: make(chan stanza.Stanza, 100)}
	c.HandleMessage(xmpp.Route{}, func(_ context.Context, m *stanza.Message) { in.ch <- m })
	c.HandlePresence(xmpp.Route{}, func(_ context.Context, p *stanza.Presence) { in.ch <- p })
	c.HandleIQ(stanza.IQSet, "jabber:iq:roster", "query", func(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		in.ch <- iq
		return nil, nil
	})
	return in
}

// next returns the next stanza received, failing the test after
// waitTimeout.
func (in *inbox) next(t *testing.T) stanza.Stanza {
	t.Helper()
	select {
	case s := <-in.ch:
		return s
	case <-time.After(waitTimeout):
		t.Fatalf("%s received nothing", in.c.JID())
		return nil
	}
}

// message returns the next stanza, which must be a message.
func (in *inbox) message(t *testing.T) *stanza.Message {
	t.Helper()
	s := in.next(t)
	m, ok := s.(*stanza.Message)
	if !ok {
		t.Fatalf("%s: got %s, want a message", in.c.JID(), s.Element())
	}
	return m
}

// presence returns the next stanza, which must be a presence.
func (in *inbox) presence(t *testing.T) *stanza.Presence {
	t.Helper()
	s := in.next(t)
	p, ok := s.(*stanza.Presence)
	if !ok {
		t.Fatalf("%s: got %s, want a presence", in.c.JID(), s.Element())
	}
	return p
}

// push returns the item of the next stanza, which must be a roster push.
func (in *inbox) push(t *testing.T) *stanza.Element {
	t.Helper()
	s := in.next(t)
	iq, ok := s.(*stanza.IQ)
	if !ok || !iq.From.IsZero() {
		t.Fatalf("%s: got %s, want a roster push", in.c.JID(), s.Element())
	}
	return iq.Payload.Child("jabber:iq:roster", "item")
}

// empty checks that nothing is waiting in the inbox. Callers make sure
// that anything which could have arrived has: a later stanza from the same
// sender arrived first.
func (in *inbox) empty(t *testing.T) {
	t.Helper()
	select {
	case s := <-in.ch:
		t.Errorf("%s: unexpected %s", in.c.JID(), s.Element())
	default:
	}
}

// send sends s from c, failing the test on error.
func send(t *testing.T, c *xmpp.Client, s stanza.Stanza) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := c.Send(ctx, s); err != nil {
		t.Fatalf("%s: send: %v", c.JID(), err)
	}
}

// presence returns an available presence with priority prio.
func presence(prio int8) *stanza.Presence {
	p := stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})
	p.Priority = prio
	return p
}

// itemString describes a roster item as "jid subscription ask".
func itemString(it *stanza.Element) string {
	if it == nil {
		return "<nil>"
	}
	return strings.TrimSpace(fmt.Sprintf("%s %s %s", it.Attr("jid"), it.Attr("subscription"), it.Attr("ask")))
}

// ctx returns a context for one step of a test.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), waitTimeout)
	t.Cleanup(cancel)
	return c
}

// expectShutdown checks that each Client ended with system-shutdown (the
// Server closed), then closes it.
func expectShutdown(t *testing.T, clients []*xmpp.Client) {
	t.Helper()
	for _, c := range clients {
		select {
		case <-c.Done():
			if !errors.Is(c.Err(), stanza.StreamSystemShutdown) {
				t.Errorf("%s ended with %v", c.JID(), c.Err())
			}
		case <-time.After(waitTimeout):
			t.Errorf("%s still running", c.JID())
		}
		c.Close()
	}
}
