package sasl

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// serverFirst is a validated SCRAM server-first message (RFC 5802 section
// 7):
//
//	server-first-message = [reserved-mext ","] nonce "," salt ","
//	                       iteration-count ["," extensions]
type serverFirst struct {
	nonce string
	salt  []byte
	iters int
	// hash is the XEP-0474 downgrade-protection attribute h, base64, and
	// hasHash whether it is present.
	hash    string
	hasHash bool
}

// parseServerFirst parses and checks msg against the client nonce and the
// iteration bounds [minIters, maxIters]. It does no key derivation, so a
// hostile message costs nothing to refuse. Errors match
// ErrInvalidChallenge.
func parseServerFirst(msg, clientNonce string, minIters, maxIters int) (serverFirst, error) {
	var sf serverFirst
	if !utf8.ValidString(msg) {
		return sf, badServerFirst("not UTF-8")
	}
	if strings.HasPrefix(msg, "m=") {
		return sf, badServerFirst("mandatory extension (m=) not supported")
	}
	fields := strings.Split(msg, ",")
	if len(fields) < 3 {
		return sf, badServerFirst("want nonce, salt and iteration count; got %d attribute(s)", len(fields))
	}
	var err error
	if sf.nonce, err = parseNonce(fields[0], clientNonce); err != nil {
		return sf, err
	}
	if sf.salt, err = parseSalt(fields[1]); err != nil {
		return sf, err
	}
	if sf.iters, err = parseIterations(fields[2], minIters, maxIters); err != nil {
		return sf, err
	}
	ext, err := parseExtensions(fields[3:], "rsi")
	if err != nil {
		return sf, badServerFirst("%s", err)
	}
	sf.hash, sf.hasHash = ext['h']
	return sf, nil
}

// badServerFirst returns an error about a server-first message that
// matches ErrInvalidChallenge.
func badServerFirst(format string, args ...any) error {
	return fmt.Errorf("sasl: scram: server-first message: %w: "+format, append([]any{ErrInvalidChallenge}, args...)...)
}

// parseNonce checks the nonce attribute f: printable ASCII (RFC 5802
// "printable"), starting with the client nonce and strictly longer, as the
// server must add its own part.
func parseNonce(f, clientNonce string) (string, error) {
	nonce, ok := strings.CutPrefix(f, "r=")
	if !ok {
		return "", badServerFirst("first attribute is not the nonce (r=)")
	}
	for i := 0; i < len(nonce); i++ {
		if c := nonce[i]; c < 0x21 || c > 0x7e {
			return "", badServerFirst("nonce has byte %#02x, not printable ASCII", c)
		}
	}
	if !strings.HasPrefix(nonce, clientNonce) {
		return "", badServerFirst("nonce does not start with the client nonce")
	}
	if len(nonce) == len(clientNonce) {
		return "", badServerFirst("nonce has no server part")
	}
	return nonce, nil
}

// parseSalt decodes the salt attribute f, which must be non-empty canonical
// base64.
func parseSalt(f string) ([]byte, error) {
	s, ok := strings.CutPrefix(f, "s=")
	if !ok {
		return nil, badServerFirst("second attribute is not the salt (s=)")
	}
	salt, err := decodeBase64(s)
	if err != nil {
		return nil, badServerFirst("salt: %w", err)
	}
	if len(salt) == 0 {
		return nil, badServerFirst("empty salt")
	}
	return salt, nil
}

// parseIterations parses the iteration-count attribute f, a positive
// decimal number without sign or leading zero, and checks it against
// [minIters, maxIters].
func parseIterations(f string, minIters, maxIters int) (int, error) {
	s, ok := strings.CutPrefix(f, "i=")
	if !ok {
		return 0, badServerFirst("third attribute is not the iteration count (i=)")
	}
	if s == "" || s[0] < '1' || s[0] > '9' {
		return 0, badServerFirst("iteration count %s is not a positive number", quote(s))
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, badServerFirst("iteration count %s is not a positive number", quote(s))
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > maxIters {
		// Atoi fails only on overflow here, far above any maximum.
		return 0, badServerFirst("iteration count %.20s is above the maximum %d", s, maxIters)
	}
	if n < minIters {
		return 0, badServerFirst("iteration count %d is below the minimum %d", n, minIters)
	}
	return n, nil
}

// parseExtensions checks the extension attributes after the mandatory ones
// (RFC 5802: attr-val = ALPHA "=" value) and returns them by name. A
// repeated name, a name among taken (the attributes already read), a
// mandatory extension (m) or an empty value is an error.
func parseExtensions(fields []string, taken string) (map[byte]string, error) {
	ext := make(map[byte]string, len(fields))
	for _, f := range fields {
		if len(f) < 3 || f[1] != '=' || !isAlpha(f[0]) {
			return nil, fmt.Errorf("malformed attribute %s", quote(f))
		}
		name, value := f[0], f[2:]
		if _, dup := ext[name]; dup || strings.IndexByte(taken, name) >= 0 {
			return nil, fmt.Errorf("attribute %c repeated or out of place", name)
		}
		if name == 'm' {
			return nil, fmt.Errorf("mandatory extension (m=) not supported")
		}
		if strings.IndexByte(value, 0) >= 0 {
			return nil, fmt.Errorf("attribute %c has a NUL byte", name)
		}
		ext[name] = value
	}
	return ext, nil
}

// isAlpha reports whether c is an ASCII letter.
func isAlpha(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }

// serverFinal is a SCRAM server-final message (RFC 5802 section 7):
//
//	server-final-message = (server-error / verifier) ["," extensions]
type serverFinal struct {
	verifier []byte // the server signature, when there is no error
	err      string // the server-error-value, when there is one
}

// parseServerFinal parses msg. Errors match ErrInvalidChallenge; a
// server-error (e=) is not an error here but is returned in err.
func parseServerFinal(msg string) (serverFinal, error) {
	var sf serverFinal
	bad := func(format string, args ...any) error {
		return fmt.Errorf("sasl: scram: server-final message: %w: "+format, append([]any{ErrInvalidChallenge}, args...)...)
	}
	if !utf8.ValidString(msg) {
		return sf, bad("not UTF-8")
	}
	fields := strings.Split(msg, ",")
	first := fields[0]
	switch {
	case strings.HasPrefix(first, "e="):
		sf.err = first[2:]
		if sf.err == "" {
			return sf, bad("empty server error")
		}
	case strings.HasPrefix(first, "v="):
		v, err := decodeBase64(first[2:])
		if err != nil {
			return sf, bad("verifier: %w", err)
		}
		if len(v) == 0 {
			return sf, bad("empty verifier")
		}
		sf.verifier = v
	default:
		return sf, bad("neither a verifier (v=) nor an error (e=)")
	}
	if _, err := parseExtensions(fields[1:], "ve"); err != nil {
		return sf, bad("%s", err)
	}
	return sf, nil
}
