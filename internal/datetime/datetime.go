package datetime

import (
	"errors"
	"fmt"
	"time"
)

// ErrMalformed is wrapped by every error of the parsers: the value is not
// of the profile asked for.
var ErrMalformed = errors.New("datetime: malformed XEP-0082 value")

// MaxOffset is the largest time zone offset a TZD may give, 14 hours
// (Pacific/Kiritimati; the bound of XML Schema), in seconds.
const MaxOffset = 14 * 60 * 60

// Error is the error of a parser: Value is not of Profile ("DateTime",
// "TZD"), for Reason. It wraps ErrMalformed.
type Error struct {
	Profile string
	Value   string
	Reason  string
}

// Error returns the reason with at most 64 characters of the value,
// quoted.
func (e *Error) Error() string {
	return fmt.Sprintf("datetime: %.64q is not an XEP-0082 %s: %s", e.Value, e.Profile, e.Reason)
}

// Unwrap returns ErrMalformed.
func (e *Error) Unwrap() error { return ErrMalformed }

// The reasons of an Error.
const (
	reasonSyntax      = "not CCYY-MM-DDThh:mm:ss[.sss]TZD"
	reasonFraction    = "no digit after the decimal point"
	reasonNoTZD       = "no time zone"
	reasonTZD         = "time zone not Z or ±hh:mm"
	reasonOffset      = "time zone offset beyond ±14:00"
	reasonMonth       = "month out of range"
	reasonDay         = "day out of range"
	reasonHour        = "hour out of range"
	reasonMinute      = "minute out of range"
	reasonSecond      = "second out of range"
	reasonYearInUTC   = "year out of 0000-9999 in UTC"
	profileDateTime   = "DateTime"
	profileTZD        = "TZD"
	dateTimeNoZoneLen = len("CCYY-MM-DDThh:mm:ss")
)

// ParseDateTime parses an XEP-0082 DateTime, CCYY-MM-DDThh:mm:ss[.sss]TZD,
// and returns the instant in UTC. The fraction may have any number of
// digits, of which the first nine (nanoseconds) are kept. TZD is 'Z' or
// ±hh:mm, at most 14:00. Fields are range-checked (no February 30th, no
// leap second, no 24:00:00), and the year, once converted to UTC, must be
// between 0000 and 9999. A comma before the fraction, lower-case 't' or
// 'z', fields of other widths, surrounding white space and a missing TZD
// are errors. Errors are *Error values wrapping ErrMalformed.
func ParseDateTime(s string) (time.Time, error) { return parseDateTime(s, false) }

// ParseDateTimeLenient is ParseDateTime for the xs:dateTime values of
// XEP-0004 data forms (XEP-0122 validation), where XML Schema makes the
// time zone optional: a value without TZD is taken as UTC. That is its
// only difference from ParseDateTime; use it nowhere else, since XEP-0082
// requires the TZD. White space is not trimmed: XML Schema's whitespace
// facet is the caller's business.
func ParseDateTimeLenient(s string) (time.Time, error) { return parseDateTime(s, true) }

func parseDateTime(s string, lenient bool) (time.Time, error) {
	bad := func(reason string) (time.Time, error) {
		return time.Time{}, &Error{Profile: profileDateTime, Value: s, Reason: reason}
	}
	if len(s) < dateTimeNoZoneLen {
		return bad(reasonSyntax)
	}
	if s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return bad(reasonSyntax)
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[5:7])
	day, ok3 := digits(s[8:10])
	hour, ok4 := digits(s[11:13])
	minute, ok5 := digits(s[14:16])
	sec, ok6 := digits(s[17:19])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 {
		return bad(reasonSyntax)
	}
	rest := s[dateTimeNoZoneLen:]
	nsec := 0
	if rest != "" && rest[0] == '.' {
		n := 1 // rest[:n] is the fraction read so far, period included
		for n < len(rest) && '0' <= rest[n] && rest[n] <= '9' {
			if n <= 9 {
				nsec = nsec*10 + int(rest[n]-'0')
			}
			n++
		}
		if n == 1 {
			return bad(reasonFraction)
		}
		for i := n; i <= 9; i++ {
			nsec *= 10
		}
		rest = rest[n:]
	}
	off := 0
	switch {
	case rest == "" && lenient:
	case rest == "":
		return bad(reasonNoTZD)
	default:
		var reason string
		if off, reason = parseTZD(rest); reason != "" {
			return bad(reason)
		}
	}
	switch {
	case month < 1 || month > 12:
		return bad(reasonMonth)
	case day < 1 || day > daysIn(time.Month(month), year):
		return bad(reasonDay)
	case hour > 23:
		return bad(reasonHour)
	case minute > 59:
		return bad(reasonMinute)
	case sec > 59:
		return bad(reasonSecond)
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC).Add(-time.Duration(off) * time.Second)
	if y := t.Year(); y < 0 || y > 9999 {
		return bad(reasonYearInUTC)
	}
	return t, nil
}

// daysIn returns the number of days of month in year, in the proleptic
// Gregorian calendar that XEP-0082 (ISO 8601) uses.
func daysIn(month time.Month, year int) int {
	switch month {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// ParseTZD parses an XEP-0082 time zone definition, 'Z' or ±hh:mm of at
// most 14:00 (minutes at most 59), as XEP-0202's <tzo/> carries it, and
// returns the offset east of UTC in seconds. "-00:00" is UTC. Errors are
// *Error values wrapping ErrMalformed.
func ParseTZD(s string) (int, error) {
	off, reason := parseTZD(s)
	if reason != "" {
		return 0, &Error{Profile: profileTZD, Value: s, Reason: reason}
	}
	return off, nil
}

// parseTZD is ParseTZD with the reason of a failure instead of an error.
func parseTZD(s string) (int, string) {
	if s == "Z" {
		return 0, ""
	}
	if len(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' {
		return 0, reasonTZD
	}
	h, okH := digits(s[1:3])
	m, okM := digits(s[4:6])
	if !okH || !okM {
		return 0, reasonTZD
	}
	if m > 59 || (h*60+m)*60 > MaxOffset {
		return 0, reasonOffset
	}
	off := (h*60 + m) * 60
	if s[0] == '-' {
		off = -off
	}
	return off, ""
}

// digits parses s, made of ASCII digits only, as a decimal number.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// dateTimeLayout is the layout of FormatDateTime: the 'Z' is literal,
// since the time is in UTC.
const dateTimeLayout = "2006-01-02T15:04:05.000Z"

// FormatDateTime writes t as an XEP-0082 DateTime in UTC with exactly
// three fractional digits, milliseconds, finer precision truncated:
// "2026-12-05T17:03:04.120Z". Three digits, not as many as t needs,
// because some peers fail on more than six (see the package
// documentation). t's year in UTC must be between 0000 and 9999: outside,
// the result is not a DateTime and ParseDateTime refuses it.
func FormatDateTime(t time.Time) string {
	var b [len(dateTimeLayout) + 8]byte
	return string(t.UTC().AppendFormat(b[:0], dateTimeLayout))
}

// FormatTZD writes an offset east of UTC in seconds as an XEP-0082 TZD,
// ±hh:mm, as XEP-0202's <tzo/> carries it ("+00:00" for UTC, never 'Z').
// Seconds are dropped, toward zero. The offset must be within
// ±MaxOffset: beyond, the result is not a TZD and ParseTZD refuses it.
func FormatTZD(offset int) string {
	sign := byte('+')
	if offset < 0 {
		sign, offset = '-', -offset
	}
	h, m := offset/3600, offset/60%60
	return string([]byte{sign, byte('0' + h/10%10), byte('0' + h%10), ':', byte('0' + m/10), byte('0' + m%10)})
}
