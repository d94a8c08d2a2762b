// Package blocking implements XEP-0191: Blocking Command, by which a user
// asks the own server to block all communication with chosen addresses.
//
// Requests go to the account's own server: List fetches the block list,
// Block and Unblock change it, UnblockAll empties it. A Blocklist keeps a
// copy of the list current: it registers the handlers of the <block/> and
// <unblock/> pushes the server sends to every resource of the account that
// fetched the list, accepts them only from the account itself, and
// answers Blocked with the JID matching rules of XEP-0191 section 6 (a
// blocked domain or bare JID covers the addresses under it). IsBlocked
// recognises the error a server returns for a stanza sent to an address
// the user blocked.
//
// The payloads have strict decoders (ParseBlocklist, ParseCommand) and
// encoders (BlocklistElement, Command.Element) for those who script the
// server side, as the examples do.
//
// Not covered: discovering support (a disco#info feature query for NS, which
// is the disco package's job), and XEP-0016 privacy lists, of which the
// block list is a front end on servers that implement both.
package blocking
