package xmlscan

import "unicode/utf8"

// AppendText appends s escaped as character data: '&', '<' and '>' as
// entities and '\r' as a character reference, so that it survives line-end
// normalisation. It reports false if s is not valid UTF-8 or holds a
// character that XML 1.0 cannot represent.
func AppendText(dst []byte, s string) ([]byte, bool) {
	return appendEscaped(dst, s, false)
}

// AppendAttr appends s escaped for an attribute value in either kind of
// quotes: like AppendText, and also '"', '\”, '\t' and '\n', which
// attribute-value normalisation would otherwise change.
func AppendAttr(dst []byte, s string) ([]byte, bool) {
	return appendEscaped(dst, s, true)
}

func appendEscaped(dst []byte, s string, attr bool) ([]byte, bool) {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			rn, size := utf8.DecodeRuneInString(s[i:])
			if (rn == utf8.RuneError && size == 1) || !isChar(rn) {
				return dst, false
			}
			i += size
			continue
		}
		var esc string
		switch c {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\r':
			esc = "&#xD;"
		case '"':
			esc = "&quot;"
		case '\'':
			esc = "&apos;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		default:
			if c < 0x20 {
				return dst, false
			}
			i++
			continue
		}
		if !attr && (c == '"' || c == '\'' || c == '\t' || c == '\n') {
			i++
			continue
		}
		dst = append(dst, s[last:i]...)
		dst = append(dst, esc...)
		i++
		last = i
	}
	return append(dst, s[last:]...), true
}

// IsNCName reports whether s is an XML name without a colon (XML 1.0 fifth
// edition, Namespaces in XML 1.0), as element and attribute local names and
// prefixes must be.
func IsNCName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			cl := asciiName[c]
			if cl == nameNo || (i == 0 && cl != nameStart) {
				return false
			}
			i++
			continue
		}
		rn, size := utf8.DecodeRuneInString(s[i:])
		if (rn == utf8.RuneError && size == 1) || !(isNameStartRune(rn) || (i > 0 && isNameRune(rn))) {
			return false
		}
		i += size
	}
	return true
}
