package b64_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/xmppkit/xmpp/internal/b64"
)

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		in    string
		limit int
		want  string
		big   bool
		bad   bool
	}{
		{"aGVsbG8=", 5, "hello", false, false},
		{"aGVs\n bG8=", 5, "hello", false, false},
		{"aGVsbG8", 5, "hello", false, false}, // unpadded
		{"aGVsbG8=", 4, "", true, false},
		{"", 0, "", false, false},
		{"aGV*bG8=", 5, "", false, true},
	} {
		got, err := b64.Decode(tc.in, tc.limit)
		var big *b64.TooLargeError
		var corrupt base64.CorruptInputError
		switch {
		case tc.big != errors.As(err, &big), tc.bad != errors.As(err, &corrupt):
			t.Errorf("Decode(%q, %d) error %v", tc.in, tc.limit, err)
		case err == nil && string(got) != tc.want:
			t.Errorf("Decode(%q, %d) = %q", tc.in, tc.limit, got)
		}
	}
}

// FuzzDecode: Decode agrees with encoding/base64 on the text without
// white space, and never returns more than the limit.
func FuzzDecode(f *testing.F) {
	f.Add("aGVsbG8=", 10)
	f.Add("aGVs bG8", 3)
	f.Fuzz(func(t *testing.T, s string, limit int) {
		got, err := b64.Decode(s, limit)
		if err == nil && len(got) > limit && len(got) > 0 {
			t.Fatalf("%d bytes over the limit %d", len(got), limit)
		}
		var big *b64.TooLargeError
		if errors.As(err, &big) {
			return
		}
		clean := strings.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
				return -1
			}
			return r
		}, s)
		enc := base64.StdEncoding
		if len(clean)%4 != 0 {
			enc = base64.RawStdEncoding
		}
		want, werr := enc.DecodeString(clean)
		if (err == nil) != (werr == nil) || err == nil && !bytes.Equal(got, want) {
			t.Errorf("Decode(%q) = %x, %v; encoding/base64: %x, %v", s, got, err, want, werr)
		}
	})
}
