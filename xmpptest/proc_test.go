//go:build linux

package xmpptest

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"slices"
	"testing"
)

func TestPortState(t *testing.T) {
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	addr := l.Addr().(*net.TCPAddr).AddrPort()

	got, err := processListeners(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(got, addr) {
		t.Errorf("processListeners = %v, want %v among them", got, addr)
	}

	free, err := freePorts(2)
	if err != nil {
		t.Fatal(err)
	}
	if free[0] == free[1] {
		t.Errorf("freePorts gave %v twice", free[0])
	}
	missing, err := portState(os.Getpid(), []netip.AddrPort{addr, free[0]})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(missing, free[:1]) {
		t.Errorf("missing = %v, want %v", missing, free[:1])
	}
	// Another process (the parent, go test) does not hold the socket.
	if _, err := portState(os.Getppid(), []netip.AddrPort{addr}); !errors.Is(err, errPortTaken) {
		t.Errorf("portState of another process: %v, want errPortTaken", err)
	}
}

func TestParseProcAddr(t *testing.T) {
	for in, want := range map[string]string{
		"0100007F:1F90":                         "127.0.0.1:8080",
		"00000000:0016":                         "0.0.0.0:22",
		"00000000000000000000000001000000:1466": "[::1]:5222",
		"0000000000000000FFFF00000100007F:0050": "127.0.0.1:80",
	} {
		got, err := parseProcAddr(in)
		if err != nil || got.String() != want {
			t.Errorf("parseProcAddr(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0100007F", "01007F:0050", "zz00007F:0050", "0100007F:10000"} {
		if got, err := parseProcAddr(in); err == nil {
			t.Errorf("parseProcAddr(%q) = %v, want an error", in, got)
		}
	}
}
