package xmpptest_test

import (
	"context"
	"errors"
	"io"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestServerHookSeesEverything records the elements of one login and
// checks their order, directions and the session addresses shown.
func TestServerHookSeesEverything(t *testing.T) {
	srv := startServer(t, nil)
	type seen struct {
		dir  xmpptest.Direction
		jid  string
		name string
	}
	var mu sync.Mutex
	var log []seen
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		mu.Lock()
		log = append(log, seen{ev.Dir, ev.JID.String(), ev.Element.Name.Local})
		mu.Unlock()
		return xmpptest.Verdict{}
	})
	alice := mustLogin(t, srv, 0, "desk")
	if err := alice.Ping(ctx(t), jid.JID{}); err != nil {
		t.Fatal(err)
	}
	c2s, s2c := xmpptest.ClientToServer, xmpptest.ServerToClient
	want := []seen{
		{s2c, "", "features"}, {c2s, "", "starttls"}, {s2c, "", "proceed"},
		{s2c, "", "features"}, {c2s, "", "auth"}, {s2c, "", "challenge"}, {c2s, "", "response"}, {s2c, "alice@localhost", "success"},
		{s2c, "alice@localhost", "features"}, {c2s, "alice@localhost", "iq"}, {s2c, "alice@localhost/desk", "iq"},
		{c2s, "alice@localhost/desk", "iq"}, {s2c, "alice@localhost/desk", "iq"},
	}
	mu.Lock()
	got := slices.Clone(log)
	mu.Unlock()
	if !slices.Equal(got, want) {
		t.Errorf("hook saw\n%v\nwant\n%v", got, want)
	}
}

// TestServerHookVerdicts drops, delays and replaces stanzas, and removes
// the hook.
func TestServerHookVerdicts(t *testing.T) {
	srv := startServer(t, nil)
	alice := mustLogin(t, srv, 0, "")
	bob := mustLogin(t, srv, 1, "")
	bin := newInbox(bob)
	const delay = 100 * time.Millisecond
	remove := srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		m, err := stanza.ParseMessage(ev.Element)
		if err != nil {
			return xmpptest.Verdict{}
		}
		switch {
		case ev.Dir == xmpptest.ClientToServer && m.Body() == "drop me":
			return xmpptest.Verdict{Drop: true}
		case ev.Dir == xmpptest.ServerToClient && m.Body() == "slow":
			return xmpptest.Verdict{Delay: delay}
		case ev.Dir == xmpptest.ServerToClient && m.Body() == "rewrite me":
			m.Bodies = []stanza.Text{{Value: "rewritten"}}
			return xmpptest.Verdict{Replace: m.Element()}
		}
		return xmpptest.Verdict{}
	})
	for _, body := range []string{"drop me", "rewrite me"} {
		send(t, alice, stanza.NewMessage(stanza.MessageChat, bob.JID(), body))
	}
	if m := bin.message(t); m.Body() != "rewritten" || m.From != alice.JID() {
		t.Errorf("got %s", m.Element())
	}
	t0 := time.Now()
	send(t, alice, stanza.NewMessage(stanza.MessageChat, bob.JID(), "slow"))
	send(t, alice, stanza.NewMessage(stanza.MessageChat, bob.JID(), "behind"))
	if m := bin.message(t); m.Body() != "slow" || time.Since(t0) < delay {
		t.Errorf("got %q after %v", m.Body(), time.Since(t0))
	}
	if m := bin.message(t); m.Body() != "behind" {
		t.Errorf("got %q", m.Body())
	}
	remove()
	send(t, alice, stanza.NewMessage(stanza.MessageChat, bob.JID(), "drop me"))
	if m := bin.message(t); m.Body() != "drop me" {
		t.Errorf("got %q after the hook was removed", m.Body())
	}
}

// TestServerHookDropBind drops the bind result: the client's Dial ends
// with its context.
func TestServerHookDropBind(t *testing.T) {
	srv := startServer(t, nil)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == xmpptest.ServerToClient && ev.Element.Child("urn:ietf:params:xml:ns:xmpp-bind", "bind") != nil {
			return xmpptest.Verdict{Drop: true}
		}
		return xmpptest.Verdict{}
	})
	c, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	acct := srv.Account(0)
	_, err := xmpp.Dial(c, acct.JID(), options(srv, acct.Password))
	// The connection's deadline, set from ctx, may fire a moment before
	// ctx itself reports it.
	if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("err = %v, want the deadline", err)
	}
}

// TestServerHookDelayOneSession holds back everything to bob: alice and
// carol go on meanwhile, and closing bob's session ends the delay.
func TestServerHookDelayOneSession(t *testing.T) {
	srv := startServer(t, nil)
	alice := mustLogin(t, srv, 0, "")
	bob := mustLogin(t, srv, 1, "")
	carol := mustLogin(t, srv, 2, "")
	bin, cin := newInbox(bob), newInbox(carol)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == xmpptest.ServerToClient && ev.JID == bob.JID() {
			return xmpptest.Verdict{Delay: time.Hour}
		}
		return xmpptest.Verdict{}
	})
	send(t, alice, stanza.NewMessage(stanza.MessageChat, bob.JID(), "late"))
	send(t, alice, stanza.NewMessage(stanza.MessageChat, carol.JID(), "on time"))
	if m := cin.message(t); m.Body() != "on time" {
		t.Errorf("carol got %q", m.Body())
	}
	bin.empty(t)
	if err := srv.Cut(bob.JID()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-bob.Done():
	case <-time.After(waitTimeout):
		t.Fatal("bob still connected")
	}
}

// TestServerInject injects a stanza, and bytes that are not XML.
func TestServerInject(t *testing.T) {
	srv := startServer(t, nil)
	bob := mustLogin(t, srv, 1, "")
	bin := newInbox(bob)
	m := stanza.NewMessage(stanza.MessageHeadline, bob.JID(), "from the server")
	m.From = jid.MustParse("localhost")
	if err := srv.Inject(bob.JID(), m.Element()); err != nil {
		t.Fatal(err)
	}
	if got := bin.message(t); got.Body() != "from the server" || got.From != m.From {
		t.Errorf("got %s", got.Element())
	}
	if err := srv.Inject(jid.MustParse("bob@localhost/nowhere"), m.Element()); !errors.Is(err, xmpptest.ErrNoSession) {
		t.Errorf("Inject to nobody: %v", err)
	}
	if err := srv.InjectRaw(bob.JID(), []byte("<message><<")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-bob.Done():
		var syn *stanza.SyntaxError
		if !errors.As(bob.Err(), &syn) || !errors.Is(bob.Err(), stanza.StreamNotWellFormed) {
			t.Errorf("bob ended with %v, want not-well-formed", bob.Err())
		}
	case <-time.After(waitTimeout):
		t.Fatal("bob still running after garbage")
	}
	if err := srv.WaitNoSession(ctx(t), bob.JID()); err != nil {
		t.Error(err)
	}
}

// TestServerHookSeesClientStreamError: the stream error a client sends
// when it gets bad input is shown to the hooks.
func TestServerHookSeesClientStreamError(t *testing.T) {
	srv := startServer(t, nil)
	bob := mustLogin(t, srv, 1, "")
	got := make(chan *stanza.StreamError, 1)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if se, err := stanza.ParseStreamError(ev.Element); err == nil && ev.Dir == xmpptest.ClientToServer {
			got <- se
		}
		return xmpptest.Verdict{}
	})
	if err := srv.InjectRaw(bob.JID(), []byte("<message><!-- hidden --></message>")); err != nil {
		t.Fatal(err)
	}
	select {
	case se := <-got:
		if se.Condition != stanza.StreamRestrictedXML {
			t.Errorf("client sent %v, want restricted-xml", se)
		}
	case <-time.After(waitTimeout):
		t.Fatal("the hook saw no stream error")
	}
}

// TestServerFlush: Flush returns once what was injected is written, so a
// Cut after it ends the stream right after those bytes.
func TestServerFlush(t *testing.T) {
	srv := startServer(t, nil)
	bob := mustLogin(t, srv, 1, "")
	if err := srv.InjectRaw(bob.JID(), []byte("<message><body>hel")); err != nil {
		t.Fatal(err)
	}
	if err := srv.Flush(ctx(t), bob.JID()); err != nil {
		t.Fatal(err)
	}
	if err := srv.Cut(bob.JID()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-bob.Done():
		if !errors.Is(bob.Err(), io.ErrUnexpectedEOF) {
			t.Errorf("bob ended with %v, want unexpected EOF", bob.Err())
		}
	case <-time.After(waitTimeout):
		t.Fatal("bob still running")
	}
	if err := srv.Flush(ctx(t), bob.JID()); !errors.Is(err, xmpptest.ErrNoSession) {
		t.Errorf("Flush after Cut: %v", err)
	}
}

// TestServerCut cuts a connection: the client sees the connection end
// without a closing tag, and the Server forgets the session at once,
// telling those who saw its presence that it is gone.
func TestServerCut(t *testing.T) {
	srv := startServer(t, nil)
	alice := mustLogin(t, srv, 0, "")
	bob := mustLogin(t, srv, 1, "")
	ain := newInbox(alice)
	send(t, bob, stanza.NewPresence(stanza.PresenceAvailable, alice.JID()))
	ain.presence(t)
	if err := srv.Cut(bob.JID()); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(srv.Sessions(), bob.JID()) {
		t.Error("bob still listed after Cut")
	}
	if p := ain.presence(t); p.Type != stanza.PresenceUnavailable || p.From != bob.JID() {
		t.Errorf("alice got %s", p.Element())
	}
	select {
	case <-bob.Done():
		if !errors.Is(bob.Err(), io.ErrUnexpectedEOF) {
			t.Errorf("bob ended with %v, want unexpected EOF", bob.Err())
		}
	case <-time.After(waitTimeout):
		t.Fatal("bob still running")
	}
	if err := srv.Cut(bob.JID()); !errors.Is(err, xmpptest.ErrNoSession) {
		t.Errorf("second Cut: %v", err)
	}
}

// TestServerHandleIQ scripts answers to IQs addressed to the Server,
// replacing a built-in one.
func TestServerHandleIQ(t *testing.T) {
	srv := startServer(t, nil)
	srv.HandleIQ(stanza.IQGet, "jabber:iq:version", "query", func(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		if iq.From.Bare().String() != "alice@localhost" {
			return nil, errors.New("wrong sender " + iq.From.String())
		}
		return stanza.NewElement("jabber:iq:version", "query").AddChild(stanza.NewElement("jabber:iq:version", "name").AddText("xmpptest")), nil
	})
	srv.HandleIQ(stanza.IQGet, "jabber:iq:roster", "query", func(context.Context, *stanza.IQ) (*stanza.Element, error) {
		return nil, stanza.NewError(stanza.ErrResourceConstraint, "try later")
	})
	srv.HandleIQ(stanza.IQSet, "urn:example", "fail", func(context.Context, *stanza.IQ) (*stanza.Element, error) {
		return nil, errors.New("not for the peer's eyes")
	})
	alice := mustLogin(t, srv, 0, "")
	res, err := alice.Request(ctx(t), stanza.NewIQ(stanza.IQGet, jid.MustParse("localhost"), stanza.NewElement("jabber:iq:version", "query")))
	if err != nil || res.Payload.ChildText("jabber:iq:version", "name") != "xmpptest" {
		t.Errorf("version: %v, %v", res, err)
	}
	_, err = alice.Request(ctx(t), stanza.NewIQ(stanza.IQGet, jid.JID{}, stanza.NewElement("jabber:iq:roster", "query")))
	var se *stanza.Error
	if !errors.As(err, &se) || se.Condition != stanza.ErrResourceConstraint || se.Text != "try later" {
		t.Errorf("roster: err = %v, want the scripted resource-constraint", err)
	}
	_, err = alice.Request(ctx(t), stanza.NewIQ(stanza.IQSet, jid.JID{}, stanza.NewElement("urn:example", "fail")))
	if !errors.As(err, &se) || se.Condition != stanza.ErrInternalServerError || se.Text != "" {
		t.Errorf("fail: err = %v, want a bare internal-server-error", err)
	}
	if f := srv.Features(); !slices.Contains(f, "jabber:iq:version") || !slices.Contains(f, "urn:example") {
		t.Errorf("features %q", f)
	}
	defer func() {
		if recover() == nil {
			t.Error("a second handler for the same IQ did not panic")
		}
	}()
	srv.HandleIQ(stanza.IQGet, "jabber:iq:version", "query", func(context.Context, *stanza.IQ) (*stanza.Element, error) { return nil, nil })
}

// TestServerWaitSession waits for a session to be bound and to go.
func TestServerWaitSession(t *testing.T) {
	srv := startServer(t, nil)
	bob := jid.MustParse("bob@localhost")
	done := make(chan error, 1)
	go func() { done <- srv.WaitSession(ctx(t), bob) }()
	c := mustLogin(t, srv, 1, "phone")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitSession(ctx(t), c.JID()); err != nil {
		t.Error(err)
	}
	c.Close()
	if err := srv.WaitNoSession(ctx(t), bob); err != nil {
		t.Error(err)
	}
	short, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := srv.WaitSession(short, bob); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the deadline", err)
	}
}

// TestServerSlowClient stalls every write to bob with a hook, as a client
// that stops reading would: his queue overflows and his session ends with
// policy-violation, while alice and carol go on.
func TestServerSlowClient(t *testing.T) {
	srv := startServer(t, &xmpptest.ServerOptions{QueueSize: 8})
	alice := mustLogin(t, srv, 0, "")
	bob := mustLogin(t, srv, 1, "")
	carol := mustLogin(t, srv, 2, "")
	cin := newInbox(carol)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == xmpptest.ServerToClient && ev.JID == bob.JID() {
			return xmpptest.Verdict{Delay: time.Hour}
		}
		return xmpptest.Verdict{}
	})
	for range 10 {
		send(t, alice, stanza.NewMessage(stanza.MessageChat, bob.JID(), "flood"))
	}
	send(t, alice, stanza.NewMessage(stanza.MessageChat, carol.JID(), "still here"))
	if m := cin.message(t); m.Body() != "still here" {
		t.Errorf("carol got %q", m.Body())
	}
	select {
	case <-bob.Done():
		if !errors.Is(bob.Err(), stanza.StreamPolicyViolation) {
			t.Errorf("bob ended with %v, want policy-violation", bob.Err())
		}
	case <-time.After(waitTimeout):
		t.Fatal("bob still connected")
	}
}
