package xmpptest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// The nine subscription states of RFC 6121 Appendix A, in its order.
var (
	sNone      = subState{}
	sNonePO    = subState{pendingOut: true}
	sNonePI    = subState{pendingIn: true}
	sNonePOPI  = subState{pendingOut: true, pendingIn: true}
	sTo        = subState{to: true}
	sToPI      = subState{to: true, pendingIn: true}
	sFrom      = subState{from: true}
	sFromPO    = subState{from: true, pendingOut: true}
	sBoth      = subState{to: true, from: true}
	allStates  = []subState{sNone, sNonePO, sNonePI, sNonePOPI, sTo, sToPI, sFrom, sFromPO, sBoth}
	stateNames = []string{
		"None", "None + Pending Out", "None + Pending In", "None + Pending Out/In",
		"To", "To + Pending In", "From", "From + Pending Out", "Both",
	}
)

// TestSubStateTables checks every state against every event, row by row
// from the tables of RFC 6121 Appendix A.2 (outbound) and A.3 (inbound).
func TestSubStateTables(t *testing.T) {
	type row struct {
		next subState
		pass bool // routed (outbound) or delivered (inbound)
	}
	tables := map[subEvent][9]row{
		outSubscribe: { // A.2.1
			{sNonePO, true}, {sNonePO, true}, {sNonePOPI, true}, {sNonePOPI, true},
			{sTo, true}, {sToPI, true}, {sFromPO, true}, {sFromPO, true}, {sBoth, true},
		},
		outSubscribed: { // A.2.2
			{sNone, false}, {sNonePO, false}, {sFrom, true}, {sFromPO, true},
			{sTo, false}, {sBoth, true}, {sFrom, false}, {sFromPO, false}, {sBoth, false},
		},
		outUnsubscribe: { // A.2.3
			{sNone, true}, {sNone, true}, {sNonePI, true}, {sNonePI, true},
			{sNone, true}, {sNonePI, true}, {sFrom, true}, {sFrom, true}, {sFrom, true},
		},
		outUnsubscribed: { // A.2.4
			{sNone, false}, {sNonePO, false}, {sNone, true}, {sNonePO, true},
			{sTo, false}, {sTo, true}, {sNone, true}, {sNonePO, true}, {sTo, true},
		},
		inSubscribe: { // A.3.1
			{sNonePI, true}, {sNonePOPI, true}, {sNonePI, false}, {sNonePOPI, false},
			{sToPI, true}, {sToPI, false}, {sFrom, false}, {sFromPO, false}, {sBoth, false},
		},
		inSubscribed: { // A.3.2
			{sNone, false}, {sTo, true}, {sNonePI, false}, {sToPI, true},
			{sTo, false}, {sToPI, false}, {sFrom, false}, {sBoth, true}, {sBoth, false},
		},
		inUnsubscribe: { // A.3.3
			{sNone, false}, {sNonePO, false}, {sNone, true}, {sNonePO, true},
			{sTo, false}, {sTo, true}, {sNone, true}, {sNonePO, true}, {sTo, true},
		},
		inUnsubscribed: { // A.3.4
			{sNone, false}, {sNone, true}, {sNonePI, false}, {sNonePI, true},
			{sNone, true}, {sNonePI, true}, {sFrom, false}, {sFrom, true}, {sFrom, true},
		},
	}
	for ev := outSubscribe; ev <= inUnsubscribed; ev++ {
		for i, s := range allStates {
			want := tables[ev][i]
			t.Run(fmt.Sprintf("%s/%s", ev, stateNames[i]), func(t *testing.T) {
				if s.String() != stateNames[i] {
					t.Fatalf("state named %q, want %q", s, stateNames[i])
				}
				got, pass := s.next(ev)
				if got != want.next || pass != want.pass {
					t.Errorf("%s in %s: got %s (pass %t), want %s (pass %t)", ev, s, got, pass, want.next, want.pass)
				}
			})
		}
	}
}

// TestRosterApplyEffects checks what the server does besides changing
// state: pushes only for visible changes, listing, auto-approval and
// presence side effects.
func TestRosterApplyEffects(t *testing.T) {
	bob := jid.MustParse("bob@localhost")
	tests := []struct {
		name   string
		start  *rosterItem // nil: no item
		ev     subEvent
		want   subEffects
		listed bool // the item is listed afterwards
		gone   bool // no record remains
	}{
		{"subscribe creates the item", nil, outSubscribe, subEffects{pass: true, push: true}, true, false},
		{"subscribe again changes nothing", &rosterItem{sub: sNonePO, listed: true}, outSubscribe, subEffects{pass: true}, true, false},
		{"inbound request is remembered, not listed", nil, inSubscribe, subEffects{pass: true}, false, false},
		{"inbound request on a listed item: no push", &rosterItem{sub: sTo, listed: true}, inSubscribe, subEffects{pass: true}, true, false},
		{"already subscribed: auto-approve", &rosterItem{sub: sFrom, listed: true}, inSubscribe, subEffects{autoApprove: true}, true, false},
		{"approve lists and sends presence", &rosterItem{sub: sNonePI}, outSubscribed, subEffects{pass: true, push: true, sendPresence: true}, true, false},
		{"approval arrives", &rosterItem{sub: sNonePO, listed: true}, inSubscribed, subEffects{pass: true, push: true}, true, false},
		{"unsolicited approval ignored", &rosterItem{sub: sNone, listed: true}, inSubscribed, subEffects{}, true, false},
		{"cancel the contact's subscription", &rosterItem{sub: sBoth, listed: true}, outUnsubscribed, subEffects{pass: true, push: true, sendUnavailable: true}, true, false},
		{"deny a request: no push, record gone", &rosterItem{sub: sNonePI}, outUnsubscribed, subEffects{pass: true}, false, true},
		{"contact unsubscribes", &rosterItem{sub: sFrom, listed: true}, inUnsubscribe, subEffects{pass: true, push: true, sendUnavailable: true}, true, false},
		{"contact withdraws a request", &rosterItem{sub: sNonePI}, inUnsubscribe, subEffects{pass: true}, false, true},
		{"unsubscribe without an item", nil, outUnsubscribe, subEffects{pass: true}, false, true},
		{"contact cancels ours", &rosterItem{sub: sTo, listed: true}, inUnsubscribed, subEffects{pass: true, push: true}, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r roster
			if tc.start != nil {
				tc.start.jid = bob
				r.put(tc.start)
			}
			got := r.apply(bob, tc.ev)
			if got != tc.want {
				t.Errorf("effects %+v, want %+v", got, tc.want)
			}
			if (r.item(bob) != nil) != tc.listed {
				t.Errorf("listed = %t, want %t", r.item(bob) != nil, tc.listed)
			}
			if _, ok := r.items[bob]; ok == tc.gone {
				t.Errorf("record present = %t, want %t", ok, !tc.gone)
			}
		})
	}
}

// TestRosterHandshake runs the subscription handshake of RFC 6121
// section 3 between two rosters, as the server glue does: each outbound
// event on one side becomes the inbound event on the other when routed.
func TestRosterHandshake(t *testing.T) {
	alice, bob := jid.MustParse("alice@localhost"), jid.MustParse("bob@localhost")
	rosters := map[jid.JID]*roster{alice: {}, bob: {}}
	send := func(from, to jid.JID, typ stanza.PresenceType) {
		t.Helper()
		out, _ := subEventOf(typ, true)
		in, _ := subEventOf(typ, false)
		if eff := rosters[from].apply(to, out); eff.pass {
			rosters[to].apply(from, in)
		}
	}
	check := func(step string, aliceSide, bobSide subState) {
		t.Helper()
		if got := rosters[alice].state(bob); got != aliceSide {
			t.Errorf("%s: alice's state with bob is %s, want %s", step, got, aliceSide)
		}
		if got := rosters[bob].state(alice); got != bobSide {
			t.Errorf("%s: bob's state with alice is %s, want %s", step, got, bobSide)
		}
	}
	send(alice, bob, stanza.PresenceSubscribe)
	check("alice asks", sNonePO, sNonePI)
	send(bob, alice, stanza.PresenceSubscribed)
	check("bob approves", sTo, sFrom)
	send(bob, alice, stanza.PresenceSubscribe)
	check("bob asks", sToPI, sFromPO)
	send(alice, bob, stanza.PresenceSubscribed)
	check("alice approves", sBoth, sBoth)
	if got := rosters[alice].item(bob).element().Attr("subscription"); got != "both" {
		t.Errorf("alice's item says subscription=%q", got)
	}
	send(alice, bob, stanza.PresenceUnsubscribe)
	check("alice unsubscribes", sFrom, sTo)
	send(bob, alice, stanza.PresenceUnsubscribed)
	check("bob cancels alice's... nothing left to cancel", sFrom, sTo)
	send(alice, bob, stanza.PresenceUnsubscribed)
	check("alice cancels bob's", sNone, sNone)
}

func TestRosterRemoveAndLists(t *testing.T) {
	var r roster
	bob, carol, dave := jid.MustParse("bob@localhost"), jid.MustParse("carol@localhost"), jid.MustParse("dave@localhost")
	r.put(&rosterItem{jid: bob, sub: sBoth, listed: true})
	r.put(&rosterItem{jid: carol, sub: sNonePO, listed: true})
	r.put(&rosterItem{jid: dave, sub: sNonePI})
	r.set(carol, "Carol", []string{"Friends"})
	if got := r.item(carol); got.name != "Carol" || got.sub != sNonePO {
		t.Errorf("set lost the subscription: %+v", got)
	}
	el := r.item(carol).element()
	if el.Attr("ask") != "subscribe" || el.Attr("name") != "Carol" || el.ChildText(nsRoster, "group") != "Friends" {
		t.Errorf("item element %s", el)
	}
	var names []string
	for _, it := range r.list() {
		names = append(names, it.jid.String())
	}
	if want := []string{"bob@localhost", "carol@localhost"}; !slices.Equal(names, want) {
		t.Errorf("list = %q, want %q (dave is only pending in)", names, want)
	}
	if got := r.pendingIn(); !slices.Equal(got, []jid.JID{dave}) {
		t.Errorf("pendingIn = %v", got)
	}
	if got := r.subscribers(); !slices.Equal(got, []jid.JID{bob}) {
		t.Errorf("subscribers = %v", got)
	}
	for _, tc := range []struct {
		contact jid.JID
		sends   []stanza.PresenceType
		ok      bool
	}{
		{bob, []stanza.PresenceType{stanza.PresenceUnsubscribe, stanza.PresenceUnsubscribed}, true},
		{carol, []stanza.PresenceType{stanza.PresenceUnsubscribe}, true},
		{dave, nil, false}, // not listed: nothing to remove
		{bob, nil, false},  // already removed
	} {
		old, ok := r.remove(tc.contact)
		if ok != tc.ok || !slices.Equal(removalSends(old), tc.sends) {
			t.Errorf("remove %s: sends %v, %t; want %v, %t", tc.contact, removalSends(old), ok, tc.sends, tc.ok)
		}
	}
}
