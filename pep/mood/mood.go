// Package mood implements XEP-0107 User Mood: the account's mood
// published over PEP (XEP-0163), and its contacts' moods received.
//
// A Mood is one of the XEP's values (the Mood constants) with an
// optional text. A value this package does not know (a later version of
// the XEP may add some) is kept as it came, so nothing is lost; Known
// tells the two apart. The zero Mood, published, withdraws the mood.
package mood

import (
	"context"
	"fmt"
	"slices"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pep"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/stanza"
)

// NS is the namespace of XEP-0107, and the name of its PEP node.
const NS = "http://jabber.org/protocol/mood"

// Value is a mood value: the name of the element that carries it.
type Value string

// The mood values of XEP-0107 §2.
const (
	Afraid        Value = "afraid"
	Amazed        Value = "amazed"
	Amorous       Value = "amorous"
	Angry         Value = "angry"
	Annoyed       Value = "annoyed"
	Anxious       Value = "anxious"
	Aroused       Value = "aroused"
	Ashamed       Value = "ashamed"
	Bored         Value = "bored"
	Brave         Value = "brave"
	Calm          Value = "calm"
	Cautious      Value = "cautious"
	Cold          Value = "cold"
	Confident     Value = "confident"
	Confused      Value = "confused"
	Contemplative Value = "contemplative"
	Contented     Value = "contented"
	Cranky        Value = "cranky"
	Crazy         Value = "crazy"
	Creative      Value = "creative"
	Curious       Value = "curious"
	Dejected      Value = "dejected"
	Depressed     Value = "depressed"
	Disappointed  Value = "disappointed"
	Disgusted     Value = "disgusted"
	Dismayed      Value = "dismayed"
	Distracted    Value = "distracted"
	Embarrassed   Value = "embarrassed"
	Envious       Value = "envious"
	Excited       Value = "excited"
	Flirtatious   Value = "flirtatious"
	Frustrated    Value = "frustrated"
	Grateful      Value = "grateful"
	Grieving      Value = "grieving"
	Grumpy        Value = "grumpy"
	Guilty        Value = "guilty"
	Happy         Value = "happy"
	Hopeful       Value = "hopeful"
	Hot           Value = "hot"
	Humbled       Value = "humbled"
	Humiliated    Value = "humiliated"
	Hungry        Value = "hungry"
	Hurt          Value = "hurt"
	Impressed     Value = "impressed"
	InAwe         Value = "in_awe"
	InLove        Value = "in_love"
	Indignant     Value = "indignant"
	Interested    Value = "interested"
	Intoxicated   Value = "intoxicated"
	Invincible    Value = "invincible"
	Jealous       Value = "jealous"
	Lonely        Value = "lonely"
	Lost          Value = "lost"
	Lucky         Value = "lucky"
	Mean          Value = "mean"
	Moody         Value = "moody"
	Nervous       Value = "nervous"
	Neutral       Value = "neutral"
	Offended      Value = "offended"
	Outraged      Value = "outraged"
	Playful       Value = "playful"
	Proud         Value = "proud"
	Relaxed       Value = "relaxed"
	Relieved      Value = "relieved"
	Remorseful    Value = "remorseful"
	Restless      Value = "restless"
	Sad           Value = "sad"
	Sarcastic     Value = "sarcastic"
	Satisfied     Value = "satisfied"
	Serious       Value = "serious"
	Shocked       Value = "shocked"
	Shy           Value = "shy"
	Sick          Value = "sick"
	Sleepy        Value = "sleepy"
	Spontaneous   Value = "spontaneous"
	Stressed      Value = "stressed"
	Strong        Value = "strong"
	Surprised     Value = "surprised"
	Thankful      Value = "thankful"
	Thirsty       Value = "thirsty"
	Tired         Value = "tired"
	Undefined     Value = "undefined"
	Weak          Value = "weak"
	Worried       Value = "worried"
)

var known = []Value{
	Afraid, Amazed, Amorous, Angry, Annoyed, Anxious, Aroused, Ashamed, Bored, Brave, Calm, Cautious, Cold,
	Confident, Confused, Contemplative, Contented, Cranky, Crazy, Creative, Curious, Dejected, Depressed,
	Disappointed, Disgusted, Dismayed, Distracted, Embarrassed, Envious, Excited, Flirtatious, Frustrated,
	Grateful, Grieving, Grumpy, Guilty, Happy, Hopeful, Hot, Humbled, Humiliated, Hungry, Hurt, Impressed,
	InAwe, InLove, Indignant, Interested, Intoxicated, Invincible, Jealous, Lonely, Lost, Lucky, Mean, Moody,
	Nervous, Neutral, Offended, Outraged, Playful, Proud, Relaxed, Relieved, Remorseful, Restless, Sad,
	Sarcastic, Satisfied, Serious, Shocked, Shy, Sick, Sleepy, Spontaneous, Stressed, Strong, Surprised,
	Thankful, Thirsty, Tired, Undefined, Weak, Worried,
}

// Known reports whether v is one of the values of XEP-0107.
func (v Value) Known() bool { return slices.Contains(known, v) }

// Mood is a user's mood.
type Mood struct {
	Value Value
	// Text is the user's own words about it; "" when absent.
	Text string
	// Specific is a more specific mood in another namespace, carried
	// inside the value's element (XEP-0107 §2.1); nil when absent.
	Specific *stanza.Element
}

// ErrMalformed is wrapped by the errors of Parse.
var ErrMalformed = fmt.Errorf("mood: malformed mood")

// Element encodes m as a <mood/> element; the zero Mood gives an empty
// one, which withdraws a published mood.
func (m Mood) Element() *stanza.Element {
	e := stanza.NewElement(NS, "mood")
	if m.Value != "" {
		v := stanza.NewElement(NS, string(m.Value))
		if m.Specific != nil {
			v.AddChild(m.Specific)
		}
		e.AddChild(v)
	}
	if m.Text != "" {
		e.AddChild(stanza.NewElement(NS, "text").AddText(m.Text))
	}
	return e
}

// Parse decodes a <mood/> element: exactly one value element (any name
// but text, in the namespace) and an optional text.
func Parse(e *stanza.Element) (Mood, error) {
	var m Mood
	if e == nil || e.Name != (stanza.Name{Space: NS, Local: "mood"}) {
		return m, fmt.Errorf("%w: not a mood element", ErrMalformed)
	}
	for c := range e.Children() {
		if c.Name.Space != NS {
			continue
		}
		if c.Name.Local == "text" {
			m.Text = c.Text()
			continue
		}
		if m.Value != "" {
			return Mood{}, fmt.Errorf("%w: two values, %.32q and %.32q", ErrMalformed, m.Value, c.Name.Local)
		}
		m.Value = Value(c.Name.Local)
		for s := range c.Children() {
			if s.Name.Space != NS {
				m.Specific = s
				break
			}
		}
	}
	if m.Value == "" {
		return Mood{}, fmt.Errorf("%w: no value", ErrMalformed)
	}
	return m, nil
}

// Publish publishes m as the account's mood; the zero Mood withdraws it.
func Publish(ctx context.Context, ps *pubsub.Client, m Mood) error {
	if err := pep.Publish(ctx, ps, NS, m.Element()); err != nil {
		return fmt.Errorf("mood: publish: %w", err)
	}
	return nil
}

// Handle makes h receive the moods the account's contacts (and the
// account itself, from its other resources) publish, and asks for them
// (+notify). Call it before Connect.
func Handle(ps *pubsub.Client, h func(ctx context.Context, u pep.Update[Mood])) {
	pep.Handle(ps, NS, Parse, h, nil)
}

// Fetch returns the mood owner published (zero for the account's own),
// and false when there is none.
func Fetch(ctx context.Context, ps *pubsub.Client, owner jid.JID) (Mood, bool, error) {
	return pep.Fetch(ctx, ps, owner, NS, Parse)
}
