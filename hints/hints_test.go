package hints_test

import (
	"errors"
	"testing"

	"github.com/xmppkit/xmpp/hints"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

var all = []hints.Hint{hints.NoPermanentStore, hints.NoStore, hints.NoCopy, hints.Store}

func TestParse(t *testing.T) {
	for _, h := range all {
		if got, err := hints.Parse(h.Element()); err != nil || got != h {
			t.Errorf("Parse(%s) = %q, %v", h.Element(), got, err)
		}
	}
	for _, in := range []string{
		`<no-archive xmlns='urn:xmpp:hints'/>`,
		`<no-store xmlns='urn:xmpp:hint'/>`,
		`<no-store xmlns='urn:xmpp:hints'>please</no-store>`,
		`<no-store xmlns='urn:xmpp:hints'><x/></no-store>`,
	} {
		if h, err := hints.Parse(mustElement(t, in)); !errors.Is(err, hints.ErrMalformed) {
			t.Errorf("Parse(%s) = %q, %v; want ErrMalformed", in, h, err)
		}
	}
	if _, err := hints.Parse(nil); !errors.Is(err, hints.ErrMalformed) {
		t.Errorf("Parse(nil) = %v", err)
	}
	if e := hints.Hint("no-archive").Element(); e != nil {
		t.Errorf("invalid hint encodes as %s", e)
	}
}

func TestAddHas(t *testing.T) {
	m := stanza.NewMessage(stanza.MessageChat, jid.MustParse("juliet@capulet.lit/laptop"), "V unir avtug'f pybnx")
	for _, h := range all {
		if hints.Has(m, h) {
			t.Errorf("new message has %s", h)
		}
	}
	hints.Add(m, hints.NoCopy)
	hints.Add(m, hints.NoStore)
	hints.Add(m, hints.NoCopy)
	hints.Add(m, "no-archive")
	if len(m.Payloads) != 2 || !hints.Has(m, hints.NoCopy) || !hints.Has(m, hints.NoStore) || hints.Has(m, hints.Store) {
		t.Errorf("after Add: %s", m.Element())
	}
	want := `<message xmlns='jabber:client' to='juliet@capulet.lit/laptop' id='` + m.ID + `' type='chat'><body>V unir avtug'f pybnx</body>` +
		`<no-copy xmlns='urn:xmpp:hints'/><no-store xmlns='urn:xmpp:hints'/></message>`
	if got := m.Element().String(); got != want {
		t.Errorf("encoded %s\nwant    %s", got, want)
	}
	// Hints in an error are ignored; malformed ones are not hints.
	bounced := mustMessage(t, `<message xmlns='jabber:client' type='error'><no-store xmlns='urn:xmpp:hints'/>`+
		`<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>`)
	if hints.Has(bounced, hints.NoStore) {
		t.Error("Has in an error message")
	}
	bad := mustMessage(t, `<message xmlns='jabber:client'><store xmlns='urn:xmpp:hints'><x/></store></message>`)
	if hints.Has(bad, hints.Store) {
		t.Error("Has with a malformed hint")
	}
}
