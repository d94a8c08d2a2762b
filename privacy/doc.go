// Package privacy implements XEP-0016: Privacy Lists, the older and more
// general way (beside XEP-0191, package blocking) to have the account's
// server block or allow stanzas by address, roster group or subscription.
//
// Requests go to the account's own server: Lists fetches the names of the
// lists and which is active and default, Get one list, Set creates or
// replaces a list, Remove deletes one, SetActive and SetDefault choose the
// list that applies to this session and to the account. Handle
// registers the handler of the pushes by which the server names a list
// that changed, accepted only from the account itself.
//
// The payloads have strict decoders (ParseSummary, ParseList) and encoders
// (Summary.Element, List.Element).
//
// Not covered: evaluating a list locally (the server applies it), and
// editing helpers beyond replacing a whole list, which is what the
// protocol does. Prosody 0.12 does not implement XEP-0016 (it answers
// service-unavailable); ejabberd's mod_privacy does.
package privacy
