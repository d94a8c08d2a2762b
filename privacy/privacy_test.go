package privacy_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/privacy"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func login(ctx context.Context, t *testing.T, srv *xmpptest.Server, i int, res string) *xmpp.Client {
	t.Helper()
	a := srv.Account(i)
	c, err := xmpp.Dial(ctx, a.JID(), &xmpp.Options{
		Password: a.Password, Resource: res, Addr: srv.Addr(), Dial: srv.DialPipe, TLSConfig: srv.TLSConfig(),
		KeepaliveInterval: -1, PingInterval: -1,
	})
	if err != nil {
		t.Fatalf("login %s: %v", a.User, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestRequests checks the payloads the requests send and what they make
// of the answers, against a server scripted to answer as the XEP does.
func TestRequests(t *testing.T) {
	ctx := testCtx(t)
	srv := xmpptest.StartServer(t, nil)
	var mu sync.Mutex
	var sets []string
	public := privacy.List{Name: "public", Items: []privacy.Item{
		{Type: privacy.TypeJID, Value: "tybalt@example.com", Action: privacy.Deny, Order: 1},
		{Action: privacy.Allow, Order: 2},
	}}
	srv.HandleIQ(stanza.IQGet, privacy.NS, "query", func(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		if l := iq.Payload.Child(privacy.NS, "list"); l != nil {
			if l.Attr("name") != "public" {
				return nil, stanza.NewError(stanza.ErrItemNotFound, "")
			}
			return public.Element()
		}
		return privacy.Summary{Active: "private", Default: "public", Lists: []string{"public", "private"}}.Element()
	})
	srv.HandleIQ(stanza.IQSet, privacy.NS, "query", func(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		mu.Lock()
		defer mu.Unlock()
		sets = append(sets, iq.Payload.String())
		return nil, nil
	})
	c := login(ctx, t, srv, 0, "r")

	s, err := privacy.Lists(ctx, c)
	if err != nil || s.Active != "private" || s.Default != "public" || !slices.Equal(s.Lists, []string{"public", "private"}) {
		t.Errorf("lists: %+v, %v", s, err)
	}
	if l, err := privacy.Get(ctx, c, "public"); err != nil || !equalLists(l, public) {
		t.Errorf("get: %+v, %v", l, err)
	}
	if _, err := privacy.Get(ctx, c, "nope"); !errors.Is(err, stanza.ErrItemNotFound) {
		t.Errorf("get missing: %v", err)
	}
	special := privacy.List{Name: "special", Items: []privacy.Item{{Type: privacy.TypeSubscription, Value: "both", Action: privacy.Allow, Order: 10, Message: true}}}
	for name, err := range map[string]error{
		"set":        privacy.Set(ctx, c, special),
		"remove":     privacy.Remove(ctx, c, "special"),
		"active":     privacy.SetActive(ctx, c, "special"),
		"no active":  privacy.SetActive(ctx, c, ""),
		"default":    privacy.SetDefault(ctx, c, "public"),
		"no default": privacy.SetDefault(ctx, c, ""),
	} {
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	mu.Lock()
	got := slices.Sorted(slices.Values(sets))
	mu.Unlock()
	const q = `<query xmlns='jabber:iq:privacy'>`
	want := slices.Sorted(slices.Values([]string{
		q + `<list name='special'><item type='subscription' value='both' action='allow' order='10'><message/></item></list></query>`,
		q + `<list name='special'/></query>`,
		q + `<active name='special'/></query>`,
		q + `<active/></query>`,
		q + `<default name='public'/></query>`,
		q + `<default/></query>`,
	}))
	if !slices.Equal(got, want) {
		t.Errorf("server got\n%q\nwant\n%q", got, want)
	}
}

// TestRequestErrors checks the errors found before sending, stanza errors
// and malformed answers.
func TestRequestErrors(t *testing.T) {
	ctx := testCtx(t)
	srv := xmpptest.StartServer(t, nil)
	c := login(ctx, t, srv, 0, "r")
	var sent atomic.Int32
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == xmpptest.ClientToServer && ev.Element.Child(privacy.NS, "query") != nil {
			sent.Add(1)
		}
		return xmpptest.Verdict{}
	})
	for name, tc := range map[string]struct{ got, want error }{
		"get no name":    {func() error { _, err := privacy.Get(ctx, c, ""); return err }(), privacy.ErrNoName},
		"set no name":    {privacy.Set(ctx, c, privacy.List{Items: []privacy.Item{{Action: privacy.Allow}}}), privacy.ErrNoName},
		"set no items":   {privacy.Set(ctx, c, privacy.List{Name: "a"}), privacy.ErrNoItems},
		"set bad item":   {privacy.Set(ctx, c, privacy.List{Name: "a", Items: []privacy.Item{{Action: "block"}}}), privacy.ErrMalformed},
		"remove no name": {privacy.Remove(ctx, c, ""), privacy.ErrNoName},
	} {
		if !errors.Is(tc.got, tc.want) {
			t.Errorf("%s: %v, want %v", name, tc.got, tc.want)
		}
	}
	if n := sent.Load(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	// Not scripted: service-unavailable, as from Prosody.
	if _, err := privacy.Lists(ctx, c); !errors.Is(err, stanza.ErrServiceUnavailable) {
		t.Errorf("lists: %v", err)
	}

	answers := []*stanza.Element{
		nil,
		stanza.NewElement(privacy.NS, "query").AddChild(stanza.NewElement(privacy.NS, "list", stanza.A("name", "other"))),
		stanza.NewElement("jabber:iq:roster", "query"),
	}
	var n atomic.Int32
	srv.HandleIQ(stanza.IQGet, privacy.NS, "query", func(context.Context, *stanza.IQ) (*stanza.Element, error) {
		return answers[n.Add(1)-1], nil
	})
	for range answers {
		if l, err := privacy.Get(ctx, c, "mine"); !errors.Is(err, privacy.ErrMalformed) {
			t.Errorf("get: %+v, %v; want ErrMalformed", l, err)
		}
	}
}

// TestPushes checks that pushes are accepted only from the account itself
// and must name exactly one list.
func TestPushes(t *testing.T) {
	ctx := testCtx(t)
	srv := xmpptest.StartServer(t, nil)
	answers := make(chan *stanza.IQ, 16)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == xmpptest.ClientToServer && ev.Element.Name.Local == "iq" {
			if iq, err := stanza.ParseIQ(ev.Element); err == nil && (iq.Type == stanza.IQResult || iq.Type == stanza.IQError) {
				answers <- iq
			}
		}
		return xmpptest.Verdict{}
	})
	alice := login(ctx, t, srv, 0, "laptop")
	names := make(chan string, 16)
	privacy.Handle(alice, &privacy.PushOptions{OnPush: func(n string) { names <- n }})

	for _, tc := range []struct {
		id, from, payload string
		want              stanza.Condition // "" for a result
	}{
		{"no-from", "", `<query xmlns='jabber:iq:privacy'><list name='public'/></query>`, ""},
		{"own-bare", "alice@localhost", `<query xmlns='jabber:iq:privacy'><list name='private'/></query>`, ""},
		{"other-account", "mallory@localhost/x", `<query xmlns='jabber:iq:privacy'><list name='evil'/></query>`, stanza.ErrServiceUnavailable},
		{"own-full", "alice@localhost/other", `<query xmlns='jabber:iq:privacy'><list name='evil'/></query>`, stanza.ErrServiceUnavailable},
		{"domain", "localhost", `<query xmlns='jabber:iq:privacy'><list name='evil'/></query>`, stanza.ErrServiceUnavailable},
		{"two lists", "", `<query xmlns='jabber:iq:privacy'><list name='a'/><list name='b'/></query>`, stanza.ErrBadRequest},
		{"with items", "", `<query xmlns='jabber:iq:privacy'><list name='a'><item action='allow' order='1'/></list></query>`, stanza.ErrBadRequest},
		{"active", "", `<query xmlns='jabber:iq:privacy'><active name='a'/></query>`, stanza.ErrBadRequest},
	} {
		iq := stanza.NewIQ(stanza.IQSet, alice.JID(), mustElement(t, tc.payload))
		iq.ID = tc.id
		if tc.from != "" {
			iq.From = jid.MustParse(tc.from)
		}
		if err := srv.Inject(alice.JID(), iq.Element()); err != nil {
			t.Fatal(err)
		}
		a := recv(ctx, t, answers, "answer to "+tc.id)
		switch {
		case a.ID != tc.id:
			t.Fatalf("answer %s to %s", a.ID, tc.id)
		case tc.want == "" && a.Type != stanza.IQResult:
			t.Errorf("%s: answered %v", tc.id, a.Error)
		case tc.want != "" && !errors.Is(a.Error, tc.want):
			t.Errorf("%s: answered %s %v, want %s", tc.id, a.Type, a.Error, tc.want)
		}
	}
	close(names) // every handler has returned: each answer was sent after it
	var got []string
	for n := range names {
		got = append(got, n)
	}
	if want := []string{"public", "private"}; !slices.Equal(got, want) {
		t.Errorf("pushes reported %v, want %v", got, want)
	}
}
