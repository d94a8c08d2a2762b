// Package roster manages an account's contact list, the roster of RFC 6121
// section 2, and presence subscriptions, section 3.
//
// A Roster, made by New on a connected xmpp.Client, loads the roster
// (Load), keeps it current from the server's roster pushes, and reports
// each change to Options.OnChange; Items and Item read it from any
// goroutine. Set and Remove change it on the server. Roster versioning
// (section 2.6) is used when the server offers it: saving Version and
// Items and giving them back in Options lets the next session skip an
// unchanged roster.
//
// Pushes are accepted only from the account itself: a roster push from
// anyone else (any entity can send an IQ to a full JID) is answered with
// service-unavailable and changes nothing.
//
// Subscribe, Approve, Cancel and Unsubscribe send the subscription
// presence stanzas of section 3; Handle reports the requests of
// others, and PreApproval says whether the server remembers an Approve
// sent before the request (section 3.4). The subscription state of each
// contact shows in its Item (Subscription, Ask, Approved).
//
// Not covered here: presence itself (availability of contacts' resources)
// and roster item exchange (XEP-0144).
package roster
