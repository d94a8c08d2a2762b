package jid

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/secure/precis"
)

const (
	// maxPart is the longest a prepared part may be, in bytes (RFC 7622
	// section 3.1).
	maxPart = 1023
	// maxAddress is the longest an address may be: three parts and two
	// separators. Longer input is rejected before any preparation, so that
	// hostile input cannot make PRECIS or IDNA work on megabytes.
	maxAddress = 3*maxPart + 2
	// forbiddenLocal are the characters RFC 7622 section 3.3.1 forbids in a
	// localpart even though the UsernameCaseMapped profile allows them.
	forbiddenLocal = `"&'/:<>@`
)

// lengthError describes a part that is too long.
func lengthError(n, limit int) error {
	return fmt.Errorf("%d bytes, more than %d", n, limit)
}

// prepareLocal returns the prepared form of the localpart s (RFC 7622
// section 3.3). With fast set, s is returned as is when it is ASCII and
// already in prepared form; the result is the same either way.
func prepareLocal(s string, fast bool) (string, error) {
	if s == "" {
		return "", partError(PartLocal, s, ErrEmptyPart, nil)
	}
	if fast && isPreparedLocal(s) {
		return s, nil
	}
	if !utf8.ValidString(s) {
		return "", partError(PartLocal, s, ErrInvalidUTF8, nil)
	}
	out, err := precis.UsernameCaseMapped.String(s)
	if err != nil {
		return "", partError(PartLocal, s, ErrForbiddenChar, err)
	}
	if out == "" {
		return "", partError(PartLocal, s, ErrEmptyPart, nil)
	}
	if i := strings.IndexAny(out, forbiddenLocal); i >= 0 {
		return "", partError(PartLocal, s, ErrForbiddenChar, fmt.Errorf("%q", out[i]))
	}
	if len(out) > maxPart {
		return "", partError(PartLocal, s, ErrTooLong, lengthError(len(out), maxPart))
	}
	return out, nil
}

// isPreparedLocal reports whether s is a localpart of printable ASCII that
// UsernameCaseMapped leaves unchanged: no upper-case letters, no space, none
// of the characters RFC 7622 forbids, not too long.
func isPreparedLocal(s string) bool {
	if len(s) > maxPart {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '.', c == '-', c == '_':
			// The common characters, tested first.
		case c <= ' ' || c > '~' || 'A' <= c && c <= 'Z':
			return false
		case strings.IndexByte(forbiddenLocal, c) >= 0:
			return false
		}
	}
	return true
}

// prepareResource returns the prepared form of the resourcepart s (RFC 7622
// section 3.4). With fast set, s is returned as is when it is printable
// ASCII, which OpaqueString leaves unchanged.
func prepareResource(s string, fast bool) (string, error) {
	if s == "" {
		return "", partError(PartResource, s, ErrEmptyPart, nil)
	}
	if fast && isPreparedResource(s) {
		return s, nil
	}
	if !utf8.ValidString(s) {
		return "", partError(PartResource, s, ErrInvalidUTF8, nil)
	}
	out, err := precis.OpaqueString.String(s)
	if err != nil {
		return "", partError(PartResource, s, ErrForbiddenChar, err)
	}
	if out == "" {
		return "", partError(PartResource, s, ErrEmptyPart, nil)
	}
	if len(out) > maxPart {
		return "", partError(PartResource, s, ErrTooLong, lengthError(len(out), maxPart))
	}
	return out, nil
}

// isPreparedResource reports whether s is printable ASCII (space included)
// and not too long.
func isPreparedResource(s string) bool {
	if len(s) > maxPart {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' {
			return false
		}
	}
	return true
}

// prepareDomain returns the prepared form of the domainpart s (RFC 7622
// section 3.2): one trailing dot removed, then an IPv4 address as is, an
// IPv6 address in brackets in RFC 5952 form, or a domain name in U-label
// form. With fast set, a domain name that is lower-case ASCII letter-digit-
// hyphen labels is returned without IDNA processing; the result is the same
// either way.
func prepareDomain(s string, fast bool) (string, error) {
	// RFC 7622 section 3.2: a final '.' is stripped before any other
	// canonicalization step.
	d := strings.TrimSuffix(s, ".")
	if d == "" {
		return "", partError(PartDomain, s, ErrEmptyPart, nil)
	}
	// The ABNF of RFC 7622 section 3.2 tries IP-literal and IPv4address
	// before a domain name ("first match wins").
	if d[0] == '[' {
		return prepareIPv6(s, d)
	}
	if isDigitsAndDots(d) {
		// netip.ParseAddr accepts exactly the dotted-decimal form of the
		// IPv4address rule of RFC 3986 (no leading zeros), which is
		// therefore already canonical. Anything else made of digits and
		// dots is a domain name.
		if _, err := netip.ParseAddr(d); err == nil {
			return d, nil
		}
	}
	if fast && isPreparedHost(d) {
		return d, nil
	}
	return prepareHost(s, d)
}

// isDigitsAndDots reports whether s consists of ASCII digits and dots only.
func isDigitsAndDots(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '.' && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// prepareIPv6 prepares d, the domainpart s without its trailing dot, which
// starts with '['. It must be an IPv6 address without zone in brackets
// (RFC 3986 IP-literal; IPvFuture and zones are not accepted).
func prepareIPv6(s, d string) (string, error) {
	if len(d) < 2 || d[len(d)-1] != ']' {
		return "", partError(PartDomain, s, ErrInvalidDomain, nil)
	}
	inner := d[1 : len(d)-1]
	addr, err := netip.ParseAddr(inner)
	if err != nil {
		return "", partError(PartDomain, s, ErrInvalidDomain, err)
	}
	if !addr.Is6() || addr.Zone() != "" {
		return "", partError(PartDomain, s, ErrInvalidDomain, fmt.Errorf("%q is not an IPv6 address without zone", inner))
	}
	var buf [64]byte
	canon := addr.AppendTo(buf[:0])
	if string(canon) == inner {
		return d, nil
	}
	return "[" + string(canon) + "]", nil
}

// isPreparedHost reports whether d is a domain name that IDNA processing
// leaves unchanged and that is certainly valid: non-empty labels of
// lower-case ASCII letters, digits and hyphens, not starting or ending with a
// hyphen and without "--" (so A-labels such as "xn--..." and other reserved
// forms take the slow path), not too long.
func isPreparedHost(d string) bool {
	if len(d) > maxPart {
		return false
	}
	start := 0
	for i := 0; i <= len(d); i++ {
		if i < len(d) && d[i] != '.' {
			c := d[i]
			if ('a' > c || c > 'z') && ('0' > c || c > '9') && c != '-' {
				return false
			}
			if c == '-' && i > start && d[i-1] == '-' {
				return false
			}
			continue
		}
		label := d[start:i]
		if label == "" || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		start = i + 1
	}
	return true
}

// domainProfile returns the IDNA profile for domainparts: the UTS #46
// mapping for lookup (lower case, width and compatibility mappings, NFC),
// nontransitional, with the IDNA2008 label rules (hyphens, joiners, bidi) and
// the STD3 rule that ASCII is only letters, digits and hyphens. DNS length
// limits are not applied: RFC 7622 allows 1023 bytes, and XMPP domains need
// not be DNS names. A new profile is made per call rather than kept in a
// package variable, so that the package holds no state; the cost is small
// beside the IDNA processing itself.
func domainProfile() *idna.Profile {
	return idna.New(
		idna.MapForLookup(),
		idna.BidiRule(),
		idna.Transitional(false),
		idna.VerifyDNSLength(false),
		idna.RemoveLeadingDots(false),
	)
}

// prepareHost converts the domain name d (the domainpart s without its
// trailing dot) to its prepared U-label form.
func prepareHost(s, d string) (string, error) {
	if !utf8.ValidString(d) {
		return "", partError(PartDomain, s, ErrInvalidUTF8, nil)
	}
	out, err := domainProfile().ToUnicode(d)
	if err != nil {
		return "", partError(PartDomain, s, ErrInvalidDomain, err)
	}
	if out == "" {
		return "", partError(PartDomain, s, ErrEmptyPart, nil)
	}
	// The profile skips empty labels (without VerifyDNSLength); RFC 7622
	// does not allow them.
	if out[0] == '.' || out[len(out)-1] == '.' || strings.Contains(out, "..") {
		return "", partError(PartDomain, s, ErrInvalidDomain, fmt.Errorf("empty label in %q", out))
	}
	if len(out) > maxPart {
		return "", partError(PartDomain, s, ErrTooLong, lengthError(len(out), maxPart))
	}
	return out, nil
}
