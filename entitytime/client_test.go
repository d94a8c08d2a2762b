package entitytime_test

import (
	"errors"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/entitytime"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

func TestGetServe(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, bob := login(t, srv, 0), login(t, srv, 1)
	fixed := time.Date(2006, 12, 19, 11, 58, 35, 250e6, time.FixedZone("CST", -6*3600))
	entitytime.Serve(alice, func() time.Time { return fixed })

	got, err := entitytime.Get(timeout(t), bob, alice.JID())
	if err != nil {
		t.Fatal(err)
	}
	if _, off := got.Zone(); !got.Equal(fixed) || off != -6*3600 {
		t.Errorf("Get = %v, want %v", got, fixed)
	}
	if s := got.Format("2006-01-02 15:04:05.000 -07:00"); s != "2006-12-19 11:58:35.250 -06:00" {
		t.Errorf("local time %s", s)
	}
}

// With a nil now, the answer is the current time in the local offset.
func TestHandleNilNow(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, bob := login(t, srv, 0), login(t, srv, 1)
	entitytime.Serve(alice, nil)
	before := time.Now()
	got, err := entitytime.Get(timeout(t), bob, alice.JID())
	after := time.Now()
	if err != nil {
		t.Fatal(err)
	}
	// The answer is written to the millisecond.
	if got.Before(before.Truncate(time.Millisecond)) || got.After(after) {
		t.Errorf("Get = %v, not between %v and %v", got, before, after)
	}
	if _, off := got.Zone(); off != offsetAt(got) {
		t.Errorf("offset %d, local offset %d", off, offsetAt(got))
	}
}

func offsetAt(t time.Time) int {
	_, off := t.Local().Zone()
	return off - off%60
}

func TestGetServerUnavailable(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	c := login(t, srv, 0)
	if _, err := entitytime.Get(timeout(t), c, jid.JID{}); !errors.Is(err, stanza.ErrServiceUnavailable) {
		t.Fatalf("Get = %v, want service-unavailable", err)
	}
}

// A malformed answer is an error, not a zero or made-up time.
func TestGetMalformed(t *testing.T) {
	for name, p := range map[string]*stanza.Element{
		"local utc":   payload("-06:00", "2006-12-19T11:58:35-06:00"),
		"bad tzo":     payload("CST", "2006-12-19T17:58:35Z"),
		"no utc":      stanza.NewElement(entitytime.NS, "time").AddChild(stanza.NewElement(entitytime.NS, "tzo").AddText("Z")),
		"empty":       nil,
		"other query": stanza.NewElement("jabber:iq:time", "query"),
	} {
		t.Run(name, func(t *testing.T) {
			srv := xmpptest.StartServer(t, nil)
			alice, bob := login(t, srv, 0), login(t, srv, 1)
			entitytime.Serve(alice, nil)
			srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
				if ev.Dir != xmpptest.ServerToClient || ev.Element.Attr("type") != "result" || ev.Element.Child(entitytime.NS, "time") == nil {
					return xmpptest.Verdict{}
				}
				r := ev.Element.Copy()
				r.Nodes = nil
				r.AddChild(p)
				return xmpptest.Verdict{Replace: r}
			})
			got, err := entitytime.Get(timeout(t), bob, alice.JID())
			if !errors.Is(err, entitytime.ErrMalformed) || !got.IsZero() {
				t.Fatalf("Get = %v, %v; want the zero time and ErrMalformed", got, err)
			}
		})
	}
}
