// Package mam implements XEP-0313 Message Archive Management
// (urn:xmpp:mam:2) for clients: querying the archive that the account's
// server keeps of its messages, or a room's archive, page by page with
// XEP-0059 Result Set Management (package rsm). Archived messages come
// wrapped in XEP-0297 forwarded elements dated by XEP-0203 delays, which
// packages forward and delay decode.
//
// New attaches a Querier to an xmpp.Client; Fetch returns one page of a
// Query (filters: With, Start, End, IDs; paging: Max, After, Before,
// Reverse), and All iterates over every page:
//
//	archive := mam.New(c, nil)
//	for r, err := range archive.All(ctx, jid.JID{}, mam.Query{With: bob}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(r.Stamp, r.Message.From, r.Message.Body())
//	}
//
// Features tells whether an archive supports MAM and the extended fields
// (Query.IDs). New claims the result messages (see xmpp.Route), so the
// application's default message handler never sees them; IsResult tells
// them apart where no Querier of this package is attached.
//
// # Security
//
// A result claims that a message is part of the account's history, so
// anybody who could make one accepted could rewrite the past: put words
// in the user's mouth, or forge messages from contacts. Fetch therefore
// accepts a result only when it comes from the archive queried (the
// account's own archive speaks with no from address or the account's bare
// JID, which only its server can send), carries the query's queryid (96
// random bits, fresh for each query) and arrives while that query is in
// progress. Everything else is dropped. A query keeps at most its page
// size of results in memory; an archive that sends more fails the query
// with ErrOverflow rather than losing some silently.
//
// # Ordering
//
// Results arrive as messages and the <fin/> that ends a query as an IQ
// result. The Client's reader hands the results of a query in progress
// to Fetch (see xmpp.Client.InterceptMessage) before it hands over the
// <fin/>, so Fetch has every result when the query ends, and may be
// called from a handler, even an event handler.
//
// # Catching up
//
// Stream management (XEP-0198) resumes a broken session without loss,
// when the server keeps its side of it. When a session cannot be resumed
// (the server lost it, restarted, or timed it out), what the server had
// accepted for the old session and not delivered is gone from the
// stream; the sender's Client cannot know (its server acknowledged the
// messages), and the recipient's is not told. Some servers also lose a
// message routed while a session is being resumed (ejabberd 23.01: 2
// messages in 5 test runs of 4,000 with a cut every 40-100 ms). With
// Options.CatchUp the Querier recovers such messages from the archive,
// where the server put every message on arrival:
//
//   - it remembers the archive id (the XEP-0359 stanza-id by the
//     account's bare JID) of the last message handled, and, with
//     Options.Store, keeps it across restarts; without a stored id it
//     notes at Connect where the archive ends (one query, on
//     xmpp.EventConnected, before the session's first stanza), so that
//     a message lost before any was handled is found too (a message
//     archived between the binding of the resource and that query is
//     not: a peer learns the session's address from its presence,
//     sent after);
//   - after a new session (xmpp.EventNewSession), and at Connect when a
//     stored id exists (xmpp.EventConnected), it fetches the account's
//     archive after that id and delivers every message the account
//     received that was not handled yet, in the archive's order, with a
//     <delay/> saying when the archive got it, to the application's
//     handlers through xmpp.Client.DeliverRecovered: before the new
//     session's live traffic, with xmpp.Recovered(ctx) true. It goes up
//     to the newest message the archive holds when it starts: what
//     arrives later comes over the new session's stream;
//   - after a resumption (xmpp.EventResumed) the resumed stream goes on
//     at once, and the same fetch runs beside it, on a goroutine of its
//     own (one query for the archive's newest id when nothing is
//     missing): a message the server lost comes late, behind the live
//     traffic handled meanwhile, marked recovered, rather than never;
//     a slow archive holds back no handler. One such fetch runs at a
//     time: resumptions while it runs make one more after it, from the
//     earliest point they asked for, so that a server resuming faster
//     than its archive answers is not sent a query per resumption;
//   - every message the Client sends carries a XEP-0359 origin-id
//     (xmpp.Client.AddMessagePayload), and it drops any message whose
//     archive id, or whose sender and origin-id, was handled already
//     (20,000 of them are remembered), so that a message the server
//     delivers again (from offline storage) or a sender sends again (its
//     server routed it but called it unhandled in <resumed h/>, as
//     ejabberd 23.01 with its archive does) reaches the application
//     once.
//
// Messages the account sent are not delivered (they are in the archive
// too). CatchUpStats counts runs, recovered messages and duplicates
// dropped. Each query of a catch-up has 20 s, and a catch-up is tried
// three times; one that still fails (an archive that no longer has the
// id, a server that lost the query) is logged, counted in
// CatchUpStats.Failed, and tried again 10 s later, from where it stopped,
// until it succeeds or the Client ends: what it then recovers comes after
// the live messages handled meanwhile. A catch-up cut short by the end of
// the session is not a failure: the next session's goes on.
//
// # Not covered
//
// Archiving preferences (the <prefs/> element), archive metadata, the
// 'before-id', 'after-id', 'include-groupchat' and custom form fields,
// flipped pages, the form discovery query, and the older urn:xmpp:mam:0
// and :1 namespaces. Servers and archives are trusted to page correctly: a page is checked
// for its size, its senders and, with IDs, its ids, not for its order.
package mam
