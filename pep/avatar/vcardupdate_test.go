package avatar_test

import (
	"context"
	"errors"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pep/avatar"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

func TestParseVCardHash(t *testing.T) {
	const hash = "01b87fcd030b72895ff8e88db57ec525450f000d" // XEP-0153's example
	for _, tc := range []struct {
		in   string
		want avatar.VCardHash
	}{
		{`<x xmlns='vcard-temp:x:update'><photo>` + hash + `</photo></x>`, avatar.VCardHash{Known: true, Hash: hash}},
		{`<x xmlns='vcard-temp:x:update'><photo> 01B87FCD030B72895FF8E88DB57EC525450F000D </photo></x>`, avatar.VCardHash{Known: true, Hash: hash}},
		{`<x xmlns='vcard-temp:x:update'><photo/></x>`, avatar.VCardHash{Known: true}},
		{`<x xmlns='vcard-temp:x:update'/>`, avatar.VCardHash{}},
		{`<x xmlns='vcard-temp:x:update'><nick xmlns='x'/></x>`, avatar.VCardHash{}},
	} {
		got, err := avatar.ParseVCardHash(testkit.MustElement(t, tc.in))
		if err != nil || got != tc.want {
			t.Errorf("ParseVCardHash(%s) = %+v, %v", tc.in, got, err)
		}
		back, err := avatar.ParseVCardHash(got.Element())
		if err != nil || back != got {
			t.Errorf("round trip of %+v: %+v, %v", got, back, err)
		}
	}
	for _, s := range []string{
		`<x xmlns='vcard-temp:x:update'><photo>nothex</photo></x>`,
		`<x xmlns='vcard-temp:x:update'><photo>` + hash + `</photo><photo/></x>`,
		`<x xmlns='vcard-temp:x:update'><photo><b/></photo></x>`,
		`<x xmlns='vcard-temp'><photo/></x>`,
	} {
		if h, err := avatar.ParseVCardHash(testkit.MustElement(t, s)); !errors.Is(err, avatar.ErrMalformed) {
			t.Errorf("ParseVCardHash(%s) = %+v, %v", s, h, err)
		}
	}
	p := stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})
	if _, ok := avatar.GetVCardHash(p); ok {
		t.Error("GetVCardHash found an element in a bare presence")
	}
	p.Payloads = append(p.Payloads, testkit.MustElement(t, `<x xmlns='vcard-temp:x:update'><photo>zz</photo></x>`))
	if _, ok := avatar.GetVCardHash(p); ok {
		t.Error("GetVCardHash took a malformed element")
	}
}

type seen struct {
	from jid.JID
	h    avatar.VCardHash
}

// TestAnnouncer: the hash goes out in every available presence, unknown
// until Set, and a change sends the presence again; a contact's
// HandleVCardHash sees each, from the sender's full JID.
func TestAnnouncer(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	var ann *avatar.Announcer
	alice := testkit.Login(t, srv, 0, "balcony", func(c *xmpp.Client) { ann = avatar.NewAnnouncer(c) })
	got := make(chan seen, 8)
	bob := testkit.Login(t, srv, 1, "", func(c *xmpp.Client) {
		avatar.HandleVCardHash(c, func(_ context.Context, from jid.JID, h avatar.VCardHash) { got <- seen{from, h} })
	})
	testkit.Befriend(t, alice, bob)
	if err := ann.Set("not a hash"); !errors.Is(err, avatar.ErrMalformed) {
		t.Errorf("Set of a bad hash: %v", err)
	}
	// Befriend announced alice's presence to bob: the first one.
	if s := testkit.Receive(t, got, "the first presence"); s.from != alice.JID() || s.h != (avatar.VCardHash{}) {
		t.Errorf("first presence: %+v", s)
	}
	hash := avatar.Hash([]byte("photo"))
	if err := ann.Set(hash); err != nil {
		t.Fatal(err)
	}
	if s := testkit.Receive(t, got, "the refreshed presence"); s.h != (avatar.VCardHash{Known: true, Hash: hash}) {
		t.Errorf("after Set: %+v", s)
	}
	if ann.Get() != (avatar.VCardHash{Known: true, Hash: hash}) {
		t.Errorf("Get: %+v", ann.Get())
	}
	if err := ann.Set(""); err != nil {
		t.Fatal(err)
	}
	if s := testkit.Receive(t, got, "the presence without photo"); s.h != (avatar.VCardHash{Known: true}) {
		t.Errorf("after Set(\"\"): %+v", s)
	}
}
