package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/xmpptest"
)

func TestDemo(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out bytes.Buffer
	if err := demo(ctx, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{
		"started an in-process XMPP server for localhost",
		"alice connected as alice@localhost/",
		"bob <- presence from alice@localhost/",
		`bob <- chat from alice@localhost/`,
		`"Hi Bob!"`,
		"answered by bob's client",
		"alice -> server: ping, answered",
		"closed both clients and the server",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("transcript lacks %q:\n%s", want, out.String())
		}
	}
}

func TestTransportFlags(t *testing.T) {
	for _, tc := range []struct {
		ws, bosh, want string
		bad            bool
	}{
		{"", "", "", false},
		{"wss://example.org/xmpp-websocket", "", "wss://example.org/xmpp-websocket", false},
		{"", "https://example.org/http-bind", "https://example.org/http-bind", false},
		{"wss://a/ws", "https://a/bosh", "", true},
		{"https://a/bosh", "", "", true},
		{"", "wss://a/ws", "", true},
	} {
		got, err := transportAddr(tc.ws, tc.bosh)
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("transportAddr(%q, %q) = %q, %v", tc.ws, tc.bosh, got, err)
		}
	}
}

// TestRealOverTransports runs the -jid mode against real servers over
// TCP, -ws and -bosh.
func TestRealOverTransports(t *testing.T) {
	xmpptest.ForEachRealServer(t, nil, func(t *testing.T, srv *xmpptest.RealServer) {
		for _, tc := range []struct{ name, addr, over string }{
			{"tcp", srv.Addr(), "TCP"},
			{"ws", srv.WebSocketURL(), "WebSocket"},
			{"bosh", srv.BOSHURL(), "BOSH"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				var out bytes.Buffer
				a := srv.Account(0)
				err := real(ctx, &out, a.JID().String(), &xmpp.Options{Password: a.Password, Addr: tc.addr, TLSConfig: srv.TLSConfig()})
				if err != nil {
					t.Fatalf("%v\n%s", err, out.String())
				}
				for _, want := range []string{"connected as alice@localhost/", "over " + tc.over, "sent presence", "the server answered a ping"} {
					if !strings.Contains(out.String(), want) {
						t.Errorf("transcript lacks %q:\n%s", want, out.String())
					}
				}
			})
		}
	})
}
