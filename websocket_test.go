package xmpp

import "testing"

func TestMayFollowSeeOtherURI(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		want     bool
	}{
		{"wss://a.example/ws", "wss://b.example/ws", true},
		{"wss://a.example/ws", "ws://b.example/ws", false},
		{"ws://a.example/ws", "ws://b.example/ws", true},
		{"ws://a.example/ws", "wss://b.example/ws", true},
		{"wss://a.example/ws", "https://b.example/ws", false},
		{"wss://a.example/ws", "wss:///ws", false},
		{"wss://a.example/ws", "::", false},
	} {
		if got := mayFollow(tc.from, tc.to); got != tc.want {
			t.Errorf("mayFollow(%q, %q) = %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
}
