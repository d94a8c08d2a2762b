package entitytime

import (
	"fmt"
	"time"
)

// parseTZO parses an XEP-0082 time zone definition, "Z" or ±hh:mm with hh
// up to 14 (and 14:00 at most), into an offset east of UTC in seconds.
func parseTZO(s string) (int, error) {
	if s == "Z" {
		return 0, nil
	}
	if len(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' {
		return 0, fmt.Errorf("%q is not Z or ±hh:mm", s)
	}
	h, okH := digits(s[1:3])
	m, okM := digits(s[4:6])
	if !okH || !okM {
		return 0, fmt.Errorf("%q is not Z or ±hh:mm", s)
	}
	if m > 59 || h*60+m > maxOffset/60 {
		return 0, fmt.Errorf("offset %q is out of range", s)
	}
	off := (h*60 + m) * 60
	if s[0] == '-' {
		off = -off
	}
	return off, nil
}

// parseUTC parses an XEP-0082 DateTime, CCYY-MM-DDThh:mm:ss[.sss]TZD,
// whose TZD says UTC ("Z", "+00:00" or "-00:00").
func parseUTC(s string) (time.Time, error) {
	const layout = "CCYY-MM-DDThh:mm:ss"
	bad := func() (time.Time, error) {
		return time.Time{}, fmt.Errorf("%q is not an XEP-0082 DateTime", s)
	}
	if len(s) < len(layout)+1 {
		return bad()
	}
	var f [6]int // year, month, day, hour, minute, second
	for i, p := range [6]struct{ at, n int }{{0, 4}, {5, 2}, {8, 2}, {11, 2}, {14, 2}, {17, 2}} {
		v, ok := digits(s[p.at : p.at+p.n])
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
		if _, err := parseTZO(rest); err != nil {
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
