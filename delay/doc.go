// Package delay implements XEP-0203 Delayed Delivery (urn:xmpp:delay): the
// <delay/> element a server or service adds to a message or presence it
// delivers late, saying when the stanza was originally sent, who delayed
// it and, optionally, why. Servers add it to offline messages and to the
// last presence of a contact; chat rooms add it to the history they send
// to a new occupant; XEP-0297 forwarding (package forward, for carbons
// and archives) carries one beside the forwarded stanza.
//
// Parse and Delay.Element decode and encode the element; Get finds the
// delay of a received message or presence. Parse is the module's only
// parser of the element, and reads the stamp with the module's only
// XEP-0082 parser (internal/datetime): any number of fractional digits
// are read, and Element writes exactly three, milliseconds, which every
// peer reads (Python's datetime fails on more than six).
//
// # Trust
//
// A delay is a claim made by whoever wrote it, and anyone on the path,
// the original sender included, can write one (XEP-0203 section 6). Use
// it to order and label history, never to decide anything that matters:
// a contact can make a fresh message look a year old, or claim that the
// server delayed it. Delay.From says who claims to have delayed the
// stanza, not who did. Servers do not protect it either: of the servers
// our tests run against, Prosody 0.12 keeps a delay that a contact forged
// in the server's name on an offline message and appends its own after
// it (Get returns the server's, the last), while ejabberd 23.01 keeps the
// forgery and adds none, so that Get returns the contact's stamp.
//
// # Not covered
//
// The legacy jabber:x:delay element of XEP-0091, whose stamp format is not
// XEP-0082's.
package delay
