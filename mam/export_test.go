package mam

import "time"

// SetHookQuerying makes f run inside Fetch once the query's random id is
// registered, just before the query is sent, so that a test can hand the
// id to an attacker.
func SetHookQuerying(m *Querier, f func(queryID string)) { m.hookQuerying.Store(&f) }

// SetCatchUpRetryDelay sets how long after a failed catch-up it is tried
// again.
func SetCatchUpRetryDelay(m *Querier, d time.Duration) { m.catchUp.retryDelay.Store(int64(d)) }
