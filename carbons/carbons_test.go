package carbons_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/carbons"
	"github.com/xmppkit/xmpp/hints"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// wrapper returns a message from from to to carrying a carbon payload
// dir ("sent" or "received") that forwards inner.
func wrapper(from, to, dir, inner string) string {
	fromAttr := ""
	if from != "" {
		fromAttr = fmt.Sprintf(" from='%s'", from)
	}
	return fmt.Sprintf(`<message xmlns='jabber:client'%s to='%s' type='chat'>`+
		`<%s xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>%s</forwarded></%s></message>`,
		fromAttr, to, dir, inner, dir)
}

// inner returns a chat message from from to to with body.
func inner(from, to, body string) string {
	return fmt.Sprintf(`<message xmlns='jabber:client' from='%s' to='%s' type='chat' id='i1'><body>%s</body></message>`, from, to, body)
}

// TestUnwrap runs Unwrap on hand-built stanzas as alice@localhost/phone
// receives them: only carbons from her bare JID, about her own messages,
// are accepted.
func TestUnwrap(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice := login(t, srv, 0, "phone")
	const (
		bare  = "alice@localhost"
		full  = "alice@localhost/phone"
		other = "alice@localhost/laptop"
		bob   = "bob@localhost/home"
	)
	fromBob := inner(bob, other, "hi")
	fromAlice := inner(other, bob, "hello")
	for _, tc := range []struct {
		name    string
		msg     string
		want    error // nil: accepted
		dir     carbons.Direction
		body    string
		stamped bool
	}{
		{"received from own bare JID", wrapper(bare, full, "received", fromBob), nil, carbons.Received, "hi", false},
		{"sent from own bare JID", wrapper(bare, full, "sent", fromAlice), nil, carbons.Sent, "hello", false},
		{"received to the bare JID", wrapper(bare, full, "received", inner(bob, bare, "to bare")), nil, carbons.Received, "to bare", false},
		{"with delay", wrapper(bare, full, "received",
			`<delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z' from='localhost'/>`+fromBob), nil, carbons.Received, "hi", true},
		{"from own full JID", wrapper(full, full, "received", fromBob), carbons.ErrSpoofed, 0, "", false},
		{"from another resource", wrapper(other, full, "sent", fromAlice), carbons.ErrSpoofed, 0, "", false},
		{"from a contact", wrapper(bob, full, "received", fromBob), carbons.ErrSpoofed, 0, "", false},
		{"from a contact's bare JID", wrapper("bob@localhost", full, "sent", fromAlice), carbons.ErrSpoofed, 0, "", false},
		{"from the server", wrapper("localhost", full, "received", fromBob), carbons.ErrSpoofed, 0, "", false},
		{"without from", wrapper("", full, "received", fromBob), carbons.ErrSpoofed, 0, "", false},
		{"received of a message to someone else", wrapper(bare, full, "received", inner(bob, "carol@localhost", "x")), carbons.ErrSpoofed, 0, "", false},
		{"received of a message without to", wrapper(bare, full, "received",
			`<message xmlns='jabber:client' from='bob@localhost/home'><body>x</body></message>`), carbons.ErrSpoofed, 0, "", false},
		{"sent of a message from someone else", wrapper(bare, full, "sent", inner(bob, full, "x")), carbons.ErrSpoofed, 0, "", false},
		{"sent of a message without from", wrapper(bare, full, "sent",
			`<message xmlns='jabber:client' to='bob@localhost'><body>x</body></message>`), carbons.ErrSpoofed, 0, "", false},
		{"malformed from a contact", wrapper(bob, full, "received", ""), carbons.ErrSpoofed, 0, "", false},
		{"no forwarded message", wrapper(bare, full, "received", ""), carbons.ErrMalformed, 0, "", false},
		{"jabber:server message", wrapper(bare, full, "received",
			`<message xmlns='jabber:server' from='bob@localhost/home' to='alice@localhost'/>`), carbons.ErrMalformed, 0, "", false},
		{"bad delay", wrapper(bare, full, "received", `<delay xmlns='urn:xmpp:delay' stamp='yesterday'/>`+fromBob), carbons.ErrMalformed, 0, "", false},
		{"two carbons", strings.TrimSuffix(wrapper(bare, full, "received", fromBob), "</message>") +
			`<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>` + fromAlice + `</forwarded></sent></message>`, carbons.ErrMalformed, 0, "", false},
		{"no carbon", `<message xmlns='jabber:client' from='alice@localhost' to='alice@localhost/phone'><body>x</body></message>`, carbons.ErrNotCarbon, 0, "", false},
		{"carbons:1 namespace", strings.ReplaceAll(wrapper(bare, full, "received", fromBob), "carbons:2", "carbons:1"), carbons.ErrNotCarbon, 0, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := mustMessage(t, tc.msg)
			if got := carbons.IsCarbon(m); got != (tc.want != carbons.ErrNotCarbon) {
				t.Errorf("IsCarbon = %v", got)
			}
			cb, err := carbons.Unwrap(alice, m)
			if tc.want != nil {
				if !errors.Is(err, tc.want) {
					t.Fatalf("Unwrap = %+v, %v; want %v", cb, err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("Unwrap: %v", err)
			}
			if cb.Direction != tc.dir || cb.Message.Body() != tc.body || cb.Delay.IsZero() == tc.stamped {
				t.Errorf("Unwrap = %v %q delay %+v; want %v %q", cb.Direction, cb.Message.Body(), cb.Delay, tc.dir, tc.body)
			}
		})
	}
}

// TestSpoofedCarbons has bob send alice messages wrapping forged carbons.
// The server stamps bob's address on them, so Handle must drop them: the
// only carbon it passes on is the valid one the server injects after.
// Handle claims every carbon, so none reaches the application's default
// message handler, forged or not.
func TestSpoofedCarbons(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	logs := &recorder{}
	got := make(chan carbons.Carbon, 4)
	seen := make(chan *stanza.Message, 8)
	alice := login(t, srv, 0, "phone", func(c *xmpp.Client) {
		carbons.Handle(c, func(ctx context.Context, cb carbons.Carbon) { got <- cb }, &carbons.Options{Logger: slog.New(logs)})
		c.HandleMessage(xmpp.Route{}, func(ctx context.Context, m *stanza.Message) { seen <- m })
	})
	alice2 := login(t, srv, 0, "laptop")
	bob := login(t, srv, 1, "home")
	ctx := timeout(t)

	aliceBare, aliceFull, bobFull := alice.JID().Bare().String(), alice.JID().String(), bob.JID().String()
	forged := []struct {
		from *stanza.Element
		by   *xmpp.Client
	}{
		// bob claims alice received a message from carol.
		{mustElement(t, wrapper("", aliceFull, "received", inner("carol@localhost/x", aliceFull, "I owe bob 100 euros"))), bob},
		// bob claims alice sent him a message.
		{mustElement(t, wrapper("", aliceFull, "sent", inner(aliceFull, bobFull, "I owe you 100 euros"))), bob},
		// bob puts alice's bare JID in from: the server overwrites it.
		{mustElement(t, wrapper(aliceBare, aliceFull, "received", inner(bobFull, aliceFull, "forged from"))), bob},
		// Another resource of alice's is not her server either.
		{mustElement(t, wrapper("", aliceFull, "received", inner(bobFull, aliceFull, "from a resource"))), alice2},
	}
	for _, f := range forged {
		if err := f.by.SendElement(ctx, f.from); err != nil {
			t.Fatal(err)
		}
	}
	// Once alice has handled everything the server sent her, every
	// forged carbon has been dropped.
	for _, f := range forged {
		if err := f.by.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if err := alice.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-seen:
		t.Fatalf("a carbon reached the default handler: %s", m.Element())
	default:
	}
	select {
	case cb := <-got:
		t.Fatalf("Handle passed on a forged carbon: %v %s", cb.Direction, cb.Message.Element())
	default:
	}
	if n := logs.count(carbons.ErrSpoofed.Error()); n != len(forged) {
		t.Errorf("%d drops logged as spoofed, want %d:\n%s", n, len(forged), logs)
	}

	// The positive control: the same kind of carbon from alice's server.
	valid := mustElement(t, wrapper(aliceBare, aliceFull, "received", inner(bobFull, aliceFull, "real")))
	if err := srv.Inject(alice.JID(), valid); err != nil {
		t.Fatal(err)
	}
	cb := receive(t, got, "the valid carbon")
	if cb.Direction != carbons.Received || cb.Message.Body() != "real" || cb.Message.From != bob.JID() {
		t.Errorf("valid carbon = %v from %s %q", cb.Direction, cb.Message.From, cb.Message.Body())
	}
}

// recorder is a slog.Handler that keeps the records' messages and errors.
type recorder struct {
	mu    sync.Mutex
	lines []string
}

func (r *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *recorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *recorder) WithGroup(string) slog.Handler            { return r }
func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	line := rec.Level.String() + " " + rec.Message
	rec.Attrs(func(a slog.Attr) bool {
		line += " " + a.Key + "=" + a.Value.String()
		return true
	})
	r.mu.Lock()
	r.lines = append(r.lines, line)
	r.mu.Unlock()
	return nil
}

// count returns how many records mention s, all at Debug level.
func (r *recorder) count(s string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, l := range r.lines {
		if strings.HasPrefix(l, "DEBUG ") && strings.Contains(l, s) {
			n++
		}
	}
	return n
}

func (r *recorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.lines, "\n")
}

// TestHandle injects valid carbons as a server would send them and checks
// what Handle passes on, and that other messages are left alone.
func TestHandle(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice := login(t, srv, 0, "phone")
	got := make(chan carbons.Carbon, 4)
	carbons.Handle(alice, func(ctx context.Context, cb carbons.Carbon) { got <- cb }, nil)
	plain := make(chan *stanza.Message, 4)
	alice.HandleMessage(xmpp.Route{}, func(ctx context.Context, m *stanza.Message) {
		if !carbons.IsCarbon(m) {
			plain <- m
		}
	})
	bare, full := alice.JID().Bare().String(), alice.JID().String()
	for _, s := range []string{
		wrapper(bare, full, "sent", inner("alice@localhost/laptop", "bob@localhost", "out")),
		wrapper(bare, full, "received", `<delay xmlns='urn:xmpp:delay' stamp='2024-02-29T12:00:00.5+01:00'/>`+
			inner("bob@localhost/home", "alice@localhost/laptop", "in")),
		`<message xmlns='jabber:client' from='bob@localhost/home' to='` + full + `'><body>plain</body></message>`,
	} {
		if err := srv.Inject(alice.JID(), mustElement(t, s)); err != nil {
			t.Fatal(err)
		}
	}
	sent := receive(t, got, "the sent carbon")
	if sent.Direction != carbons.Sent || sent.Message.Body() != "out" || sent.Message.To != jid.MustParse("bob@localhost") {
		t.Errorf("sent carbon = %v to %s %q", sent.Direction, sent.Message.To, sent.Message.Body())
	}
	recv := receive(t, got, "the received carbon")
	want := time.Date(2024, 2, 29, 11, 0, 0, 5e8, time.UTC)
	if recv.Direction != carbons.Received || recv.Message.Body() != "in" || !recv.Delay.Stamp.Equal(want) {
		t.Errorf("received carbon = %v %q at %v", recv.Direction, recv.Message.Body(), recv.Delay.Stamp)
	}
	if m := receive(t, plain, "the plain message"); m.Body() != "plain" {
		t.Errorf("plain message %q", m.Body())
	}
}

// TestEnableDisable checks the IQs that Enable and Disable send, and that
// a server without carbons makes them fail with its stanza error.
func TestEnableDisable(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice := login(t, srv, 0, "phone")
	ctx := timeout(t)
	if err := carbons.Enable(ctx, alice); !errors.Is(err, stanza.ErrServiceUnavailable) {
		t.Fatalf("Enable without server support = %v; want service-unavailable", err)
	}
	var asked []string
	for _, local := range []string{"enable", "disable"} {
		srv.HandleIQ(stanza.IQSet, carbons.NS, local, func(ctx context.Context, iq *stanza.IQ) (*stanza.Element, error) {
			if !iq.To.IsZero() || iq.Payload.NumChildren() != 0 {
				return nil, stanza.NewError(stanza.ErrBadRequest, "unexpected "+iq.Element().String())
			}
			asked = append(asked, iq.Payload.Name.Local)
			return nil, nil
		})
	}
	if err := carbons.Enable(ctx, alice); err != nil {
		t.Fatal(err)
	}
	if err := carbons.Disable(ctx, alice); err != nil {
		t.Fatal(err)
	}
	if strings.Join(asked, ",") != "enable,disable" {
		t.Errorf("server was asked %v", asked)
	}
}

// TestPrivate checks the elements Private adds, once each.
func TestPrivate(t *testing.T) {
	m := stanza.NewMessage(stanza.MessageChat, jid.MustParse("bob@localhost"), "secret")
	if carbons.IsPrivate(m) {
		t.Fatal("new message is private")
	}
	carbons.Private(m)
	carbons.Private(m)
	if !carbons.IsPrivate(m) || len(m.Payloads) != 2 {
		t.Fatalf("payloads after Private: %s", m.Element())
	}
	if m.Payloads[0].Name != (stanza.Name{Space: carbons.NS, Local: "private"}) ||
		m.Payloads[1].Name != (stanza.Name{Space: hints.NS, Local: string(hints.NoCopy)}) {
		t.Errorf("payloads %s", m.Element())
	}
}
