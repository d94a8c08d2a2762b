package entitytime_test

import (
	"errors"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/entitytime"
	"github.com/xmppkit/xmpp/stanza"
)

// payload builds a <time/> payload with the given tzo and utc texts.
func payload(tzo, utc string) *stanza.Element {
	return stanza.NewElement(entitytime.NS, "time").
		AddChild(stanza.NewElement(entitytime.NS, "tzo").AddText(tzo)).
		AddChild(stanza.NewElement(entitytime.NS, "utc").AddText(utc))
}

func TestParseValues(t *testing.T) {
	tests := []struct {
		tzo, utc string
		want     time.Time // compared with Equal
		offset   int
		name     string
	}{
		{"-06:00", "2006-12-19T17:58:35Z", time.Date(2006, 12, 19, 17, 58, 35, 0, time.UTC), -6 * 3600, "-06:00"},
		{"Z", "1969-07-21T02:56:15Z", time.Date(1969, 7, 21, 2, 56, 15, 0, time.UTC), 0, "UTC"},
		{"+00:00", "2024-02-29T00:00:00+00:00", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), 0, "UTC"},
		{"-00:00", "2024-02-29T00:00:00-00:00", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), 0, "UTC"},
		{"+05:45", "2023-01-02T03:04:05.123Z", time.Date(2023, 1, 2, 3, 4, 5, 123e6, time.UTC), 5*3600 + 45*60, "+05:45"},
		{"+14:00", "2023-01-02T03:04:05.1234567891234Z", time.Date(2023, 1, 2, 3, 4, 5, 123456789, time.UTC), 14 * 3600, "+14:00"},
		{"-14:00", "9999-12-31T23:59:59.999999999Z", time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), -14 * 3600, "-14:00"},
		{"-09:30", "0000-01-01T00:00:00.5Z", time.Date(0, 1, 1, 0, 0, 0, 5e8, time.UTC), -(9*3600 + 30*60), "-09:30"},
	}
	for _, tt := range tests {
		got, err := entitytime.Parse(payload(tt.tzo, tt.utc))
		if err != nil {
			t.Errorf("tzo %q utc %q: %v", tt.tzo, tt.utc, err)
			continue
		}
		name, off := got.Zone()
		if !got.Equal(tt.want) || off != tt.offset || name != tt.name {
			t.Errorf("tzo %q utc %q: %v (zone %q %d), want %v at offset %d named %q", tt.tzo, tt.utc, got, name, off, tt.want, tt.offset, tt.name)
		}
	}
}

func TestParseXEPExample(t *testing.T) {
	e, err := stanza.ParseElement(`<time xmlns='urn:xmpp:time'>
    <tzo>-06:00</tzo>
    <utc>2006-12-19T17:58:35Z</utc>
  </time>`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := entitytime.Parse(e)
	if err != nil {
		t.Fatal(err)
	}
	if s := got.Format(time.RFC3339); s != "2006-12-19T11:58:35-06:00" {
		t.Errorf("local time %s", s)
	}
}

func TestParseBadValues(t *testing.T) {
	const goodUTC, goodTZO = "2006-12-19T17:58:35Z", "-06:00"
	for _, tzo := range []string{
		"", "z", "UTC", "+6:00", "-0600", "+06", "06:00", "+06:00:00", " -06:00", "-06:00 ",
		"+14:01", "+15:00", "-99:00", "+05:60", "+0a:00", "\u2212" + "06:00", "+06:00Z", "--6:00",
	} {
		if got, err := entitytime.Parse(payload(tzo, goodUTC)); !errors.Is(err, entitytime.ErrMalformed) || !got.IsZero() {
			t.Errorf("tzo %q: %v, %v; want ErrMalformed", tzo, got, err)
		}
	}
	for _, utc := range []string{
		"", "2006-12-19", "2006-12-19T17:58:35", "2006-12-19T17:58Z", "2006-12-19 17:58:35Z",
		"2006-12-19t17:58:35Z", "2006-12-19T17:58:35z", "06-12-19T17:58:35Z", "12006-12-19T17:58:35Z",
		"-2006-12-19T17:58:35Z", "2006-12-19T11:58:35-06:00", "2006-12-19T17:58:35+01:00",
		"2006-12-19T17:58:35.Z", "2006-12-19T17:58:35,5Z", "2006-12-19T17:58:35.5", "2006-12-19T17:58:35.5ZZ",
		"2006-13-19T17:58:35Z", "2006-00-19T17:58:35Z", "2006-12-00T17:58:35Z", "2006-02-30T17:58:35Z",
		"2023-02-29T00:00:00Z", "2006-12-19T24:00:00Z", "2006-12-19T17:60:35Z", "2006-12-19T17:58:60Z",
		" 2006-12-19T17:58:35Z", "2006-12-19T17:58:35Z ", "2006-12-19T17:58:35+00:0", "+006-12-19T17:58:35Z",
		"2006-12-19T17:58:35.-5Z", "2006-1a-19T17:58:35Z", "1136214245", "2006-12-19T17:58:35+0000",
	} {
		if got, err := entitytime.Parse(payload(goodTZO, utc)); !errors.Is(err, entitytime.ErrMalformed) || !got.IsZero() {
			t.Errorf("utc %q: %v, %v; want ErrMalformed", utc, got, err)
		}
	}
}

func TestParseBadStructure(t *testing.T) {
	for name, xml := range map[string]string{
		"empty":              `<time xmlns='urn:xmpp:time'/>`,
		"no tzo":             `<time xmlns='urn:xmpp:time'><utc>2006-12-19T17:58:35Z</utc></time>`,
		"no utc":             `<time xmlns='urn:xmpp:time'><tzo>Z</tzo></time>`,
		"two tzo":            `<time xmlns='urn:xmpp:time'><tzo>Z</tzo><tzo>Z</tzo><utc>2006-12-19T17:58:35Z</utc></time>`,
		"two utc":            `<time xmlns='urn:xmpp:time'><tzo>Z</tzo><utc>2006-12-19T17:58:35Z</utc><utc>2006-12-19T17:58:35Z</utc></time>`,
		"unknown child":      `<time xmlns='urn:xmpp:time'><tzo>Z</tzo><utc>2006-12-19T17:58:35Z</utc><tz>CET</tz></time>`,
		"element content":    `<time xmlns='urn:xmpp:time'><tzo><b>Z</b></tzo><utc>2006-12-19T17:58:35Z</utc></time>`,
		"wrong namespace":    `<time xmlns='jabber:iq:time'><tzo>Z</tzo><utc>2006-12-19T17:58:35Z</utc></time>`,
		"wrong name":         `<query xmlns='urn:xmpp:time'><tzo>Z</tzo><utc>2006-12-19T17:58:35Z</utc></query>`,
		"children elsewhere": `<time xmlns='urn:xmpp:time'><tzo xmlns='urn:x'>Z</tzo><utc xmlns='urn:x'>2006-12-19T17:58:35Z</utc></time>`,
		"legacy xep-0090":    `<query xmlns='jabber:iq:time'><utc>20020910T17:58:35</utc><tz>MDT</tz></query>`,
	} {
		e, err := stanza.ParseElement(xml)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := entitytime.Parse(e); !errors.Is(err, entitytime.ErrMalformed) || !got.IsZero() {
			t.Errorf("%s: %v, %v; want ErrMalformed", name, got, err)
		}
	}
	if _, err := entitytime.Parse(nil); !errors.Is(err, entitytime.ErrMalformed) {
		t.Errorf("Parse(nil) = %v", err)
	}
}

// Children in other namespaces are extensions, not errors.
func TestParseIgnoresForeignChildren(t *testing.T) {
	e := payload("+01:00", "2006-12-19T17:58:35Z").AddChild(stanza.NewElement("urn:example", "tz").AddText("Europe/Paris"))
	if _, err := entitytime.Parse(e); err != nil {
		t.Fatal(err)
	}
}

func TestElement(t *testing.T) {
	tests := []struct {
		t        time.Time
		tzo, utc string
	}{
		{time.Date(2006, 12, 19, 11, 58, 35, 0, time.FixedZone("CST", -6*3600)), "-06:00", "2006-12-19T17:58:35.000Z"},
		{time.Date(2006, 12, 19, 17, 58, 35, 120e6, time.UTC), "+00:00", "2006-12-19T17:58:35.120Z"},
		// Milliseconds are written, finer precision truncated.
		{time.Date(2006, 12, 19, 23, 43, 35, 1, time.FixedZone("", 5*3600+45*60)), "+05:45", "2006-12-19T17:58:35.000Z"},
		{time.Date(2006, 12, 19, 17, 58, 35, 999999999, time.UTC), "+00:00", "2006-12-19T17:58:35.999Z"},
		// Not whole minutes (local mean time of old zones): truncated.
		{time.Date(1850, 1, 1, 0, 0, 0, 0, time.FixedZone("LMT", -(4*3600+56*60+2))), "-04:56", "1850-01-01T04:56:02.000Z"},
		// Beyond any real zone: sent as UTC.
		{time.Date(2006, 12, 20, 13, 58, 35, 0, time.FixedZone("", 20*3600)), "+00:00", "2006-12-19T17:58:35.000Z"},
	}
	for _, tt := range tests {
		e := entitytime.Element(tt.t)
		if tzo, utc := e.ChildText(entitytime.NS, "tzo"), e.ChildText(entitytime.NS, "utc"); tzo != tt.tzo || utc != tt.utc {
			t.Errorf("Element(%v): tzo %q utc %q, want %q %q", tt.t, tzo, utc, tt.tzo, tt.utc)
		}
		got, err := entitytime.Parse(e)
		if err != nil || !got.Equal(tt.t.Truncate(time.Millisecond)) {
			t.Errorf("Element(%v) decodes to %v, %v", tt.t, got, err)
		}
	}
}
