package xmpp

import "sync"

// queue is the bounded FIFO between the reader and the dispatcher. Unlike
// a buffered channel it holds memory only for what is waiting, so an idle
// Client does not carry QueueSize slots.
type queue struct {
	mu     sync.Mutex
	items  []item
	head   int
	limit  int
	signal chan struct{} // one slot: something was pushed
}

func newQueue(limit int) *queue {
	return &queue{limit: limit, signal: make(chan struct{}, 1)}
}

// push adds it without waiting; it reports false when the queue is full.
func (q *queue) push(it item) bool {
	q.mu.Lock()
	if len(q.items)-q.head >= q.limit {
		q.mu.Unlock()
		return false
	}
	q.items = append(q.items, it)
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default:
	}
	return true
}

// pushAlways adds it even beyond the bound: for the few items, such as
// connection events, that must not be lost and cannot be many.
func (q *queue) pushAlways(it item) {
	q.mu.Lock()
	q.items = append(q.items, it)
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default:
	}
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
	return it, true
}
