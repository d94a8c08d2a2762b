package mam

// SetHookQuerying makes f run inside Fetch once the query's random id is
// registered, just before the query is sent, so that a test can hand the
// id to an attacker.
func SetHookQuerying(m *Querier, f func(queryID string)) { m.hookQuerying = f }
