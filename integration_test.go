package xmpp

import (
	"context"
	"crypto/tls"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/sasl"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// server is what the integration tests need of a server, real or
// in-process, so that one table drives them all.
type server struct {
	Name, Domain, Addr, DirectTLSAddr string
	tlsConfig                         func() *tls.Config
	account                           func(int) xmpptest.Account
}

// TLSConfig returns a client TLS configuration trusting the server.
func (s *server) TLSConfig() *tls.Config { return s.tlsConfig() }

// Account returns test account i.
func (s *server) Account(i int) xmpptest.Account { return s.account(i) }

func realServer(rs *xmpptest.RealServer) *server {
	return &server{Name: rs.Name(), Domain: rs.Domain(), Addr: rs.Addr(), DirectTLSAddr: rs.DirectTLSAddr(), tlsConfig: rs.TLSConfig, account: rs.Account}
}

// servers is the table of servers the integration tests run against: real
// Prosody and ejabberd, and the in-process xmpptest.Server, whose
// behaviour must match theirs for everything it implements. Each entry
// says which SASL mechanisms the server must offer, per TLS version, so
// that a mechanism missing by mistake fails the test instead of being
// skipped.
var servers = []struct {
	name  string
	start func(testing.TB) *server
	mechs map[uint16][]string
}{
	{"prosody", func(tb testing.TB) *server { return realServer(xmpptest.StartProsody(tb, nil)) }, map[uint16][]string{
		tls.VersionTLS12: {sasl.SCRAMSHA1, sasl.SCRAMSHA256, sasl.SCRAMSHA1Plus, sasl.SCRAMSHA256Plus, sasl.Plain},
		tls.VersionTLS13: {sasl.SCRAMSHA1, sasl.SCRAMSHA256, sasl.Plain},
	}},
	{"ejabberd", func(tb testing.TB) *server { return realServer(xmpptest.StartEjabberd(tb, nil)) }, map[uint16][]string{
		tls.VersionTLS12: {sasl.SCRAMSHA1, sasl.SCRAMSHA256, sasl.SCRAMSHA512, sasl.SCRAMSHA1Plus, sasl.SCRAMSHA256Plus, sasl.SCRAMSHA512Plus, sasl.Plain},
		tls.VersionTLS13: {sasl.SCRAMSHA1, sasl.SCRAMSHA256, sasl.SCRAMSHA512, sasl.Plain},
	}},
	{"xmpptest", func(tb testing.TB) *server {
		s := xmpptest.StartServer(tb, &xmpptest.ServerOptions{StreamManagement: true})
		return &server{Name: "xmpptest", Domain: s.Domain(), Addr: s.Addr(), DirectTLSAddr: s.DirectTLSAddr(), tlsConfig: s.TLSConfig, account: s.Account}
	}, map[uint16][]string{
		tls.VersionTLS12: {sasl.SCRAMSHA256, sasl.Plain},
		tls.VersionTLS13: {sasl.SCRAMSHA256, sasl.Plain},
	}},
}

// forEachServer runs test against every server, in parallel; a server
// named in starts is started that way instead.
func forEachServer(t *testing.T, test func(t *testing.T, srv *server, mechs map[uint16][]string), starts ...map[string]func(testing.TB) *server) {
	if testing.Short() {
		t.Skip("integration test; run without -short")
	}
	// The servers' subtests run in parallel, so goroutines are checked
	// once all of them are done.
	checkGoroutines(t)
	for _, rs := range servers {
		t.Run(rs.name, func(t *testing.T) {
			t.Parallel()
			start := rs.start
			for _, m := range starts {
				if s, ok := m[rs.name]; ok {
					start = s
				}
			}
			test(t, start(t), rs.mechs)
		})
	}
}

// login connects account i of srv, after running register (if any) on
// the unconnected Client.
func login(t *testing.T, srv *server, i int, opts *Options, register ...func(*Client)) (*Client, error) {
	t.Helper()
	var o Options
	if opts != nil {
		o = *opts
	}
	acct := srv.Account(i)
	if o.Password == "" && o.SASL == nil {
		o.Password = acct.Password
	}
	if o.Addr == "" {
		o.Addr = srv.Addr
	}
	if o.TLSConfig == nil {
		o.TLSConfig = srv.TLSConfig()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := New(acct.JID(), &o)
	for _, r := range register {
		r(c)
	}
	if err := c.Connect(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// mustLogin is login, failing t on error and closing the Client when t
// ends.
func mustLogin(t *testing.T, srv *server, i int, opts *Options, register ...func(*Client)) *Client {
	t.Helper()
	c, err := login(t, srv, i, opts, register...)
	if err != nil {
		t.Fatalf("login as %s: %v", srv.Account(i).User, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestIntegrationMechanisms(t *testing.T) {
	forEachServer(t, func(t *testing.T, srv *server, mechs map[uint16][]string) {
		for _, version := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
			for _, mech := range mechs[version] {
				t.Run(tls.VersionName(version)+"/"+mech, func(t *testing.T) {
					cfg := srv.TLSConfig()
					cfg.MinVersion, cfg.MaxVersion = version, version
					acct := srv.Account(0)
					c, err := login(t, srv, 0, &Options{
						TLSConfig: cfg,
						SASL:      &sasl.Config{Password: acct.Password, Mechanisms: []string{mech}},
					})
					if err != nil {
						t.Fatal(err)
					}
					if err := c.Ping(context.Background(), jid.JID{}); err != nil {
						t.Error(err)
					}
					st := c.ConnectionState()
					wantCB := ""
					if strings.HasSuffix(mech, "-PLUS") {
						wantCB = sasl.TLSUnique // all these servers offer
					}
					if !st.Connected || st.TLS == nil || st.TLS.Version != version || st.Mechanism != mech ||
						st.ChannelBinding != wantCB || st.StreamID == "" || st.JID != c.JID() {
						t.Errorf("ConnectionState: connected %t, TLS %v, mechanism %q, binding %q (want %q), stream %q, %s",
							st.Connected, st.TLS != nil, st.Mechanism, st.ChannelBinding, wantCB, st.StreamID, st.JID)
					}
					c.Close()
				})
			}
		}
	})
}

func TestIntegrationDirectTLS(t *testing.T) {
	forEachServer(t, func(t *testing.T, srv *server, _ map[uint16][]string) {
		if srv.DirectTLSAddr == "" {
			t.Skip("no direct TLS listener")
		}
		c := mustLogin(t, srv, 0, &Options{Addr: srv.DirectTLSAddr, DirectTLS: true})
		if err := c.Ping(context.Background(), jid.JID{}); err != nil {
			t.Error(err)
		}
		c.Close()
	})
}

func TestIntegrationWrongPassword(t *testing.T) {
	forEachServer(t, func(t *testing.T, srv *server, _ map[uint16][]string) {
		_, err := login(t, srv, 0, &Options{Password: "not the password"})
		var f *sasl.Failure
		if !errors.Is(err, sasl.ErrNotAuthorized) || !errors.As(err, &f) {
			t.Fatalf("err = %v, want not-authorized", err)
		}
	})
}

func TestIntegrationTwoClients(t *testing.T) {
	forEachServer(t, func(t *testing.T, srv *server, _ map[uint16][]string) {
		alice := mustLogin(t, srv, 0, nil)
		bob := mustLogin(t, srv, 1, nil)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()

		// The handlers never block: a stanza nobody waits for (a second
		// presence, say) must not hold bob's dispatch goroutine, which
		// answers the IQs of the later subtests.
		msgs := make(chan *stanza.Message, 8)
		bob.HandleMessage(Route{}, func(ctx context.Context, m *stanza.Message) {
			select {
			case msgs <- m:
			default:
			}
		})
		pres := make(chan *stanza.Presence, 8)
		bob.HandlePresence(Route{}, func(ctx context.Context, p *stanza.Presence) {
			select {
			case pres <- p:
			default:
			}
		})

		t.Run("message", func(t *testing.T) {
			if err := alice.Send(ctx, stanza.NewMessage(stanza.MessageChat, bob.JID(), "hello bob")); err != nil {
				t.Fatal(err)
			}
			select {
			case m := <-msgs:
				if m.From != alice.JID() || m.Body() != "hello bob" || m.Type != stanza.MessageChat {
					t.Errorf("got message from %s: %q (%s)", m.From, m.Body(), m.Type)
				}
			case <-ctx.Done():
				t.Fatal("message not delivered")
			}
		})
		t.Run("directed presence", func(t *testing.T) {
			p := stanza.NewPresence(stanza.PresenceAvailable, bob.JID())
			p.Show = stanza.ShowAway
			if err := alice.Send(ctx, p); err != nil {
				t.Fatal(err)
			}
			select {
			case got := <-pres:
				if got.From != alice.JID() || got.Show != stanza.ShowAway {
					t.Errorf("got presence from %s show %q", got.From, got.Show)
				}
			case <-ctx.Done():
				t.Fatal("presence not delivered")
			}
		})
		t.Run("ping server", func(t *testing.T) {
			if err := alice.Ping(ctx, jid.JID{}); err != nil {
				t.Error(err)
			}
			if err := alice.Ping(ctx, alice.JID().Domain()); err != nil {
				t.Error(err)
			}
		})
		t.Run("ping client", func(t *testing.T) {
			if err := alice.Ping(ctx, bob.JID()); err != nil {
				t.Error(err)
			}
		})
		t.Run("iq to nonexistent address", func(t *testing.T) {
			// RFC 6121 section 8.5: an IQ for an account that does not
			// exist, or for a resource that is not online, gets
			// service-unavailable.
			for _, addr := range []string{"nobody-here@" + srv.Domain + "/phone", srv.Account(1).User + "@" + srv.Domain + "/offline"} {
				err := alice.Ping(ctx, jid.MustParse(addr))
				if !errors.Is(err, stanza.ErrServiceUnavailable) {
					t.Errorf("ping %s: err = %v, want service-unavailable", addr, err)
				}
			}
		})
		t.Run("unhandled iq", func(t *testing.T) {
			_, err := alice.Request(ctx, stanza.NewIQ(stanza.IQGet, bob.JID(), stanza.NewElement("urn:example:nothing", "query")))
			if !errors.Is(err, stanza.ErrServiceUnavailable) {
				t.Fatalf("err = %v, want service-unavailable", err)
			}
		})
	})
}

func TestIntegrationResourceConflict(t *testing.T) {
	forEachServer(t, func(t *testing.T, srv *server, _ map[uint16][]string) {
		first := mustLogin(t, srv, 0, &Options{Resource: "desk"})
		second, err := login(t, srv, 0, &Options{Resource: "desk"})
		if err != nil {
			// A server may refuse the second binding instead.
			if !errors.Is(err, stanza.ErrConflict) {
				t.Fatalf("second login: %v", err)
			}
			return
		}
		defer second.Close()
		// Both servers replace the old session: it gets <conflict/>.
		select {
		case <-first.Done():
			if !errors.Is(first.Err(), stanza.StreamConflict) {
				t.Errorf("first client ended with %v, want conflict", first.Err())
			}
		case <-time.After(10 * time.Second):
			t.Fatal("first client still running")
		}
		if second.JID().Resourcepart() != "desk" {
			t.Errorf("second bound %s", second.JID())
		}
	})
}

// TestIntegrationFeatures: Features shows the stream features offered
// after authentication; every server offers roster versioning there.
func TestIntegrationFeatures(t *testing.T) {
	forEachServer(t, func(t *testing.T, srv *server, _ map[uint16][]string) {
		c := mustLogin(t, srv, 0, nil)
		f := c.Features()
		if f.Child("urn:ietf:params:xml:ns:xmpp-bind", "bind") == nil || f.Child("urn:xmpp:features:rosterver", "ver") == nil {
			t.Errorf("features %s", f)
		}
		f.AddChild(stanza.NewElement("urn:x", "mine"))
		if c.Features().Child("urn:x", "mine") != nil {
			t.Error("Features returned the Client's own copy")
		}
	})
}
