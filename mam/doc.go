// Package mam implements XEP-0313 Message Archive Management
// (urn:xmpp:mam:2) for clients: querying the archive that the account's
// server keeps of its messages, or a room's archive, page by page with
// XEP-0059 Result Set Management (package rsm). Archived messages come
// wrapped in XEP-0297 forwarded elements dated by XEP-0203 delays, which
// packages forward and delay decode.
//
// New attaches a Client to an xmpp.Client; Fetch returns one page of a
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
// Results arrive as messages, in order on the Client's dispatch
// goroutine, but the <fin/> that ends a query is an IQ result, which the
// Client hands straight to the waiting request. Fetch therefore checks,
// after the <fin/>, that the last result it names has been collected, and
// otherwise waits with xmpp.Client.Sync until the dispatcher has handled
// everything that arrived before the <fin/>. So Fetch must not be called
// from a handler running on that goroutine.
//
// # Not covered
//
// Archiving preferences (the <prefs/> element), archive metadata, the
// 'before-id', 'after-id', 'include-groupchat' and custom form fields,
// flipped pages, the form discovery query, the older urn:xmpp:mam:0 and
// :1 namespaces, and XEP-0359 stanza ids on live messages (see the
// stanzaid package). Servers and archives are trusted to page correctly: a page is checked
// for its size, its senders and, with IDs, its ids, not for its order.
package mam
