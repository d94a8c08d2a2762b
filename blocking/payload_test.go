package blocking_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/xmppkit/xmpp/blocking"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

func mustElement(t *testing.T, s string) *stanza.Element {
	t.Helper()
	e, err := stanza.ParseElement(s)
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return e
}

func TestParseBlocklist(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string // nil with err
		err      bool
	}{
		{"xep example", `<blocklist xmlns='urn:xmpp:blocking'>
    <item jid='romeo@montague.net'/>
    <item jid='iago@shakespeare.lit'/>
  </blocklist>`, []string{"romeo@montague.net", "iago@shakespeare.lit"}, false},
		{"empty", `<blocklist xmlns='urn:xmpp:blocking'/>`, nil, false},
		{"prepared", `<blocklist xmlns='urn:xmpp:blocking'><item jid='Romeo@Montague.NET/Orchard'/></blocklist>`, []string{"romeo@montague.net/Orchard"}, false},
		{"domain and domain/resource", `<blocklist xmlns='urn:xmpp:blocking'><item jid='example.com'/><item jid='example.com/bot'/></blocklist>`, []string{"example.com", "example.com/bot"}, false},
		{"foreign child ignored", `<blocklist xmlns='urn:xmpp:blocking'><x xmlns='urn:example'/><item jid='a@b'><y xmlns='urn:example'/></item></blocklist>`, []string{"a@b"}, false},
		{"wrong namespace", `<blocklist xmlns='urn:xmpp:blocking:0'/>`, nil, true},
		{"wrong name", `<block xmlns='urn:xmpp:blocking'><item jid='a@b'/></block>`, nil, true},
		{"item without jid", `<blocklist xmlns='urn:xmpp:blocking'><item/></blocklist>`, nil, true},
		{"empty jid", `<blocklist xmlns='urn:xmpp:blocking'><item jid=''/></blocklist>`, nil, true},
		{"bad jid", `<blocklist xmlns='urn:xmpp:blocking'><item jid='a@b@c'/></blocklist>`, nil, true},
		{"text in item", `<blocklist xmlns='urn:xmpp:blocking'><item jid='a@b'>x</item></blocklist>`, nil, true},
		{"child in item", `<blocklist xmlns='urn:xmpp:blocking'><item jid='a@b'><item jid='c@d'/></item></blocklist>`, nil, true},
		{"unknown child", `<blocklist xmlns='urn:xmpp:blocking'><items/></blocklist>`, nil, true},
		{"text", `<blocklist xmlns='urn:xmpp:blocking'>romeo</blocklist>`, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := blocking.ParseBlocklist(mustElement(t, tc.in))
			if tc.err {
				if !errors.Is(err, blocking.ErrMalformed) {
					t.Fatalf("got %v, %v; want an error wrapping ErrMalformed", got, err)
				}
				return
			}
			if err != nil || !slices.Equal(got, jids(tc.want...)) {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
	if _, err := blocking.ParseBlocklist(nil); !errors.Is(err, blocking.ErrMalformed) {
		t.Errorf("nil: %v", err)
	}
}

func TestParseCommand(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     blocking.Command
		err      bool
	}{
		{"block", `<block xmlns='urn:xmpp:blocking'><item jid='romeo@montague.net'/></block>`,
			blocking.Command{Op: blocking.OpBlock, JIDs: jids("romeo@montague.net")}, false},
		{"block two", `<block xmlns='urn:xmpp:blocking'><item jid='a@b'/><item jid='c'/></block>`,
			blocking.Command{Op: blocking.OpBlock, JIDs: jids("a@b", "c")}, false},
		{"unblock", `<unblock xmlns='urn:xmpp:blocking'><item jid='romeo@montague.net'/></unblock>`,
			blocking.Command{Op: blocking.OpUnblock, JIDs: jids("romeo@montague.net")}, false},
		{"unblock all", `<unblock xmlns='urn:xmpp:blocking'/>`, blocking.Command{Op: blocking.OpUnblock}, false},
		{"empty block", `<block xmlns='urn:xmpp:blocking'/>`, blocking.Command{}, true},
		{"block with only foreign children", `<block xmlns='urn:xmpp:blocking'><x xmlns='urn:example'/></block>`, blocking.Command{}, true},
		{"blocklist", `<blocklist xmlns='urn:xmpp:blocking'/>`, blocking.Command{}, true},
		{"wrong namespace", `<block xmlns='urn:xmpp:blocking:errors'><item jid='a@b'/></block>`, blocking.Command{}, true},
		{"bad item", `<unblock xmlns='urn:xmpp:blocking'><item jid='@b'/></unblock>`, blocking.Command{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := blocking.ParseCommand(mustElement(t, tc.in))
			if tc.err {
				if !errors.Is(err, blocking.ErrMalformed) {
					t.Fatalf("got %+v, %v; want an error wrapping ErrMalformed", got, err)
				}
				return
			}
			if err != nil || got.Op != tc.want.Op || !slices.Equal(got.JIDs, tc.want.JIDs) {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
			if got.UnblocksAll() != (tc.want.Op == blocking.OpUnblock && len(tc.want.JIDs) == 0) {
				t.Errorf("UnblocksAll = %v", got.UnblocksAll())
			}
		})
	}
	if _, err := blocking.ParseCommand(nil); !errors.Is(err, blocking.ErrMalformed) {
		t.Errorf("nil: %v", err)
	}
}

func TestEncode(t *testing.T) {
	for _, tc := range []struct {
		cmd  blocking.Command
		want string
	}{
		{blocking.Command{Op: blocking.OpBlock, JIDs: jids("romeo@montague.net", "example.com")},
			`<block xmlns='urn:xmpp:blocking'><item jid='romeo@montague.net'/><item jid='example.com'/></block>`},
		{blocking.Command{Op: blocking.OpUnblock, JIDs: jids("a@b/c")},
			`<unblock xmlns='urn:xmpp:blocking'><item jid='a@b/c'/></unblock>`},
		{blocking.Command{Op: blocking.OpUnblock}, `<unblock xmlns='urn:xmpp:blocking'/>`},
	} {
		e, err := tc.cmd.Element()
		if err != nil {
			t.Fatalf("%+v: %v", tc.cmd, err)
		}
		if got := e.String(); got != tc.want {
			t.Errorf("%+v:\n got %s\nwant %s", tc.cmd, got, tc.want)
		}
	}
	for _, bad := range []blocking.Command{
		{Op: blocking.OpBlock},
		{Op: blocking.OpBlock, JIDs: []jid.JID{{}}},
		{Op: blocking.OpUnblock, JIDs: []jid.JID{jid.MustParse("a@b"), {}}},
	} {
		if _, err := bad.Element(); !errors.Is(err, blocking.ErrNoJIDs) {
			t.Errorf("%+v: %v, want ErrNoJIDs", bad, err)
		}
	}
	if _, err := (blocking.Command{Op: "mute", JIDs: jids("a@b")}).Element(); err == nil {
		t.Error("unknown op encoded")
	}
	e, err := blocking.BlocklistElement(jids("a@b", "c"))
	if err != nil || e.String() != `<blocklist xmlns='urn:xmpp:blocking'><item jid='a@b'/><item jid='c'/></blocklist>` {
		t.Errorf("blocklist: %v, %v", e, err)
	}
	if e, err := blocking.BlocklistElement(nil); err != nil || e.String() != `<blocklist xmlns='urn:xmpp:blocking'/>` {
		t.Errorf("empty blocklist: %v, %v", e, err)
	}
	if _, err := blocking.BlocklistElement([]jid.JID{{}}); !errors.Is(err, blocking.ErrNoJIDs) {
		t.Errorf("zero jid in blocklist: %v", err)
	}
}

func TestIsBlocked(t *testing.T) {
	// The error of the XEP's example.
	e := mustElement(t, `<error xmlns='jabber:client' type='cancel'>
    <not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>
    <blocked xmlns='urn:xmpp:blocking:errors'/>
  </error>`)
	xepErr, err := stanza.ParseError(e)
	if err != nil {
		t.Fatal(err)
	}
	otherApp := stanza.NewError(stanza.ErrNotAcceptable, "")
	otherApp.App = stanza.NewElement("urn:example", "blocked")
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"xep example", xepErr, true},
		{"BlockedError", blocking.BlockedError(), true},
		{"wrapped", errors.Join(errors.New("send"), blocking.BlockedError()), true},
		{"no app condition", stanza.NewError(stanza.ErrNotAcceptable, ""), false},
		{"other app condition", otherApp, false},
		{"condition alone", stanza.ErrNotAcceptable, false},
		{"nil", nil, false},
		{"nil *stanza.Error", (*stanza.Error)(nil), false},
		{"other", errors.New("blocked"), false},
	} {
		if got := blocking.IsBlocked(tc.err); got != tc.want {
			t.Errorf("%s: IsBlocked(%v) = %v", tc.name, tc.err, got)
		}
	}
	be := blocking.BlockedError()
	if !errors.Is(be, stanza.ErrNotAcceptable) || be.Type != stanza.ErrorCancel {
		t.Errorf("BlockedError() = %v", be)
	}
	// It survives encoding.
	back, err := stanza.ParseError(be.Element())
	if err != nil || !blocking.IsBlocked(back) {
		t.Errorf("round trip: %v, %v", back, err)
	}
}
