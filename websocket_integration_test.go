package xmpp

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/sasl"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stream"
	"github.com/xmppkit/xmpp/xmpptest"
)

// The Client over WebSocket (RFC 7395, wss:) against the real servers.
// The in-process xmpptest.Server's endpoint has its own tests in
// xmpptest (TestServerWebSocket*).

// forEachWebSocketServer runs test against Prosody and ejabberd, in
// parallel.
func forEachWebSocketServer(t *testing.T, test func(t *testing.T, rs *xmpptest.RealServer)) {
	if testing.Short() {
		t.Skip("integration test; run without -short")
	}
	checkGoroutines(t)
	xmpptest.ForEachRealServer(t, nil, test)
}

// wsLogin connects account i of rs over WebSocket to url (the server's
// own when "").
func wsLogin(t *testing.T, rs *xmpptest.RealServer, i int, url string, opts *Options, register ...func(*Client)) *Client {
	t.Helper()
	var o Options
	if opts != nil {
		o = *opts
	}
	if url == "" {
		url = rs.WebSocketURL()
	}
	o.Addr = url
	return mustLogin(t, realServer(rs), i, &o, register...)
}

func TestIntegrationWebSocket(t *testing.T) {
	forEachWebSocketServer(t, func(t *testing.T, rs *xmpptest.RealServer) {
		start := time.Now()
		var trace syncBuffer
		msgs := make(chan *stanza.Message, 4)
		alice := wsLogin(t, rs, 0, "", nil)
		bob := wsLogin(t, rs, 1, "", &Options{Trace: &trace}, func(c *Client) {
			c.HandleMessage(Route{}, func(_ context.Context, m *stanza.Message) {
				select {
				case msgs <- m:
				default:
				}
			})
		})
		t.Logf("%s: two logins over wss in %v", rs.Name(), time.Since(start))
		st := alice.ConnectionState()
		if st.TLS == nil || !st.TLS.HandshakeComplete {
			t.Fatal("no TLS state over wss")
		}
		t.Logf("%s: TLS %x, SASL %s (channel binding %q), stream management %v", rs.Name(), st.TLS.Version, st.Mechanism, st.ChannelBinding, st.StreamManagement)
		if !st.StreamManagement {
			t.Error("no stream management over WebSocket")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()

		t.Run("message", func(t *testing.T) {
			if err := alice.Send(ctx, stanza.NewMessage(stanza.MessageChat, bob.JID(), "hello over websocket")); err != nil {
				t.Fatal(err)
			}
			select {
			case m := <-msgs:
				if m.From != alice.JID() || m.Body() != "hello over websocket" {
					t.Errorf("got %q from %s", m.Body(), m.From)
				}
			case <-ctx.Done():
				t.Fatal("message not delivered")
			}
		})
		t.Run("roster get", func(t *testing.T) {
			res, err := alice.Request(ctx, stanza.NewIQ(stanza.IQGet, jid.JID{}, stanza.NewElement("jabber:iq:roster", "query")))
			if err != nil {
				t.Fatal(err)
			}
			if res.Payload == nil || res.Payload.Name != (stanza.Name{Space: "jabber:iq:roster", Local: "query"}) {
				t.Errorf("roster result %v", res.Payload)
			}
		})
		t.Run("ping", func(t *testing.T) {
			if err := alice.Ping(ctx, jid.JID{}); err != nil {
				t.Error(err)
			}
		})
		t.Run("tls 1.2 channel binding", func(t *testing.T) {
			cfg := rs.TLSConfig()
			cfg.MaxVersion = tls.VersionTLS12
			c := wsLogin(t, rs, 2, "", &Options{TLSConfig: cfg})
			st := c.ConnectionState()
			t.Logf("%s: over wss with TLS 1.2: %s, channel binding %q", rs.Name(), st.Mechanism, st.ChannelBinding)
			if st.TLS.Version != tls.VersionTLS12 {
				t.Errorf("TLS version %x", st.TLS.Version)
			}
			// Prosody offers the -PLUS mechanisms over wss too, which
			// needs the TLS state the dial captured; ejabberd 23.01
			// offers none over WebSocket.
			if rs.Name() == "prosody" && st.ChannelBinding != sasl.TLSUnique {
				t.Errorf("channel binding %q, want %q", st.ChannelBinding, sasl.TLSUnique)
			}
		})
		t.Run("close", func(t *testing.T) {
			begin := time.Now()
			if err := bob.Close(); err != nil {
				t.Fatal(err)
			}
			if d := time.Since(begin); d > 3*time.Second {
				t.Errorf("Close took %v", d)
			}
			for _, s := range []string{"SEND <open ", "RECV <open ", "SEND <close "} {
				if !strings.Contains(trace.String(), s) {
					t.Errorf("trace lacks %q", s)
				}
			}
		})
	})
}

// TestIntegrationWebSocketResume cuts the TCP connection under the
// WebSocket: the Client reconnects to the same URL and the server resumes
// the session (XEP-0198), with nothing lost either way.
func TestIntegrationWebSocketResume(t *testing.T) {
	forEachWebSocketServer(t, func(t *testing.T, rs *xmpptest.RealServer) {
		proxy := xmpptest.StartProxy(t, rs.WebSocketAddr())
		events := make(chan Event, 8)
		got := make(chan string, 8)
		alice := wsLogin(t, rs, 0, "wss://"+proxy.Addr()+xmpptest.WebSocketPath, &Options{ReconnectMin: 10 * time.Millisecond}, func(c *Client) {
			c.HandleEvent(func(_ context.Context, ev Event) {
				if ev.Kind != EventConnected {
					events <- ev
				}
			})
			c.HandleMessage(Route{}, func(_ context.Context, m *stanza.Message) { got <- m.Body() })
		})
		bobGot := make(chan string, 8)
		bob := mustLogin(t, realServer(rs), 1, nil, func(c *Client) {
			c.HandleMessage(Route{}, func(_ context.Context, m *stanza.Message) { bobGot <- m.Body() })
		})
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := alice.Sync(ctx); err != nil {
			t.Fatal(err)
		}

		cut := time.Now()
		proxy.CutAll()
		if err := alice.Send(ctx, stanza.NewMessage(stanza.MessageChat, bob.JID(), "across the cut")); err != nil {
			t.Fatal(err)
		}
		for _, want := range []EventKind{EventDisconnected, EventResumed} {
			select {
			case ev := <-events:
				if ev.Kind != want {
					t.Fatalf("event %v (%v), want %v", ev.Kind, ev.Err, want)
				}
			case <-ctx.Done():
				t.Fatalf("no %v event", want)
			}
		}
		t.Logf("%s: resumed over wss %v after the cut", rs.Name(), time.Since(cut))
		if !alice.ConnectionState().Resumed {
			t.Error("connection state says not resumed")
		}
		if err := bob.Send(ctx, stanza.NewMessage(stanza.MessageChat, alice.JID(), "after the cut")); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			ch   chan string
			want string
		}{{bobGot, "across the cut"}, {got, "after the cut"}} {
			select {
			case b := <-c.ch:
				if b != c.want {
					t.Errorf("got %q, want %q", b, c.want)
				}
			case <-ctx.Done():
				t.Fatalf("%q never arrived", c.want)
			}
		}
	})
}

// TestIntegrationWebSocketDiscovery: with no TCP connection to be had,
// DiscoverAlternatives finds the server's wss: endpoint in host-meta
// (XEP-0156, served here over HTTPS on loopback) and logs in over it;
// with only a BOSH endpoint listed, it logs in over BOSH; with both, it
// prefers WebSocket.
func TestIntegrationWebSocketDiscovery(t *testing.T) {
	forEachWebSocketServer(t, func(t *testing.T, rs *xmpptest.RealServer) {
		for _, tc := range []struct {
			name  string
			links []string // rel, href pairs
			want  string   // in the trace
		}{
			{"websocket", []string{stream.RelWebSocket, rs.WebSocketURL()}, stream.NSFraming},
			{"bosh", []string{stream.RelBOSH, rs.BOSHURL()}, stream.NSBOSH},
			{"both", []string{stream.RelBOSH, rs.BOSHURL(), stream.RelWebSocket, rs.WebSocketURL()}, stream.NSFraming},
		} {
			t.Run(tc.name, func(t *testing.T) {
				hm := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path != "/.well-known/host-meta" {
						http.NotFound(w, r)
						return
					}
					fmt.Fprint(w, `<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>`)
					for i := 0; i+1 < len(tc.links); i += 2 {
						fmt.Fprintf(w, `<Link rel='%s' href='%s'/>`, tc.links[i], tc.links[i+1])
					}
					fmt.Fprint(w, `</XRD>`)
				}))
				t.Cleanup(hm.Close)
				closed, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				nowhere := closed.Addr().String()
				closed.Close() // nothing listens there now: TCP fails
				var trace syncBuffer
				c := mustLogin(t, realServer(rs), 0, &Options{
					Addr: nowhere, DiscoverAlternatives: true, Trace: &trace,
					HostMeta: &stream.HostMetaOptions{Client: hm.Client(), BaseURL: hm.URL},
				})
				if err := c.Ping(context.Background(), jid.JID{}); err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(trace.String(), tc.want) {
					t.Errorf("not over the transport of %s: %.300s", tc.want, trace.String())
				}
			})
		}
	})
}
