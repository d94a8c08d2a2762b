package mam

import (
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/xmppkit/xmpp/jid"
)

// All iterates over every message q selects in archive, fetching pages of
// q.Max (see Fetch) and following RSM until the archive says a page is
// complete. Forward (the default) it starts at the oldest matching
// message, or after q.After, and yields in chronological order. Backward
// (q.Reverse, or q.Before set) it starts at the newest, or before
// q.Before, and yields newest first.
//
// An error ends the iteration: All yields it once, with a zero Result.
// Besides Fetch's errors, that is ErrNoProgress when the archive answers
// a page request with the same cursor again. An archive that gives no
// cursor (no RSM first or last) for an incomplete page ends the iteration
// without an error, since it cannot be paged. Stopping the loop early
// fetches no further page. Like Fetch, All must not run on the Client's
// dispatch goroutine.
func (m *Querier) All(ctx context.Context, archive jid.JID, q Query) iter.Seq2[Result, error] {
	return func(yield func(Result, error) bool) {
		back := q.backward()
		for {
			p, err := m.Fetch(ctx, archive, q)
			if err != nil {
				yield(Result{}, err)
				return
			}
			rs := p.Results
			if back {
				rs = slices.Clone(rs)
				slices.Reverse(rs)
			}
			for _, r := range rs {
				if !yield(r, nil) {
					return
				}
			}
			if p.Complete || len(p.Results) == 0 {
				return
			}
			next, prev := p.RSM.Last, q.After
			if back {
				next, prev = p.RSM.First, q.Before
			}
			switch {
			case next == "":
				return
			case next == prev:
				yield(Result{}, fmt.Errorf("%w: the page after %q ends at %q again", ErrNoProgress, prev, next))
				return
			case back:
				q.Before = next
			default:
				q.After = next
			}
		}
	}
}
