package xmlscan

import (
	"bytes"
	"unicode/utf8"
)

// decodeRune decodes the UTF-8 sequence at the start of b. It returns -1
// for invalid UTF-8 and for characters outside the XML Char production.
func decodeRune(b []byte) (rune, int) {
	rn, size := utf8.DecodeRune(b)
	if rn == utf8.RuneError && size <= 1 {
		return -1, 1
	}
	if !isChar(rn) {
		return -1, size
	}
	return rn, size
}

// text reads character data up to the next '<'. Between top-level
// elements only white space is allowed, and it is returned as soon as it is
// buffered, so that keepalives are seen when they arrive.
func (r *Reader) text() error {
	off := r.offset()
	if r.depth <= r.top {
		return r.space(off)
	}
	i, special := 0, false
	for {
		var done bool
		var err error
		i, done, err = r.scanText(i, &special, off)
		if err != nil {
			return err
		}
		if done {
			break
		}
		if err := r.checkSize(i); err != nil {
			return err
		}
		if err := r.more(); err != nil {
			return r.eofError(err)
		}
	}
	if err := r.checkSize(i); err != nil {
		return err
	}
	raw := r.buf[r.pos : r.pos+i]
	data := raw
	if special {
		var err error
		r.vbuf = r.vbuf[:0]
		data, err = r.value(raw, off, false, true)
		if err != nil {
			return err
		}
	}
	r.pos += i
	r.tok = Token{Kind: Text, Text: data, Offset: off}
	return nil
}

// scanText validates buffered character data from r.pos+i on. It returns
// the new extent and whether it reached the '<' that ends the text; it
// stops early before an incomplete UTF-8 sequence.
func (r *Reader) scanText(i int, special *bool, off int64) (int, bool, error) {
	b := r.buf[r.pos:r.end]
	for i < len(b) {
		i = skipPlain(b, i)
		if i == len(b) {
			break
		}
		c := b[i]
		switch textClass[c] {
		case clLT:
			return i, true, nil
		case clAmp, clCR, clRBrack:
			*special = true
			i++
		case clNonASCI:
			if !utf8.FullRune(b[i:]) {
				return i, false, nil
			}
			rn, size := decodeRune(b[i:])
			if rn < 0 {
				return 0, false, r.fail(CondNotWellFormed, off+int64(i), "invalid UTF-8 or character not allowed in XML")
			}
			i += size
		default:
			return 0, false, r.fail(CondNotWellFormed, off+int64(i), "character not allowed in XML")
		}
	}
	return i, false, nil
}

// space reads white space outside of top-level elements. A "\r\n" split
// between two reads is still one line end.
func (r *Reader) space(off int64) error {
	if r.skipLF && r.buf[r.pos] == '\n' {
		r.pos++
		r.skipLF = false
		_, err := r.Next()
		return err
	}
	r.skipLF = false
	i := r.pos
	for i < r.end && isSpace(r.buf[i]) {
		i++
	}
	if i == r.pos {
		if r.depth == 0 {
			return r.fail(CondNotWellFormed, off, "character data outside of the root element")
		}
		return r.fail(CondNotWellFormed, off, "character data outside of a stanza")
	}
	data := r.buf[r.pos:i]
	r.pos = i
	if bytes.IndexByte(data, '\r') >= 0 {
		r.skipLF = i == r.end && data[len(data)-1] == '\r'
		r.vbuf = r.vbuf[:0]
		data, _ = r.plain(data, off)
	}
	r.tok = Token{Kind: Text, Text: data, Offset: off}
	return nil
}

// cdata reads a CDATA section; r.pos is at "<![CDATA[".
func (r *Reader) cdata(off int64) error {
	i := 9
	for {
		if err := r.need(i + 3); err != nil {
			return err
		}
		if err := r.checkSize(i + 3); err != nil {
			return err
		}
		b := r.buf[r.pos:r.end]
		for ; i+3 <= len(b); i++ {
			if b[i] == ']' && b[i+1] == ']' && b[i+2] == '>' {
				content := b[9:i]
				data, err := r.plain(content, off+9)
				if err != nil {
					return err
				}
				r.pos += i + 3
				r.tok = Token{Kind: Text, Text: data, Offset: off}
				return nil
			}
		}
	}
}

// plain validates literal character data and normalises its line ends.
func (r *Reader) plain(b []byte, off int64) ([]byte, error) {
	cr := false
	for j := 0; j < len(b); {
		c := b[j]
		if c < 0x80 {
			if textClass[c] == clBad {
				return nil, r.fail(CondNotWellFormed, off+int64(j), "character not allowed in XML")
			}
			cr = cr || c == '\r'
			j++
			continue
		}
		rn, size := decodeRune(b[j:])
		if rn < 0 {
			return nil, r.fail(CondNotWellFormed, off+int64(j), "invalid UTF-8 or character not allowed in XML")
		}
		j += size
	}
	if !cr {
		return b, nil
	}
	start := len(r.vbuf)
	for j := 0; j < len(b); j++ {
		if b[j] == '\r' {
			r.vbuf = append(r.vbuf, '\n')
			if j+1 < len(b) && b[j+1] == '\n' {
				j++
			}
			continue
		}
		r.vbuf = append(r.vbuf, b[j])
	}
	return r.vbuf[start:len(r.vbuf):len(r.vbuf)], nil
}

// value validates an attribute value (attr) or a run of character data and
// replaces references and line ends. Without any, it returns b itself;
// otherwise the result is appended to r.vbuf. Character data has been
// validated by scanText already (validated); attribute values have not.
func (r *Reader) value(b []byte, off int64, attr, validated bool) ([]byte, error) {
	i, err := r.plainPrefix(b, off, attr, validated)
	if err != nil {
		return nil, err
	}
	if i == len(b) {
		return b, nil
	}
	start := len(r.vbuf)
	r.vbuf = append(r.vbuf, b[:i]...)
	for i < len(b) {
		switch c := b[i]; c {
		case '&':
			n, err := r.reference(b[i:], off)
			if err != nil {
				return nil, err
			}
			i += n
		case '\r':
			r.vbuf = append(r.vbuf, '\n')
			i++
			if i < len(b) && b[i] == '\n' {
				i++
			}
		case ']':
			if !attr && i+2 < len(b) && b[i+1] == ']' && b[i+2] == '>' {
				return nil, r.fail(CondNotWellFormed, off, "\"]]>\" in character data")
			}
			r.vbuf = append(r.vbuf, c)
			i++
		default:
			n, err := r.plainPrefix(b[i:], off, attr, validated)
			if err != nil {
				return nil, err
			}
			if n == 0 { // a ']' in an attribute value
				n = 1
			}
			r.vbuf = append(r.vbuf, b[i:i+n]...)
			i += n
		}
	}
	return r.vbuf[start:len(r.vbuf):len(r.vbuf)], nil
}

// skipPlain returns the index of the first byte at or after i that is not
// plain ASCII character data.
func skipPlain(b []byte, i int) int {
	for i+4 <= len(b) {
		if textClass[b[i]]|textClass[b[i+1]]|textClass[b[i+2]]|textClass[b[i+3]] != clPlain {
			break
		}
		i += 4
	}
	for i < len(b) && textClass[b[i]] == clPlain {
		i++
	}
	return i
}

// plainPrefix returns the length of the prefix of b that needs no
// replacement, validating it unless validated is set.
func (r *Reader) plainPrefix(b []byte, off int64, attr, validated bool) (int, error) {
	for i := 0; i < len(b); {
		i = skipPlain(b, i)
		if i == len(b) {
			break
		}
		c := b[i]
		if c >= 0x80 {
			if validated {
				i++
				continue
			}
			rn, size := decodeRune(b[i:])
			if rn < 0 {
				return 0, r.fail(CondNotWellFormed, off, "invalid UTF-8 or character not allowed in XML")
			}
			i += size
			continue
		}
		switch textClass[c] {
		case clPlain:
			i++
		case clBad:
			return 0, r.fail(CondNotWellFormed, off, "character not allowed in XML")
		case clLT:
			return 0, r.fail(CondNotWellFormed, off, "'<' in an attribute value")
		case clRBrack:
			if attr {
				i++
				continue
			}
			return i, nil
		default: // '&', '\r'
			return i, nil
		}
	}
	return len(b), nil
}

// reference appends the replacement of the reference at the start of b
// ("&...;") to r.vbuf and returns its length.
func (r *Reader) reference(b []byte, off int64) (int, error) {
	end := 1
	for end < len(b) && b[end] != ';' && end <= 64 {
		end++
	}
	if end == len(b) || b[end] != ';' || end == 1 {
		return 0, r.fail(CondNotWellFormed, off, "malformed reference")
	}
	name := b[1:end]
	if name[0] == '#' {
		rn, ok := charRef(name[1:])
		if !ok {
			return 0, r.fail(CondNotWellFormed, off, "invalid character reference")
		}
		r.vbuf = utf8.AppendRune(r.vbuf, rn)
		return end + 1, nil
	}
	var c byte
	switch string(name) {
	case "lt":
		c = '<'
	case "gt":
		c = '>'
	case "amp":
		c = '&'
	case "apos":
		c = '\''
	case "quot":
		c = '"'
	default:
		if IsNCName(string(name)) {
			return 0, r.fail(CondRestrictedXML, off, "entity reference "+quoteBytes(name))
		}
		return 0, r.fail(CondNotWellFormed, off, "malformed reference")
	}
	r.vbuf = append(r.vbuf, c)
	return end + 1, nil
}

// charRef decodes the digits of a character reference ("65" or "x41").
func charRef(d []byte) (rune, bool) {
	base := rune(10)
	if len(d) > 0 && d[0] == 'x' {
		base, d = 16, d[1:]
	}
	if len(d) == 0 {
		return 0, false
	}
	var v rune
	for _, c := range d {
		var n rune
		switch {
		case c >= '0' && c <= '9':
			n = rune(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			n = rune(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			n = rune(c-'A') + 10
		default:
			return 0, false
		}
		v = v*base + n
		if v > utf8.MaxRune {
			return 0, false
		}
	}
	return v, isChar(v)
}
