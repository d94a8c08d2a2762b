package stream

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"
)

func fakeSRV(records map[string][]*net.SRV) LookupSRVFunc {
	return func(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
		r, ok := records[service]
		if !ok {
			return "", nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
		}
		return "", r, nil
	}
}

func TestLookupTargetsOrder(t *testing.T) {
	targets := lookupTargets(context.Background(), "example.com", fakeSRV(map[string][]*net.SRV{
		"xmpps-client": {{Target: "tls.example.com.", Port: 5223, Priority: 5, Weight: 0}},
		"xmpp-client": {
			{Target: "b.example.com.", Port: 5222, Priority: 10, Weight: 0},
			{Target: "a.example.com.", Port: 5222, Priority: 1, Weight: 0},
		},
	}))
	var got []string
	for _, tg := range targets {
		got = append(got, fmt.Sprintf("%s/%v", tg.addr, tg.directTLS))
	}
	want := "[a.example.com:5222/false tls.example.com:5223/true b.example.com:5222/false example.com:5222/false]"
	if fmt.Sprint(got) != want {
		t.Errorf("targets %v, want %s", got, want)
	}
}

func TestLookupTargetsNoService(t *testing.T) {
	targets := lookupTargets(context.Background(), "example.com", fakeSRV(map[string][]*net.SRV{
		"xmpp-client": {{Target: ".", Port: 0}},
	}))
	if len(targets) != 1 || targets[0].addr != "example.com:5222" {
		t.Errorf("targets %v", targets)
	}
}

// TestWeightedChoice checks that within a priority heavier records come
// first more often (RFC 2782), over many draws.
func TestWeightedChoice(t *testing.T) {
	first := map[string]int{}
	lookup := fakeSRV(map[string][]*net.SRV{"xmpp-client": {
		{Target: "light.", Port: 1, Priority: 1, Weight: 1},
		{Target: "heavy.", Port: 1, Priority: 1, Weight: 99},
	}})
	for range 2000 {
		first[lookupTargets(context.Background(), "d", lookup)[0].addr]++
	}
	if first["heavy:1"] < 1800 {
		t.Errorf("heavy first %d times of 2000", first["heavy:1"])
	}
}

func TestDialFallsBackInOrder(t *testing.T) {
	var tried []string
	_, err := Dial(context.Background(), "example.com", &DialOptions{
		LookupSRV: fakeSRV(map[string][]*net.SRV{"xmpp-client": {{Target: "srv.example.com.", Port: 5269, Priority: 1}}}),
		Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
			tried = append(tried, addr)
			return nil, errors.New("refused")
		},
	})
	if err == nil {
		t.Fatal("dial succeeded")
	}
	if fmt.Sprint(tried) != "[srv.example.com:5269 example.com:5222]" {
		t.Errorf("tried %v", tried)
	}
}

func TestTLSConfigDefaults(t *testing.T) {
	c := TLSConfig(&tls.Config{MinVersion: tls.VersionTLS10}, "example.com")
	if c.ServerName != "example.com" || c.MinVersion != tls.VersionTLS12 {
		t.Errorf("ServerName %q MinVersion %x", c.ServerName, c.MinVersion)
	}
	c = TLSConfig(&tls.Config{ServerName: "other", MinVersion: tls.VersionTLS13}, "example.com")
	if c.ServerName != "other" || c.MinVersion != tls.VersionTLS13 {
		t.Errorf("kept values changed: %q %x", c.ServerName, c.MinVersion)
	}
}

// TestStartTLSRefusesBufferedCleartext: bytes that arrived in the clear
// after <proceed/> must not be read as if they came through TLS.
func TestStartTLSRefusesBufferedCleartext(t *testing.T) {
	cc, sc := net.Pipe()
	defer cc.Close()
	defer sc.Close()
	tr := NewTCP(cc, nil, nil)
	go func() {
		sc.Write([]byte("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>" +
			"<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><message><body>injected</body></message>"))
	}()
	if _, err := tr.dec.ReadHeader(); err != nil {
		t.Fatal(err)
	}
	if _, err := tr.ReadElement(); err != nil {
		t.Fatal(err)
	}
	err := tr.StartTLS(context.Background(), &tls.Config{ServerName: "localhost"})
	if err == nil {
		t.Fatal("StartTLS went ahead with cleartext bytes buffered")
	}
}

// TestDeadlineIsContextError: a read cut short by the context's deadline
// reports context.DeadlineExceeded, even when the connection's deadline
// fires before the context notices.
func TestDeadlineIsContextError(t *testing.T) {
	cc, sc := net.Pipe()
	defer cc.Close()
	defer sc.Close()
	tr := NewTCP(cc, nil, nil)
	for range 20 {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
		_, err := tr.ReadElementContext(ctx)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v", err)
		}
	}
}

// TestNoSRVForLocalNames: localhost and IP literals are not looked up in
// DNS (RFC 6761), where a query may wait seconds for no answer.
func TestNoSRVForLocalNames(t *testing.T) {
	asked := false
	lookup := func(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
		asked = true
		return "", nil, errors.New("no")
	}
	for domain, want := range map[string]string{
		"localhost":       "localhost:5222",
		"chat.localhost.": "chat.localhost.:5222",
		"127.0.0.1":       "127.0.0.1:5222",
		"[::1]":           "[::1]:5222",
	} {
		targets := lookupTargets(context.Background(), domain, lookup)
		if asked || len(targets) != 1 || targets[0].addr != want {
			t.Errorf("%s: asked DNS %t, targets %v", domain, asked, targets)
		}
	}
	lookupTargets(context.Background(), "example.com", lookup)
	if !asked {
		t.Error("example.com not looked up")
	}
}
