package bookmarks

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/xmppkit/xmpp/muc"
)

// autojoinConcurrency bounds the joins Autojoin runs at once.
const autojoinConcurrency = 4

// Autojoin joins, with rooms, every bookmarked room whose Autojoin is
// set (XEP-0402 §3.2: what a client does once connected), and returns
// the rooms joined, in no particular order. The nick is the bookmark's, or nick when the
// bookmark has none, or the account's localpart when nick is "" too; the
// password is the bookmark's. opts, which may be nil, gives the other
// options of each join (history, presence); its Password is replaced by
// the bookmark's.
//
// Rooms are joined a few at a time. A room that rooms has joined
// already is not joined again, and is not among the rooms returned. The
// joins that fail do not stop the others: the error joins (errors.Join)
// one error per room, each naming it and wrapping muc's error
// (*muc.JoinError and its reasons work with errors.Is and errors.As).
// An error listing the bookmarks is returned alone. Autojoin must not be
// called from a handler of the Client (muc.ErrInHandler).
func (b *Bookmarks) Autojoin(ctx context.Context, rooms *muc.Rooms, nick string, opts *muc.JoinOptions) ([]*muc.Room, error) {
	if b.c.InHandler(ctx) {
		return nil, muc.ErrInHandler
	}
	list, err := b.List(ctx)
	if err != nil {
		return nil, err
	}
	if nick == "" {
		nick = b.c.JID().Localpart()
	}
	var (
		mu     sync.Mutex
		joined []*muc.Room
		errs   []error
		wg     sync.WaitGroup
		slots  = make(chan struct{}, autojoinConcurrency)
	)
	for _, bm := range list {
		if !bm.Autojoin {
			continue
		}
		if _, ok := rooms.Room(bm.Room); ok {
			continue
		}
		o := muc.JoinOptions{}
		if opts != nil {
			o = *opts
		}
		o.Password = bm.Password
		n := bm.Nick
		if n == "" {
			n = nick
		}
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			r, err := rooms.Join(ctx, bm.Room, n, &o)
			mu.Lock()
			defer mu.Unlock()
			if r != nil { // joined, maybe with an error configuring a new room
				joined = append(joined, r)
			}
			if err != nil && !errors.Is(err, muc.ErrAlreadyJoined) {
				errs = append(errs, fmt.Errorf("bookmarks: autojoin %s: %w", bm.Room, err))
			}
		}()
	}
	wg.Wait()
	return joined, errors.Join(errs...)
}
