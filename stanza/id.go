package stanza

import (
	"crypto/rand"
	"encoding/base64"
)

// NewID returns a fresh stanza id: 12 bytes (96 bits) from crypto/rand in
// unpadded base64url, 16 characters. Ids are unpredictable, so that a peer
// cannot guess the id of a pending request and forge its answer. NewID is
// safe for concurrent use.
func NewID() string {
	var raw [12]byte
	var out [16]byte
	rand.Read(raw[:]) // never fails: crypto/rand.Read aborts the program if the system source breaks
	base64.RawURLEncoding.Encode(out[:], raw[:])
	return string(out[:])
}
