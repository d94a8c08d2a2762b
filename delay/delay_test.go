package delay_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/delay"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// The examples of XEP-0203 section 3.
const (
	xepOffline = `<message xmlns='jabber:client' from='romeo@montague.net/orchard' to='juliet@capulet.com' type='chat'>` +
		`<body>O blessed, blessed night!</body>` +
		`<delay xmlns='urn:xmpp:delay' from='capulet.com' stamp='2002-09-10T23:08:25Z'>
    Offline Storage
  </delay></message>`
	xepPresence = `<presence xmlns='jabber:client' from='juliet@capulet.com/balcony' to='romeo@montague.net'>` +
		`<status>anon!</status><show>xa</show><priority>1</priority>` +
		`<delay xmlns='urn:xmpp:delay' from='juliet@capulet.com/balcony' stamp='2002-09-10T23:41:07Z'/></presence>`
)

func TestParse(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
	}
	for _, tc := range []struct {
		in   string
		want delay.Delay // zero: an error is expected
	}{
		{`<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'/>`, delay.Delay{Stamp: utc(2002, 9, 10, 23, 8, 25, 0)}},
		{`<delay xmlns='urn:xmpp:delay' from='coven@macbeth.shakespeare.lit' stamp='2002-09-10T23:05:37Z'/>`,
			delay.Delay{Stamp: utc(2002, 9, 10, 23, 5, 37, 0), From: jid.MustParse("coven@macbeth.shakespeare.lit")}},
		{`<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'> Offline Storage </delay>`,
			delay.Delay{Stamp: utc(2002, 9, 10, 23, 8, 25, 0), Reason: "Offline Storage"}},
		// Offsets are converted to UTC; fractions of any length.
		{`<delay xmlns='urn:xmpp:delay' stamp='2024-02-29T00:30:00.5+01:00'/>`, delay.Delay{Stamp: utc(2024, 2, 28, 23, 30, 0, 5e8)}},
		{`<delay xmlns='urn:xmpp:delay' stamp='1999-12-31T23:00:00-14:00'/>`, delay.Delay{Stamp: utc(2000, 1, 1, 13, 0, 0, 0)}},
		{`<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25.1234567891234+00:00'/>`, delay.Delay{Stamp: utc(2002, 9, 10, 23, 8, 25, 123456789)}},
		{`<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25-00:00'/>`, delay.Delay{Stamp: utc(2002, 9, 10, 23, 8, 25, 0)}},

		{`<delay xmlns='urn:xmpp:delay'/>`, delay.Delay{}},
		{`<delay xmlns='urn:xmpp:delay' stamp=''/>`, delay.Delay{}},
		{`<delay xmlns='urn:xmpp:delay' stamp='yesterday'/>`, delay.Delay{}},
		{`<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25'/>`, delay.Delay{}},       // no time zone
		{`<delay xmlns='urn:xmpp:delay' stamp='2002-09-10 23:08:25Z'/>`, delay.Delay{}},      // no T
		{`<delay xmlns='urn:xmpp:delay' stamp='2002-09-10t23:08:25z'/>`, delay.Delay{}},      // lower case
		{`<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25,5Z'/>`, delay.Delay{}},    // comma
		{`<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25.Z'/>`, delay.Delay{}},     // empty fraction
		{`<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25+24:00'/>`, delay.Delay{}}, // offset too large
		{`<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25+0100'/>`, delay.Delay{}},
		{`<delay xmlns='urn:xmpp:delay' stamp='2002-02-30T00:00:00Z'/>`, delay.Delay{}},
		{`<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:59:60Z'/>`, delay.Delay{}},
		{`<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T24:00:00Z'/>`, delay.Delay{}},
		{`<delay xmlns='urn:xmpp:delay' stamp='+002-09-10T23:08:25Z'/>`, delay.Delay{}},
		{`<delay xmlns='urn:xmpp:delay' stamp=' 2002-09-10T23:08:25Z'/>`, delay.Delay{}},
		{`<delay xmlns='urn:xmpp:delay' stamp='0000-01-01T00:00:00+01:00'/>`, delay.Delay{}}, // year -1 in UTC
		{`<delay xmlns='urn:xmpp:delay' stamp='9999-12-31T23:00:00-02:00'/>`, delay.Delay{}}, // year 10000 in UTC
		{`<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z' from='@bad'/>`, delay.Delay{}},
		{`<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'><x/></delay>`, delay.Delay{}},
		{`<delay xmlns='jabber:x:delay' stamp='20020910T23:08:25'/>`, delay.Delay{}},
		{`<x xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'/>`, delay.Delay{}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			d, err := delay.Parse(mustElement(t, tc.in))
			if tc.want.IsZero() {
				if !errors.Is(err, delay.ErrMalformed) {
					t.Fatalf("Parse = %+v, %v; want ErrMalformed", d, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !d.Stamp.Equal(tc.want.Stamp) || d.Stamp.Location() != time.UTC || d.From != tc.want.From || d.Reason != tc.want.Reason {
				t.Errorf("Parse = %+v; want %+v", d, tc.want)
			}
		})
	}
	if _, err := delay.Parse(nil); !errors.Is(err, delay.ErrMalformed) {
		t.Errorf("Parse(nil) = %v", err)
	}
}

func TestElement(t *testing.T) {
	if e := (delay.Delay{}).Element(); e != nil {
		t.Errorf("zero Delay encodes as %s", e)
	}
	paris := time.FixedZone("CET", 3600)
	d := delay.Delay{Stamp: time.Date(2024, 2, 29, 12, 0, 0, 120e6, paris), From: jid.MustParse("localhost"), Reason: "Offline Storage"}
	want := `<delay xmlns='urn:xmpp:delay' stamp='2024-02-29T11:00:00.120Z' from='localhost'>Offline Storage</delay>`
	if got := d.Element().String(); got != want {
		t.Errorf("Element = %s\nwant      %s", got, want)
	}
	again, err := delay.Parse(d.Element())
	if err != nil || !again.Stamp.Equal(d.Stamp) || again.From != d.From || again.Reason != d.Reason {
		t.Errorf("round trip = %+v, %v", again, err)
	}
	// Milliseconds are written, finer precision is truncated, whatever
	// precision was read.
	for in, want := range map[string]string{
		"2002-09-10T23:08:25Z":                 "2002-09-10T23:08:25.000Z",
		"2026-12-05T17:11:28.557804Z":          "2026-12-05T17:11:28.557Z",
		"2002-09-10T23:08:25.1239999999+01:00": "2002-09-10T22:08:25.123Z",
	} {
		d, err := delay.Parse(stanza.NewElement(delay.NS, "delay", stanza.A("stamp", in)))
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Element().Attr("stamp"); got != want {
			t.Errorf("%s written as %s; want %s", in, got, want)
		}
	}
}

// TestGet finds delays in the XEP's examples, and checks which one Get
// picks when a sender forged one before the server's.
func TestGet(t *testing.T) {
	m := mustMessage(t, xepOffline)
	d, ok := delay.Get(m)
	if !ok || d.From != jid.MustParse("capulet.com") || d.Reason != "Offline Storage" ||
		!d.Stamp.Equal(time.Date(2002, 9, 10, 23, 8, 25, 0, time.UTC)) {
		t.Errorf("Get(message) = %+v, %v", d, ok)
	}
	p, err := stanza.ParsePresence(mustElement(t, xepPresence))
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := delay.Get(p); !ok || d.From != p.From {
		t.Errorf("Get(presence) = %+v, %v", d, ok)
	}
	if d, ok := delay.Get(stanza.NewMessage(stanza.MessageChat, jid.MustParse("a@b"), "hi")); ok {
		t.Errorf("Get(no delay) = %+v", d)
	}
	if d, ok := delay.Get(stanza.NewIQ(stanza.IQGet, jid.JID{}, stanza.NewElement("urn:xmpp:ping", "ping"))); ok {
		t.Errorf("Get(iq) = %+v", d)
	}
	// The server appends its delay after the one the sender forged, and
	// a malformed one after that is skipped.
	forged := strings.Replace(xepOffline, "<delay",
		`<delay xmlns='urn:xmpp:delay' from='capulet.com' stamp='1990-01-01T00:00:00Z'/><delay`, 1)
	forged = strings.Replace(forged, "</message>", `<delay xmlns='urn:xmpp:delay' stamp='never'/></message>`, 1)
	if d, ok := delay.Get(mustMessage(t, forged)); !ok || d.Stamp.Year() != 2002 {
		t.Errorf("Get(two delays) = %+v, %v; want the last well-formed", d, ok)
	}
}
