package blocking_test

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/xmppkit/xmpp/blocking"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestRequests checks the elements List, Block, Unblock and UnblockAll
// send, and what they make of the answers.
func TestRequests(t *testing.T) {
	ctx := testCtx(t)
	srv := xmpptest.StartServer(t, nil)
	fake := scriptBlocking(srv, jids("iago@shakespeare.lit")...)
	c := login(ctx, t, srv, 0, "r")

	if got, err := blocking.List(ctx, c); err != nil || !slices.Equal(got, jids("iago@shakespeare.lit")) {
		t.Fatalf("list: %v, %v", got, err)
	}
	if err := blocking.Block(ctx, c, jids("romeo@montague.net", "example.com")...); err != nil {
		t.Fatal(err)
	}
	if err := blocking.Unblock(ctx, c, jids("romeo@montague.net")...); err != nil {
		t.Fatal(err)
	}
	if got, err := blocking.List(ctx, c); err != nil || !slices.Equal(got, jids("iago@shakespeare.lit", "example.com")) {
		t.Fatalf("list: %v, %v", got, err)
	}
	if err := blocking.UnblockAll(ctx, c); err != nil {
		t.Fatal(err)
	}
	if got, err := blocking.List(ctx, c); err != nil || len(got) != 0 {
		t.Fatalf("list after unblock all: %v, %v", got, err)
	}
	want := []string{
		`<block xmlns='urn:xmpp:blocking'><item jid='romeo@montague.net'/><item jid='example.com'/></block>`,
		`<unblock xmlns='urn:xmpp:blocking'><item jid='romeo@montague.net'/></unblock>`,
		`<unblock xmlns='urn:xmpp:blocking'/>`,
	}
	if got := fake.received(); !slices.Equal(got, want) {
		t.Errorf("server got\n%q\nwant\n%q", got, want)
	}
}

// TestNoJIDs checks that Block and Unblock without an address fail before
// sending anything: an empty <unblock/> would unblock everyone.
func TestNoJIDs(t *testing.T) {
	ctx := testCtx(t)
	srv := xmpptest.StartServer(t, nil)
	c := login(ctx, t, srv, 0, "r")
	var sent atomic.Int32
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == xmpptest.ClientToServer && ev.Element.Name.Local == "iq" {
			sent.Add(1)
		}
		return xmpptest.Verdict{}
	})
	for name, err := range map[string]error{
		"block":               blocking.Block(ctx, c),
		"block zero":          blocking.Block(ctx, c, jid.JID{}),
		"unblock":             blocking.Unblock(ctx, c),
		"unblock nil slice":   blocking.Unblock(ctx, c, []jid.JID(nil)...),
		"unblock with a zero": blocking.Unblock(ctx, c, jid.MustParse("a@b"), jid.JID{}),
	} {
		if !errors.Is(err, blocking.ErrNoJIDs) {
			t.Errorf("%s: %v, want ErrNoJIDs", name, err)
		}
	}
	// A ping is answered by the in-process server: once it is back, any
	// IQ sent before it has passed the hook.
	if err := c.Ping(ctx, jid.JID{}); err != nil {
		t.Fatal(err)
	}
	if n := sent.Load(); n != 1 {
		t.Errorf("%d iqs sent, want only the ping", n)
	}
}

// TestRequestErrors checks that stanza errors come back as *stanza.Error
// and that a bad result is reported as ErrMalformed.
func TestRequestErrors(t *testing.T) {
	ctx := testCtx(t)
	srv := xmpptest.StartServer(t, nil)
	c := login(ctx, t, srv, 0, "r")

	// Not scripted: the in-process server answers service-unavailable,
	// as a server without XEP-0191 does.
	_, err := blocking.List(ctx, c)
	var se *stanza.Error
	if !errors.Is(err, stanza.ErrServiceUnavailable) || !errors.As(err, &se) {
		t.Errorf("list on a server without XEP-0191: %v", err)
	}
	if err := blocking.Block(ctx, c, jids("a@b")...); !errors.Is(err, stanza.ErrServiceUnavailable) {
		t.Errorf("block: %v", err)
	}

	results := []*stanza.Element{
		nil, // an empty result
		stanza.NewElement("urn:example", "blocklist"),
		stanza.NewElement(blocking.NS, "blocklist").AddChild(stanza.NewElement(blocking.NS, "item", stanza.A("jid", "@@"))),
	}
	var n atomic.Int32
	srv.HandleIQ(stanza.IQGet, blocking.NS, "blocklist", func(context.Context, *stanza.IQ) (*stanza.Element, error) {
		return results[n.Add(1)-1], nil
	})
	for range results {
		if got, err := blocking.List(ctx, c); !errors.Is(err, blocking.ErrMalformed) {
			t.Errorf("list: %v, %v; want ErrMalformed", got, err)
		}
	}
}
