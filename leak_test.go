package xmpp

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// checkGoroutines fails t if, at the end of the test, goroutines of this
// module are still running. Goroutines take a moment to exit after the
// channels they wait on close, so it polls for up to two seconds.
func checkGoroutines(t *testing.T) {
	t.Helper()
	t.Cleanup(func() {
		deadline := time.Now().Add(2 * time.Second)
		for {
			left := ours()
			if left == "" {
				return
			}
			if time.Now().After(deadline) {
				t.Errorf("goroutines left behind:\n%s", left)
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// ours returns the stacks of goroutines running code of the xmpp client
// (not tests, not xmpptest.Server).
func ours() string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "xmppkit/xmpp.(*Client)") || strings.Contains(g, "xmppkit/xmpp/stream.") {
			out = append(out, g)
		}
	}
	return strings.Join(out, "\n\n")
}
