// Package rsm implements XEP-0059 Result Set Management
// (http://jabber.org/protocol/rsm): the <set/> element that protocols such
// as Message Archive Management (XEP-0313), disco#items and pubsub embed
// to page through long result sets.
//
// One type, Set, holds both sides of the protocol: the request (Max,
// After, Before, Index) and the description of the page returned (First
// with its index, Last, Count). Element encodes a Set and Parse decodes
// one strictly. A page request is usually one of
//
//	rsm.Set{Max: new(10)}                          // the first 10 items
//	rsm.Set{Max: new(10), After: page.Last}        // the next 10
//	rsm.Set{Max: new(10), Before: new("")}         // the last 10
//	rsm.Set{Max: new(10), Before: new(page.First)} // the 10 before this page
//	rsm.Set{Max: new(0)}                           // only the count
//
// # Not covered
//
// Discovering whether an entity supports RSM (a disco feature of the
// protocol that embeds it), and the item-not-found rules of XEP-0059
// section 2.5, which belong to the responding entity. Protocols that use
// RSM wrap the element in their own payload; this package does not send
// anything itself.
package rsm
