package muc

import (
	"testing"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// FuzzParse feeds every MUC payload decoder the same bytes: none may
// panic, and what a decoder accepts encodes to what it decodes again.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='none' jid='a@b/c'><actor nick='n' jid='d@e'/><reason>r</reason></item><status code='110'/><status code='307'/></x>`,
		`<x xmlns='http://jabber.org/protocol/muc#user'><invite from='a@b/c'><reason>r</reason><continue thread='t'/></invite><decline from='x@y'/><password>p</password></x>`,
		`<x xmlns='http://jabber.org/protocol/muc#user'><destroy jid='r@s'><reason>x</reason><password>p</password></destroy></x>`,
		`<query xmlns='http://jabber.org/protocol/muc#admin'><item affiliation='member' jid='a@b' nick='n'/></query>`,
		`<x xmlns='jabber:x:conference' jid='r@s' password='p' reason='x' continue='true' thread='t'/>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		if x, err := ParseUserX(e); err == nil {
			y, err := ParseUserX(x.Element())
			if err != nil || !equalUserX(x, y) {
				t.Fatalf("muc#user %s: encoded and decoded again: %+v, %v (was %+v)", s, y, err, x)
			}
		}
		if items, err := ParseAdminItems(e); err == nil {
			again, err := ParseAdminItems(adminQuery(items...))
			if err != nil || len(again) != len(items) {
				t.Fatalf("muc#admin %s: %+v, %v", s, again, err)
			}
		}
		from := jid.MustParse("a@b/c")
		if inv, err := ParseDirectInvite(e, from); err == nil {
			back, err := ParseDirectInvite(directInviteElement(inv), from)
			if err != nil || back != inv {
				t.Fatalf("direct invite %s: %+v, %v (was %+v)", s, back, err, inv)
			}
		}
	})
}
