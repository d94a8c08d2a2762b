package jid

import (
	"strings"
)

// JID is an XMPP address in its prepared (canonical) form. The zero value is
// the empty address. JIDs are comparable values: two JIDs are the same
// address exactly when they are ==, and a JID can be a map key.
type JID struct {
	// s is the prepared address, "local@domain/resource" with the optional
	// parts and their separators left out. Given that a prepared localpart
	// holds neither '@' nor '/' and a prepared domainpart neither, the
	// indexes below follow from s, so == on JIDs compares s.
	s string
	// lEnd is the length of the localpart (0: none); if not 0, s[lEnd] is
	// the '@'. Parts are at most 1023 bytes, so uint16 suffices.
	lEnd uint16
	// dEnd is the index just past the domainpart; if it is less than
	// len(s), s[dEnd] is the '/'.
	dEnd uint16
}

// Parse splits s into its parts as RFC 7622 section 3.1 describes (the first
// '/' starts the resourcepart, an '@' before it ends the localpart), prepares
// each part and returns the address. The error is an *Error.
//
// Input that is ASCII and already prepared, such as "user@example.com/res",
// is checked without PRECIS or IDNA and without allocating; the JID then
// shares memory with s.
func Parse(s string) (JID, error) {
	return parse(s, true)
}

// parse implements Parse. With fast unset, every part goes through PRECIS or
// IDNA; tests compare both ways.
func parse(s string, fast bool) (JID, error) {
	if s == "" {
		return JID{}, partError(PartAddress, s, ErrEmptyPart, nil)
	}
	if len(s) > maxAddress {
		return JID{}, partError(PartAddress, s, ErrTooLong, lengthError(len(s), maxAddress))
	}
	local, domain, resource := "", s, ""
	hasLocal, hasResource := false, false
	if i := strings.IndexByte(s, '/'); i >= 0 {
		domain, resource, hasResource = s[:i], s[i+1:], true
	}
	if i := strings.IndexByte(domain, '@'); i >= 0 {
		local, domain, hasLocal = domain[:i], domain[i+1:], true
	}
	return build(s, local, domain, resource, hasLocal, hasResource, fast)
}

// MustParse is like Parse but panics if s is not a valid address. It is meant
// for addresses fixed in programs and tests, never for input.
func MustParse(s string) JID {
	j, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return j
}

// New prepares the parts local, domain and resource and returns the address
// made of them. An empty local or resource means the address has no such
// part; domain is required. The parts are taken as they are: local may not
// contain '@' (use EscapeLocal to turn such a name into a localpart), while
// resource may contain any character its profile allows, '@' and '/'
// included. The error is an *Error.
func New(local, domain, resource string) (JID, error) {
	if n := len(local) + len(domain) + len(resource) + 2; n > maxAddress {
		return JID{}, partError(PartAddress, local+"@"+domain+"/"+resource, ErrTooLong, lengthError(n, maxAddress))
	}
	return build("", local, domain, resource, local != "", resource != "", true)
}

// build prepares the parts and assembles the JID. If orig is not empty it is
// the address the parts were split from, and it is reused when no part
// changed in preparation.
func build(orig, local, domain, resource string, hasLocal, hasResource, fast bool) (JID, error) {
	var lp, rp string
	var err error
	if hasLocal {
		if lp, err = prepareLocal(local, fast); err != nil {
			return JID{}, err
		}
	}
	dp, err := prepareDomain(domain, fast)
	if err != nil {
		return JID{}, err
	}
	if hasResource {
		if rp, err = prepareResource(resource, fast); err != nil {
			return JID{}, err
		}
	}
	j := JID{lEnd: uint16(len(lp)), dEnd: uint16(len(dp))}
	if lp != "" {
		j.dEnd += j.lEnd + 1
	}
	if orig != "" && lp == local && dp == domain && rp == resource {
		j.s = orig
		return j, nil
	}
	var b strings.Builder
	b.Grow(len(lp) + len(dp) + len(rp) + 2)
	if lp != "" {
		b.WriteString(lp)
		b.WriteByte('@')
	}
	b.WriteString(dp)
	if rp != "" {
		b.WriteByte('/')
		b.WriteString(rp)
	}
	j.s = b.String()
	return j, nil
}

// String returns the address in its prepared form, or "" for the zero JID.
// Parse(j.String()) returns j.
func (j JID) String() string { return j.s }

// Localpart returns the prepared localpart, or "" if there is none. It is
// still escaped; see UnescapeLocal.
func (j JID) Localpart() string { return j.s[:j.lEnd] }

// Domainpart returns the prepared domainpart: an IPv4 address, an IPv6
// address in brackets, or a domain name in Unicode (U-label) form. It is ""
// only for the zero JID.
func (j JID) Domainpart() string {
	start := j.lEnd
	if start > 0 {
		start++
	}
	return j.s[start:j.dEnd]
}

// Resourcepart returns the prepared resourcepart, or "" if there is none.
func (j JID) Resourcepart() string {
	if int(j.dEnd) >= len(j.s) {
		return ""
	}
	return j.s[j.dEnd+1:]
}

// Bare returns j without its resourcepart.
func (j JID) Bare() JID {
	return JID{s: j.s[:j.dEnd], lEnd: j.lEnd, dEnd: j.dEnd}
}

// Domain returns the address made of j's domainpart alone.
func (j JID) Domain() JID {
	d := j.Domainpart()
	return JID{s: d, dEnd: uint16(len(d))}
}

// WithResource returns the bare address of j with the resourcepart r,
// prepared. An empty r returns j.Bare(). The error is an *Error; for the zero
// JID it reports an empty domainpart.
func (j JID) WithResource(r string) (JID, error) {
	if j.IsZero() {
		return JID{}, partError(PartDomain, "", ErrEmptyPart, nil)
	}
	b := j.Bare()
	if r == "" {
		return b, nil
	}
	rp, err := prepareResource(r, true)
	if err != nil {
		return JID{}, err
	}
	b.s = b.s + "/" + rp
	return b, nil
}

// IsZero reports whether j is the empty address, the zero value.
func (j JID) IsZero() bool { return j.s == "" }

// IsBare reports whether j is an address without a resourcepart. The zero
// JID is not bare.
func (j JID) IsBare() bool { return j.s != "" && int(j.dEnd) == len(j.s) }

// IsFull reports whether j has a resourcepart.
func (j JID) IsFull() bool { return int(j.dEnd) < len(j.s) }

// Equal reports whether j and k are the same address; it is the same as
// j == k.
func (j JID) Equal(k JID) bool { return j == k }

// MarshalText implements encoding.TextMarshaler. It returns the address; the
// zero JID gives empty text.
func (j JID) MarshalText() ([]byte, error) { return []byte(j.s), nil }

// AppendText implements encoding.TextAppender: it appends the address to b.
func (j JID) AppendText(b []byte) ([]byte, error) { return append(b, j.s...), nil }

// UnmarshalText implements encoding.TextUnmarshaler. Empty text gives the
// zero JID; other text is parsed with Parse. On error, *j is left unchanged.
func (j *JID) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*j = JID{}
		return nil
	}
	k, err := Parse(string(text))
	if err != nil {
		return err
	}
	*j = k
	return nil
}
