package delay

import (
	"errors"
	"fmt"
	"time"
)

// stampLayout writes XEP-0082 DateTime stamps in UTC with as many
// fractional digits as needed.
const stampLayout = "2006-01-02T15:04:05.999999999Z"

// maxOffset is the largest time zone offset parseStamp accepts, 14 hours
// (Pacific/Kiritimati), in seconds.
const maxOffset = 14 * 60 * 60

var errDateTime = errors.New("not an XEP-0082 DateTime")

// formatStamp writes t as an XEP-0082 DateTime in UTC.
func formatStamp(t time.Time) string { return t.UTC().Format(stampLayout) }

// parseStamp parses an XEP-0082 DateTime, CCYY-MM-DDThh:mm:ss[.s+]TZD
// with TZD Z or ±hh:mm, and returns it in UTC. time.RFC3339 is not used:
// Go accepts a comma before the fraction and offsets up to 24 hours.
func parseStamp(s string) (time.Time, error) {
	const layout = "CCYY-MM-DDThh:mm:ss"
	if len(s) < len(layout)+1 {
		return time.Time{}, fmt.Errorf("%q: %w", s, errDateTime)
	}
	var f [6]int // year, month, day, hour, minute, second
	for i, p := range [6]struct{ at, n int }{{0, 4}, {5, 2}, {8, 2}, {11, 2}, {14, 2}, {17, 2}} {
		v, ok := digits(s[p.at : p.at+p.n])
		if !ok {
			return time.Time{}, fmt.Errorf("%q: %w", s, errDateTime)
		}
		f[i] = v
	}
	if s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, fmt.Errorf("%q: %w", s, errDateTime)
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
			return time.Time{}, fmt.Errorf("%q: %w", s, errDateTime)
		}
		for i := n; i <= 9; i++ {
			nsec *= 10
		}
		rest = rest[n:]
	}
	off, err := parseTZD(rest)
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

// parseTZD parses a time zone definition, "Z" or ±hh:mm with at most 14
// hours, into an offset east of UTC in seconds.
func parseTZD(s string) (int, error) {
	if s == "Z" {
		return 0, nil
	}
	if len(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' {
		return 0, errDateTime
	}
	h, okH := digits(s[1:3])
	m, okM := digits(s[4:6])
	if !okH || !okM || m > 59 || (h*60+m)*60 > maxOffset {
		return 0, errors.New("time zone offset out of range")
	}
	off := (h*60 + m) * 60
	if s[0] == '-' {
		off = -off
	}
	return off, nil
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
