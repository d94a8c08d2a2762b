package jid

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// parseTest is one address and what Parse must make of it.
type parseTest struct {
	name string
	in   string
	// The expected prepared parts, when err is nil.
	local, domain, resource string
	// err is the expected reason (a sentinel), part the part at fault.
	err  error
	part Part
}

// ok returns a test of a valid address.
func ok(name, in, local, domain, resource string) parseTest {
	return parseTest{name: name, in: in, local: local, domain: domain, resource: resource}
}

// bad returns a test of an invalid address.
func bad(name, in string, part Part, err error) parseTest {
	return parseTest{name: name, in: in, part: part, err: err}
}

// parseTests returns the table of TestParse, also the seeds of FuzzParse.
func parseTests() []parseTest {
	return []parseTest{
		// RFC 7622 section 3.5, Table 1: valid addresses.
		ok("rfc/bare", "juliet@example.com", "juliet", "example.com", ""),
		ok("rfc/full", "juliet@example.com/foo", "juliet", "example.com", "foo"),
		ok("rfc/space in resource", "juliet@example.com/foo bar", "juliet", "example.com", "foo bar"),
		ok("rfc/at in resource", "juliet@example.com/foo@bar", "juliet", "example.com", "foo@bar"),
		ok("rfc/escaped local", `foo\20bar@example.com`, `foo\20bar`, "example.com", ""),
		ok("rfc/fussball", "fussball@example.com", "fussball", "example.com", ""),
		ok("rfc/sharp s", "fußball@example.com", "fußball", "example.com", ""),
		ok("rfc/pi", "π@example.com", "π", "example.com", ""),
		ok("rfc/capital sigma", "Σ@example.com/foo", "σ", "example.com", "foo"),
		ok("rfc/small sigma", "σ@example.com/foo", "σ", "example.com", "foo"),
		ok("rfc/final sigma", "ς@example.com/foo", "ς", "example.com", "foo"),
		ok("rfc/chess king resource", "king@example.com/♚", "king", "example.com", "♚"),
		ok("rfc/domain", "example.com", "", "example.com", ""),
		ok("rfc/domain with resource", "example.com/foobar", "", "example.com", "foobar"),
		ok("rfc/at after slash", "a.example.com/b@example.net", "", "a.example.com", "b@example.net"),
		// RFC 7622 lists this one as invalid, but the OpaqueString profile
		// (RFC 8265) allows a leading space, and RFC errata 4560 withdraws
		// the example.
		ok("rfc/leading space in resource", "juliet@example.com/ foo", "juliet", "example.com", " foo"),

		// RFC 7622 section 3.5, Table 2: invalid addresses.
		bad("rfc/quotes in local", `"juliet"@example.com`, PartLocal, ErrForbiddenChar),
		bad("rfc/space in local", "foo bar@example.com", PartLocal, ErrForbiddenChar),
		bad("rfc/empty local and resource", "@example.com/", PartLocal, ErrEmptyPart),
		bad("rfc/roman numeral", "henryⅣ@example.com", PartLocal, ErrForbiddenChar),
		bad("rfc/chess king local", "♚@example.com", PartLocal, ErrForbiddenChar),
		bad("rfc/empty domain", "juliet@", PartDomain, ErrEmptyPart),
		bad("rfc/no domain", "/foobar", PartDomain, ErrEmptyPart),

		// Splitting.
		bad("empty", "", PartAddress, ErrEmptyPart),
		bad("empty local", "@example.com", PartLocal, ErrEmptyPart),
		bad("empty resource", "juliet@example.com/", PartResource, ErrEmptyPart),
		bad("only at", "@", PartLocal, ErrEmptyPart),
		bad("only slash", "/", PartDomain, ErrEmptyPart),
		ok("slash in resource", "a@example.com/b/c", "a", "example.com", "b/c"),
		bad("two ats", "a@b@example.com", PartDomain, ErrInvalidDomain),

		// Case: local and domain are case-insensitive, resource is not.
		ok("upper local and domain", "Juliet@Example.COM", "juliet", "example.com", ""),
		ok("resource keeps case", "juliet@example.com/Balcony", "juliet", "example.com", "Balcony"),
		ok("fullwidth local and domain", "ｊｕｌｉｅｔ@ｅｘａｍｐｌｅ．ｃｏｍ", "juliet", "example.com", ""),
		bad("fullwidth forbidden char", "ａ＂ｂ@example.com", PartLocal, ErrForbiddenChar),
		bad("fullwidth at", "a＠b@example.com", PartLocal, ErrForbiddenChar),
		ok("local punctuation", "a.b-c_d+e!#$%*=?^`{|}~@example.com", "a.b-c_d+e!#$%*=?^`{|}~", "example.com", ""),
		bad("colon in local", "a:b@example.com", PartLocal, ErrForbiddenChar),
		bad("ampersand in local", "a&b@example.com", PartLocal, ErrForbiddenChar),
		bad("apostrophe in local", "d'artagnan@example.com", PartLocal, ErrForbiddenChar),
		bad("angle brackets in local", "<a>@example.com", PartLocal, ErrForbiddenChar),

		// Resource preparation (OpaqueString).
		ok("resource nbsp mapped", "a@example.com/x\u00a0y", "a", "example.com", "x y"),
		ok("resource nfc", "a@example.com/e\u0301", "a", "example.com", "\u00e9"),
		bad("resource control char", "a@example.com/x\x01", PartResource, ErrForbiddenChar),
		bad("resource tab", "a@example.com/x\ty", PartResource, ErrForbiddenChar),

		// Domains: trailing dot, IP addresses, IDNA.
		ok("trailing dot", "juliet@example.com./foo", "juliet", "example.com", "foo"),
		ok("trailing dot bare", "example.com.", "", "example.com", ""),
		bad("two trailing dots", "example.com..", PartDomain, ErrInvalidDomain),
		bad("only dot", "juliet@.", PartDomain, ErrEmptyPart),
		bad("empty label", "a@example..com", PartDomain, ErrInvalidDomain),
		bad("leading dot", "a@.example.com", PartDomain, ErrInvalidDomain),
		ok("ipv4", "a@192.0.2.1/r", "a", "192.0.2.1", "r"),
		ok("ipv4 trailing dot", "192.0.2.1.", "", "192.0.2.1", ""),
		ok("numeric name", "a@01.2.3.4", "a", "01.2.3.4", ""),
		ok("fullwidth ipv4", "１９２.０.２.１", "", "192.0.2.1", ""),
		ok("ipv6", "a@[2001:db8::1]/r", "a", "[2001:db8::1]", "r"),
		ok("ipv6 canonical", "[2001:DB8:0:0::1]", "", "[2001:db8::1]", ""),
		ok("ipv6 loopback", "[0:0:0:0:0:0:0:1]", "", "[::1]", ""),
		ok("ipv6 with ipv4", "[::FFFF:192.0.2.1]", "", "[::ffff:192.0.2.1]", ""),
		bad("ipv6 zone", "[fe80::1%eth0]", PartDomain, ErrInvalidDomain),
		bad("ipv6 unclosed", "a@[::1", PartDomain, ErrInvalidDomain),
		bad("ipv6 empty", "[]", PartDomain, ErrInvalidDomain),
		bad("ipv4 in brackets", "[192.0.2.1]", PartDomain, ErrInvalidDomain),
		bad("ipvfuture", "[v1.x]", PartDomain, ErrInvalidDomain),
		bad("ipv6 unbracketed", "a@::1", PartDomain, ErrInvalidDomain),
		ok("idn upper", "user@ÉXAMPLE.com", "user", "éxample.com", ""),
		ok("idn a-label", "user@xn--xample-9ua.com", "user", "éxample.com", ""),
		ok("idn upper a-label", "user@XN--XAMPLE-9UA.COM", "user", "éxample.com", ""),
		ok("idn cjk", "例え@例え.テスト", "例え", "例え.テスト", ""),
		ok("idn sharp s kept", "a@faß.de", "a", "faß.de", ""),
		bad("bad a-label", "user@xn--abc", PartDomain, ErrInvalidDomain),
		bad("ascii a-label", "user@xn--abc-.com", PartDomain, ErrInvalidDomain),
		bad("underscore", "user@a_b.com", PartDomain, ErrInvalidDomain),
		bad("leading hyphen", "user@-a.com", PartDomain, ErrInvalidDomain),
		bad("trailing hyphen", "user@a-.com", PartDomain, ErrInvalidDomain),
		bad("hyphens 3 and 4", "user@ab--cd.com", PartDomain, ErrInvalidDomain),
		bad("space in domain", "user@exa mple.com", PartDomain, ErrInvalidDomain),
		bad("ideographic full stop at end", "a@example.com\u3002", PartDomain, ErrInvalidDomain),
		ok("hyphens inside", "a@a-b-c.example", "a", "a-b-c.example", ""),

		// Invalid UTF-8.
		bad("utf8 local", "\xff@example.com", PartLocal, ErrInvalidUTF8),
		bad("utf8 domain", "a@exa\xffmple.com", PartDomain, ErrInvalidUTF8),
		bad("utf8 resource", "a@example.com/\xff", PartResource, ErrInvalidUTF8),

		// Lengths: 1023 bytes after preparation is the limit of each part.
		ok("local 1023", strings.Repeat("a", 1023)+"@example.com", strings.Repeat("a", 1023), "example.com", ""),
		bad("local 1024", strings.Repeat("a", 1024)+"@example.com", PartLocal, ErrTooLong),
		ok("local 1023 upper", strings.Repeat("A", 1023)+"@example.com", strings.Repeat("a", 1023), "example.com", ""),
		// U+1E9E (3 bytes) lower-cases to U+00DF (2 bytes): the limit
		// applies to the prepared form.
		ok("local shrinks to 1022", strings.Repeat("ẞ", 511)+"@example.com", strings.Repeat("ß", 511), "example.com", ""),
		bad("local shrinks to 1024", strings.Repeat("ẞ", 512)+"@example.com", PartLocal, ErrTooLong),
		ok("domain 1023", strings.Repeat("a", 1023), "", strings.Repeat("a", 1023), ""),
		bad("domain 1024", strings.Repeat("a", 1024), PartDomain, ErrTooLong),
		ok("domain 1023 with dot", strings.Repeat("a", 1023)+".", "", strings.Repeat("a", 1023), ""),
		bad("domain 1024 unicode", strings.Repeat("é", 512), PartDomain, ErrTooLong),
		ok("resource 1023", "a@example.com/"+strings.Repeat("r", 1023), "a", "example.com", strings.Repeat("r", 1023)),
		bad("resource 1024", "a@example.com/"+strings.Repeat("r", 1024), PartResource, ErrTooLong),
		ok("longest address", strings.Repeat("a", 1023)+"@"+strings.Repeat("b", 1023)+"/"+strings.Repeat("c", 1023),
			strings.Repeat("a", 1023), strings.Repeat("b", 1023), strings.Repeat("c", 1023)),
		bad("address 3072", strings.Repeat("a", 1023)+"@"+strings.Repeat("b", 1023)+"/"+strings.Repeat("c", 1024), PartAddress, ErrTooLong),
	}
}

func TestParse(t *testing.T) {
	for _, tc := range parseTests() {
		t.Run(tc.name, func(t *testing.T) {
			j, err := Parse(tc.in)
			if tc.err != nil {
				checkError(t, err, tc.part, tc.err)
				if !j.IsZero() {
					t.Errorf("Parse(%q) = %q with an error, want the zero JID", tc.in, j)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if got := j.Localpart(); got != tc.local {
				t.Errorf("Localpart() = %q, want %q", got, tc.local)
			}
			if got := j.Domainpart(); got != tc.domain {
				t.Errorf("Domainpart() = %q, want %q", got, tc.domain)
			}
			if got := j.Resourcepart(); got != tc.resource {
				t.Errorf("Resourcepart() = %q, want %q", got, tc.resource)
			}
			want := tc.domain
			if tc.local != "" {
				want = tc.local + "@" + want
			}
			if tc.resource != "" {
				want += "/" + tc.resource
			}
			if got := j.String(); got != want {
				t.Errorf("String() = %q, want %q", got, want)
			}
			checkInvariants(t, j)
		})
	}
}

// checkError fails t unless err is an *Error about part that wraps reason.
func checkError(t *testing.T, err error, part Part, reason error) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %v in the %s", reason, part)
	}
	if !errors.Is(err, reason) {
		t.Errorf("error %q does not match %v", err, reason)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %q is a %T, not a *jid.Error", err, err)
	}
	if e.Part != part {
		t.Errorf("error %q is about the %s, want the %s", err, e.Part, part)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "jid: "+string(part)+" ") || !strings.Contains(msg, reason.Error()) {
		t.Errorf("message %q does not name the %s and the reason %q", msg, part, reason)
	}
}

// checkInvariants checks what must hold for every valid JID j.
func checkInvariants(t *testing.T, j JID) {
	t.Helper()
	if j.IsZero() {
		t.Fatal("a parsed JID is zero")
	}
	k, err := Parse(j.String())
	if err != nil || k != j {
		t.Fatalf("Parse(%q) = %q, %v; want the same JID", j, k, err)
	}
	k, err = New(j.Localpart(), j.Domainpart(), j.Resourcepart())
	if err != nil || k != j {
		t.Fatalf("New(%q, %q, %q) = %q, %v; want %q", j.Localpart(), j.Domainpart(), j.Resourcepart(), k, err, j)
	}
	for _, p := range []string{j.Localpart(), j.Domainpart(), j.Resourcepart()} {
		if len(p) > maxPart {
			t.Errorf("part of %d bytes in %q", len(p), j)
		}
	}
	if j.Domainpart() == "" {
		t.Errorf("%q has no domainpart", j)
	}
	if j.IsFull() == j.IsBare() || j.IsFull() != (j.Resourcepart() != "") {
		t.Errorf("%q: IsFull() = %v, IsBare() = %v", j, j.IsFull(), j.IsBare())
	}
	b := j.Bare()
	if !b.IsBare() || b.Localpart() != j.Localpart() || b.Domainpart() != j.Domainpart() ||
		!strings.HasPrefix(j.String(), b.String()) {
		t.Errorf("%q.Bare() = %q", j, b)
	}
	if k, err := Parse(b.String()); err != nil || k != b {
		t.Errorf("Parse(%q) = %q, %v; want the bare JID", b, k, err)
	}
	d := j.Domain()
	if d.String() != j.Domainpart() || d.Localpart() != "" || !d.IsBare() {
		t.Errorf("%q.Domain() = %q", j, d)
	}
	if k, err := Parse(d.String()); err != nil || k != d {
		t.Errorf("Parse(%q) = %q, %v; want the domain JID", d, k, err)
	}
	if j.IsFull() {
		if k, err := b.WithResource(j.Resourcepart()); err != nil || k != j {
			t.Errorf("%q.WithResource(%q) = %q, %v; want %q", b, j.Resourcepart(), k, err, j)
		}
	}
	text, err := j.MarshalText()
	if err != nil || string(text) != j.String() {
		t.Errorf("MarshalText() = %q, %v", text, err)
	}
	var u JID
	if err := u.UnmarshalText(text); err != nil || u != j {
		t.Errorf("UnmarshalText(%q) = %q, %v", text, u, err)
	}
}

// TestFastPathMatchesSlowPath checks that the ASCII fast path and full
// preparation agree on the table; FuzzParse checks the same on any input.
func TestFastPathMatchesSlowPath(t *testing.T) {
	for _, tc := range parseTests() {
		t.Run(tc.name, func(t *testing.T) {
			compareFastSlow(t, tc.in)
		})
	}
}

// compareFastSlow fails t if parsing s with and without the fast path gives
// different results.
func compareFastSlow(t *testing.T, s string) {
	t.Helper()
	fast, fastErr := parse(s, true)
	slow, slowErr := parse(s, false)
	if fast != slow || (fastErr == nil) != (slowErr == nil) {
		t.Fatalf("parse(%q): fast path gives %q, %v; slow path gives %q, %v", s, fast, fastErr, slow, slowErr)
	}
	if fastErr != nil && fastErr.Error() != slowErr.Error() {
		t.Fatalf("parse(%q): fast path error %q, slow path error %q", s, fastErr, slowErr)
	}
}

func TestFastPathIsTaken(t *testing.T) {
	for _, s := range []string{"juliet", "a.b-c_d+e!#$%*=?^`{|}~", `foo\20bar`, "0"} {
		if !isPreparedLocal(s) {
			t.Errorf("isPreparedLocal(%q) = false", s)
		}
	}
	for _, s := range []string{"Juliet", "a b", "a:b", "é", "\x7f"} {
		if isPreparedLocal(s) {
			t.Errorf("isPreparedLocal(%q) = true", s)
		}
	}
	for _, s := range []string{"example.com", "a-b.c0", "localhost", "01.2.3.4"} {
		if !isPreparedHost(s) {
			t.Errorf("isPreparedHost(%q) = false", s)
		}
	}
	for _, s := range []string{"Example.com", "xn--xample-9ua.com", "a--b.com", "-a", "a-", "a..b", ".a", "a.", "a_b", "é"} {
		if isPreparedHost(s) {
			t.Errorf("isPreparedHost(%q) = true", s)
		}
	}
	for _, s := range []string{"res", " foo bar ", "~!@#/"} {
		if !isPreparedResource(s) {
			t.Errorf("isPreparedResource(%q) = false", s)
		}
	}
	for _, s := range []string{"a\tb", "♚", "\x00"} {
		if isPreparedResource(s) {
			t.Errorf("isPreparedResource(%q) = true", s)
		}
	}
}

func TestParseAllocs(t *testing.T) {
	for _, s := range []string{"user@example.com/res", "user@example.com", "example.com", "user@192.0.2.1/r", "user@[2001:db8::1]/r"} {
		var j JID
		var err error
		n := testing.AllocsPerRun(100, func() {
			j, err = Parse(s)
		})
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		if n != 0 {
			t.Errorf("Parse(%q) allocates %v times, want 0", s, n)
		}
		n = testing.AllocsPerRun(100, func() {
			_ = j.Localpart() + j.Domainpart() + j.Resourcepart()
			_ = j.Bare()
			_ = j.Domain()
			_ = j.String()
		})
		if n != 0 {
			t.Errorf("accessors of %q allocate %v times, want 0", s, n)
		}
	}
}

func TestEquality(t *testing.T) {
	tests := []struct {
		a, b  string
		equal bool
	}{
		{"Juliet@Example.COM", "juliet@example.com", true},
		{"JULIET@EXAMPLE.COM/balcony", "juliet@example.com/balcony", true},
		{"juliet@example.com/Balcony", "juliet@example.com/balcony", false},
		{"juliet@example.com.", "juliet@example.com", true},
		{"user@ÉXAMPLE.com", "user@éxample.com", true},
		{"user@xn--xample-9ua.com", "user@éxample.com", true},
		{"Σ@example.com", "σ@example.com", true},
		{"σ@example.com", "ς@example.com", false},
		{"[::1]", "[0:0:0:0:0:0:0:1]", true},
		{"example.com", "juliet@example.com", false},
		{"juliet@example.com", "juliet@example.com/r", false},
	}
	for _, tc := range tests {
		t.Run(tc.a+" "+tc.b, func(t *testing.T) {
			a, b := MustParse(tc.a), MustParse(tc.b)
			if (a == b) != tc.equal || a.Equal(b) != tc.equal {
				t.Errorf("%q == %q is %v, want %v", a, b, a == b, tc.equal)
			}
			m := map[JID]bool{a: true}
			if m[b] != tc.equal {
				t.Errorf("map lookup of %q in {%q} = %v, want %v", b, a, m[b], tc.equal)
			}
		})
	}
}

func TestZero(t *testing.T) {
	var j JID
	if !j.IsZero() || j.IsBare() || j.IsFull() {
		t.Errorf("zero JID: IsZero %v, IsBare %v, IsFull %v", j.IsZero(), j.IsBare(), j.IsFull())
	}
	if j.String() != "" || j.Localpart() != "" || j.Domainpart() != "" || j.Resourcepart() != "" {
		t.Errorf("zero JID has parts: %q", j)
	}
	if !j.Bare().IsZero() || !j.Domain().IsZero() {
		t.Error("Bare or Domain of the zero JID is not zero")
	}
	_, err := j.WithResource("r")
	checkError(t, err, PartDomain, ErrEmptyPart)
	if j != (JID{}) || !j.Equal(JID{}) {
		t.Error("zero JID is not equal to JID{}")
	}
}

func TestParts(t *testing.T) {
	j := MustParse("juliet@example.com/balcony")
	if !j.IsFull() || j.IsBare() {
		t.Errorf("%q: IsFull %v, IsBare %v", j, j.IsFull(), j.IsBare())
	}
	if got := j.Bare(); got != MustParse("juliet@example.com") || !got.IsBare() {
		t.Errorf("Bare() = %q", got)
	}
	if got := j.Domain(); got != MustParse("example.com") {
		t.Errorf("Domain() = %q", got)
	}
	d := MustParse("example.com/r")
	if got := d.Bare(); got != MustParse("example.com") {
		t.Errorf("%q.Bare() = %q", d, got)
	}
	if got := d.Domain(); got != MustParse("example.com") {
		t.Errorf("%q.Domain() = %q", d, got)
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name                    string
		local, domain, resource string
		want                    string
		part                    Part
		err                     error
	}{
		{name: "full", local: "Juliet", domain: "Example.com", resource: "Balcony", want: "juliet@example.com/Balcony"},
		{name: "bare", local: "juliet", domain: "example.com", want: "juliet@example.com"},
		{name: "domain", domain: "example.com", want: "example.com"},
		{name: "domain trailing dot", domain: "example.com.", want: "example.com"},
		{name: "resource with separators", domain: "example.com", resource: "a@b/c", want: "example.com/a@b/c"},
		{name: "escaped local", local: EscapeLocal("d'artagnan"), domain: "musketeers.lit", want: `d\27artagnan@musketeers.lit`},
		{name: "at in local", local: "foo@bar", domain: "example.com", part: PartLocal, err: ErrForbiddenChar},
		{name: "slash in local", local: "foo/bar", domain: "example.com", part: PartLocal, err: ErrForbiddenChar},
		{name: "no domain", local: "juliet", part: PartDomain, err: ErrEmptyPart},
		{name: "slash in domain", domain: "example.com/x", part: PartDomain, err: ErrInvalidDomain},
		{name: "bad resource", domain: "example.com", resource: "\x00", part: PartResource, err: ErrForbiddenChar},
		{name: "too long", local: strings.Repeat("a", 3100), domain: "example.com", resource: "r", part: PartAddress, err: ErrTooLong},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			j, err := New(tc.local, tc.domain, tc.resource)
			if tc.err != nil {
				checkError(t, err, tc.part, tc.err)
				return
			}
			if err != nil || j.String() != tc.want {
				t.Fatalf("New(%q, %q, %q) = %q, %v; want %q", tc.local, tc.domain, tc.resource, j, err, tc.want)
			}
			if j != MustParse(tc.want) {
				t.Errorf("New gives %q, which differs from Parse(%q)", j, tc.want)
			}
		})
	}
}

func TestWithResource(t *testing.T) {
	j := MustParse("juliet@example.com/balcony")
	k, err := j.WithResource("Chamber\u00a01")
	if err != nil || k != MustParse("juliet@example.com/Chamber 1") {
		t.Errorf("WithResource = %q, %v", k, err)
	}
	k, err = j.WithResource("")
	if err != nil || k != j.Bare() {
		t.Errorf("WithResource(\"\") = %q, %v; want the bare JID", k, err)
	}
	_, err = j.WithResource("a\x00")
	checkError(t, err, PartResource, ErrForbiddenChar)
	_, err = j.WithResource(strings.Repeat("r", 1024))
	checkError(t, err, PartResource, ErrTooLong)
	d := MustParse("example.com")
	if k, err := d.WithResource("r"); err != nil || k != MustParse("example.com/r") {
		t.Errorf("%q.WithResource(\"r\") = %q, %v", d, k, err)
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		r := recover()
		err, ok := r.(error)
		if !ok || !errors.Is(err, ErrEmptyPart) {
			t.Errorf("MustParse panicked with %v, want an ErrEmptyPart error", r)
		}
	}()
	MustParse("@example.com")
}

func TestText(t *testing.T) {
	type record struct {
		From JID `json:"from"`
		To   JID `json:"to"`
	}
	in := record{From: MustParse("juliet@example.com/balcony")}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"from":"juliet@example.com/balcony","to":""}`; string(b) != want {
		t.Errorf("json.Marshal = %s, want %s", b, want)
	}
	var out record
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Errorf("json.Unmarshal(%s) = %+v, %v", b, out, err)
	}
	err = json.Unmarshal([]byte(`{"from":"foo bar@example.com"}`), &out)
	if !errors.Is(err, ErrForbiddenChar) {
		t.Errorf("json.Unmarshal of an invalid address: %v, want ErrForbiddenChar", err)
	}
	if out != in {
		t.Errorf("failed UnmarshalText changed the JID to %+v", out)
	}

	var z JID
	if text, err := z.MarshalText(); err != nil || len(text) != 0 {
		t.Errorf("zero MarshalText() = %q, %v", text, err)
	}
	j := MustParse("a@b")
	if err := j.UnmarshalText(nil); err != nil || !j.IsZero() {
		t.Errorf("UnmarshalText(nil) = %q, %v; want the zero JID", j, err)
	}
	if got, err := MustParse("a@b/c").AppendText([]byte("to=")); err != nil || string(got) != "to=a@b/c" {
		t.Errorf("AppendText = %q, %v", got, err)
	}
}

func TestErrorMessage(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", `jid: address "": empty part`},
		{"@example.com", `jid: localpart "": empty part`},
		{`"juliet"@example.com`, `jid: localpart "\"juliet\"": forbidden character: '"'`},
		{"a@b/\xff", `jid: resourcepart "\xff": invalid UTF-8`},
		{"a@" + strings.Repeat("é", 600), `jid: domainpart "` + strings.Repeat("é", 32) + `"... (1200 bytes): too long: 1200 bytes, more than 1023`},
		{"a@[::1%x]", `jid: domainpart "[::1%x]": invalid domain: "::1%x" is not an IPv6 address without zone`},
	}
	for _, tc := range tests {
		_, err := Parse(tc.in)
		if err == nil || err.Error() != tc.want {
			t.Errorf("Parse(%q) error:\n got %v\nwant %s", tc.in, err, tc.want)
		}
	}
	// The message of an error from PRECIS or IDNA includes theirs.
	_, err := Parse("foo bar@example.com")
	if msg := err.Error(); !strings.HasPrefix(msg, `jid: localpart "foo bar": forbidden character: `) {
		t.Errorf("message %q", msg)
	}
}

func BenchmarkParse(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"ascii", "user@example.com/res"},
		{"ascii-bare", "user@example.com"},
		{"ascii-upper", "User@Example.COM/res"},
		{"ipv6", "user@[2001:db8::1]/res"},
		{"unicode", "σ@éxample.com/♚"},
		{"a-label", "user@xn--xample-9ua.com/res"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.in)))
			for b.Loop() {
				if _, err := Parse(bc.in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkWithResource(b *testing.B) {
	j := MustParse("user@example.com")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := j.WithResource("phone"); err != nil {
			b.Fatal(err)
		}
	}
}
