package xmpptest

import (
	"os"
	"testing"
)

// integrationEnv is the environment variable that makes a missing server a
// test failure: when it is "1", StartProsody and StartEjabberd fail the
// test instead of skipping it. CI sets it, so that a broken installation
// cannot pass as a run of skipped tests.
const integrationEnv = "XMPP_INTEGRATION"

// installHint says how to install what the integration tests need: the
// servers the launchers start, and slixmpp for the interop tests.
const installHint = "install the test servers with: apt-get install prosody ejabberd erlang-p1-sqlite3 python3-slixmpp"

// requireInstalled ends the test when a server's programs are missing
// (err is not nil): it skips it, with a message saying how to install
// them, or fails it when XMPP_INTEGRATION=1.
func requireInstalled(tb testing.TB, server string, err error) {
	tb.Helper()
	if err == nil {
		return
	}
	skipOrFail(tb, "xmpptest: "+server+" is not installed ("+err.Error()+"); "+installHint)
}

// skipOrFail skips the test with msg, or fails it when XMPP_INTEGRATION=1.
func skipOrFail(tb testing.TB, msg string) {
	tb.Helper()
	if os.Getenv(integrationEnv) == "1" {
		tb.Fatal(msg + " (" + integrationEnv + "=1 makes this a failure)")
		return
	}
	tb.Skip(msg + " (set " + integrationEnv + "=1 to make this a failure)")
}
