package blocking_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/blocking"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// testCtx returns a context that bounds a unit test's waits.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// login connects account i of srv as resource res over net.Pipe and
// closes the client when the test ends.
func login(ctx context.Context, t *testing.T, srv *xmpptest.Server, i int, res string) *xmpp.Client {
	t.Helper()
	a := srv.Account(i)
	c, err := xmpp.Dial(ctx, a.JID(), &xmpp.Options{
		Password: a.Password, Resource: res, Addr: srv.Addr(), Dial: srv.DialPipe, TLSConfig: srv.TLSConfig(),
		KeepaliveInterval: -1, PingInterval: -1,
	})
	if err != nil {
		t.Fatalf("login %s: %v", a.User, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// fakeBlocking scripts XEP-0191 on an in-process server, which does not
// implement it: one block list for every account (enough for tests with
// one account), pushes to every full JID that fetched it.
type fakeBlocking struct {
	srv *xmpptest.Server

	mu         sync.Mutex
	list       []jid.JID
	interested []jid.JID
	commands   []*stanza.Element // <block/> and <unblock/> requests received
}

func scriptBlocking(srv *xmpptest.Server, initial ...jid.JID) *fakeBlocking {
	f := &fakeBlocking{srv: srv, list: initial}
	srv.HandleIQ(stanza.IQGet, blocking.NS, "blocklist", f.get)
	srv.HandleIQ(stanza.IQSet, blocking.NS, "block", f.set)
	srv.HandleIQ(stanza.IQSet, blocking.NS, "unblock", f.set)
	return f
}

func (f *fakeBlocking) get(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !slices.Contains(f.interested, iq.From) {
		f.interested = append(f.interested, iq.From)
	}
	return blocking.BlocklistElement(f.list)
}

func (f *fakeBlocking) set(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
	cmd, err := blocking.ParseCommand(iq.Payload)
	if err != nil {
		return nil, stanza.NewError(stanza.ErrBadRequest, err.Error())
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.commands = append(f.commands, iq.Payload)
	switch {
	case cmd.UnblocksAll():
		f.list = nil
	case cmd.Op == blocking.OpBlock:
		for _, j := range cmd.JIDs {
			if !slices.Contains(f.list, j) {
				f.list = append(f.list, j)
			}
		}
	default:
		f.list = slices.DeleteFunc(f.list, func(j jid.JID) bool { return slices.Contains(cmd.JIDs, j) })
	}
	for _, to := range f.interested {
		_ = f.srv.Inject(to, stanza.NewIQ(stanza.IQSet, to, iq.Payload).Element())
	}
	return nil, nil
}

// received returns the <block/> and <unblock/> requests the server got.
func (f *fakeBlocking) received() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var s []string
	for _, e := range f.commands {
		s = append(s, e.String())
	}
	return s
}

// pushRecorder returns Options whose OnChange sends to the returned
// channel.
func pushRecorder() (*blocking.Options, chan blocking.Command) {
	ch := make(chan blocking.Command, 16)
	return &blocking.Options{OnChange: func(c blocking.Command) { ch <- c }}, ch
}

func jids(ss ...string) []jid.JID {
	var js []jid.JID
	for _, s := range ss {
		js = append(js, jid.MustParse(s))
	}
	return js
}
