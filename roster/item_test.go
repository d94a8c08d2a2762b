package roster

import (
	"errors"
	"reflect"
	"testing"

	"github.com/xmppkit/xmpp/stanza"
)

func parse(t *testing.T, s string) *stanza.Element {
	t.Helper()
	e, err := stanza.ParseElement(s)
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return e
}

func TestParseQuery(t *testing.T) {
	// RFC 6121 example 2.1.4 (roster result), with a version.
	q, err := ParseQuery(parse(t, `<query xmlns='jabber:iq:roster' ver='ver11'>
	  <item jid='romeo@example.net' name='Romeo' subscription='both'><group>Friends</group></item>
	  <item jid='mercutio@example.com' name='Mercutio' subscription='from'/>
	  <item jid='benvolio@example.net' name='Benvolio' subscription='none' ask='subscribe' approved='true'/>
	  <item jid='nurse@example.com'/>
	</query>`))
	if err != nil {
		t.Fatal(err)
	}
	if !q.Versioned || q.Version != "ver11" || len(q.Items) != 4 {
		t.Fatalf("%+v", q)
	}
	r := q.Items[0]
	if r.JID.String() != "romeo@example.net" || r.Name != "Romeo" || r.Subscription != SubscriptionBoth || !reflect.DeepEqual(r.Groups, []string{"Friends"}) {
		t.Errorf("romeo %+v", r)
	}
	if b := q.Items[2]; !b.Ask || !b.Approved || b.Subscription != SubscriptionNone {
		t.Errorf("benvolio %+v", b)
	}
	if n := q.Items[3]; n.Subscription != SubscriptionNone || n.Name != "" {
		t.Errorf("nurse %+v", n)
	}
	// Round trip.
	q2, err := ParseQuery(q.Element())
	if err != nil || !reflect.DeepEqual(q, q2) {
		t.Errorf("round trip: %+v, %v", q2, err)
	}
	// An empty version is a version.
	if q, _ := ParseQuery(parse(t, `<query xmlns='jabber:iq:roster' ver=''/>`)); !q.Versioned || q.Version != "" {
		t.Errorf("empty ver: %+v", q)
	}
}

func TestParseQueryMalformed(t *testing.T) {
	for _, s := range []string{
		`<query xmlns='jabber:iq:other'/>`,
		`<item xmlns='jabber:iq:roster' jid='a@b'/>`,
		`<query xmlns='jabber:iq:roster'><item/></query>`,
		`<query xmlns='jabber:iq:roster'><item jid='@@'/></query>`,
		`<query xmlns='jabber:iq:roster'><item jid='a@b' subscription='some'/></query>`,
		`<query xmlns='jabber:iq:roster'><item jid='a@b' ask='unsubscribe'/></query>`,
		`<query xmlns='jabber:iq:roster'><item jid='a@b' approved='maybe'/></query>`,
		`<query xmlns='jabber:iq:roster'><item jid='a@b'><group/></item></query>`,
		`<query xmlns='jabber:iq:roster'><item jid='a@b'><group>x</group><group>x</group></item></query>`,
		`<query xmlns='jabber:iq:roster'><item jid='a@b'/><item jid='a@b'/></query>`,
	} {
		if _, err := ParseQuery(parse(t, s)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v", s, err)
		}
	}
	if _, err := ParseQuery(nil); !errors.Is(err, ErrMalformed) {
		t.Errorf("nil: %v", err)
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		`<query xmlns='jabber:iq:roster' ver='v1'><item jid='romeo@example.net' name='Romeo' subscription='both'><group>Friends</group></item></query>`,
		`<query xmlns='jabber:iq:roster'><item jid='a@b' subscription='remove'/></query>`,
		`<query xmlns='jabber:iq:roster'><item jid='a@b' ask='subscribe' approved='true'><group>x</group><x xmlns='urn:y'/></item></query>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := stanza.ParseElement(string(b))
		if err != nil {
			return
		}
		q, err := ParseQuery(e)
		if err != nil {
			return
		}
		q2, err := ParseQuery(q.Element())
		if err != nil {
			t.Fatalf("re-parse of %s: %v", q.Element(), err)
		}
		if !reflect.DeepEqual(q, q2) {
			t.Fatalf("round trip\n%+v\n%+v", q, q2)
		}
	})
}
