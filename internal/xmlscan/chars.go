package xmlscan

import "unicode/utf8"

// Byte classes for the text scanner. Plain bytes need no attention.
const (
	clPlain   = iota
	clBad     // control character not allowed in XML
	clLT      // '<'
	clAmp     // '&'
	clCR      // '\r' (line-end normalisation)
	clRBrack  // ']' (possible "]]>")
	clNonASCI // first byte of a multi-byte sequence (or invalid)
)

var textClass = func() (t [256]uint8) {
	for i := 0; i < 0x20; i++ {
		t[i] = clBad
	}
	t['\t'], t['\n'] = clPlain, clPlain
	t['\r'] = clCR
	t['<'] = clLT
	t['&'] = clAmp
	t[']'] = clRBrack
	for i := 0x80; i < 0x100; i++ {
		t[i] = clNonASCI
	}
	return t
}()

// isChar reports whether r is allowed by the XML 1.0 Char production.
func isChar(r rune) bool {
	switch {
	case r >= 0x20 && r <= 0xD7FF:
		return true
	case r == 0x9 || r == 0xA || r == 0xD:
		return true
	case r >= 0xE000 && r <= 0xFFFD:
		return true
	case r >= 0x10000 && r <= utf8.MaxRune:
		return true
	}
	return false
}

// Name character classes for ASCII, per XML 1.0 fifth edition, without the
// colon (names are QNames, split at the colon by the caller).
const (
	nameNo    = 0
	nameStart = 1
	nameChar  = 2 // allowed after the first character only
)

var asciiName = func() (t [128]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = nameStart
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = nameStart
	}
	t['_'] = nameStart
	for c := '0'; c <= '9'; c++ {
		t[c] = nameChar
	}
	t['-'], t['.'] = nameChar, nameChar
	return t
}()

// isNameStartRune reports whether the non-ASCII rune r may start a name
// (XML 1.0 fifth edition NameStartChar).
func isNameStartRune(r rune) bool {
	switch {
	case r >= 0xC0 && r <= 0xD6, r >= 0xD8 && r <= 0xF6, r >= 0xF8 && r <= 0x2FF,
		r >= 0x370 && r <= 0x37D, r >= 0x37F && r <= 0x1FFF, r >= 0x200C && r <= 0x200D,
		r >= 0x2070 && r <= 0x218F, r >= 0x2C00 && r <= 0x2FEF, r >= 0x3001 && r <= 0xD7FF,
		r >= 0xF900 && r <= 0xFDCF, r >= 0xFDF0 && r <= 0xFFFD, r >= 0x10000 && r <= 0xEFFFF:
		return true
	}
	return false
}

// isNameRune reports whether the non-ASCII rune r may appear in a name
// after its first character (XML 1.0 fifth edition NameChar).
func isNameRune(r rune) bool {
	return isNameStartRune(r) || r == 0xB7 || (r >= 0x300 && r <= 0x36F) || (r >= 0x203F && r <= 0x2040)
}

// isSpace reports whether c is XML white space.
func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\t' || c == '\r'
}
