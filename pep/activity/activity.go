// Package activity implements XEP-0108 User Activity: what the user is
// doing, a general activity and optionally a specific one, published
// over PEP (XEP-0163), and its contacts' activities received.
//
// Values are strings named as the XEP's elements ("eating",
// "having_lunch"); Known tells the XEP's pairs from others, which are
// kept as they came. Publishing the zero Activity withdraws it.
package activity

import (
	"context"
	"fmt"
	"slices"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pep"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/stanza"
)

// NS is the namespace of XEP-0108, and the name of its PEP node.
const NS = "http://jabber.org/protocol/activity"

// specifics lists, by general activity, the specific activities of
// XEP-0108 §3 ("other" is allowed under each).
var specifics = map[string][]string{
	"doing_chores":       {"buying_groceries", "cleaning", "cooking", "doing_maintenance", "doing_the_dishes", "doing_the_laundry", "gardening", "running_an_errand", "walking_the_dog"},
	"drinking":           {"having_a_beer", "having_coffee", "having_tea"},
	"eating":             {"having_a_snack", "having_breakfast", "having_dinner", "having_lunch"},
	"exercising":         {"cycling", "dancing", "hiking", "jogging", "playing_sports", "running", "skiing", "swimming", "working_out"},
	"grooming":           {"at_the_spa", "brushing_teeth", "getting_a_haircut", "shaving", "taking_a_bath", "taking_a_shower"},
	"having_appointment": nil,
	"inactive":           {"day_off", "hanging_out", "hiding", "on_vacation", "praying", "scheduled_holiday", "sleeping", "thinking"},
	"relaxing":           {"fishing", "gaming", "going_out", "partying", "reading", "rehearsing", "shopping", "smoking", "socializing", "sunbathing", "watching_tv", "watching_a_movie"},
	"talking":            {"in_real_life", "on_the_phone", "on_video_phone"},
	"traveling":          {"commuting", "cycling", "driving", "in_a_car", "on_a_bus", "on_a_plane", "on_a_train", "on_a_trip", "walking"},
	"undefined":          nil,
	"working":            {"coding", "in_a_meeting", "studying", "writing"},
}

// Specifics returns the specific activities XEP-0108 defines within the
// general activity general, and whether general is one of its own.
func Specifics(general string) ([]string, bool) {
	specs, ok := specifics[general]
	return slices.Clone(specs), ok
}

// Activity is what a user is doing.
type Activity struct {
	// General is the general activity ("eating"); Specific, if not "",
	// the specific one within it ("having_lunch").
	General, Specific string
	// Text is the user's own words about it; "" when absent.
	Text string
}

// Known reports whether a's general activity, and its specific one if
// any, are XEP-0108's.
func (a Activity) Known() bool {
	specs, ok := specifics[a.General]
	return ok && (a.Specific == "" || a.Specific == "other" || slices.Contains(specs, a.Specific))
}

// ErrMalformed is wrapped by the errors of Parse.
var ErrMalformed = fmt.Errorf("activity: malformed activity")

// Element encodes a as an <activity/> element; the zero Activity gives an
// empty one, which withdraws a published activity.
func (a Activity) Element() *stanza.Element {
	e := stanza.NewElement(NS, "activity")
	if a.General != "" {
		g := stanza.NewElement(NS, a.General)
		if a.Specific != "" {
			g.AddChild(stanza.NewElement(NS, a.Specific))
		}
		e.AddChild(g)
	}
	if a.Text != "" {
		e.AddChild(stanza.NewElement(NS, "text").AddText(a.Text))
	}
	return e
}

// Parse decodes an <activity/> element: exactly one general activity
// (any element but text, in the namespace), with at most one specific
// one inside, and an optional text.
func Parse(e *stanza.Element) (Activity, error) {
	var a Activity
	if e == nil || e.Name != (stanza.Name{Space: NS, Local: "activity"}) {
		return a, fmt.Errorf("%w: not an activity element", ErrMalformed)
	}
	for c := range e.Children() {
		if c.Name.Space != NS {
			continue
		}
		if c.Name.Local == "text" {
			a.Text = c.Text()
			continue
		}
		if a.General != "" {
			return Activity{}, fmt.Errorf("%w: two general activities", ErrMalformed)
		}
		a.General = c.Name.Local
		for s := range c.Children() {
			if s.Name.Space != NS {
				continue
			}
			if a.Specific != "" {
				return Activity{}, fmt.Errorf("%w: two specific activities", ErrMalformed)
			}
			a.Specific = s.Name.Local
		}
	}
	if a.General == "" {
		return Activity{}, fmt.Errorf("%w: no activity", ErrMalformed)
	}
	return a, nil
}

// Publish publishes a as the account's activity; the zero Activity
// withdraws it.
func Publish(ctx context.Context, ps *pubsub.Client, a Activity) error {
	if err := pep.Publish(ctx, ps, NS, a.Element()); err != nil {
		return fmt.Errorf("activity: publish: %w", err)
	}
	return nil
}

// Handle makes h receive the activities the account's contacts (and the
// account itself, from its other resources) publish, and asks for them
// (+notify). Call it before Connect.
func Handle(ps *pubsub.Client, h func(ctx context.Context, u pep.Update[Activity])) {
	pep.Handle(ps, NS, Parse, h, nil)
}

// Fetch returns the activity owner published (zero for the account's
// own), and false when there is none.
func Fetch(ctx context.Context, ps *pubsub.Client, owner jid.JID) (Activity, bool, error) {
	return pep.Fetch(ctx, ps, owner, NS, Parse)
}
