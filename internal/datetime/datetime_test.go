package datetime_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/internal/datetime"
)

func utc(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
	return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
}

// good are DateTimes ParseDateTime accepts, with the instant they give.
var good = []struct {
	in   string
	want time.Time
}{
	// The examples of XEP-0082 and of the XEPs that use it.
	{"1969-07-21T02:56:15Z", utc(1969, 7, 21, 2, 56, 15, 0)},
	{"1969-07-20T21:56:15-05:00", utc(1969, 7, 21, 2, 56, 15, 0)},
	{"2002-09-10T23:08:25Z", utc(2002, 9, 10, 23, 8, 25, 0)},
	{"2006-12-19T17:58:35Z", utc(2006, 12, 19, 17, 58, 35, 0)},
	{"2010-07-10T23:08:25Z", utc(2010, 7, 10, 23, 8, 25, 0)},
	// What the servers send: Prosody to the second, ejabberd to the
	// microsecond.
	{"2026-12-05T17:11:25Z", utc(2026, 12, 5, 17, 11, 25, 0)},
	{"2026-12-05T17:11:28.557804Z", utc(2026, 12, 5, 17, 11, 28, 557804000)},
	// What the SDK writes.
	{"2026-12-05T17:03:04.120Z", utc(2026, 12, 5, 17, 3, 4, 120e6)},
	// Fractions of any length: nanoseconds kept, the rest ignored.
	{"2002-09-10T23:08:25.5Z", utc(2002, 9, 10, 23, 8, 25, 5e8)},
	{"2002-09-10T23:08:25.000000001Z", utc(2002, 9, 10, 23, 8, 25, 1)},
	{"2002-09-10T23:08:25.1234567891234+00:00", utc(2002, 9, 10, 23, 8, 25, 123456789)},
	{"2002-09-10T23:08:25.9999999999999Z", utc(2002, 9, 10, 23, 8, 25, 999999999)},
	// Offsets, converted to UTC, up to ±14:00.
	{"2024-02-29T00:30:00.5+01:00", utc(2024, 2, 28, 23, 30, 0, 5e8)},
	{"1999-12-31T23:00:00-14:00", utc(2000, 1, 1, 13, 0, 0, 0)},
	{"2000-01-01T13:59:00+14:00", utc(1999, 12, 31, 23, 59, 0, 0)},
	{"2002-09-10T23:08:25-00:00", utc(2002, 9, 10, 23, 8, 25, 0)},
	{"2002-09-10T23:08:25+05:45", utc(2002, 9, 10, 17, 23, 25, 0)},
	{"2002-09-10T23:08:25-09:30", utc(2002, 9, 11, 8, 38, 25, 0)},
	// Calendar edges.
	{"2024-02-29T00:00:00Z", utc(2024, 2, 29, 0, 0, 0, 0)},
	{"2000-02-29T00:00:00Z", utc(2000, 2, 29, 0, 0, 0, 0)},
	{"0000-01-01T00:00:00Z", utc(0, 1, 1, 0, 0, 0, 0)},
	{"0000-02-29T12:00:00Z", utc(0, 2, 29, 12, 0, 0, 0)}, // year 0 is a leap year
	{"0000-01-01T00:00:00-01:00", utc(0, 1, 1, 1, 0, 0, 0)},
	{"9999-12-31T23:59:59.999999999Z", utc(9999, 12, 31, 23, 59, 59, 999999999)},
	{"9999-12-31T23:59:59+01:00", utc(9999, 12, 31, 22, 59, 59, 0)},
}

// bad are strings ParseDateTime refuses, with the reason it must give.
var bad = []struct{ in, reason string }{
	{"", "not CCYY"},
	{"yesterday", "not CCYY"},
	{"2002-09-10", "not CCYY"},
	{"2002-09-10T23:08", "not CCYY"},
	{"2002-09-10T23:08:25", "no time zone"},
	{"2002-09-10T23:08:25.5", "no time zone"},
	{"2002-09-10 23:08:25Z", "not CCYY"},
	{"2002-09-10t23:08:25Z", "not CCYY"},
	{"2002-09-10T23:08:25z", "time zone not Z"},
	{"2002-09-10T23:08:25,5Z", "time zone not Z"},
	{"2002-09-10T23:08:25.Z", "no digit after"},
	{"2002-09-10T23:08:25.+01:00", "no digit after"},
	{"2002-09-10T23:08:25.5.5Z", "time zone not Z"},
	{"2002-09-10T23:08:25 Z", "time zone not Z"},
	{"2002-09-10T23:08:25ZZ", "time zone not Z"},
	{"2002-09-10T23:08:25+0100", "time zone not Z"},
	{"2002-09-10T23:08:25+01", "time zone not Z"},
	{"2002-09-10T23:08:25+1:00", "time zone not Z"},
	{"2002-09-10T23:08:25+01:0a", "time zone not Z"},
	{"2002-09-10T23:08:25\u221201:00", "time zone not Z"},
	{"2002-09-10T23:08:25+14:01", "beyond"},
	{"2002-09-10T23:08:25-15:00", "beyond"},
	{"2002-09-10T23:08:25+24:00", "beyond"},
	{"2002-09-10T23:08:25+01:60", "beyond"},
	{"2002-09-10T1:08:25Z", "not CCYY"},
	{"2002-9-10T23:08:25Z", "not CCYY"},
	{"02-09-10T23:08:25Z", "not CCYY"},
	{"12002-09-10T23:08:25Z", "not CCYY"},
	{"+002-09-10T23:08:25Z", "not CCYY"},
	{"-2002-09-10T23:08:25Z", "not CCYY"},
	{" 2002-09-10T23:08:25Z", "not CCYY"},
	{"2002-09-10T23:08:25Z ", "time zone not Z"},
	{"２002-09-10T23:08:25Z", "not CCYY"},
	{"2002-00-10T23:08:25Z", "month"},
	{"2002-13-10T23:08:25Z", "month"},
	{"2002-09-00T23:08:25Z", "day"},
	{"2002-09-31T23:08:25Z", "day"},
	{"2002-02-30T00:00:00Z", "day"},
	{"2023-02-29T00:00:00Z", "day"},
	{"1900-02-29T00:00:00Z", "day"},
	{"2002-09-10T24:00:00Z", "hour"},
	{"2002-09-10T23:60:00Z", "minute"},
	{"2002-09-10T23:59:60Z", "second"},
	{"0000-01-01T00:00:00+01:00", "year"},
	{"9999-12-31T23:00:00-02:00", "year"},
	{"1136214245", "not CCYY"},
}

func TestParseDateTime(t *testing.T) {
	for _, tc := range good {
		got, err := datetime.ParseDateTime(tc.in)
		if err != nil || !got.Equal(tc.want) || got.Location() != time.UTC {
			t.Errorf("ParseDateTime(%q) = %v, %v; want %v in UTC", tc.in, got, err, tc.want)
		}
	}
	for _, tc := range bad {
		got, err := datetime.ParseDateTime(tc.in)
		var e *datetime.Error
		if !errors.Is(err, datetime.ErrMalformed) || !errors.As(err, &e) || !got.IsZero() {
			t.Errorf("ParseDateTime(%q) = %v, %v; want ErrMalformed", tc.in, got, err)
			continue
		}
		if !strings.Contains(e.Reason, tc.reason) || e.Value != tc.in || e.Profile != "DateTime" {
			t.Errorf("ParseDateTime(%q): %+v; want the reason %q", tc.in, e, tc.reason)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	_, err := datetime.ParseDateTime("2002-02-30T00:00:00Z")
	if want := `datetime: "2002-02-30T00:00:00Z" is not an XEP-0082 DateTime: day out of range`; err == nil || err.Error() != want {
		t.Errorf("error %q; want %q", err, want)
	}
	// Values from the network can be long: the message quotes 64
	// characters at most.
	_, err = datetime.ParseDateTime(strings.Repeat("9", 1000))
	if err == nil || len(err.Error()) > 150 {
		t.Errorf("error %q", err)
	}
	_, err = datetime.ParseTZD("+15:00")
	if want := `datetime: "+15:00" is not an XEP-0082 TZD: time zone offset beyond ±14:00`; err == nil || err.Error() != want {
		t.Errorf("error %q; want %q", err, want)
	}
}

// TestParseDateTimeLenient checks that the lenient parser is the strict
// one but for a missing TZD.
func TestParseDateTimeLenient(t *testing.T) {
	for _, tc := range good {
		if got, err := datetime.ParseDateTimeLenient(tc.in); err != nil || !got.Equal(tc.want) || got.Location() != time.UTC {
			t.Errorf("ParseDateTimeLenient(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, tc := range bad {
		_, err := datetime.ParseDateTimeLenient(tc.in)
		if tc.reason == "no time zone" {
			if err != nil {
				t.Errorf("ParseDateTimeLenient(%q) = %v; want UTC", tc.in, err)
			}
			continue
		}
		if !errors.Is(err, datetime.ErrMalformed) {
			t.Errorf("ParseDateTimeLenient(%q) = %v; want ErrMalformed", tc.in, err)
		}
	}
	for in, want := range map[string]time.Time{
		"2003-10-06T11:22:00":          utc(2003, 10, 6, 11, 22, 0, 0),
		"2003-10-06T11:22:00.123":      utc(2003, 10, 6, 11, 22, 0, 123e6),
		"9999-12-31T23:59:59.99999999": utc(9999, 12, 31, 23, 59, 59, 999999990),
		"0000-01-01T00:00:00":          utc(0, 1, 1, 0, 0, 0, 0),
	} {
		if got, err := datetime.ParseDateTimeLenient(in); err != nil || !got.Equal(want) {
			t.Errorf("ParseDateTimeLenient(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

func TestFormatDateTime(t *testing.T) {
	for _, tc := range []struct {
		in   time.Time
		want string
	}{
		{utc(2026, 12, 5, 17, 3, 4, 120e6), "2026-12-05T17:03:04.120Z"},
		{utc(2002, 9, 10, 23, 8, 25, 0), "2002-09-10T23:08:25.000Z"},
		{utc(2002, 9, 10, 23, 8, 25, 1), "2002-09-10T23:08:25.000Z"},
		{utc(2002, 9, 10, 23, 8, 25, 999999999), "2002-09-10T23:08:25.999Z"}, // truncated, not rounded
		{utc(2026, 12, 5, 17, 11, 28, 557804000), "2026-12-05T17:11:28.557Z"},
		{time.Date(2024, 2, 29, 12, 0, 0, 120e6, time.FixedZone("CET", 3600)), "2024-02-29T11:00:00.120Z"},
		{time.Date(2000, 1, 1, 13, 0, 0, 0, time.FixedZone("", -14*3600)), "2000-01-02T03:00:00.000Z"},
		{utc(0, 1, 1, 0, 0, 0, 0), "0000-01-01T00:00:00.000Z"},
		{utc(9999, 12, 31, 23, 59, 59, 999999999), "9999-12-31T23:59:59.999Z"},
	} {
		got := datetime.FormatDateTime(tc.in)
		if got != tc.want {
			t.Errorf("FormatDateTime(%v) = %q; want %q", tc.in, got, tc.want)
		}
		back, err := datetime.ParseDateTime(got)
		if err != nil || !back.Equal(tc.in.Truncate(time.Millisecond)) {
			t.Errorf("ParseDateTime(%q) = %v, %v; want %v", got, back, err, tc.in.Truncate(time.Millisecond))
		}
	}
	// Truncation is toward the past before year 1 too, where Go's
	// durations since its zero time are negative.
	if got := datetime.FormatDateTime(utc(0, 6, 1, 0, 0, 0, 999999)); got != "0000-06-01T00:00:00.000Z" {
		t.Errorf("FormatDateTime in year 0 = %q", got)
	}
}

func TestTZD(t *testing.T) {
	for in, want := range map[string]int{
		"Z": 0, "+00:00": 0, "-00:00": 0, "+14:00": 14 * 3600, "-14:00": -14 * 3600,
		"+05:45": 5*3600 + 45*60, "-09:30": -(9*3600 + 30*60), "+13:59": 13*3600 + 59*60,
	} {
		got, err := datetime.ParseTZD(in)
		if err != nil || got != want {
			t.Errorf("ParseTZD(%q) = %d, %v; want %d", in, got, err, want)
		}
		if in == "Z" || in == "-00:00" {
			continue
		}
		if s := datetime.FormatTZD(want); s != in {
			t.Errorf("FormatTZD(%d) = %q; want %q", want, s, in)
		}
	}
	for _, in := range []string{
		"", "z", "UTC", "+6:00", "-0600", "+06", "06:00", "+06:00:00", " -06:00", "-06:00 ",
		"+14:01", "+15:00", "-99:00", "+05:60", "+0a:00", "\u221206:00", "+06:00Z", "--6:00", "ZZ",
	} {
		if got, err := datetime.ParseTZD(in); !errors.Is(err, datetime.ErrMalformed) || got != 0 {
			t.Errorf("ParseTZD(%q) = %d, %v; want ErrMalformed", in, got, err)
		}
	}
	// Seconds are dropped toward zero.
	if s := datetime.FormatTZD(-(4*3600 + 56*60 + 2)); s != "-04:56" {
		t.Errorf("FormatTZD of -04:56:02 = %q", s)
	}
}

func BenchmarkParseDateTime(b *testing.B) {
	for _, in := range []string{"2026-12-05T17:11:25Z", "2026-12-05T17:11:28.557804+01:00"} {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := datetime.ParseDateTime(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkFormatDateTime(b *testing.B) {
	t := time.Date(2026, 12, 5, 17, 11, 28, 557804000, time.FixedZone("CET", 3600))
	b.ReportAllocs()
	for b.Loop() {
		_ = datetime.FormatDateTime(t)
	}
}
