package datetime_test

// This file keeps, verbatim but for their names, the four XEP-0082
// timestamp parsers the module had before this package, so that the
// differential fuzz targets below can prove that the one parser that
// replaced them accepts what they accepted, with the same instant, except
// for the differences the package documentation explains. Each such
// difference is a class, checked here by undoing it and comparing again:
// an input that differs for any other reason fails the test.
//
//	legacyDelayStamp     delay/stamp.go parseStamp (delay.Parse)
//	legacyEntityTimeUTC  entitytime/xep0082.go parseUTC (<utc/>)
//	legacyEntityTimeTZO  entitytime/xep0082.go parseTZO (<tzo/>)
//	legacyRFC3339        carbons/forward.go parseDelay, mam/result.go parseStamp
//	legacyFormDateTime   form/validation.go parseDateTime (xs:dateTime)

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/internal/datetime"
)

// ---- delay/stamp.go, before internal/datetime ----

const legacyMaxOffset = 14 * 60 * 60

var errLegacyDateTime = errors.New("not an XEP-0082 DateTime")

func legacyDelayStamp(s string) (time.Time, error) {
	const layout = "CCYY-MM-DDThh:mm:ss"
	if len(s) < len(layout)+1 {
		return time.Time{}, fmt.Errorf("%q: %w", s, errLegacyDateTime)
	}
	var f [6]int // year, month, day, hour, minute, second
	for i, p := range [6]struct{ at, n int }{{0, 4}, {5, 2}, {8, 2}, {11, 2}, {14, 2}, {17, 2}} {
		v, ok := legacyDigits(s[p.at : p.at+p.n])
		if !ok {
			return time.Time{}, fmt.Errorf("%q: %w", s, errLegacyDateTime)
		}
		f[i] = v
	}
	if s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, fmt.Errorf("%q: %w", s, errLegacyDateTime)
	}
	rest := s[len(layout):]
	nsec := 0
	if rest[0] == '.' {
		n := 1
		for n < len(rest) && '0' <= rest[n] && rest[n] <= '9' {
			if n <= 9 {
				nsec = nsec*10 + int(rest[n]-'0')
			}
			n++
		}
		if n == 1 {
			return time.Time{}, fmt.Errorf("%q: %w", s, errLegacyDateTime)
		}
		for i := n; i <= 9; i++ {
			nsec *= 10
		}
		rest = rest[n:]
	}
	off, err := legacyDelayTZD(rest)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: %w", s, err)
	}
	year, month, day, hour, minute, sec := f[0], f[1], f[2], f[3], f[4], f[5]
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59 || t.Day() != day {
		return time.Time{}, fmt.Errorf("%q: a field is out of range", s)
	}
	t = t.Add(-time.Duration(off) * time.Second)
	if y := t.Year(); y < 0 || y > 9999 {
		return time.Time{}, fmt.Errorf("%q: out of range in UTC", s)
	}
	return t, nil
}

func legacyDelayTZD(s string) (int, error) {
	if s == "Z" {
		return 0, nil
	}
	if len(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' {
		return 0, errLegacyDateTime
	}
	h, okH := legacyDigits(s[1:3])
	m, okM := legacyDigits(s[4:6])
	if !okH || !okM || m > 59 || (h*60+m)*60 > legacyMaxOffset {
		return 0, errors.New("time zone offset out of range")
	}
	off := (h*60 + m) * 60
	if s[0] == '-' {
		off = -off
	}
	return off, nil
}

func legacyDigits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// ---- entitytime/xep0082.go, before internal/datetime ----

func legacyEntityTimeTZO(s string) (int, error) {
	if s == "Z" {
		return 0, nil
	}
	if len(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' {
		return 0, fmt.Errorf("%q is not Z or ±hh:mm", s)
	}
	h, okH := legacyDigits(s[1:3])
	m, okM := legacyDigits(s[4:6])
	if !okH || !okM {
		return 0, fmt.Errorf("%q is not Z or ±hh:mm", s)
	}
	if m > 59 || h*60+m > legacyMaxOffset/60 {
		return 0, fmt.Errorf("offset %q is out of range", s)
	}
	off := (h*60 + m) * 60
	if s[0] == '-' {
		off = -off
	}
	return off, nil
}

func legacyEntityTimeUTC(s string) (time.Time, error) {
	const layout = "CCYY-MM-DDThh:mm:ss"
	bad := func() (time.Time, error) {
		return time.Time{}, fmt.Errorf("%q is not an XEP-0082 DateTime", s)
	}
	if len(s) < len(layout)+1 {
		return bad()
	}
	var f [6]int // year, month, day, hour, minute, second
	for i, p := range [6]struct{ at, n int }{{0, 4}, {5, 2}, {8, 2}, {11, 2}, {14, 2}, {17, 2}} {
		v, ok := legacyDigits(s[p.at : p.at+p.n])
		if !ok {
			return bad()
		}
		f[i] = v
	}
	if s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return bad()
	}
	rest := s[len(layout):]
	nsec := 0
	if rest[0] == '.' {
		n := 1
		for n < len(rest) && '0' <= rest[n] && rest[n] <= '9' {
			if n <= 9 {
				nsec = nsec*10 + int(rest[n]-'0')
			}
			n++
		}
		if n == 1 {
			return bad()
		}
		for i := n; i <= 9; i++ {
			nsec *= 10
		}
		rest = rest[n:]
	}
	switch rest {
	case "Z", "+00:00", "-00:00":
	case "":
		return bad()
	default:
		if _, err := legacyEntityTimeTZO(rest); err != nil {
			return bad()
		}
		return time.Time{}, fmt.Errorf("%q is not in UTC", s)
	}
	year, month, day, hour, minute, sec := f[0], f[1], f[2], f[3], f[4], f[5]
	outOfRange := month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if outOfRange || t.Day() != day { // t.Day catches February 30th and the like
		return time.Time{}, fmt.Errorf("%q has a field out of range", s)
	}
	return t, nil
}

// ---- carbons/forward.go parseDelay and mam/result.go parseStamp, the
// stamp part, before internal/datetime (the two were the same) ----

func legacyRFC3339(raw string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, raw)
	if err != nil {
		return time.Time{}, err
	}
	if y := t.UTC().Year(); y < 0 || y > 9999 {
		return time.Time{}, fmt.Errorf("stamp %q out of range", raw)
	}
	return t, nil
}

// ---- form/validation.go parseDateTime, before internal/datetime ----

func legacyFormDateTime(s string) (time.Time, bool) {
	s = strings.Trim(s, " \t\r\n")
	for _, layout := range [...]string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// newFormDateTime is what form does now.
func newFormDateTime(s string) (time.Time, error) {
	return datetime.ParseDateTimeLenient(strings.Trim(s, " \t\r\n"))
}

// ---- the explained differences ----

// The classes of differences with Go's time.Parse(time.RFC3339Nano, …)
// that the package documentation explains.
const (
	classComma     = "comma before the fraction"
	classShortHour = "one-digit hour"
	classOffset    = "offset beyond ±14:00 or with 60 minutes"
	classYearUTC   = "year out of 0000-9999 in UTC" // only form did not check it
)

// explainRFC3339 explains why the new parser (ParseDateTime, or the
// lenient one) refuses s, a value that Go's RFC 3339 parser read as old.
// It undoes each explained quirk of s and checks that the new parser
// then reads the same instant; it returns the classes found, or an error
// if the difference is not explained.
func explainRFC3339(s string, old time.Time, lenient bool) ([]string, error) {
	var classes []string
	r := s
	// "2006-01-02T1:04:05": Go reads the hour with one or two digits.
	if len(r) > 12 && r[12] == ':' && r[10] == 'T' {
		r = r[:11] + "0" + r[11:]
		classes = append(classes, classShortHour)
	}
	if len(r) > 19 && r[19] == ',' {
		r = r[:19] + "." + r[20:]
		classes = append(classes, classComma)
	}
	parse := datetime.ParseDateTime
	if lenient {
		parse = datetime.ParseDateTimeLenient
	}
	// An offset that XEP-0082 refuses: read the rest with Z, then shift
	// as Go did.
	if n := len(r); n >= 6 && (r[n-6] == '+' || r[n-6] == '-') && r[n-3] == ':' {
		h, okH := legacyDigits(r[n-5 : n-3])
		m, okM := legacyDigits(r[n-2:])
		if okH && okM && (m > 59 || (h*60+m)*60 > datetime.MaxOffset) {
			classes = append(classes, classOffset)
			off := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute
			if r[n-6] == '-' {
				off = -off
			}
			local, err := parse(r[:n-6] + "Z")
			if err != nil {
				// The local time may itself be beyond 9999 or before 0 in UTC once shifted: only in form.
				if lenient && (old.UTC().Year() < 0 || old.UTC().Year() > 9999) {
					return append(classes, classYearUTC), nil
				}
				return classes, fmt.Errorf("with Z instead of the offset: %w", err)
			}
			if !local.Add(-off).Equal(old) {
				return classes, fmt.Errorf("with Z instead of the offset: %v, shifted %v, not %v", local, local.Add(-off), old)
			}
			if y := old.UTC().Year(); y < 0 || y > 9999 {
				classes = append(classes, classYearUTC)
			}
			return classes, nil
		}
	}
	got, err := parse(r)
	if err != nil {
		if lenient && (old.UTC().Year() < 0 || old.UTC().Year() > 9999) {
			return append(classes, classYearUTC), nil
		}
		return classes, fmt.Errorf("repaired as %q: %w", r, err)
	}
	if !got.Equal(old) {
		return classes, fmt.Errorf("repaired as %q: %v, not %v", r, got, old)
	}
	if len(classes) == 0 {
		return nil, errors.New("no explained difference")
	}
	return classes, nil
}

// legacySeeds are the inputs of the differential targets: the table
// tests, what the old parsers' tests fed them, and each quirk.
func legacySeeds() []string {
	var out []string
	for _, tc := range good {
		out = append(out, tc.in)
	}
	for _, tc := range bad {
		out = append(out, tc.in)
	}
	return append(out,
		"2006-01-02T1:04:05Z", "2006-01-02T15:04:05,5Z", "2006-01-02T15:04:05+23:59", "2006-01-02T15:04:05+24:00",
		"2006-01-02T15:04:05+01:60", "2006-01-02T1:04:05,123456+20:00", "9999-12-31T23:59:59-14:01",
		"2003-10-06T11:22:00", "2003-10-06T11:22:00.123", " 2003-10-06T11:22:00Z\n", "2003-10-06T1:22:00,5",
		"2024-02-29T12:00:00.123456+01:00", "0000-01-01T00:00:00+00:01", "9999-12-31T23:59:59-01:00",
		"2003-10-05T00:00:00-07:00", "2003-10-24T23:59:59-07:00", "+14:00", "-14:00", "+05:45", "Z",
	)
}

// FuzzLegacyDelay: the old delay parser was already XEP-0082's; the new
// one must agree with it exactly.
func FuzzLegacyDelay(f *testing.F) {
	for _, s := range legacySeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		old, oerr := legacyDelayStamp(s)
		got, err := datetime.ParseDateTime(s)
		if (oerr == nil) != (err == nil) || !got.Equal(old) {
			t.Fatalf("%q: old delay parser %v, %v; ParseDateTime %v, %v", s, old, oerr, got, err)
		}
	})
}

// FuzzLegacyEntityTime: the old <utc/> parser accepted XEP-0082 DateTimes
// in UTC only. entitytime keeps that rule on top of ParseDateTime, so the
// one explained difference is a TZD other than Z, +00:00 and -00:00. The
// old <tzo/> parser must agree with ParseTZD exactly.
func FuzzLegacyEntityTime(f *testing.F) {
	for _, s := range legacySeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		old, oerr := legacyEntityTimeUTC(s)
		got, err := datetime.ParseDateTime(s)
		switch {
		case oerr == nil && (err != nil || !got.Equal(old)):
			t.Fatalf("%q: old <utc/> parser %v; ParseDateTime %v, %v", s, old, got, err)
		case oerr != nil && err == nil:
			inUTC := strings.HasSuffix(s, "Z") || strings.HasSuffix(s, "+00:00") || strings.HasSuffix(s, "-00:00")
			if inUTC {
				t.Fatalf("%q: old <utc/> parser %v; ParseDateTime %v, and the TZD is UTC", s, oerr, got)
			}
		}
		oldOff, oerr := legacyEntityTimeTZO(s)
		off, err := datetime.ParseTZD(s)
		if (oerr == nil) != (err == nil) || off != oldOff {
			t.Fatalf("%q: old <tzo/> parser %d, %v; ParseTZD %d, %v", s, oldOff, oerr, off, err)
		}
	})
}

// FuzzLegacyRFC3339: carbons and mam read stamps with Go's RFC 3339
// parser. Where both accept, the instant must be the same; the new parser
// must accept nothing Go refused; and what Go alone accepted must be one
// of the explained classes.
func FuzzLegacyRFC3339(f *testing.F) {
	for _, s := range legacySeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		old, oerr := legacyRFC3339(s)
		got, err := datetime.ParseDateTime(s)
		switch {
		case oerr == nil && err == nil:
			if !got.Equal(old) {
				t.Fatalf("%q: RFC 3339 %v; ParseDateTime %v", s, old, got)
			}
		case oerr != nil && err == nil:
			t.Fatalf("%q: RFC 3339 refused it (%v); ParseDateTime %v", s, oerr, got)
		case oerr == nil && err != nil:
			if _, why := explainRFC3339(s, old, false); why != nil {
				t.Fatalf("%q: RFC 3339 %v; ParseDateTime %v; unexplained: %v", s, old, err, why)
			}
		}
	})
}

// FuzzLegacyForm: form read xs:dateTime with Go's RFC 3339 parser or, for
// a value without zone, the same layout without Z07:00, after trimming
// XML white space. The new path is the lenient parser after the same
// trim. The explained classes are those of RFC 3339, and the year in UTC,
// which form alone did not check.
func FuzzLegacyForm(f *testing.F) {
	for _, s := range legacySeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		old, ok := legacyFormDateTime(s)
		got, err := newFormDateTime(s)
		switch {
		case ok && err == nil:
			if !got.Equal(old) {
				t.Fatalf("%q: old form %v; new %v", s, old, got)
			}
		case !ok && err == nil:
			t.Fatalf("%q: old form refused it; new %v", s, got)
		case ok && err != nil:
			if _, why := explainRFC3339(strings.Trim(s, " \t\r\n"), old, true); why != nil {
				t.Fatalf("%q: old form %v; new %v; unexplained: %v", s, old, err, why)
			}
		}
	})
}

// TestLegacyExplained pins one input of each explained class, and checks
// that an unexplained difference is caught.
func TestLegacyExplained(t *testing.T) {
	for _, tc := range []struct {
		in      string
		lenient bool
		classes string
	}{
		{"2006-01-02T15:04:05,5Z", false, classComma},
		{"2006-01-02T1:04:05Z", false, classShortHour},
		{"2006-01-02T15:04:05+23:59", false, classOffset},
		{"2006-01-02T15:04:05+24:00", false, classOffset},
		{"2006-01-02T15:04:05-01:60", false, classOffset},
		{"2006-01-02T1:04:05,25+20:00", false, classShortHour + "," + classComma + "," + classOffset},
		{"2006-01-02T1:04:05,25", true, classShortHour + "," + classComma},
		{"0000-01-01T00:00:00+01:00", true, classYearUTC},
		{"9999-12-31T23:59:59-01:00", true, classYearUTC},
		{"9999-12-31T23:59:59-20:00", true, classOffset + "," + classYearUTC},
	} {
		var old time.Time
		var ok bool
		if tc.lenient {
			old, ok = legacyFormDateTime(tc.in)
		} else {
			var err error
			old, err = legacyRFC3339(tc.in)
			ok = err == nil
		}
		if !ok {
			t.Errorf("%q: the old parser refuses it", tc.in)
			continue
		}
		parse := datetime.ParseDateTime
		if tc.lenient {
			parse = datetime.ParseDateTimeLenient
		}
		if got, err := parse(tc.in); err == nil {
			t.Errorf("%q: the new parser accepts it: %v", tc.in, got)
		}
		classes, err := explainRFC3339(tc.in, old, tc.lenient)
		if got := strings.Join(classes, ","); err != nil || got != tc.classes {
			t.Errorf("%q: classes %q, %v; want %q", tc.in, got, err, tc.classes)
		}
	}
	// A difference of another kind is not explained: pretend Go read a
	// stamp with a comma as another instant.
	s := "2006-01-02T15:04:05,5Z"
	if _, err := explainRFC3339(s, time.Date(2006, 1, 2, 15, 4, 5, 0, time.UTC), false); err == nil {
		t.Errorf("%q read as the wrong instant is explained", s)
	}
	if _, err := explainRFC3339("2006-01-02T15:04:05Z", time.Date(2006, 1, 2, 15, 4, 5, 0, time.UTC), false); err == nil {
		t.Error("a value both parsers read the same is explained as a difference")
	}
}
