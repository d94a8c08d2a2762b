package smcount

import (
	"testing"

	"github.com/xmppkit/xmpp/stanza"
)

func TestParseH(t *testing.T) {
	for _, tc := range []struct {
		attr string
		set  bool
		want uint32
		ok   bool
	}{
		{"0", true, 0, true},
		{"4294967295", true, 4294967295, true},
		{"4294967296", true, 0, false},
		{"-1", true, 0, false},
		{"+1", true, 0, false},
		{" 1", true, 0, false},
		{"", true, 0, false},
		{"", false, 0, false},
	} {
		e := stanza.NewElement("urn:xmpp:sm:3", "a")
		if tc.set {
			e.SetAttr("h", tc.attr)
		}
		h, err := ParseH(e)
		if (err == nil) != tc.ok || h != tc.want {
			t.Errorf("ParseH(h=%q, set %v) = %d, %v; want %d, ok %v", tc.attr, tc.set, h, err, tc.want, tc.ok)
		}
	}
}

func FuzzParseH(f *testing.F) {
	for _, s := range []string{"0", "1", "4294967295", "4294967296", "-0", "00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := stanza.NewElement("urn:xmpp:sm:3", "a", stanza.A("h", s))
		h, err := ParseH(e)
		if err == nil && strconvFormat(h) != trimZeros(s) {
			t.Errorf("ParseH(%q) = %d", s, h)
		}
	})
}

func strconvFormat(h uint32) string {
	const digits = "0123456789"
	if h == 0 {
		return "0"
	}
	var b []byte
	for ; h > 0; h /= 10 {
		b = append([]byte{digits[h%10]}, b...)
	}
	return string(b)
}

func trimZeros(s string) string {
	for len(s) > 1 && s[0] == '0' {
		s = s[1:]
	}
	return s
}
