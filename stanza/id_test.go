package stanza_test

import (
	"encoding/base64"
	"testing"

	"github.com/xmppkit/xmpp/stanza"
)

func TestNewID(t *testing.T) {
	seen := make(map[string]bool)
	for range 1000 {
		id := stanza.NewID()
		if len(id) != 16 {
			t.Fatalf("NewID() = %q, want 16 characters", id)
		}
		raw, err := base64.RawURLEncoding.DecodeString(id)
		if err != nil || len(raw) != 12 {
			t.Fatalf("NewID() = %q is not 12 bytes of base64url: %v", id, err)
		}
		if seen[id] {
			t.Fatalf("NewID() repeated %q", id)
		}
		seen[id] = true
	}
}

func BenchmarkNewID(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = stanza.NewID()
	}
}
