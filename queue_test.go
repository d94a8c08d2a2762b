package xmpp

import (
	"testing"

	"github.com/xmppkit/xmpp/stanza"
)

func TestQueue(t *testing.T) {
	q := newQueue(3)
	for i := range 3 {
		if !q.push(item{reply: stanza.NewElement("", string(rune('a'+i)))}) {
			t.Fatalf("push %d refused", i)
		}
	}
	if q.push(item{}) {
		t.Fatal("push beyond the limit accepted")
	}
	for i := range 3 {
		it, ok := q.pop()
		if !ok || it.reply.Name.Local != string(rune('a'+i)) {
			t.Fatalf("pop %d: %v %v", i, it, ok)
		}
	}
	if _, ok := q.pop(); ok {
		t.Fatal("pop from an empty queue")
	}
	// Room again once drained.
	if !q.push(item{}) {
		t.Fatal("push after drain refused")
	}
}
