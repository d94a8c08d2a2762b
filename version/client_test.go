package version_test

import (
	"errors"
	"sync/atomic"
	"testing"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/version"
	"github.com/xmppkit/xmpp/xmpptest"
)

func TestGetServe(t *testing.T) {
	for _, info := range []version.Info{
		{Name: "xmpp", Version: "1.0"},
		{Name: "xmpp", Version: "1.0", OS: "Plan 9"},
	} {
		t.Run(info.OS, func(t *testing.T) {
			srv := xmpptest.StartServer(t, nil)
			alice, bob := login(t, srv, 0), login(t, srv, 1)
			version.Serve(alice, info)

			var osSeen atomic.Bool
			srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
				if q := ev.Element.Child(version.NS, "query"); q != nil && q.Child(version.NS, "os") != nil {
					osSeen.Store(true)
				}
				return xmpptest.Verdict{}
			})
			got, err := version.Get(timeout(t), bob, alice.JID())
			if err != nil || got != info {
				t.Fatalf("Get = %+v, %v; want %+v", got, err, info)
			}
			if osSeen.Load() != (info.OS != "") {
				t.Errorf("<os/> on the wire: %v, for OS %q", osSeen.Load(), info.OS)
			}
		})
	}
}

// The in-process server does not implement XEP-0092 itself.
func TestGetServerUnavailable(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	c := login(t, srv, 0)
	_, err := version.Get(timeout(t), c, jid.JID{})
	if !errors.Is(err, stanza.ErrServiceUnavailable) {
		t.Fatalf("Get = %v, want service-unavailable", err)
	}
	var se *stanza.Error
	if !errors.As(err, &se) {
		t.Errorf("%T is not a *stanza.Error", err)
	}
}

// A client without a handler answers service-unavailable.
func TestGetNoHandler(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, bob := login(t, srv, 0), login(t, srv, 1)
	if _, err := version.Get(timeout(t), bob, alice.JID()); !errors.Is(err, stanza.ErrServiceUnavailable) {
		t.Fatalf("Get = %v, want service-unavailable", err)
	}
}

// replaceResults makes srv replace the payload of every version result
// with payload.
func replaceResults(srv *xmpptest.Server, payload *stanza.Element) {
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir != xmpptest.ServerToClient || ev.Element.Attr("type") != "result" || ev.Element.Child(version.NS, "query") == nil {
			return xmpptest.Verdict{}
		}
		r := ev.Element.Copy()
		r.Nodes = nil
		r.AddChild(payload)
		return xmpptest.Verdict{Replace: r}
	})
}

func TestGetMalformed(t *testing.T) {
	for name, payload := range map[string]*stanza.Element{
		"no name":    stanza.NewElement(version.NS, "query").AddChild(stanza.NewElement(version.NS, "version").AddText("1")),
		"wrong name": stanza.NewElement("jabber:iq:last", "query", stanza.A("seconds", "1")),
	} {
		t.Run(name, func(t *testing.T) {
			srv := xmpptest.StartServer(t, nil)
			alice, bob := login(t, srv, 0), login(t, srv, 1)
			version.Serve(alice, version.Info{Name: "xmpp", Version: "1.0"})
			replaceResults(srv, payload)
			got, err := version.Get(timeout(t), bob, alice.JID())
			if !errors.Is(err, version.ErrMalformed) || got != (version.Info{}) {
				t.Fatalf("Get = %+v, %v; want the zero Info and ErrMalformed", got, err)
			}
		})
	}
}

// An empty result (no payload at all) is malformed too.
func TestGetEmptyResult(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, bob := login(t, srv, 0), login(t, srv, 1)
	version.Serve(alice, version.Info{Name: "xmpp", Version: "1.0"})
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == xmpptest.ServerToClient && ev.Element.Attr("type") == "result" && ev.Element.Child(version.NS, "query") != nil {
			r := ev.Element.Copy()
			r.Nodes = nil
			return xmpptest.Verdict{Replace: r}
		}
		return xmpptest.Verdict{}
	})
	if _, err := version.Get(timeout(t), bob, alice.JID()); !errors.Is(err, version.ErrMalformed) {
		t.Fatalf("Get = %v, want ErrMalformed", err)
	}
}

// A result with the right id from someone other than the addressee is
// ignored: the answer is alice's, not carol's.
func TestGetIgnoresSpoofedAnswer(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, bob, carol := login(t, srv, 0), login(t, srv, 1), login(t, srv, 2)
	want := version.Info{Name: "alice's client", Version: "1.0"}
	version.Serve(alice, want)
	var spoofed atomic.Bool
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		e := ev.Element
		if ev.Dir != xmpptest.ClientToServer || ev.JID != bob.JID() || e.Attr("type") != "get" || e.Child(version.NS, "query") == nil {
			return xmpptest.Verdict{}
		}
		// Answer first, in carol's name, before the server routes the
		// request to alice.
		spoof := (&stanza.IQ{Header: stanza.Header{ID: e.Attr("id"), From: carol.JID(), To: bob.JID()}, Type: stanza.IQResult,
			Payload: version.Info{Name: "spoof", Version: "6.6.6"}.Element()}).Element()
		if err := srv.Inject(bob.JID(), spoof); err != nil {
			t.Error(err)
		}
		spoofed.Store(true)
		return xmpptest.Verdict{}
	})
	got, err := version.Get(timeout(t), bob, alice.JID())
	if err != nil || got != want {
		t.Fatalf("Get = %+v, %v; want %+v", got, err, want)
	}
	if !spoofed.Load() {
		t.Fatal("the spoofed answer was not sent")
	}
}

func TestHandlePanicsOnIncompleteInfo(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	c := login(t, srv, 0)
	for _, info := range []version.Info{{}, {Name: "x"}, {Version: "1", OS: "linux"}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Serve(%+v) did not panic", info)
				}
			}()
			version.Serve(c, info)
		}()
	}
}
