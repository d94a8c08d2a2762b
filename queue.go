package xmpp

import (
	"sync"

	"github.com/xmppkit/xmpp/stanza"
)

// item is one unit of work for the dispatcher: a stanza for the handlers,
// a reply the reader could not send itself, a connection event, or a mark
// that Sync waits for.
type item struct {
	s     stanza.Stanza
	size  int // bytes s took on the wire
	reply *stanza.Element
	ev    *Event
	mark  chan struct{} // closed when the dispatcher reaches it
	// recovered marks a message given to DeliverRecovered.
	recovered bool
}

// queue is the FIFO between the reader and the dispatcher, bounded in
// stanzas and in bytes. The reader asks whether it is full before it
// reads on; a push itself never fails, so that the few items that must
// not be lost (events, marks, replies) and the stanzas a handler waits
// behind can go beyond the bounds. Unlike a buffered channel it holds
// memory only for what is waiting, so an idle Client does not carry
// QueueStanzas slots.
type queue struct {
	mu         sync.Mutex
	items      []item
	head       int
	stanzas    int   // stanzas waiting
	bytes      int64 // their size on the wire
	maxStanzas int
	maxBytes   int64
	signal     chan struct{} // one slot: something was pushed
	space      chan struct{} // one slot: the queue went below its bounds
}

func newQueue(maxStanzas int, maxBytes int64) *queue {
	return &queue{
		maxStanzas: maxStanzas,
		maxBytes:   maxBytes,
		signal:     make(chan struct{}, 1),
		space:      make(chan struct{}, 1),
	}
}

// fullLocked reports whether the stanzas waiting reach either bound.
func (q *queue) fullLocked() bool {
	return q.stanzas >= q.maxStanzas || q.bytes >= q.maxBytes
}

// full reports whether the stanzas waiting reach either bound, and the
// bytes they take.
func (q *queue) full() (bool, int64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.fullLocked(), q.bytes
}

// len returns the number of stanzas waiting.
func (q *queue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.stanzas
}

// push adds it, whatever the bounds.
func (q *queue) push(it item) {
	q.mu.Lock()
	q.items = append(q.items, it)
	if it.s != nil {
		q.stanzas++
		q.bytes += int64(it.size)
	}
	q.mu.Unlock()
	notify(q.signal)
}

// pop removes the oldest item, if any.
func (q *queue) pop() (item, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.head == len(q.items) {
		return item{}, false
	}
	it := q.items[q.head]
	q.items[q.head] = item{}
	q.head++
	if q.head == len(q.items) {
		// Empty: start over, and let a large backing array go.
		q.head = 0
		if cap(q.items) > 64 {
			q.items = nil
		} else {
			q.items = q.items[:0]
		}
	}
	if it.s != nil {
		wasFull := q.fullLocked()
		q.stanzas--
		q.bytes -= int64(it.size)
		if wasFull && !q.fullLocked() {
			notify(q.space)
		}
	}
	return it, true
}

// notify fills the one-slot channel ch, if it is empty.
func notify(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}
