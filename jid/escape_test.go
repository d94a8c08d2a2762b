package jid

import (
	"strings"
	"testing"
)

// escapeTests returns pairs of unescaped and escaped localparts, from
// XEP-0106 (Examples, Exceptions) and more; also the seeds of FuzzEscape.
func escapeTests() []struct{ name, in, escaped string } {
	return []struct{ name, in, escaped string }{
		// XEP-0106 section 5.1, table "JID Examples".
		{"xep/1", "space cadet", `space\20cadet`},
		{"xep/2", `call me "ishmael"`, `call\20me\20\22ishmael\22`},
		{"xep/3", "at&t guy", `at\26t\20guy`},
		{"xep/4", "d'artagnan", `d\27artagnan`},
		{"xep/5", "/.fanboy", `\2f.fanboy`},
		{"xep/6", "::foo::", `\3a\3afoo\3a\3a`},
		{"xep/7", "<foo>", `\3cfoo\3e`},
		{"xep/8", "user@host", `user\40host`},
		{"xep/9", `c:\net`, `c\3a\net`},
		{"xep/10", `c:\\net`, `c\3a\\net`},
		{"xep/11", `c:\cool stuff`, `c\3a\cool\20stuff`},
		{"xep/12", `c:\5commas`, `c\3a\5c5commas`},
		// XEP-0106 section 5, email, IMPS and IRC examples.
		{"xep/email", "here's_a_wild_&_/cr%zy/_address", `here\27s_a_wild_\26_\2fcr%zy\2f_address`},
		{"xep/imps", `\3and\2is\5cool`, `\5c3and\2is\5c5cool`},
		{"xep/irc", `somenick!user"&'/:<>\3address`, `somenick!user\22\26\27\2f\3a\3c\3e\5c3address`},
		// XEP-0106 section 4.3, Exceptions: not modified.
		{"xep/partial", `\2plus\2is\4`, `\2plus\2is\4`},
		{"xep/invalid 1", `foo\bar`, `foo\bar`},
		{"xep/invalid 2", `foob\41r`, `foob\41r`},
		// More.
		{"empty", "", ""},
		{"plain", "juliet", "juliet"},
		{"unicode", "fußball π", `fußball\20π`},
		{"backslash at end", `a\`, `a\`},
		{"backslash before 2 chars", `a\2`, `a\2`},
		{"escaped backslash", `\5c`, `\5c5c`},
		{"upper-case sequence", `\2F`, `\5c2F`},
		{"backslash before escaped char", `\ 0`, `\\200`},
		{"backslashes", `\\\`, `\\\`},
	}
}

func TestEscapeLocal(t *testing.T) {
	for _, tc := range escapeTests() {
		t.Run(tc.name, func(t *testing.T) {
			if got := EscapeLocal(tc.in); got != tc.escaped {
				t.Errorf("EscapeLocal(%q) = %q, want %q", tc.in, got, tc.escaped)
			}
			if got := UnescapeLocal(tc.escaped); got != tc.in {
				t.Errorf("UnescapeLocal(%q) = %q, want %q", tc.escaped, got, tc.in)
			}
		})
	}
}

func TestEscapeLocalSpaces(t *testing.T) {
	for in, want := range map[string]string{
		" juliet":     "juliet",
		"juliet  ":    "juliet",
		"  a b  ":     `a\20b`,
		"   ":         "",
		" \\20 ":      `\5c20`,
		"\u00a0a ":    "\u00a0a", // only U+0020 is escaped and trimmed
		"a\t b":       "a\t\\20b",
		"space cadet": `space\20cadet`,
	} {
		got := EscapeLocal(in)
		if got != want {
			t.Errorf("EscapeLocal(%q) = %q, want %q", in, got, want)
		}
		if strings.HasPrefix(got, `\20`) || strings.HasSuffix(got, `\20`) {
			t.Errorf("EscapeLocal(%q) = %q starts or ends with \\20", in, got)
		}
	}
}

func TestUnescapeLocal(t *testing.T) {
	for in, want := range map[string]string{
		`tr\c3\a9ville\40musketeers.lit`: `tr\c3\a9ville@musketeers.lit`,
		"tréville\\40musketeers.lit":     "tréville@musketeers.lit",
		`\20\22\26\27\2f\3a\3c\3e\40\5c`: ` "&'/:<>@\`,
		`\2F\3A\5C`:                      `\2F\3A\5C`, // upper case is not a sequence
		`\4`:                             `\4`,
		`\`:                              `\`,
		`\5c20`:                          `\20`,
		`\5c5c`:                          `\5c`,
	} {
		if got := UnescapeLocal(in); got != want {
			t.Errorf("UnescapeLocal(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestEscapedAddress checks that escaped names make valid addresses whose
// localpart unescapes to the name, lower-cased by preparation.
func TestEscapedAddress(t *testing.T) {
	for _, tc := range escapeTests() {
		if tc.in == "" {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			j, err := New(EscapeLocal(tc.in), "example.com", "")
			if err != nil {
				t.Fatalf("New(EscapeLocal(%q)): %v", tc.in, err)
			}
			if got, want := UnescapeLocal(j.Localpart()), strings.ToLower(tc.in); got != want {
				t.Errorf("UnescapeLocal(%q) = %q, want %q", j.Localpart(), got, want)
			}
		})
	}
}

func TestEscapeAllocs(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { _ = EscapeLocal("juliet") }); n != 0 {
		t.Errorf("EscapeLocal of a plain name allocates %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = UnescapeLocal("juliet") }); n != 0 {
		t.Errorf("UnescapeLocal of a plain name allocates %v times", n)
	}
}

func BenchmarkEscapeLocal(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = EscapeLocal(`here's_a_wild_&_/cr%zy/_address`)
	}
}

func BenchmarkUnescapeLocal(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = UnescapeLocal(`here\27s_a_wild_\26_\2fcr%zy\2f_address`)
	}
}
