package disco

// SharedWaiters returns how many lookups wait on a request another lookup
// made, for tests that need a lookup to join one.
func SharedWaiters(cc *Cache) int {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	n := 0
	for _, f := range cc.inflight {
		n += f.waiters
	}
	return n
}
