package blocking_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/blocking"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// pushElement returns a push of cmd to to, from from (none if zero).
func pushElement(t *testing.T, id string, from, to jid.JID, cmd blocking.Command) *stanza.Element {
	t.Helper()
	p, err := cmd.Element()
	if err != nil {
		t.Fatal(err)
	}
	iq := stanza.NewIQ(stanza.IQSet, to, p)
	iq.ID, iq.From = id, from
	return iq.Element()
}

// replies returns a channel that receives the IQ answers c's client sends
// (ClientToServer results and errors).
func replies(srv *xmpptest.Server) <-chan *stanza.IQ {
	ch := make(chan *stanza.IQ, 16)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir != xmpptest.ClientToServer || ev.Element.Name.Local != "iq" {
			return xmpptest.Verdict{}
		}
		if iq, err := stanza.ParseIQ(ev.Element); err == nil && (iq.Type == stanza.IQResult || iq.Type == stanza.IQError) {
			ch <- iq
		}
		return xmpptest.Verdict{}
	})
	return ch
}

// TestPushes checks that pushes from the account's server (no from, or
// the account's bare JID) are applied and reported, and that everything
// else is refused and changes nothing.
func TestPushes(t *testing.T) {
	ctx := testCtx(t)
	srv := xmpptest.StartServer(t, nil)
	answers := replies(srv)
	alice := login(ctx, t, srv, 0, "laptop")
	opts, changes := pushRecorder()
	bl := blocking.New(alice, opts)
	me := alice.JID()
	block := func(ss ...string) blocking.Command { return blocking.Command{Op: blocking.OpBlock, JIDs: jids(ss...)} }

	// send injects a push and returns the client's answer to it.
	send := func(id string, e *stanza.Element) *stanza.IQ {
		t.Helper()
		if err := srv.Inject(me, e); err != nil {
			t.Fatal(err)
		}
		iq := recv(ctx, t, answers, "answer to "+id)
		if iq.ID != id {
			t.Fatalf("answer %s to push %s", iq.ID, id)
		}
		return iq
	}

	accepted := []struct {
		id   string
		from jid.JID
		cmd  blocking.Command
		want []jid.JID
	}{
		{"no-from", jid.JID{}, block("bob@localhost"), jids("bob@localhost")},
		{"own-bare", me.Bare(), block("carol@localhost", "example.com"), jids("bob@localhost", "carol@localhost", "example.com")},
		{"unblock", jid.JID{}, blocking.Command{Op: blocking.OpUnblock, JIDs: jids("carol@localhost")}, jids("bob@localhost", "example.com")},
	}
	for _, tc := range accepted {
		if iq := send(tc.id, pushElement(t, tc.id, tc.from, me, tc.cmd)); iq.Type != stanza.IQResult {
			t.Fatalf("push %s answered %v", tc.id, iq.Error)
		}
		if c := recv(ctx, t, changes, "change"); c.Op != tc.cmd.Op || !slices.Equal(c.JIDs, tc.cmd.JIDs) {
			t.Errorf("push %s reported as %+v", tc.id, c)
		}
		if got := bl.List(); !slices.Equal(got, tc.want) {
			t.Errorf("after push %s: %v, want %v", tc.id, got, tc.want)
		}
	}

	// Spoofed pushes: from another account, from another resource of the
	// account (a client, not the server), from the server's domain.
	before := bl.List()
	refused := []struct {
		id   string
		from string
		cond stanza.Condition
		cmd  blocking.Command
	}{
		{"other-account", "mallory@localhost/x", stanza.ErrServiceUnavailable, block("bob@example.net")},
		{"other-bare", "mallory@localhost", stanza.ErrServiceUnavailable, blocking.Command{Op: blocking.OpUnblock}},
		{"own-full", "alice@localhost/other", stanza.ErrServiceUnavailable, block("dave@localhost")},
		{"domain", "localhost", stanza.ErrServiceUnavailable, block("dave@localhost")},
	}
	for _, tc := range refused {
		iq := send(tc.id, pushElement(t, tc.id, jid.MustParse(tc.from), me, tc.cmd))
		if iq.Type != stanza.IQError || !errors.Is(iq.Error, tc.cond) {
			t.Errorf("push %s from %s answered %s %v, want %s", tc.id, tc.from, iq.Type, iq.Error, tc.cond)
		}
	}
	// Malformed pushes from the server get bad-request.
	for i, p := range []string{
		`<block xmlns='urn:xmpp:blocking'/>`,
		`<block xmlns='urn:xmpp:blocking'><item jid='a@b@c'/></block>`,
		`<unblock xmlns='urn:xmpp:blocking'><item/></unblock>`,
	} {
		id := "malformed-" + string(rune('a'+i))
		iq := stanza.NewIQ(stanza.IQSet, me, mustElement(t, p))
		iq.ID = id
		if a := send(id, iq.Element()); !errors.Is(a.Error, stanza.ErrBadRequest) {
			t.Errorf("%s answered %v, want bad-request", p, a.Error)
		}
	}
	// The answers were sent after the handler returned: had OnChange been
	// called, it would have been by now.
	select {
	case c := <-changes:
		t.Errorf("refused push reported: %+v", c)
	default:
	}
	if got := bl.List(); !slices.Equal(got, before) {
		t.Errorf("refused pushes changed the list: %v, want %v", got, before)
	}

	// Unblock all.
	if iq := send("all", pushElement(t, "all", jid.JID{}, me, blocking.Command{Op: blocking.OpUnblock})); iq.Type != stanza.IQResult {
		t.Fatalf("unblock-all push answered %v", iq.Error)
	}
	if c := recv(ctx, t, changes, "change"); !c.UnblocksAll() {
		t.Errorf("reported %+v", c)
	}
	if got := bl.List(); len(got) != 0 {
		t.Errorf("after unblock all: %v", got)
	}
}

// TestBlocked checks the JID matching rules of XEP-0191 section 6.
func TestBlocked(t *testing.T) {
	ctx := testCtx(t)
	srv := xmpptest.StartServer(t, nil)
	scriptBlocking(srv, jids(
		"romeo@montague.net/orchard", // only that resource
		"iago@shakespeare.lit",       // any resource
		"capulet.com/nurse",          // only that resource of the domain
		"example.com",                // the domain and everything under it
	)...)
	bl := blocking.New(login(ctx, t, srv, 0, "r"), nil)
	if bl.Blocked(jid.MustParse("example.com")) {
		t.Fatal("blocked before Load")
	}
	if err := bl.Load(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		j    string
		want bool
	}{
		{"romeo@montague.net/orchard", true},
		{"romeo@montague.net", false},
		{"romeo@montague.net/balcony", false},
		{"montague.net", false},
		{"iago@shakespeare.lit", true},
		{"iago@shakespeare.lit/any", true},
		{"othello@shakespeare.lit", false},
		{"shakespeare.lit", false},
		{"capulet.com/nurse", true},
		{"capulet.com", false},
		{"capulet.com/juliet", false},
		{"juliet@capulet.com/nurse", false},
		{"example.com", true},
		{"user@example.com", true},
		{"example.com/res", true},
		{"user@example.com/res", true},
		{"sub.example.com", false},
		{"user@sub.example.com", false},
		{"Iago@Shakespeare.LIT/x", true}, // compared prepared
	} {
		if got := bl.Blocked(jid.MustParse(tc.j)); got != tc.want {
			t.Errorf("Blocked(%s) = %v, want %v", tc.j, got, tc.want)
		}
	}
	if bl.Blocked(jid.JID{}) {
		t.Error("zero JID blocked")
	}
	l := bl.List()
	if want := jids("capulet.com/nurse", "example.com", "iago@shakespeare.lit", "romeo@montague.net/orchard"); !slices.Equal(l, want) {
		t.Errorf("List() = %v, want %v", l, want)
	}
	l[0] = jid.MustParse("x@y") // a copy
	if bl.Blocked(jid.MustParse("x@y")) {
		t.Error("List shares its slice")
	}
}

// TestLoadKeepsPushes checks that a push applied while Load waits for its
// result is not lost when the result, computed before the push, arrives.
func TestLoadKeepsPushes(t *testing.T) {
	ctx := testCtx(t)
	srv := xmpptest.StartServer(t, nil)
	alice := login(ctx, t, srv, 0, "r")
	opts, changes := pushRecorder()
	bl := blocking.New(alice, opts)
	// The server takes its snapshot ({bob, dave}); then carol is blocked
	// and dave unblocked by another resource, and those pushes reach the
	// client before the result does.
	srv.HandleIQ(stanza.IQGet, blocking.NS, "blocklist", func(ctx context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		snapshot, _ := blocking.BlocklistElement(jids("bob@localhost", "dave@localhost"))
		for i, cmd := range []blocking.Command{
			{Op: blocking.OpBlock, JIDs: jids("carol@localhost")},
			{Op: blocking.OpUnblock, JIDs: jids("dave@localhost")},
		} {
			_ = srv.Inject(iq.From, pushElement(t, "p"+string(rune('0'+i)), jid.JID{}, iq.From, cmd))
		}
		return snapshot, nil
	})
	// The result waits until the client has applied both pushes. (The
	// hook runs on the goroutine writing to alice, so it holds back only
	// what follows the pushes.)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == xmpptest.ServerToClient && ev.Element.Attr("type") == "result" && ev.Element.Child(blocking.NS, "blocklist") != nil {
			for range 2 {
				select {
				case <-changes:
				case <-ctx.Done():
					t.Error("pushes not applied")
				}
			}
		}
		return xmpptest.Verdict{}
	})
	if err := bl.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := bl.List(), jids("bob@localhost", "carol@localhost"); !slices.Equal(got, want) {
		t.Errorf("after Load: %v, want %v", got, want)
	}
}

// TestLoadError checks that a failed Load leaves the list as it was.
func TestLoadError(t *testing.T) {
	ctx := testCtx(t)
	srv := xmpptest.StartServer(t, nil)
	alice := login(ctx, t, srv, 0, "r")
	opts, changes := pushRecorder()
	bl := blocking.New(alice, opts)
	if err := srv.Inject(alice.JID(), pushElement(t, "p", jid.JID{}, alice.JID(), blocking.Command{Op: blocking.OpBlock, JIDs: jids("bob@localhost")})); err != nil {
		t.Fatal(err)
	}
	recv(ctx, t, changes, "change")
	if err := bl.Load(ctx); !errors.Is(err, stanza.ErrServiceUnavailable) {
		t.Fatalf("load: %v", err)
	}
	if got := bl.List(); !slices.Equal(got, jids("bob@localhost")) {
		t.Errorf("after a failed Load: %v", got)
	}
}

// TestTwoResources checks that a block by one resource reaches the view
// of another through the (scripted) server's push.
func TestTwoResources(t *testing.T) {
	ctx := testCtx(t)
	srv := xmpptest.StartServer(t, nil)
	scriptBlocking(srv)
	laptop, phone := login(ctx, t, srv, 0, "laptop"), login(ctx, t, srv, 0, "phone")
	opts, changes := pushRecorder()
	view := blocking.New(phone, opts)
	if err := view.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if err := blocking.Block(ctx, laptop, jids("bob@localhost")...); err != nil {
		t.Fatal(err)
	}
	recv(ctx, t, changes, "push")
	if !view.Blocked(jid.MustParse("bob@localhost/desk")) {
		t.Errorf("phone's view: %v", view.List())
	}
}

// TestNewTwice checks that a second Blocklist on one Client panics, as a
// duplicate handler does.
func TestNewTwice(t *testing.T) {
	ctx := testCtx(t)
	srv := xmpptest.StartServer(t, nil)
	c := login(ctx, t, srv, 0, "r")
	blocking.New(c, nil)
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	blocking.New(c, nil)
}

// TestReloadAfterNewSession: when the Client could not resume its session,
// a loaded Blocklist fetches the list again, since pushes sent meanwhile
// were lost.
func TestReloadAfterNewSession(t *testing.T) {
	ctx := testCtx(t)
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{StreamManagement: true})
	enabled := make(chan struct{}, 4)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		e := ev.Element
		switch {
		case ev.Dir == xmpptest.ClientToServer && e.Name == (stanza.Name{Space: "urn:xmpp:sm:3", Local: "resume"}):
			return xmpptest.Verdict{Replace: e.Copy().SetAttr("previd", "forgotten")}
		case ev.Dir == xmpptest.ServerToClient && e.Name == (stanza.Name{Space: "urn:xmpp:sm:3", Local: "enabled"}):
			enabled <- struct{}{}
		}
		return xmpptest.Verdict{}
	})
	f := scriptBlocking(srv, jids("bob@localhost")...)
	a := srv.Account(0)
	c, err := xmpp.Dial(ctx, a.JID(), &xmpp.Options{Password: a.Password, Addr: srv.Addr(), Dial: srv.DialPipe, TLSConfig: srv.TLSConfig(), ReconnectMin: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	bl := blocking.New(c, nil)
	// Event handlers run in the order they were added: this one runs
	// after the Blocklist's, which loads the list again on a new session.
	reloaded := make(chan struct{}, 1)
	c.HandleEvent(func(_ context.Context, ev xmpp.Event) {
		if ev.Kind == xmpp.EventNewSession {
			select {
			case reloaded <- struct{}{}:
			default:
			}
		}
	})
	if err := bl.Load(ctx); err != nil {
		t.Fatal(err)
	}
	<-enabled
	// A round trip: the Client has read <enabled/> once the answer comes.
	if err := c.Ping(ctx, jid.JID{}); err != nil {
		t.Fatal(err)
	}
	// While the connection is down, the list changes on the server.
	f.mu.Lock()
	f.list = jids("carol@localhost")
	f.interested = nil
	f.mu.Unlock()
	if err := srv.Cut(c.JID()); err != nil {
		t.Fatal(err)
	}
	recv(ctx, t, reloaded, "new session")
	if got := bl.List(); !slices.Equal(got, jids("carol@localhost")) {
		t.Fatalf("list after a new session: %v", got)
	}
}
