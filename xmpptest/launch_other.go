//go:build !linux

package xmpptest

import "testing"

// start skips the test, or fails it when XMPP_INTEGRATION=1: the launchers
// read /proc and use Linux process attributes.
func start(tb testing.TB, _ *RealServerOptions, fl *flavor) *RealServer {
	tb.Helper()
	skipOrFail(tb, "xmpptest: cannot start "+fl.name+": the real-server launchers run on Linux only")
	return nil
}

// stop does nothing: no server is started on this system.
func (s *RealServer) stop() {}
