// Package geoloc implements XEP-0080 User Location: the account's
// geographical location published over PEP (XEP-0163), and its
// contacts' locations received.
//
// A Location holds every field of XEP-0080 §4, in the XEP's units:
// decimal degrees for Lat, Lon and Bearing (north and east positive),
// meters for Alt, Accuracy and AltAccuracy, meters per second for Speed,
// arc minutes for the deprecated Error. Numbers are pointers, nil when
// absent (write new(45.44) for a value):
//
//	err := geoloc.Publish(ctx, ps, geoloc.Location{Lat: new(48.8566), Lon: new(2.3522), Locality: "Paris"})
//	geoloc.Handle(ps, func(ctx context.Context, u pep.Update[geoloc.Location]) {
//		fmt.Println(u.From, "is at", u.Value.Locality)
//	})
//
// Stop publishing the location with Publish of the zero Location (an
// empty <geoloc/>, as the XEP says); a receiver gets an Update with
// Retracted set. Handle asks for the notifications with +notify (see
// pubsub.Client.HandlePEP), so contacts' updates arrive; only events
// from the publisher's own bare JID are accepted (package pubsub).
package geoloc

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/xmppkit/xmpp/internal/datetime"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pep"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/stanza"
)

// NS is the namespace of XEP-0080, and the name of its PEP node.
const NS = "http://jabber.org/protocol/geoloc"

// Location is a user's location (XEP-0080 §4). String fields are ""
// when absent; number fields nil.
type Location struct {
	Accuracy    *float64 // horizontal error, meters
	Alt         *float64 // altitude above sea level, meters
	AltAccuracy *float64 // vertical error, meters
	Area        string   // a named area: a campus, a neighbourhood
	Bearing     *float64 // heading, decimal degrees relative to true north
	Building    string
	Country     string
	CountryCode string   // ISO 3166 two-letter code
	Datum       string   // GPS datum; "" means WGS84
	Description string   // a natural-language name for the location
	Error       *float64 // horizontal error, arc minutes (deprecated: Accuracy)
	Floor       string
	Lat         *float64 // latitude, decimal degrees north
	Locality    string   // a town or city
	Lon         *float64 // longitude, decimal degrees east
	PostalCode  string
	Region      string // a state or province
	RegionCode  string // ISO 3166-2 code
	Room        string
	Speed       *float64 // meters per second
	Street      string
	Text        string // anything else about the location
	// Timestamp is when the reading was taken; zero when absent.
	Timestamp time.Time
	// TZO is the time zone offset from UTC, "-07:00" (XEP-0082).
	TZO string
	URI string
}

// field is one element of a Location: its name, and where its value is.
type field struct {
	name string
	num  func(*Location) **float64
	str  func(*Location) *string
}

var fields = []field{
	{name: "accuracy", num: func(l *Location) **float64 { return &l.Accuracy }},
	{name: "alt", num: func(l *Location) **float64 { return &l.Alt }},
	{name: "altaccuracy", num: func(l *Location) **float64 { return &l.AltAccuracy }},
	{name: "area", str: func(l *Location) *string { return &l.Area }},
	{name: "bearing", num: func(l *Location) **float64 { return &l.Bearing }},
	{name: "building", str: func(l *Location) *string { return &l.Building }},
	{name: "country", str: func(l *Location) *string { return &l.Country }},
	{name: "countrycode", str: func(l *Location) *string { return &l.CountryCode }},
	{name: "datum", str: func(l *Location) *string { return &l.Datum }},
	{name: "description", str: func(l *Location) *string { return &l.Description }},
	{name: "error", num: func(l *Location) **float64 { return &l.Error }},
	{name: "floor", str: func(l *Location) *string { return &l.Floor }},
	{name: "lat", num: func(l *Location) **float64 { return &l.Lat }},
	{name: "locality", str: func(l *Location) *string { return &l.Locality }},
	{name: "lon", num: func(l *Location) **float64 { return &l.Lon }},
	{name: "postalcode", str: func(l *Location) *string { return &l.PostalCode }},
	{name: "region", str: func(l *Location) *string { return &l.Region }},
	{name: "regioncode", str: func(l *Location) *string { return &l.RegionCode }},
	{name: "room", str: func(l *Location) *string { return &l.Room }},
	{name: "speed", num: func(l *Location) **float64 { return &l.Speed }},
	{name: "street", str: func(l *Location) *string { return &l.Street }},
	{name: "text", str: func(l *Location) *string { return &l.Text }},
	{name: "tzo", str: func(l *Location) *string { return &l.TZO }},
	{name: "uri", str: func(l *Location) *string { return &l.URI }},
}

// ErrMalformed is wrapped by the errors of Parse.
var ErrMalformed = fmt.Errorf("geoloc: malformed location")

// Element encodes l as a <geoloc/> element; the zero Location gives an
// empty one, which withdraws a published location.
func (l Location) Element() *stanza.Element {
	e := stanza.NewElement(NS, "geoloc")
	for _, f := range fields {
		var text string
		switch {
		case f.num != nil:
			p := *f.num(&l)
			if p == nil {
				continue
			}
			text = strconv.FormatFloat(*p, 'f', -1, 64)
		default:
			if text = *f.str(&l); text == "" {
				continue
			}
		}
		e.AddChild(stanza.NewElement(NS, f.name).AddText(text))
		if f.name == "text" && !l.Timestamp.IsZero() {
			// The XEP's order: timestamp after text.
			e.AddChild(stanza.NewElement(NS, "timestamp").AddText(datetime.FormatDateTime(l.Timestamp)))
		}
	}
	if l.Text == "" && !l.Timestamp.IsZero() {
		e.AddChild(stanza.NewElement(NS, "timestamp").AddText(datetime.FormatDateTime(l.Timestamp)))
	}
	return e
}

// Parse decodes a <geoloc/> element. Unknown elements are ignored (the
// XEP allows extensions); a number that is not a finite decimal, a
// latitude beyond ±90 or a longitude beyond ±180, or a timestamp that is
// not a XEP-0082 DateTime is malformed.
func Parse(e *stanza.Element) (Location, error) {
	var l Location
	if e == nil || e.Name != (stanza.Name{Space: NS, Local: "geoloc"}) {
		return l, fmt.Errorf("%w: not a geoloc element", ErrMalformed)
	}
	for c := range e.Children() {
		if c.Name.Space != NS {
			continue
		}
		if c.Name.Local == "timestamp" {
			t, err := parseTimestamp(c.Text())
			if err != nil {
				return Location{}, fmt.Errorf("%w: timestamp: %v", ErrMalformed, err)
			}
			l.Timestamp = t
			continue
		}
		for _, f := range fields {
			if f.name != c.Name.Local {
				continue
			}
			if f.str != nil {
				*f.str(&l) = c.Text()
				break
			}
			v, err := strconv.ParseFloat(c.Text(), 64)
			if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
				return Location{}, fmt.Errorf("%w: %s %.32q is not a decimal", ErrMalformed, f.name, c.Text())
			}
			*f.num(&l) = &v
			break
		}
	}
	if l.Lat != nil && math.Abs(*l.Lat) > 90 || l.Lon != nil && math.Abs(*l.Lon) > 180 {
		return Location{}, fmt.Errorf("%w: latitude or longitude out of range", ErrMalformed)
	}
	return l, nil
}

// parseTimestamp parses a XEP-0082 DateTime, or one without seconds
// ("2004-02-19T21:12Z"), as XEP-0080's own example writes it.
func parseTimestamp(s string) (time.Time, error) {
	t, err := datetime.ParseDateTime(s)
	if err != nil && len(s) >= 17 && s[10] == 'T' && s[13] == ':' && (s[16] == 'Z' || s[16] == '+' || s[16] == '-') {
		if t2, err2 := datetime.ParseDateTime(s[:16] + ":00" + s[16:]); err2 == nil {
			return t2, nil
		}
	}
	return t, err
}

// Publish publishes l as the account's location; the zero Location
// withdraws it.
func Publish(ctx context.Context, ps *pubsub.Client, l Location) error {
	if err := pep.Publish(ctx, ps, NS, l.Element()); err != nil {
		return fmt.Errorf("geoloc: publish: %w", err)
	}
	return nil
}

// Handle makes h receive the locations the account's contacts (and the
// account itself, from its other resources) publish, and asks for them
// (+notify). Call it before Connect.
func Handle(ps *pubsub.Client, h func(ctx context.Context, u pep.Update[Location])) {
	pep.Handle(ps, NS, Parse, h, nil)
}

// Fetch returns the location owner published (zero for the account's own),
// and false when there is none.
func Fetch(ctx context.Context, ps *pubsub.Client, owner jid.JID) (Location, bool, error) {
	return pep.Fetch(ctx, ps, owner, NS, Parse)
}
