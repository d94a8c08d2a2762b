package xmpp

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stream"
)

func TestMayFollowSeeOtherURI(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		want     bool
	}{
		{"wss://a.example/ws", "wss://b.example/ws", true},
		{"wss://a.example/ws", "ws://b.example/ws", false},
		{"ws://a.example/ws", "ws://b.example/ws", true},
		{"ws://a.example/ws", "wss://b.example/ws", true},
		{"wss://a.example/ws", "https://b.example/ws", false},
		{"wss://a.example/ws", "wss:///ws", false},
		{"wss://a.example/ws", "::", false},
	} {
		if got := mayFollow(tc.from, tc.to); got != tc.want {
			t.Errorf("mayFollow(%q, %q) = %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
}

// TestDiscoverWebSocketNothingFound: when TCP fails and host-meta lists
// no wss: endpoint, Connect fails with both reasons.
func TestDiscoverWebSocketNothingFound(t *testing.T) {
	hm := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'><Link rel='urn:xmpp:alt-connections:websocket' href='ws://cleartext/ws'/></XRD>`))
	}))
	t.Cleanup(hm.Close)
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	nowhere := closed.Addr().String()
	closed.Close()
	c := New(jid.MustParse("alice@localhost"), &Options{Password: "x", Addr: nowhere, DiscoverAlternatives: true,
		HostMeta: &stream.HostMetaOptions{Client: hm.Client(), BaseURL: hm.URL}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = c.Connect(ctx)
	var ne net.Error
	if !errors.Is(err, stream.ErrNoAltConnections) || !errors.As(err, &ne) {
		t.Errorf("Connect: %v; want the dial error and ErrNoAltConnections", err)
	}
}
