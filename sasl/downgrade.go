package sasl

import (
	"crypto/subtle"
	"fmt"
	"slices"
	"strings"

	"github.com/xdg-go/scram"
)

// downgradeHash computes the XEP-0474 (version 0.5.0) downgrade-protection
// hash: the server's SASL mechanisms sorted by octet and joined by U+001E;
// then, if the server advertised channel-binding types with XEP-0440
// (cbTypes not nil), U+001F and those types sorted and joined the same way;
// all hashed with the hash of the SCRAM mechanism in use. The characters
// U+001E and U+001F cannot occur in XML, so they cannot occur in a name.
func downgradeHash(h scram.HashGeneratorFcn, mechs, cbTypes []string) []byte {
	s := strings.Join(slices.Sorted(slices.Values(mechs)), "\x1e")
	if cbTypes != nil {
		s += "\x1f" + strings.Join(slices.Sorted(slices.Values(cbTypes)), "\x1e")
	}
	d := h()
	d.Write([]byte(s))
	return d.Sum(nil)
}

// checkDowngrade checks the XEP-0474 attribute of a server-first message
// against want, the hash of what we received. A server that sends no hash
// is accepted unless required is set: no deployed server sends one yet
// (Prosody 0.12 and ejabberd 23.01 do not), so demanding it would lock out
// every account. Errors match ErrDowngrade.
//
// XEP-0474 0.5.0 names the attribute h; its earlier versions used d with
// another input format, which is ignored as an unknown extension.
func checkDowngrade(sf serverFirst, want []byte, required bool) error {
	if !sf.hasHash {
		if required {
			return fmt.Errorf("sasl: scram: %w: the server offers -PLUS with channel-binding types we cannot use, none of them tls-server-end-point, and sends no XEP-0474 hash to prove the list genuine", ErrDowngrade)
		}
		return nil
	}
	got, err := decodeBase64(sf.hash)
	if err != nil {
		return fmt.Errorf("sasl: scram: %w: malformed XEP-0474 hash: %w", ErrDowngrade, err)
	}
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return fmt.Errorf("sasl: scram: %w: the XEP-0474 hash does not match the mechanisms and channel-binding types received", ErrDowngrade)
	}
	return nil
}
