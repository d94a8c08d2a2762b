// Package b64 decodes the base64 text that XML payloads carry (avatar
// data, vCard photos), padded or not and with XML white space anywhere,
// with a bound on the decoded size that is checked before anything is
// decoded, so that an oversized payload costs no allocation of its size.
package b64

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// TooLargeError is the error of Decode for text that would decode to
// more than the limit.
type TooLargeError struct {
	Size, Limit int
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%d bytes, more than %d", e.Size, e.Limit)
}

// Decode decodes s, ignoring ' ', '\t', '\r' and '\n', with or without
// padding. It counts first what s would decode to and returns a
// *TooLargeError when that is more than limit bytes; text that does not
// decode gives base64's error (base64.CorruptInputError). Empty text
// decodes to nil.
func Decode(s string, limit int) ([]byte, error) {
	n, pad := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\r', '\n':
		case '=':
			n++
			pad++
		default:
			n++
			pad = 0 // '=' counts as padding only at the end
		}
	}
	if n == 0 {
		return nil, nil
	}
	size := n/4*3 + (n%4)*6/8
	if n%4 == 0 {
		size -= min(pad, 2)
	}
	if size > limit {
		return nil, &TooLargeError{Size: size, Limit: limit}
	}
	var b strings.Builder
	b.Grow(n)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			b.WriteByte(c)
		}
	}
	enc := base64.StdEncoding
	if n%4 != 0 {
		enc = base64.RawStdEncoding
	}
	return enc.DecodeString(b.String())
}
