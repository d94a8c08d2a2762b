package sasl

import (
	"encoding/base64"
	"fmt"

	"github.com/xmppkit/xmpp/stanza"
)

// AuthElement returns <auth xmlns=NS mechanism=mech/> carrying the initial
// response ir in base64: no content when ir is nil, "=" when it is empty
// (RFC 6120 section 6.4.2).
func AuthElement(mech string, ir []byte) *stanza.Element {
	e := stanza.NewElement(NS, "auth", stanza.A("mechanism", mech))
	return e.AddText(encodePayload(ir))
}

// ResponseElement returns <response xmlns=NS/> carrying data in base64; no
// content when data is empty (RFC 6120 section 6.4.3).
func ResponseElement(data []byte) *stanza.Element {
	e := stanza.NewElement(NS, "response")
	if len(data) == 0 {
		return e
	}
	return e.AddText(encodePayload(data))
}

// AbortElement returns <abort xmlns=NS/>, which ends an exchange the client
// gives up (RFC 6120 section 6.4.4).
func AbortElement() *stanza.Element {
	return stanza.NewElement(NS, "abort")
}

// encodePayload returns data in base64, "" for nil and "=" for empty.
func encodePayload(data []byte) string {
	switch {
	case data == nil:
		return ""
	case len(data) == 0:
		return "="
	}
	return base64.StdEncoding.EncodeToString(data)
}

// DecodePayload returns the base64-decoded content of a SASL element such
// as <challenge/> or <success/>: nil when it has no content, empty when it
// is "=". The content must be canonical padded base64 (RFC 4648 section 4)
// with no whitespace and no child elements; otherwise DecodePayload fails
// with an error matching ErrInvalidChallenge.
func DecodePayload(e *stanza.Element) ([]byte, error) {
	if e == nil {
		return nil, nil
	}
	if e.NumChildren() != 0 {
		return nil, fmt.Errorf("sasl: <%s/>: %w: child elements in base64 content", e.Name.Local, ErrInvalidChallenge)
	}
	s := e.Text()
	switch s {
	case "":
		return nil, nil
	case "=":
		return []byte{}, nil
	}
	data, err := decodeBase64(s)
	if err != nil {
		return nil, fmt.Errorf("sasl: <%s/>: %w: %w", e.Name.Local, ErrInvalidChallenge, err)
	}
	return data, nil
}

// decodeBase64 decodes canonical padded base64, refusing the line breaks
// that encoding/base64 skips.
func decodeBase64(s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		if !isBase64Char(s[i]) && s[i] != '=' {
			return nil, fmt.Errorf("base64: illegal byte %q at offset %d", s[i], i)
		}
	}
	return base64.StdEncoding.Strict().DecodeString(s)
}

// isBase64Char reports whether c is in the base64 alphabet (without '=').
func isBase64Char(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/'
}
