package disco

import (
	"strconv"
	"strings"
	"testing"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// TestAmbiguity shows the preimage attack Ver refuses: two different sets
// of information with the same XEP-0115 string.
func TestAmbiguity(t *testing.T) {
	ids := []Identity{{Category: "client", Type: "pc"}}
	real := Info{Identities: ids, Features: []string{"a", "b", "c"}}
	s, err := verString(real)
	if err != nil {
		t.Fatal(err)
	}
	// What the spec's method would give for the feature "a<b" and "c".
	var b strings.Builder
	b.WriteString("client/pc//<")
	for _, f := range []string{"a<b", "c"} {
		b.WriteString(f + "<")
	}
	if b.String() != s {
		t.Fatalf("the crafted string %q differs from %q", b.String(), s)
	}
	if _, err := verString(Info{Identities: ids, Features: []string{"a<b", "c"}}); err == nil {
		t.Fatal("verString accepted '<' in a feature")
	}
}

func TestLRU(t *testing.T) {
	l := newLRU[int, string](2)
	l.put(1, "a")
	l.put(2, "b")
	l.get(1) // 2 is now the least recently used
	l.put(3, "c")
	if _, ok := l.peek(2); ok || l.len() != 2 {
		t.Fatalf("2 kept or wrong length %d", l.len())
	}
	if v, ok := l.get(1); !ok || v != "a" {
		t.Fatal("1 lost")
	}
	l.put(3, "d")
	if v, _ := l.peek(3); v != "d" || l.len() != 2 {
		t.Fatal("update failed")
	}
	l.remove(3)
	l.remove(3)
	if l.len() != 1 {
		t.Fatalf("length %d after remove", l.len())
	}
}

// TestCacheBound: the Cache keeps at most MaxJIDs addresses and
// MaxEntries verified strings.
func TestCacheBound(t *testing.T) {
	c := NewCache(&CacheOptions{MaxEntries: 3, MaxJIDs: 5})
	for i := range 100 {
		c.vers.put(capsKey{"sha-1", string(rune('a' + i))}, Info{})
		p := &stanza.Presence{Header: stanza.Header{From: mustJID(t, i)}}
		p.Payloads = []*stanza.Element{Caps{Hash: "sha-1", Node: "n", Ver: "v"}.Element()}
		c.observe(p)
	}
	if c.vers.len() != 3 || c.jids.len() != 5 {
		t.Fatalf("%d entries, %d addresses", c.vers.len(), c.jids.len())
	}
	if _, ok := c.Caps(mustJID(t, 99)); !ok {
		t.Error("the last address was dropped")
	}
	c.observe(&stanza.Presence{Header: stanza.Header{From: mustJID(t, 99)}, Type: stanza.PresenceUnavailable})
	if _, ok := c.Caps(mustJID(t, 99)); ok || c.jids.len() != 4 {
		t.Error("unavailable presence did not forget the address")
	}
}

func mustJID(t *testing.T, i int) jid.JID {
	t.Helper()
	j, err := jid.New("u", "example.org", strconv.Itoa(i))
	if err != nil {
		t.Fatal(err)
	}
	return j
}
