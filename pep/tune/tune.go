// Package tune implements XEP-0118 User Tune: what the user is listening
// to, published over PEP (XEP-0163), and its contacts' tunes received.
// Publishing the zero Tune is the XEP's "stop" (an empty <tune/>).
package tune

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pep"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/stanza"
)

// NS is the namespace of XEP-0118, and the name of its PEP node.
const NS = "http://jabber.org/protocol/tune"

// Tune is a song or piece the user is listening to (XEP-0118 §2);
// fields are zero when absent.
type Tune struct {
	Artist string
	// Length is the duration, in whole seconds on the wire (at most
	// 65535, an xs:unsignedShort); zero when unknown (a stream).
	Length time.Duration
	// Rating is the user's rating, 1 (lowest) to 10; zero when absent.
	Rating int
	// Source is the collection (an album) or other source.
	Source string
	Title  string
	// Track identifies the tune: a track number or a URI.
	Track string
	// URI points to information about the song, collection or artist.
	URI string
}

// ErrMalformed is wrapped by the errors of Parse.
var ErrMalformed = fmt.Errorf("tune: malformed tune")

// Element encodes t as a <tune/> element, in the XEP's order; the zero
// Tune gives an empty one (stop).
func (t Tune) Element() *stanza.Element {
	e := stanza.NewElement(NS, "tune")
	add := func(name, v string) {
		if v != "" {
			e.AddChild(stanza.NewElement(NS, name).AddText(v))
		}
	}
	add("artist", t.Artist)
	if s := int(t.Length / time.Second); s > 0 {
		add("length", strconv.Itoa(min(s, 65535)))
	}
	if t.Rating > 0 {
		add("rating", strconv.Itoa(t.Rating))
	}
	add("source", t.Source)
	add("title", t.Title)
	add("track", t.Track)
	add("uri", t.URI)
	return e
}

// Parse decodes a <tune/> element. A length that is not an
// xs:unsignedShort or a rating outside 1–10 is malformed; other elements
// are ignored.
func Parse(e *stanza.Element) (Tune, error) {
	var t Tune
	if e == nil || e.Name != (stanza.Name{Space: NS, Local: "tune"}) {
		return t, fmt.Errorf("%w: not a tune element", ErrMalformed)
	}
	for c := range e.Children() {
		if c.Name.Space != NS {
			continue
		}
		switch v := c.Text(); c.Name.Local {
		case "artist":
			t.Artist = v
		case "length":
			n, err := strconv.ParseUint(v, 10, 16)
			if err != nil {
				return Tune{}, fmt.Errorf("%w: length %.32q", ErrMalformed, v)
			}
			t.Length = time.Duration(n) * time.Second
		case "rating":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 10 {
				return Tune{}, fmt.Errorf("%w: rating %.32q", ErrMalformed, v)
			}
			t.Rating = n
		case "source":
			t.Source = v
		case "title":
			t.Title = v
		case "track":
			t.Track = v
		case "uri":
			t.URI = v
		}
	}
	return t, nil
}

// Publish publishes t as what the account listens to; the zero Tune
// stops.
func Publish(ctx context.Context, ps *pubsub.Client, t Tune) error {
	if err := pep.Publish(ctx, ps, NS, t.Element()); err != nil {
		return fmt.Errorf("tune: publish: %w", err)
	}
	return nil
}

// Handle makes h receive the tunes the account's contacts (and the
// account itself, from its other resources) publish, and asks for them
// (+notify). Call it before Connect.
func Handle(ps *pubsub.Client, h func(ctx context.Context, u pep.Update[Tune])) {
	pep.Handle(ps, NS, Parse, h, nil)
}

// Fetch returns the tune owner published (zero for the account's own),
// and false when there is none.
func Fetch(ctx context.Context, ps *pubsub.Client, owner jid.JID) (Tune, bool, error) {
	return pep.Fetch(ctx, ps, owner, NS, Parse)
}
