package geoloc_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pep"
	"github.com/xmppkit/xmpp/pep/geoloc"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// xepExample is the location of XEP-0080 §4's example, with every
// field.
const xepExample = `<geoloc xmlns='http://jabber.org/protocol/geoloc' xml:lang='en'>
  <accuracy>20</accuracy>
  <alt>1609</alt>
  <altaccuracy>10</altaccuracy>
  <area>Central Park</area>
  <bearing>270</bearing>
  <building>The Empire State Building</building>
  <country>United States</country>
  <countrycode>US</countrycode>
  <description>Bill's house</description>
  <floor>102</floor>
  <lat>39.75</lat>
  <locality>New York City</locality>
  <lon>-104.99</lon>
  <postalcode>10118</postalcode>
  <region>New York</region>
  <regioncode>US-NY</regioncode>
  <room>Observatory</room>
  <speed>52.69</speed>
  <street>350 Fifth Avenue / 34th and Broadway</street>
  <text>Northwest corner of the lobby</text>
  <timestamp>2004-02-19T21:12Z</timestamp>
  <tzo>-07:00</tzo>
  <uri>http://www.esbnyc.com/</uri>
  <extension xmlns='urn:example'/>
</geoloc>`

func TestParseAndEncode(t *testing.T) {
	e, err := stanza.ParseElement(xepExample)
	if err != nil {
		t.Fatal(err)
	}
	l, err := geoloc.Parse(e)
	if err != nil {
		t.Fatal(err)
	}
	want := geoloc.Location{
		Accuracy: new(20.0), Alt: new(1609.0), AltAccuracy: new(10.0), Area: "Central Park", Bearing: new(270.0),
		Building: "The Empire State Building", Country: "United States", CountryCode: "US", Description: "Bill's house",
		Floor: "102", Lat: new(39.75), Locality: "New York City", Lon: new(-104.99), PostalCode: "10118", Region: "New York",
		RegionCode: "US-NY", Room: "Observatory", Speed: new(52.69), Street: "350 Fifth Avenue / 34th and Broadway",
		Text: "Northwest corner of the lobby", Timestamp: time.Date(2004, 2, 19, 21, 12, 0, 0, time.UTC), TZO: "-07:00",
		URI: "http://www.esbnyc.com/",
	}
	if !reflect.DeepEqual(l, want) {
		t.Errorf("parsed %+v\nwant %+v", l, want)
	}
	back, err := geoloc.Parse(l.Element())
	if err != nil || !reflect.DeepEqual(back, want) {
		t.Errorf("round trip %+v, %v", back, err)
	}
	if empty := (geoloc.Location{}).Element(); empty.NumChildren() != 0 {
		t.Errorf("the zero Location encodes as %s", empty)
	}
}

func TestParseRefuses(t *testing.T) {
	for _, s := range []string{
		`<geoloc xmlns='http://jabber.org/protocol/geoloc'><lat>north</lat></geoloc>`,
		`<geoloc xmlns='http://jabber.org/protocol/geoloc'><lat>91</lat></geoloc>`,
		`<geoloc xmlns='http://jabber.org/protocol/geoloc'><lon>-180.5</lon></geoloc>`,
		`<geoloc xmlns='http://jabber.org/protocol/geoloc'><alt>NaN</alt></geoloc>`,
		`<geoloc xmlns='http://jabber.org/protocol/geoloc'><speed>Inf</speed></geoloc>`,
		`<geoloc xmlns='http://jabber.org/protocol/geoloc'><timestamp>yesterday</timestamp></geoloc>`,
		`<location xmlns='http://jabber.org/protocol/geoloc'/>`,
	} {
		e, err := stanza.ParseElement(s)
		if err != nil {
			t.Fatal(err)
		}
		if l, err := geoloc.Parse(e); !errors.Is(err, geoloc.ErrMalformed) {
			t.Errorf("Parse(%s) = %+v, %v; want ErrMalformed", s, l, err)
		}
	}
}

// TestHandle: a contact's location and its withdrawal reach the handler,
// from the contact's bare JID; a location claimed for the contact by
// someone else's full JID does not.
func TestHandleUpdates(t *testing.T) {
	srv := xmpptest.StartServer(t, nil)
	a := srv.Account(0)
	c := xmpp.New(a.JID(), &xmpp.Options{Password: a.Password, Resource: "geo", Addr: srv.Addr(), Dial: srv.DialPipe, TLSConfig: srv.TLSConfig()})
	t.Cleanup(func() { c.Close() })
	ps := pubsub.New(c, nil)
	got := make(chan pep.Update[geoloc.Location], 4)
	geoloc.Handle(ps, func(_ context.Context, u pep.Update[geoloc.Location]) { got <- u })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if !contains(c.Advertised(), geoloc.NS+"+notify") {
		t.Errorf("+notify not advertised: %v", c.Advertised())
	}
	bob := jid.MustParse("bob@localhost")
	event := func(from jid.JID, payload *stanza.Element) *stanza.Element {
		m := stanza.NewMessage(stanza.MessageHeadline, c.JID(), "")
		m.From = from
		items := stanza.NewElement(pubsub.NSEvent, "items", stanza.A("node", geoloc.NS))
		items.AddChild(stanza.NewElement(pubsub.NSEvent, "item", stanza.A("id", "current")).AddChild(payload))
		m.Payloads = append(m.Payloads, stanza.NewElement(pubsub.NSEvent, "event").AddChild(items))
		return m.Element()
	}
	for _, e := range []*stanza.Element{
		event(jid.MustParse("mallory@localhost/x"), geoloc.Location{Locality: "Nowhere"}.Element()),
		event(bob, geoloc.Location{Lat: new(45.44), Lon: new(12.33), Locality: "Venezia"}.Element()),
		event(bob, geoloc.Location{}.Element()),
	} {
		if err := srv.Inject(c.JID(), e); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	u := <-got
	if u.From != bob || u.Retracted || u.Value.Locality != "Venezia" || *u.Value.Lat != 45.44 {
		t.Errorf("first update %+v", u)
	}
	if u = <-got; u.From != bob || !u.Retracted {
		t.Errorf("second update %+v; want bob's withdrawal", u)
	}
	select {
	case u := <-got:
		t.Errorf("unexpected update %+v", u)
	default:
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func FuzzParse(f *testing.F) {
	f.Add(xepExample)
	f.Add(`<geoloc xmlns='http://jabber.org/protocol/geoloc'><lat>1e400</lat></geoloc>`)
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		l, err := geoloc.Parse(e)
		if err != nil {
			return
		}
		back, err := geoloc.Parse(l.Element())
		if err != nil {
			t.Fatalf("round trip of %s: %v", s, err)
		}
		// Timestamps are written in UTC to the millisecond.
		if !back.Timestamp.Equal(l.Timestamp.Truncate(time.Millisecond)) {
			t.Errorf("timestamp %v, want %v", back.Timestamp, l.Timestamp)
		}
		back.Timestamp, l.Timestamp = time.Time{}, time.Time{}
		if !reflect.DeepEqual(back, l) {
			t.Errorf("round trip of %s: %+v; want %+v", s, back, l)
		}
	})
}
