// Package bookmarks keeps the chat-room bookmarks of an account on its
// server: PEP Native Bookmarks (XEP-0402, one PEP item per room in the
// node urn:xmpp:bookmarks:1), or Bookmarks (XEP-0048) in one
// <storage xmlns='storage:bookmarks'/> element in private XML storage
// (XEP-0049) where the server does not support the first as clients
// that know only the second need.
//
// Bookmarks, made once per xmpp.Client with New before it connects,
// lists, gets, sets and removes bookmarks, hands the changes other
// clients of the account make to the handler given to HandleChange, and
// joins the rooms marked autojoin with a muc.Rooms (Autojoin). It works
// through the Client's pubsub.Client, which the application makes (once
// per xmpp.Client) and may use for other nodes too:
//
//	ps := pubsub.New(c, nil)
//	bm := bookmarks.New(c, ps, nil)
//	bm.HandleChange(func(ctx context.Context, ch bookmarks.Change) {
//		log.Printf("bookmark of %s changed (removed: %t)", ch.Bookmark.Room, ch.Removed)
//	})
//	rooms := muc.New(c, nil)
//	// after c.Connect, from outside any handler:
//	joined, err := bm.Autojoin(ctx, rooms, "nick", nil)
//	err = bm.Set(ctx, bookmarks.Bookmark{Room: room, Name: "Lobby", Autojoin: true})
//
// # Where the bookmarks are kept
//
// Mode decides, once per session, with disco#info on the account's bare
// JID: XEP-0402 when the account has urn:xmpp:bookmarks:1#compat (the
// server keeps XEP-0402 and XEP-0048 bookmarks in sync, XEP-0402 §6) and
// pubsub#publish-options (XEP-0402 §3.3 publishes with preconditions
// that keep the node private); XEP-0048 in private storage otherwise.
// Without the sync, XEP-0402 would hide the bookmarks from every client
// that reads only XEP-0048, which most did when XEP-0402 was written; so
// PEP support alone is not enough. Options.Mode forces either.
//
// In XEP-0402 mode each bookmark is published with pubsub.Client.Publish
// and the publish-options XEP-0402 requires; a node configured otherwise
// (precondition-not-met) is configured as required, and the publish
// tried again once (PublishOptions.Reconfigure; see Bookmarks.Set). A removal retracts the item with notify='true', so
// that the account's other clients learn of it. In XEP-0048 mode a
// change reads the whole storage, changes one conference and writes the
// storage back; everything else in it (other rooms, <url/> bookmarks,
// elements of other clients) is written back as it was read. Unknown
// elements of a bookmark itself are kept in Bookmark.Extensions in both
// modes.
//
// # Notifications
//
// The PubSub events are claimed by the pubsub.Client, as every payload
// is claimed by the package that owns it; New registers the handler of
// the bookmarks node with its HandleOwnPEP, which advertises
// urn:xmpp:bookmarks:1+notify (Client.Advertise; with the disco
// package's Serve, the entity capabilities in the Client's presence
// then ask the server for notifications, XEP-0163 §4). The pubsub
// Client takes a notification of the bookmarks node only from the
// account's own bare JID, as PEP sends them: one from a full JID (even
// another resource of the account), a service or a contact is dropped
// and logged. Each item of an accepted notification is a Change (set); each
// retraction a Change with Removed set; a purge or deletion of the node
// a Change with Removed and All set. An item notified without its
// payload is fetched. Private storage has no notifications: in XEP-0048
// mode no change is notified (the XEP-0402 node's events are still
// handed over, should a server publish there).
//
// # What is checked
//
// Parse and ParseStorage decode strictly: the room must be a bare JID
// and autojoin an xs:boolean, or the error wraps ErrMalformed. List,
// Get and the notifications skip malformed bookmarks, and log them at
// Warn, rather than fail on one bad entry; in XEP-0048 mode a malformed
// conference is still written back as it was. The PubSub envelope
// (items, events) is decoded by the pubsub package, by its rules: an
// items result it cannot read (an item with two payloads) makes List
// and Get fail with an error that wraps ErrMalformed and
// pubsub.ErrMalformed, and an event it cannot read is dropped and logged
// by it. A server's refusal is returned wrapped, as its *stanza.Error
// (errors.Is works with its condition, and with a pubsub.Condition).
//
// # Not covered
//
// XEP-0048 stored in PEP (XEP-0223, the node storage:bookmarks) is not
// written or read, and its notifications are not handed over: private
// storage is what XEP-0048 clients share, and servers carry that node
// over to it (ejabberd converts between the two, Prosody's sync serves
// the node from XEP-0402). The <url/> bookmarks of XEP-0048 are kept
// but not returned. The default nick of XEP-0172 (user nickname) is not
// looked up by Autojoin. Two clients changing XEP-0048 storage at the
// same moment may lose one change: private storage offers no way to
// prevent it.
package bookmarks
