// Package nick implements XEP-0172 User Nickname: the nickname a user
// asserts, carried in presence subscription requests and first messages
// to a new contact, and published over PEP (XEP-0163) for contacts.
//
// A nickname is what the user calls themselves, not a name the
// application may trust: show it as such ("Ishmael (ishmael@example.org)"),
// never instead of the address, so that nobody can pass for a contact by
// choosing their name (XEP-0172 §7).
package nick

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pep"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/stanza"
)

// NS is the namespace of XEP-0172, and the name of its PEP node.
const NS = "http://jabber.org/protocol/nick"

// MaxLen bounds, in bytes, a nickname Parse accepts: the XEP sets no
// limit, but a name longer than this is not a nickname.
const MaxLen = 1024

// ErrMalformed is wrapped by the errors of Parse.
var ErrMalformed = fmt.Errorf("nick: malformed nickname")

// Element encodes nick as a <nick/> element.
func Element(nick string) *stanza.Element {
	return stanza.NewElement(NS, "nick").AddText(nick)
}

// Parse decodes a <nick/> element: its text, with the white space at
// its ends removed. One longer than MaxLen, not UTF-8, or with control
// characters is malformed; an empty one is "" (withdrawn).
func Parse(e *stanza.Element) (string, error) {
	if e == nil || e.Name != (stanza.Name{Space: NS, Local: "nick"}) {
		return "", fmt.Errorf("%w: not a nick element", ErrMalformed)
	}
	s := strings.TrimSpace(e.Text())
	if len(s) > MaxLen || !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "", fmt.Errorf("%w: %.32q", ErrMalformed, s)
	}
	return s, nil
}

// Get returns the nickname carried by a stanza's payloads (a presence of
// type subscribe, a message), and whether there is one.
func Get(payloads []*stanza.Element) (string, bool) {
	for _, p := range payloads {
		if p.Name == (stanza.Name{Space: NS, Local: "nick"}) {
			n, err := Parse(p)
			return n, err == nil && n != ""
		}
	}
	return "", false
}

// Publish publishes nick as the account's nickname; "" withdraws it.
func Publish(ctx context.Context, ps *pubsub.Client, nick string) error {
	if err := pep.Publish(ctx, ps, NS, Element(nick)); err != nil {
		return fmt.Errorf("nick: publish: %w", err)
	}
	return nil
}

// Handle makes h receive the nicknames the account's contacts (and the
// account itself, from its other resources) publish, and asks for them
// (+notify). Call it before Connect.
func Handle(ps *pubsub.Client, h func(ctx context.Context, u pep.Update[string])) {
	pep.Handle(ps, NS, Parse, h, nil)
}

// Fetch returns the nickname owner published (zero for the account's
// own), and false when there is none.
func Fetch(ctx context.Context, ps *pubsub.Client, owner jid.JID) (string, bool, error) {
	return pep.Fetch(ctx, ps, owner, NS, Parse)
}
