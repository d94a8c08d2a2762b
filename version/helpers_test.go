package version_test

import (
	"context"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/xmpptest"
)

// The shared helpers of internal/testkit, under the names these tests use.

func login(t *testing.T, srv *xmpptest.Server, i int) *xmpp.Client {
	t.Helper()
	return testkit.Login(t, srv, i, "")
}

func loginTarget(t *testing.T, tg xmpptest.Target, i int) *xmpp.Client {
	t.Helper()
	return testkit.LoginTarget(t, tg, i, "")
}

func timeout(t *testing.T) context.Context { return testkit.Ctx(t) }
