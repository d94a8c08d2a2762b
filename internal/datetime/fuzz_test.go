package datetime_test

import (
	"errors"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/internal/datetime"
)

// FuzzParseDateTime checks that the parsers never panic, that what
// ParseDateTime accepts is in UTC and in range, that FormatDateTime writes
// it as a DateTime of 24 bytes that parses to the same instant truncated
// to milliseconds, that the lenient parser differs only by a missing TZD,
// and that a TZD that parses is written back the same.
func FuzzParseDateTime(f *testing.F) {
	for _, tc := range good {
		f.Add(tc.in)
	}
	for _, tc := range bad {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := datetime.ParseDateTime(s)
		lenient, lerr := datetime.ParseDateTimeLenient(s)
		if err != nil {
			if !errors.Is(err, datetime.ErrMalformed) || !got.IsZero() {
				t.Fatalf("ParseDateTime(%q) = %v, %v", s, got, err)
			}
			var e *datetime.Error
			if errors.As(err, &e) && e.Reason == "no time zone" {
				// The lenient parser reads it as UTC.
				want, err := datetime.ParseDateTime(s + "Z")
				if (lerr == nil) != (err == nil) || !lenient.Equal(want) {
					t.Fatalf("ParseDateTimeLenient(%q) = %v, %v; ParseDateTime with Z: %v, %v", s, lenient, lerr, want, err)
				}
			} else if lerr == nil {
				t.Fatalf("ParseDateTimeLenient(%q) = %v, but ParseDateTime: %v", s, lenient, err)
			}
		} else {
			if lerr != nil || !lenient.Equal(got) {
				t.Fatalf("ParseDateTime(%q) = %v, ParseDateTimeLenient: %v, %v", s, got, lenient, lerr)
			}
			if got.Location() != time.UTC || got.Year() < 0 || got.Year() > 9999 {
				t.Fatalf("ParseDateTime(%q) = %v: not in UTC or out of range", s, got)
			}
			out := datetime.FormatDateTime(got)
			back, err := datetime.ParseDateTime(out)
			if err != nil || len(out) != 24 || !back.Equal(got.Truncate(time.Millisecond)) {
				t.Fatalf("ParseDateTime(%q) = %v, written %q, read back %v, %v", s, got, out, back, err)
			}
			if again := datetime.FormatDateTime(back); again != out {
				t.Fatalf("%q written again as %q", out, again)
			}
		}
		if off, err := datetime.ParseTZD(s); err == nil {
			if off < -datetime.MaxOffset || off > datetime.MaxOffset || off%60 != 0 {
				t.Fatalf("ParseTZD(%q) = %d", s, off)
			}
			if back, err := datetime.ParseTZD(datetime.FormatTZD(off)); err != nil || back != off {
				t.Fatalf("ParseTZD(%q) = %d, written %q, read back %d, %v", s, off, datetime.FormatTZD(off), back, err)
			}
		} else if !errors.Is(err, datetime.ErrMalformed) {
			t.Fatalf("ParseTZD(%q): %v", s, err)
		}
	})
}
