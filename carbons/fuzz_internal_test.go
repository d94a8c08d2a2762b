package carbons

import (
	"errors"
	"testing"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// FuzzUnwrap runs the whole check of a received message, as Unwrap does
// for alice@localhost, and checks that what it accepts really is hers.
func FuzzUnwrap(f *testing.F) {
	for _, s := range []string{
		`<message xmlns='jabber:client' from='alice@localhost' to='alice@localhost/a'><received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' from='bob@localhost/b' to='alice@localhost/c'><body>hi</body></message></forwarded></received></message>`,
		`<message xmlns='jabber:client' from='alice@localhost' to='alice@localhost/a'><sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' from='alice@localhost/c' to='bob@localhost'><body>hi</body></message></forwarded></sent></message>`,
		`<message xmlns='jabber:client' from='bob@localhost/b' to='alice@localhost/a'><received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' from='carol@localhost/b' to='alice@localhost/c'/></forwarded></received></message>`,
		`<message xmlns='jabber:client' from='alice@localhost'><received xmlns='urn:xmpp:carbons:2'/><sent xmlns='urn:xmpp:carbons:2'/></message>`,
	} {
		f.Add(s)
	}
	own := jid.MustParse("alice@localhost")
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		m, err := stanza.ParseMessage(e)
		if err != nil {
			return
		}
		cb, err := unwrap(own, m)
		if err != nil {
			if !errors.Is(err, ErrNotCarbon) && !errors.Is(err, ErrSpoofed) && !errors.Is(err, ErrMalformed) {
				t.Fatalf("unexpected error kind %v", err)
			}
			if errors.Is(err, ErrNotCarbon) == IsCarbon(m) {
				t.Fatalf("IsCarbon = %v but error %v", IsCarbon(m), err)
			}
			return
		}
		ok := m.From == own
		switch cb.Direction {
		case Received:
			ok = ok && cb.Message.To.Bare() == own
		case Sent:
			ok = ok && cb.Message.From.Bare() == own
		default:
			ok = false
		}
		if !ok {
			t.Fatalf("accepted %s carbon from %s of a message from %s to %s", cb.Direction, m.From, cb.Message.From, cb.Message.To)
		}
	})
}
