package xmpptest_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/sasl"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestServerLogin logs in with each mechanism the Server offers, over
// net.Pipe and over loopback TCP sockets (STARTTLS and direct TLS), and
// checks the mechanism used with a hook.
func TestServerLogin(t *testing.T) {
	srv := startServer(t, nil)
	mechs := make(chan string, 10)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Element.Name.Local == "auth" {
			mechs <- ev.Element.Attr("mechanism")
		}
		return xmpptest.Verdict{}
	})
	for _, tc := range []struct {
		name   string
		mechs  []string // nil: the client's default preference
		tcp    bool
		direct bool
		want   string
	}{
		{"default", nil, false, false, sasl.SCRAMSHA256},
		{"SCRAM-SHA-256", []string{sasl.SCRAMSHA256}, false, false, sasl.SCRAMSHA256},
		{"PLAIN", []string{sasl.Plain}, false, false, sasl.Plain},
		{"TCP", nil, true, false, sasl.SCRAMSHA256},
		{"direct TLS", nil, true, true, sasl.SCRAMSHA256},
	} {
		t.Run(tc.name, func(t *testing.T) {
			acct := srv.Account(0)
			c, err := login(t, srv, 0, "", func(o *xmpp.Options) {
				if tc.mechs != nil {
					o.SASL = &sasl.Config{Password: acct.Password, Mechanisms: tc.mechs}
				}
				if tc.tcp {
					o.Dial = nil
				}
				if tc.direct {
					o.Addr, o.DirectTLS = srv.DirectTLSAddr(), true
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if got := <-mechs; got != tc.want {
				t.Errorf("mechanism %s, want %s", got, tc.want)
			}
			if c.JID().Bare() != acct.JID() || c.JID().Resourcepart() == "" {
				t.Errorf("bound %s", c.JID())
			}
			if err := c.Ping(ctx(t), jid.JID{}); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestServerWrongPassword(t *testing.T) {
	srv := startServer(t, nil)
	for _, mech := range []string{sasl.SCRAMSHA256, sasl.Plain} {
		for _, user := range []string{"alice", "nobody"} {
			t.Run(mech+"/"+user, func(t *testing.T) {
				o := options(srv, "")
				o.SASL = &sasl.Config{Password: "wrong", Mechanisms: []string{mech}}
				_, err := xmpp.Dial(ctx(t), jid.MustParse(user+"@localhost"), o)
				var f *sasl.Failure
				if !errors.Is(err, sasl.ErrNotAuthorized) || !errors.As(err, &f) {
					t.Fatalf("err = %v, want not-authorized", err)
				}
			})
		}
	}
}

// TestServerBind checks server-assigned resources and that a second
// session with the same full address replaces the first, which ends with
// a conflict stream error.
func TestServerBind(t *testing.T) {
	srv := startServer(t, nil)
	a1 := mustLogin(t, srv, 0, "")
	a2 := mustLogin(t, srv, 0, "")
	if a1.JID().Resourcepart() == "" || a1.JID() == a2.JID() {
		t.Errorf("assigned resources %s and %s", a1.JID(), a2.JID())
	}
	first := mustLogin(t, srv, 0, "desk")
	second := mustLogin(t, srv, 0, "desk")
	select {
	case <-first.Done():
		if !errors.Is(first.Err(), stanza.StreamConflict) {
			t.Errorf("first session ended with %v, want conflict", first.Err())
		}
	case <-time.After(waitTimeout):
		t.Fatal("first session still running")
	}
	if second.JID().String() != "alice@localhost/desk" {
		t.Errorf("second bound %s", second.JID())
	}
	if err := second.Ping(ctx(t), jid.JID{}); err != nil {
		t.Error(err)
	}
	want := []jid.JID{a1.JID(), a2.JID(), second.JID()}
	slices.SortFunc(want, func(a, b jid.JID) int { return compare(a.String(), b.String()) })
	if got := srv.Sessions(); !slices.Equal(got, want) {
		t.Errorf("Sessions() = %v, want %v", got, want)
	}
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestServerMessageBareJID checks the delivery rules of RFC 6121 section
// 8.5.2 for messages to a bare address: the most available resources,
// all of them on a tie, none with negative priorities.
func TestServerMessageBareJID(t *testing.T) {
	srv := startServer(t, nil)
	alice := mustLogin(t, srv, 0, "")
	aliceIn := newInbox(alice)
	bob5 := mustLogin(t, srv, 1, "five")
	bob1 := mustLogin(t, srv, 1, "one")
	in5, in1 := newInbox(bob5), newInbox(bob1)
	bob := bob5.JID().Bare()

	setPriority := func(c *xmpp.Client, prio int8) {
		t.Helper()
		send(t, c, presence(prio))
	}
	// Each bob resource sees the presence of both.
	setPriority(bob5, 5)
	in5.presence(t)
	setPriority(bob1, 1)
	for _, in := range []*inbox{in5, in1, in1} {
		in.presence(t)
	}

	t.Run("highest priority", func(t *testing.T) {
		send(t, alice, stanza.NewMessage(stanza.MessageChat, bob, "to the five"))
		if m := in5.message(t); m.Body() != "to the five" || m.From != alice.JID() || m.To != bob {
			t.Errorf("got %q from %s to %s", m.Body(), m.From, m.To)
		}
		// A marker to bob1's full address comes after: bob1 would have
		// got the first message before it.
		send(t, alice, stanza.NewMessage(stanza.MessageChat, bob1.JID(), "marker"))
		if m := in1.message(t); m.Body() != "marker" {
			t.Errorf("bob1 got %q first", m.Body())
		}
	})
	t.Run("tie", func(t *testing.T) {
		setPriority(bob1, 5)
		in5.presence(t)
		in1.presence(t)
		send(t, alice, stanza.NewMessage(stanza.MessageNormal, bob, "to both"))
		for _, in := range []*inbox{in5, in1} {
			if m := in.message(t); m.Body() != "to both" {
				t.Errorf("%s got %q", in.c.JID(), m.Body())
			}
		}
	})
	t.Run("negative priorities", func(t *testing.T) {
		setPriority(bob1, -1)
		in5.presence(t)
		in1.presence(t)
		setPriority(bob5, -5)
		in5.presence(t)
		in1.presence(t)
		m := stanza.NewMessage(stanza.MessageChat, bob, "to nobody")
		send(t, alice, m)
		// No offline storage: the message comes back as an error.
		e := aliceIn.message(t)
		if e.Type != stanza.MessageError || e.ID != m.ID || !errors.Is(e.Error, stanza.ErrServiceUnavailable) || e.From != bob {
			t.Errorf("got %s, want a service-unavailable error from %s", e.Element(), bob)
		}
		// Messages to a full address still arrive.
		send(t, alice, stanza.NewMessage(stanza.MessageChat, bob1.JID(), "direct"))
		if m := in1.message(t); m.Body() != "direct" {
			t.Errorf("got %q", m.Body())
		}
		in5.empty(t)
	})
}

// TestServerMessageFullJID checks messages to full addresses and the
// errors for addresses nobody serves.
func TestServerMessageFullJID(t *testing.T) {
	srv := startServer(t, nil)
	alice := mustLogin(t, srv, 0, "")
	aliceIn := newInbox(alice)
	bob := mustLogin(t, srv, 1, "phone")
	bobIn := newInbox(bob)
	send(t, bob, presence(0))
	bobIn.presence(t)

	send(t, alice, stanza.NewMessage(stanza.MessageChat, bob.JID(), "hi"))
	if m := bobIn.message(t); m.Body() != "hi" || m.From != alice.JID() || m.To != bob.JID() {
		t.Errorf("got %s", m.Element())
	}
	// A chat message to a resource that is not there goes to the bare
	// address.
	send(t, alice, stanza.NewMessage(stanza.MessageChat, jid.MustParse("bob@localhost/gone"), "rerouted"))
	if m := bobIn.message(t); m.Body() != "rerouted" {
		t.Errorf("got %q", m.Body())
	}
	for _, tc := range []struct {
		typ  stanza.MessageType
		to   string
		want stanza.Condition // "" for silence
	}{
		{stanza.MessageGroupchat, "bob@localhost/gone", stanza.ErrServiceUnavailable},
		{stanza.MessageHeadline, "bob@localhost/gone", ""},
		{stanza.MessageChat, "nobody@localhost", stanza.ErrServiceUnavailable},
		{stanza.MessageChat, "nobody@localhost/phone", stanza.ErrServiceUnavailable},
		{stanza.MessageGroupchat, "bob@localhost", stanza.ErrServiceUnavailable},
		{stanza.MessageChat, "bob@elsewhere.example", stanza.ErrRemoteServerNotFound},
	} {
		m := stanza.NewMessage(tc.typ, jid.MustParse(tc.to), "x")
		send(t, alice, m)
		if tc.want == "" {
			continue
		}
		e := aliceIn.message(t)
		if e.ID != m.ID || !errors.Is(e.Error, tc.want) {
			t.Errorf("%s to %s: got %s, want %s", tc.typ, tc.to, e.Element(), tc.want)
		}
	}
	// Nothing else came: not the headline, not a copy to bob.
	send(t, alice, stanza.NewMessage(stanza.MessageChat, bob.JID(), "marker"))
	if m := bobIn.message(t); m.Body() != "marker" {
		t.Errorf("bob got %q before the marker", m.Body())
	}
	aliceIn.empty(t)
}

// TestServerIQRouting checks IQs between clients and the
// service-unavailable answers of RFC 6121 section 8.5, with the same
// addresses as the integration tests against Prosody and ejabberd.
func TestServerIQRouting(t *testing.T) {
	srv := startServer(t, nil)
	alice := mustLogin(t, srv, 0, "")
	bob := mustLogin(t, srv, 1, "")
	if err := alice.Ping(ctx(t), bob.JID()); err != nil {
		t.Errorf("ping bob: %v", err)
	}
	bob.HandleIQ(stanza.IQGet, "urn:example", "q", func(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		if iq.From != alice.JID() {
			return nil, stanza.NewError(stanza.ErrForbidden, "from "+iq.From.String())
		}
		return stanza.NewElement("urn:example", "a"), nil
	})
	res, err := alice.Request(ctx(t), stanza.NewIQ(stanza.IQGet, bob.JID(), stanza.NewElement("urn:example", "q")))
	if err != nil || res.Payload == nil || res.Payload.Name.Local != "a" || res.From != bob.JID() {
		t.Errorf("request: %v, %v", res, err)
	}
	_, err = alice.Request(ctx(t), stanza.NewIQ(stanza.IQGet, bob.JID(), stanza.NewElement("urn:example:nothing", "query")))
	if !errors.Is(err, stanza.ErrServiceUnavailable) {
		t.Errorf("unhandled iq: err = %v, want service-unavailable", err)
	}
	for _, tc := range []struct {
		to   string
		want stanza.Condition
	}{
		{"nobody-here@localhost/phone", stanza.ErrServiceUnavailable},
		{"bob@localhost/offline", stanza.ErrServiceUnavailable},
		{"bob@localhost", stanza.ErrServiceUnavailable},
		{"localhost/resource", stanza.ErrServiceUnavailable},
		{"elsewhere.example", stanza.ErrRemoteServerNotFound},
	} {
		err := alice.Ping(ctx(t), jid.MustParse(tc.to))
		if !errors.Is(err, tc.want) {
			t.Errorf("ping %s: err = %v, want %s", tc.to, err, tc.want)
		}
	}
}

// TestServerOwnIQs checks the IQs the Server answers itself: ping,
// disco#info and disco#items, and service-unavailable for the rest.
func TestServerOwnIQs(t *testing.T) {
	srv := startServer(t, nil)
	alice := mustLogin(t, srv, 0, "")
	for _, to := range []jid.JID{{}, jid.MustParse("localhost"), alice.JID().Bare()} {
		if err := alice.Ping(ctx(t), to); err != nil {
			t.Errorf("ping %q: %v", to, err)
		}
	}
	res, err := alice.Request(ctx(t), stanza.NewIQ(stanza.IQGet, jid.MustParse("localhost"), stanza.NewElement("http://jabber.org/protocol/disco#info", "query")))
	if err != nil {
		t.Fatal(err)
	}
	id := res.Payload.Child("http://jabber.org/protocol/disco#info", "identity")
	if id == nil || id.Attr("category") != "server" || id.Attr("type") != "im" {
		t.Errorf("identity %v", id)
	}
	var features []string
	for f := range res.Payload.Children() {
		if f.Name.Local == "feature" {
			features = append(features, f.Attr("var"))
		}
	}
	if !slices.Equal(features, srv.Features()) || !slices.Contains(features, "urn:xmpp:ping") {
		t.Errorf("features %q, Features() %q", features, srv.Features())
	}
	res, err = alice.Request(ctx(t), stanza.NewIQ(stanza.IQGet, jid.JID{}, stanza.NewElement("http://jabber.org/protocol/disco#items", "query")))
	if err != nil || res.Payload.NumChildren() != 0 {
		t.Errorf("disco#items: %v, %v", res, err)
	}
	_, err = alice.Request(ctx(t), stanza.NewIQ(stanza.IQGet, jid.JID{}, stanza.NewElement("jabber:iq:version", "query")))
	if !errors.Is(err, stanza.ErrServiceUnavailable) {
		t.Errorf("version: err = %v, want service-unavailable", err)
	}
}

// TestServerClose checks that Close ends every session with
// system-shutdown and leaves no goroutine, and that the Server refuses
// connections afterwards.
func TestServerClose(t *testing.T) {
	checkGoroutines(t)
	srv, err := xmpptest.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	var clients []*xmpp.Client
	for i := range 3 {
		c, err := login(t, srv, i, "", func(o *xmpp.Options) {
			if i == 2 {
				o.Dial = nil // one over TCP
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	// One more connection that never logs in.
	raw, err := srv.DialPipe(context.Background(), "tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	go io.Copy(io.Discard, raw) //nolint:errcheck // ends when raw closes

	t0 := time.Now()
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("Close took %v", time.Since(t0))
	expectShutdown(t, clients)
	if _, err := srv.DialPipe(context.Background(), "tcp", ""); !errors.Is(err, xmpptest.ErrServerClosed) {
		t.Errorf("DialPipe after Close: %v", err)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
