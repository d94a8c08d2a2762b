package xmpptest

import (
	"slices"
	"strings"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// nsRoster is the namespace of the roster (RFC 6121 section 2).
const nsRoster = "jabber:iq:roster"

// nsRosterVer is the stream feature of roster versioning (RFC 6121
// section 2.6.1).
const nsRosterVer = "urn:xmpp:features:rosterver"

// subState is the state of a presence subscription between a user and one
// contact, from the user's side (RFC 6121 section 3 and Appendix A): the
// nine states "None", "None + Pending Out", ..., "Both" are the valid
// combinations of the four flags (to excludes pendingOut, from excludes
// pendingIn).
type subState struct {
	to         bool // the user receives the contact's presence
	from       bool // the contact receives the user's presence
	pendingOut bool // the user asked to subscribe; shown as ask='subscribe'
	pendingIn  bool // the contact asked to subscribe; not shown in the roster
}

// String names s as RFC 6121 Appendix A does, for test output.
func (s subState) String() string {
	name := "None"
	switch {
	case s.to && s.from:
		return "Both"
	case s.to:
		name = "To"
	case s.from:
		name = "From"
	}
	switch {
	case s.pendingOut && s.pendingIn:
		name += " + Pending Out/In"
	case s.pendingOut:
		name += " + Pending Out"
	case s.pendingIn:
		name += " + Pending In"
	}
	return name
}

// attr is the value of the subscription attribute of a roster item in
// state s.
func (s subState) attr() string {
	switch {
	case s.to && s.from:
		return "both"
	case s.to:
		return "to"
	case s.from:
		return "from"
	}
	return "none"
}

// subEvent is a subscription stanza as the user's server sees it:
// outbound (sent by the user about the contact) or inbound (sent by the
// contact to the user).
type subEvent int

const (
	outSubscribe subEvent = iota
	outSubscribed
	outUnsubscribe
	outUnsubscribed
	inSubscribe
	inSubscribed
	inUnsubscribe
	inUnsubscribed
)

var subEventNames = [...]string{
	"out subscribe", "out subscribed", "out unsubscribe", "out unsubscribed",
	"in subscribe", "in subscribed", "in unsubscribe", "in unsubscribed",
}

func (e subEvent) String() string { return subEventNames[e] }

// subEventOf returns the event of a subscription presence of type t sent
// by the user (outbound) or received by the user (inbound).
func subEventOf(t stanza.PresenceType, outbound bool) (subEvent, bool) {
	var ev subEvent
	switch t {
	case stanza.PresenceSubscribe:
		ev = outSubscribe
	case stanza.PresenceSubscribed:
		ev = outSubscribed
	case stanza.PresenceUnsubscribe:
		ev = outUnsubscribe
	case stanza.PresenceUnsubscribed:
		ev = outUnsubscribed
	default:
		return 0, false
	}
	if !outbound {
		ev += inSubscribe
	}
	return ev, true
}

// subEffects says what the server does after applying an event.
type subEffects struct {
	// pass: route the outbound stanza to the contact, or deliver the
	// inbound one to the user's available resources.
	pass bool
	// push: the visible roster item changed (created, subscription or
	// ask); send a roster push to the user's interested resources.
	push bool
	// autoApprove: an inbound subscribe from a contact who is already
	// subscribed; answer "subscribed" on the user's behalf (RFC 6121
	// section 3.1.3).
	autoApprove bool
	// sendPresence: the user approved the contact; send the user's
	// current presence from every available resource to the contact
	// (section 3.1.5).
	sendPresence bool
	// sendUnavailable: the contact no longer receives the user's
	// presence; send unavailable presence from every available resource
	// to the contact (sections 3.2.2 and 3.3.3).
	sendUnavailable bool
}

// next applies ev to s as the tables of RFC 6121 Appendix A say (without
// pre-approval, which this server does not support) and returns the new
// state and whether the stanza is routed (outbound) or delivered
// (inbound).
func (s subState) next(ev subEvent) (subState, bool) {
	switch ev {
	case outSubscribe: // A.2.1: always routed
		if !s.to {
			s.pendingOut = true
		}
		return s, true
	case outSubscribed: // A.2.2: only an actual request is approved
		if !s.pendingIn {
			return s, false
		}
		s.pendingIn, s.from = false, true
		return s, true
	case outUnsubscribe: // A.2.3: always routed
		s.to, s.pendingOut = false, false
		return s, true
	case outUnsubscribed: // A.2.4
		if !s.from && !s.pendingIn {
			return s, false
		}
		s.from, s.pendingIn = false, false
		return s, true
	case inSubscribe: // A.3.1
		if s.from || s.pendingIn {
			return s, false
		}
		s.pendingIn = true
		return s, true
	case inSubscribed: // A.3.2
		if !s.pendingOut {
			return s, false
		}
		s.pendingOut, s.to = false, true
		return s, true
	case inUnsubscribe: // A.3.3
		if !s.from && !s.pendingIn {
			return s, false
		}
		s.from, s.pendingIn = false, false
		return s, true
	case inUnsubscribed: // A.3.4
		if !s.to && !s.pendingOut {
			return s, false
		}
		s.to, s.pendingOut = false, false
		return s, true
	}
	return s, false
}

// rosterItem is what the server keeps about one contact of a user.
type rosterItem struct {
	jid    jid.JID
	name   string
	groups []string
	sub    subState
	// listed: the contact is in the user's roster. A contact whose only
	// state is a pending inbound request is remembered without being
	// listed (RFC 6121 section 3.1.3).
	listed bool
}

// element encodes the item as a roster <item/> (RFC 6121 section 2.1.2).
func (it *rosterItem) element() *stanza.Element {
	e := stanza.NewElement(nsRoster, "item", stanza.A("jid", it.jid.String()), stanza.A("subscription", it.sub.attr()))
	if it.name != "" {
		e.SetAttr("name", it.name)
	}
	if it.sub.pendingOut {
		e.SetAttr("ask", "subscribe")
	}
	for _, g := range it.groups {
		e.AddChild(stanza.NewElement(nsRoster, "group").AddText(g))
	}
	return e
}

// roster is the roster of one account and its subscription states. It is
// a plain data structure: the Server guards it with its lock.
type roster struct {
	items map[jid.JID]*rosterItem
	// ver counts the changes of the listed items: the roster version
	// (RFC 6121 section 2.6), sent as its decimal string.
	ver uint64
}

// state returns the subscription state with contact.
func (r *roster) state(contact jid.JID) subState {
	if it := r.items[contact]; it != nil {
		return it.sub
	}
	return subState{}
}

// item returns the listed item of contact, or nil.
func (r *roster) item(contact jid.JID) *rosterItem {
	if it := r.items[contact]; it != nil && it.listed {
		return it
	}
	return nil
}

// list returns the listed items, ordered by address.
func (r *roster) list() []*rosterItem {
	var out []*rosterItem
	for _, it := range r.items {
		if it.listed {
			out = append(out, it)
		}
	}
	slices.SortFunc(out, func(a, b *rosterItem) int { return strings.Compare(a.jid.String(), b.jid.String()) })
	return out
}

// apply applies a subscription event about contact (a bare JID) and
// returns what the server must do.
func (r *roster) apply(contact jid.JID, ev subEvent) subEffects {
	it := r.items[contact]
	if it == nil {
		it = &rosterItem{jid: contact}
	}
	old, wasListed := it.sub, it.listed
	var eff subEffects
	it.sub, eff.pass = old.next(ev)
	if !eff.pass {
		if ev == inSubscribe && old.from {
			eff.autoApprove = true
		}
		return eff
	}
	switch ev {
	case outSubscribe, outSubscribed:
		// The user acted on the contact: the contact is in the roster
		// from now on (sections 3.1.2 and 3.1.5).
		it.listed = true
	case outUnsubscribed:
		eff.sendUnavailable = old.from
	case inUnsubscribe:
		eff.sendUnavailable = old.from
	}
	eff.sendPresence = ev == outSubscribed
	switch {
	case it.listed:
		r.put(it)
		eff.push = !wasListed || old.attr() != it.sub.attr() || old.pendingOut != it.sub.pendingOut
	case it.sub != (subState{}):
		r.put(it)
	default:
		delete(r.items, contact)
	}
	return eff
}

func (r *roster) put(it *rosterItem) {
	if r.items == nil {
		r.items = make(map[jid.JID]*rosterItem)
	}
	r.items[it.jid] = it
}

// set creates or updates the listed item of contact with a name and
// groups, keeping its subscription (RFC 6121 section 2.3).
func (r *roster) set(contact jid.JID, name string, groups []string) *rosterItem {
	it := r.items[contact]
	if it == nil {
		it = &rosterItem{jid: contact}
	}
	it.name, it.groups, it.listed = name, groups, true
	r.put(it)
	return it
}

// remove deletes the item of contact (RFC 6121 section 2.5) and returns
// its subscription state, or false when there is no such item.
func (r *roster) remove(contact jid.JID) (subState, bool) {
	it := r.items[contact]
	if it == nil || !it.listed {
		return subState{}, false
	}
	delete(r.items, contact)
	return it.sub, true
}

// removalSends returns the subscription stanzas the server sends to a
// contact on the user's behalf when the user removes the contact in state
// s from the roster (RFC 6121 section 2.5.2): unsubscribe if the user was
// subscribed or asking, unsubscribed if the contact was subscribed or
// asking.
func removalSends(s subState) []stanza.PresenceType {
	var sends []stanza.PresenceType
	if s.to || s.pendingOut {
		sends = append(sends, stanza.PresenceUnsubscribe)
	}
	if s.from || s.pendingIn {
		sends = append(sends, stanza.PresenceUnsubscribed)
	}
	return sends
}

// pendingIn returns the contacts whose subscription requests wait for the
// user's answer, ordered by address.
func (r *roster) pendingIn() []jid.JID {
	var out []jid.JID
	for j, it := range r.items {
		if it.sub.pendingIn {
			out = append(out, j)
		}
	}
	slices.SortFunc(out, func(a, b jid.JID) int { return strings.Compare(a.String(), b.String()) })
	return out
}

// subscribers returns the contacts that receive the user's presence
// (subscription from or both).
func (r *roster) subscribers() []jid.JID {
	var out []jid.JID
	for j, it := range r.items {
		if it.sub.from {
			out = append(out, j)
		}
	}
	return out
}

// subscriptions returns the contacts whose presence the user receives
// (subscription to or both).
func (r *roster) subscriptions() []jid.JID {
	var out []jid.JID
	for j, it := range r.items {
		if it.sub.to {
			out = append(out, j)
		}
	}
	return out
}
