package jid

import "strings"

// escapeCode returns the XEP-0106 escape code (the two lower-case hex digits
// after the backslash) of c, or "" if c is not escaped.
func escapeCode(c byte) string {
	switch c {
	case ' ':
		return "20"
	case '"':
		return "22"
	case '&':
		return "26"
	case '\'':
		return "27"
	case '/':
		return "2f"
	case ':':
		return "3a"
	case '<':
		return "3c"
	case '>':
		return "3e"
	case '@':
		return "40"
	case '\\':
		return "5c"
	}
	return ""
}

// unescapeCode returns the character that the escape sequence "\" + a + b
// stands for, or 0 if it is not one of the ten sequences of XEP-0106. The
// hex digits must be lower case, as XEP-0106 requires.
func unescapeCode(a, b byte) byte {
	switch string([]byte{a, b}) {
	case "20":
		return ' '
	case "22":
		return '"'
	case "26":
		return '&'
	case "27":
		return '\''
	case "2f":
		return '/'
	case "3a":
		return ':'
	case "3c":
		return '<'
	case "3e":
		return '>'
	case "40":
		return '@'
	case "5c":
		return '\\'
	}
	return 0
}

// startsEscape reports whether s[i] is a backslash that begins something
// that reads as an escape sequence. Hex digits are matched in either case,
// because preparing a localpart lower-cases "\2F" into the sequence "\2f".
func startsEscape(s string, i int) bool {
	return s[i] == '\\' && i+2 < len(s) && unescapeCode(lower(s[i+1]), lower(s[i+2])) != 0
}

// lower returns the lower-case form of the ASCII letter c, or c.
func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// EscapeLocal escapes s, a user name as a person or a foreign system writes
// it, for use as a localpart, as JID Escaping (XEP-0106) defines: the space
// and the characters " & ' / : < > @ become \20, \22, \26, \27, \2f, \3a, \3c,
// \3e and \40, and a backslash becomes \5c only where it begins what would
// otherwise read as one of these sequences (or \5c itself). Other characters
// are left alone, backslashes included, so "c:\net" becomes "c\3a\net".
//
// Leading and trailing spaces are removed first, because XEP-0106 forbids
// \20 at either end of a localpart. The result still has to pass Parse or
// New, which apply the localpart's PRECIS profile; UnescapeLocal reverses
// EscapeLocal. EscapeLocal returns s itself when nothing changes.
func EscapeLocal(s string) string {
	s = strings.Trim(s, " ")
	var b strings.Builder
	done := 0 // s[:done] is in b
	for i := 0; i < len(s); i++ {
		code := escapeCode(s[i])
		if code == "" || s[i] == '\\' && !startsEscape(s, i) {
			continue
		}
		if done == 0 {
			b.Grow(len(s) + 8)
		}
		b.WriteString(s[done:i])
		b.WriteByte('\\')
		b.WriteString(code)
		done = i + 1
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

// UnescapeLocal reverses EscapeLocal: it replaces each of the ten escape
// sequences of XEP-0106 (\20, \22, \26, \27, \2f, \3a, \3c, \3e, \40 and \5c,
// lower case only) in the localpart s with the character it stands for, and
// leaves everything else alone. The result is for display or for gateways,
// never for an address or for comparing addresses. UnescapeLocal returns s
// itself when it has no escape sequence.
func UnescapeLocal(s string) string {
	i := strings.IndexByte(s, '\\')
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		if s[i] == '\\' && i+2 < len(s) {
			if c := unescapeCode(s[i+1], s[i+2]); c != 0 {
				b.WriteByte(c)
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
