package xmpp

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// boshLogin connects account i of rs over BOSH to the server's endpoint.
func boshLogin(t *testing.T, rs *xmpptest.RealServer, i int, opts *Options, register ...func(*Client)) *Client {
	t.Helper()
	var o Options
	if opts != nil {
		o = *opts
	}
	o.Addr = rs.BOSHURL()
	return mustLogin(t, realServer(rs), i, &o, register...)
}

// TestIntegrationBOSH logs in over BOSH (XEP-0206) on both servers and
// exchanges messages with a TCP client both ways, reads the roster and
// ends the session with a terminate.
func TestIntegrationBOSH(t *testing.T) {
	forEachWebSocketServer(t, func(t *testing.T, rs *xmpptest.RealServer) {
		start := time.Now()
		var trace syncBuffer
		msgs := make(chan *stanza.Message, 4)
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("alice's trace:\n%s", trace.String())
			}
		})
		alice := boshLogin(t, rs, 0, &Options{Trace: &trace}, func(c *Client) {
			c.HandleMessage(Route{}, func(_ context.Context, m *stanza.Message) {
				select {
				case msgs <- m:
				default:
				}
			})
		})
		t.Logf("%s: login over BOSH in %v", rs.Name(), time.Since(start))
		bobMsgs := make(chan *stanza.Message, 4)
		bob := mustLogin(t, realServer(rs), 1, nil, func(c *Client) {
			c.HandleMessage(Route{}, func(_ context.Context, m *stanza.Message) { bobMsgs <- m })
		})
		st := alice.ConnectionState()
		t.Logf("%s: SASL %s, stream management %v", rs.Name(), st.Mechanism, st.StreamManagement)
		if st.TLS == nil {
			t.Error("no TLS state over https")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()

		for i := range 3 {
			if err := alice.Send(ctx, stanza.NewMessage(stanza.MessageChat, bob.JID(), "to bob "+string(rune('a'+i)))); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 3 {
			select {
			case m := <-bobMsgs:
				if want := "to bob " + string(rune('a'+i)); m.Body() != want || m.From != alice.JID() {
					t.Errorf("bob got %q from %s, want %q", m.Body(), m.From, want)
				}
			case <-ctx.Done():
				t.Fatal("bob got nothing")
			}
		}
		if err := bob.Send(ctx, stanza.NewMessage(stanza.MessageChat, alice.JID(), "to alice")); err != nil {
			t.Fatal(err)
		}
		select {
		case m := <-msgs:
			if m.Body() != "to alice" || m.From != bob.JID() {
				t.Errorf("alice got %q from %s", m.Body(), m.From)
			}
		case <-ctx.Done():
			t.Fatal("alice got nothing over BOSH")
		}
		res, err := alice.Request(ctx, stanza.NewIQ(stanza.IQGet, jid.JID{}, stanza.NewElement("jabber:iq:roster", "query")))
		if err != nil {
			t.Fatal(err)
		}
		if res.Payload == nil || res.Payload.Name.Space != "jabber:iq:roster" {
			t.Errorf("roster result %v", res.Payload)
		}
		begin := time.Now()
		if err := alice.Close(); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: Close in %v", rs.Name(), time.Since(begin))
		if !strings.Contains(trace.String(), "type='terminate'") && !strings.Contains(trace.String(), `type="terminate"`) {
			t.Errorf("no terminate in the trace:\n%s", trace.String())
		}
		if testing.Verbose() {
			t.Logf("trace:\n%s", trace.String())
		}
	})
}
