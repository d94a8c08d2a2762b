package delay_test

import (
	"context"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/internal/datetime"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// The shared helpers of internal/testkit, under the names these tests use.

func loginTarget(t *testing.T, tg xmpptest.Target, i int, resource string, setup ...func(*xmpp.Client)) *xmpp.Client {
	t.Helper()
	return testkit.LoginTarget(t, tg, i, resource, setup...)
}

func timeout(t *testing.T) context.Context { return testkit.Ctx(t) }

func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	return testkit.Receive(t, ch, what)
}

func mustElement(t testing.TB, s string) *stanza.Element {
	t.Helper()
	return testkit.MustElement(t, s)
}

func mustMessage(t testing.TB, s string) *stanza.Message {
	t.Helper()
	return testkit.MustMessage(t, s)
}

// parseTime parses an XEP-0082 DateTime or fails t.
func parseTime(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := datetime.ParseDateTime(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
