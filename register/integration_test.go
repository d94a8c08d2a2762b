package register_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/register"
	"github.com/xmppkit/xmpp/sasl"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stream"
	"github.com/xmppkit/xmpp/xmpptest"
)

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// TestIntegration creates an account, reads it, changes its password and
// removes it, on each server; the in-process server offers no
// registration.
func TestIntegration(t *testing.T) {
	xmpptest.ForEachServer(t, nil, func(t *testing.T, tg xmpptest.Target) {
		zed := jid.MustParse("zed@" + tg.Domain())
		dial := func(password string, preAuth func(context.Context, stream.Transport, *stanza.Element) error) (*xmpp.Client, error) {
			return xmpp.Dial(ctx(t), zed, &xmpp.Options{Password: password, Addr: tg.Addr(), TLSConfig: tg.TLSConfig(), PreAuth: preAuth})
		}
		c, err := dial("first-pass", register.NewAccount("zed", "first-pass", nil))
		if tg.Name() == "xmpptest" {
			if !errors.Is(err, register.ErrNotSupported) {
				t.Fatalf("registration on the in-process server: %v", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		q, err := register.Get(ctx(t), c)
		if u, _ := q.Value("username"); err != nil || !q.Registered || u != "zed" {
			t.Errorf("Get = %+v, %v", q, err)
		}
		if err := register.ChangePassword(ctx(t), c, "second-pass"); err != nil {
			t.Fatal(err)
		}
		c.Close()
		if _, err := dial("first-pass", nil); !errors.Is(err, sasl.ErrNotAuthorized) {
			t.Errorf("old password: %v", err)
		}
		c, err = dial("second-pass", nil)
		if err != nil {
			t.Fatalf("new password: %v", err)
		}
		if err := register.Cancel(ctx(t), c); err != nil {
			t.Fatal(err)
		}
		c.Close()
		if _, err := dial("second-pass", nil); !errors.Is(err, sasl.ErrNotAuthorized) {
			t.Errorf("removed account: %v", err)
		}
		// A username already taken.
		a := tg.Account(0)
		_, err = xmpp.Dial(ctx(t), a.JID(), &xmpp.Options{Password: a.Password, Addr: tg.Addr(), TLSConfig: tg.TLSConfig(), PreAuth: register.NewAccount(a.User, a.Password, nil)})
		if !errors.Is(err, stanza.ErrConflict) {
			t.Errorf("registering %s again: %v", a.User, err)
		}
	})
}
