package xmpp

import (
	"testing"

	"github.com/xmppkit/xmpp/stanza"
)

func TestQueue(t *testing.T) {
	q := newQueue(3, 100)
	msg := func(size int) item { return item{s: &stanza.Message{}, size: size} }
	for i := range 3 {
		if full, _ := q.full(); full {
			t.Fatalf("full after %d stanzas", i)
		}
		q.push(msg(10))
	}
	if full, bytes := q.full(); !full || bytes != 30 {
		t.Fatalf("full, bytes = %v, %d after 3 stanzas of 10 bytes; want true, 30", full, bytes)
	}
	// Items that are not stanzas count for neither bound.
	q.push(item{reply: stanza.NewElement("", "r")})
	q.push(item{mark: make(chan struct{})})
	if _, ok := q.pop(); !ok {
		t.Fatal("pop from a full queue")
	}
	if full, _ := q.full(); full {
		t.Fatal("still full after a pop")
	}
	select {
	case <-q.space:
	default:
		t.Fatal("no room signalled when the queue went below its bound")
	}
	for range 4 {
		if _, ok := q.pop(); !ok {
			t.Fatal("an item went missing")
		}
	}
	if _, ok := q.pop(); ok {
		t.Fatal("pop from an empty queue")
	}

	// The byte bound: one stanza may take the queue over it.
	q.push(msg(99))
	if full, _ := q.full(); full {
		t.Fatal("full below the byte bound")
	}
	q.push(msg(50))
	if full, bytes := q.full(); !full || bytes != 149 {
		t.Fatalf("full, bytes = %v, %d; want true, 149", full, bytes)
	}
	q.pop()
	if full, bytes := q.full(); full || bytes != 50 {
		t.Fatalf("full, bytes = %v, %d after a pop; want false, 50", full, bytes)
	}
}
