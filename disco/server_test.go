package disco_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// TestServe: one client serves, another asks; the answer has the
// identities given, disco#info and what the client advertises at the
// time of the request, and the forms added.
func TestServe(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, bob := login(t, srv, 0), login(t, srv, 1)
	ids := []disco.Identity{{Category: "client", Type: "bot", Name: "Bot"}, {Category: "client", Type: "bot", Name: "Robot", Lang: "fr"}}
	s := disco.Serve(alice, &disco.ServeOptions{Identities: ids})
	for _, ns := range []string{disco.NSInfo, disco.NSItems} {
		if !slices.Contains(alice.Advertised(), ns) {
			t.Errorf("Serve did not advertise %s", ns)
		}
	}

	info, err := disco.GetInfo(timeout(t), bob, alice.JID(), "")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(info.Identities, ids) || !reflect.DeepEqual(info.Features, alice.Advertised()) || info.Node != "" || info.Forms != nil {
		t.Fatalf("GetInfo = %+v; want identities %+v, features %v", info, ids, alice.Advertised())
	}
	if !info.HasFeature("urn:xmpp:ping") {
		t.Errorf("the Client's own ping feature is missing: %v", info.Features)
	}

	// A feature advertised later, and a form, show in the next answer.
	alice.Advertise("urn:example:later")
	sw := form.New(form.TypeResult, "urn:xmpp:dataforms:softwareinfo")
	if err := sw.SetString("software", "Bot"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddForm(sw); err != nil {
		t.Fatal(err)
	}
	info, err = disco.GetInfo(timeout(t), bob, alice.JID(), "")
	if err != nil {
		t.Fatal(err)
	}
	if !info.HasFeature("urn:example:later") || len(info.Forms) != 1 {
		t.Fatalf("GetInfo = %+v; want urn:example:later and one form", info)
	}
	if got, _ := info.Form("urn:xmpp:dataforms:softwareinfo").String("software"); got != "Bot" {
		t.Errorf("software = %q", got)
	}
	if !reflect.DeepEqual(info, s.Info()) {
		t.Errorf("the answer %+v differs from Server.Info %+v", info, s.Info())
	}

	// A form with the same FORM_TYPE replaces the first.
	sw2 := form.New(form.TypeResult, "urn:xmpp:dataforms:softwareinfo")
	_ = sw2.SetString("software", "Bot 2")
	if err := s.AddForm(sw2); err != nil {
		t.Fatal(err)
	}
	if fs := s.Info().Forms; len(fs) != 1 {
		t.Errorf("%d forms after a replacement", len(fs))
	} else if got, _ := fs[0].String("software"); got != "Bot 2" {
		t.Errorf("software = %q after a replacement", got)
	}

	items, err := disco.GetItems(timeout(t), bob, alice.JID(), "")
	if err != nil || len(items) != 0 {
		t.Errorf("GetItems = %v, %v; want none", items, err)
	}
}

// By default a Client is a client/pc.
func TestServeDefaultIdentity(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, bob := login(t, srv, 0), login(t, srv, 1)
	disco.Serve(alice, nil)
	info, err := disco.GetInfo(timeout(t), bob, alice.JID(), "")
	if err != nil || !reflect.DeepEqual(info.Identities, []disco.Identity{{Category: "client", Type: "pc"}}) {
		t.Fatalf("GetInfo = %+v, %v", info, err)
	}
}

func TestAddFormRefuses(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	s := disco.Serve(login(t, srv, 0), nil)
	notHidden := &form.Form{Type: form.TypeResult, Fields: []form.Field{{Var: form.VarFormType, Values: []string{"urn:x"}}}}
	for name, f := range map[string]*form.Form{
		"nil":           nil,
		"no FORM_TYPE":  form.New(form.TypeResult, ""),
		"not a result":  form.New(form.TypeForm, "urn:x"),
		"not hidden":    notHidden,
		"several types": {Type: form.TypeResult, Fields: []form.Field{{Var: form.VarFormType, Type: form.Hidden, Values: []string{"a", "b"}}}},
	} {
		if err := s.AddForm(f); !errors.Is(err, disco.ErrBadForm) {
			t.Errorf("%s: AddForm = %v, want ErrBadForm", name, err)
		}
	}
}

// TestNodes: node handlers answer info and items for their node, see who
// asks, and may fail; an unknown node gets item-not-found.
func TestNodes(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	alice, bob := login(t, srv, 0), login(t, srv, 1)
	s := disco.Serve(alice, nil)
	cmd := disco.Item{JID: alice.JID(), Node: "config", Name: "Configure"}
	var asker jid.JID
	s.HandleNode("http://jabber.org/protocol/commands", func(_ context.Context, from jid.JID) (disco.Info, []disco.Item, error) {
		asker = from
		return disco.Info{Features: []string{disco.NSItems}}, []disco.Item{cmd}, nil
	})
	s.HandleNode("config", func(context.Context, jid.JID) (disco.Info, []disco.Item, error) {
		return disco.Info{Identities: []disco.Identity{{Category: "automation", Type: "command-node", Name: "Configure"}}, Features: []string{"http://jabber.org/protocol/commands", "jabber:x:data"}}, nil, nil
	})
	s.HandleNode("secret", func(context.Context, jid.JID) (disco.Info, []disco.Item, error) {
		return disco.Info{}, nil, stanza.NewError(stanza.ErrForbidden, "")
	})

	items, err := disco.GetItems(timeout(t), bob, alice.JID(), "http://jabber.org/protocol/commands")
	if err != nil || !reflect.DeepEqual(items, []disco.Item{cmd}) {
		t.Fatalf("GetItems(commands) = %+v, %v", items, err)
	}
	if asker != bob.JID() {
		t.Errorf("the handler saw %s asking, want %s", asker, bob.JID())
	}
	info, err := disco.GetInfo(timeout(t), bob, alice.JID(), "http://jabber.org/protocol/commands")
	if err != nil {
		t.Fatal(err)
	}
	// No identity given: the Server's own is used.
	want := disco.Info{Node: "http://jabber.org/protocol/commands", Identities: []disco.Identity{{Category: "client", Type: "pc"}}, Features: []string{disco.NSItems}}
	if !reflect.DeepEqual(info, want) {
		t.Errorf("GetInfo(commands) = %+v, want %+v", info, want)
	}
	info, err = disco.GetInfo(timeout(t), bob, alice.JID(), "config")
	if err != nil || !info.HasIdentity("automation", "command-node") || info.Node != "config" {
		t.Errorf("GetInfo(config) = %+v, %v", info, err)
	}

	for _, node := range []string{"nope", "config#"} {
		if _, err := disco.GetInfo(timeout(t), bob, alice.JID(), node); !errors.Is(err, stanza.ErrItemNotFound) {
			t.Errorf("GetInfo(%q) = %v, want item-not-found", node, err)
		}
		if _, err := disco.GetItems(timeout(t), bob, alice.JID(), node); !errors.Is(err, stanza.ErrItemNotFound) {
			t.Errorf("GetItems(%q) = %v, want item-not-found", node, err)
		}
	}
	if _, err := disco.GetInfo(timeout(t), bob, alice.JID(), "secret"); !errors.Is(err, stanza.ErrForbidden) {
		t.Errorf("GetInfo(secret) = %v, want forbidden", err)
	}
}

func TestServePanics(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	for name, f := range map[string]func(){
		"no type": func() {
			disco.Serve(login(t, srv, 0), &disco.ServeOptions{Identities: []disco.Identity{{Category: "client"}}})
		},
		"repeated identity": func() {
			id := disco.Identity{Category: "client", Type: "pc"}
			disco.Serve(login(t, srv, 1), &disco.ServeOptions{Identities: []disco.Identity{id, id}})
		},
		"served twice": func() {
			c := login(t, srv, 2)
			disco.Serve(c, nil)
			disco.Serve(c, nil)
		},
		"node twice": func() {
			s := disco.Serve(login(t, srv, 3), nil)
			h := func(context.Context, jid.JID) (disco.Info, []disco.Item, error) { return disco.Info{}, nil, nil }
			s.HandleNode("n", h)
			s.HandleNode("n", h)
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
