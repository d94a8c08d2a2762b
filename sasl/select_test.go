package sasl

import (
	"crypto/tls"
	"errors"
	"slices"
	"strings"
	"testing"
)

// Offered lists: SASL mechanisms as real servers offer them, in their order.
var (
	prosody12  = []string{"SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS", "PLAIN"}
	prosody13  = []string{"SCRAM-SHA-256", "PLAIN", "SCRAM-SHA-1"}
	ejabberd   = []string{"PLAIN", "SCRAM-SHA-512", "SCRAM-SHA-512-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS", "SCRAM-SHA-1", "SCRAM-SHA-1-PLUS"}
	hashedOnly = []string{"SCRAM-SHA-1", "PLAIN"}
)

func TestSelect(t *testing.T) {
	t12 := handshake(t, tls.VersionTLS12, false)
	t13 := handshake(t, tls.VersionTLS13, false)
	ed13 := handshake(t, tls.VersionTLS13, true)
	resumed12 := &tls.ConnectionState{Version: tls.VersionTLS12}  // no tls-unique
	handmade13 := &tls.ConnectionState{Version: tls.VersionTLS13} // no exporter

	creds := Config{Username: testUser, Password: testPass}
	with := func(f func(*Config)) Config { c := creds; f(&c); return c }
	only := func(m ...string) Config { return with(func(c *Config) { c.Mechanisms = m }) }
	cb := func(typ string) Config { return with(func(c *Config) { c.ChannelBinding = typ }) }
	token := func(m ...string) Config {
		return with(func(c *Config) { c.Mechanisms, c.OAuthToken = m, "tok" })
	}

	tests := []struct {
		name    string
		cfg     Config
		offered []string
		tls     *tls.ConnectionState
		cbTypes []string // XEP-0440
		want    string   // mechanism; "" for ErrNoMechanism
		ir      string   // prefix of the initial response (GS2 header for SCRAM)
		reqHash bool     // XEP-0474 hash required
	}{
		// No TLS.
		{name: "cleartext/scram", cfg: creds, offered: hashedOnly, want: SCRAMSHA1, ir: "n,,n=alice,r="},
		{name: "cleartext/plain-only", cfg: creds, offered: []string{"PLAIN"}},
		{name: "cleartext/plain-listed", cfg: only(Plain), offered: []string{"PLAIN", "SCRAM-SHA-1"}},
		{name: "cleartext/plus-only", cfg: creds, offered: []string{"SCRAM-SHA-1-PLUS"}},
		{name: "cleartext/external", cfg: only(External), offered: []string{"EXTERNAL"}},
		{name: "cleartext/oauthbearer", cfg: token(OAuthBearer), offered: []string{"OAUTHBEARER"}},
		{name: "cleartext/anonymous", cfg: only(Anonymous), offered: []string{"ANONYMOUS"}, want: Anonymous, ir: ""},

		// TLS 1.2 without XEP-0440: tls-unique.
		{name: "tls12/prosody", cfg: creds, offered: prosody12, tls: &t12.client, want: SCRAMSHA256Plus, ir: "p=tls-unique,,"},
		{name: "tls12/ejabberd", cfg: creds, offered: ejabberd, tls: &t12.client, want: SCRAMSHA512Plus, ir: "p=tls-unique,,"},
		{name: "tls12/no-plus-offered", cfg: creds, offered: hashedOnly, tls: &t12.client, want: SCRAMSHA1, ir: "y,,"},
		{name: "tls12/user-forbids-plus", cfg: only(SCRAMSHA1), offered: prosody12, tls: &t12.client, want: SCRAMSHA1, ir: "n,,"},
		{name: "tls12/user-plain", cfg: only(Plain), offered: prosody12, tls: &t12.client, want: Plain, ir: "\x00alice\x00pencil"},
		{name: "tls12/resumed-no-unique", cfg: creds, offered: prosody12, tls: resumed12, want: SCRAMSHA256, ir: "n,,"},
		{name: "tls12/explicit-end-point", cfg: cb(TLSServerEndPoint), offered: ejabberd, tls: &t12.client, want: SCRAMSHA512Plus, ir: "p=tls-server-end-point,,"},
		{name: "tls12/explicit-exporter", cfg: cb(TLSExporter), offered: ejabberd, tls: &t12.client, want: SCRAMSHA512, ir: "n,,"},

		// TLS 1.3 without XEP-0440: no binding, flag n even without -PLUS.
		{name: "tls13/prosody", cfg: creds, offered: prosody13, tls: &t13.client, want: SCRAMSHA256, ir: "n,,"},
		{name: "tls13/ejabberd", cfg: creds, offered: ejabberd, tls: &t13.client, want: SCRAMSHA512, ir: "n,,"},
		{name: "tls13/hashed", cfg: creds, offered: hashedOnly, tls: &t13.client, want: SCRAMSHA1, ir: "n,,"},
		{name: "tls13/explicit-end-point", cfg: cb(TLSServerEndPoint), offered: ejabberd, tls: &t13.client, want: SCRAMSHA512Plus, ir: "p=tls-server-end-point,,"},
		{name: "tls13/explicit-exporter", cfg: cb(TLSExporter), offered: ejabberd, tls: &t13.client, want: SCRAMSHA512Plus, ir: "p=tls-exporter,,"},
		{name: "tls13/explicit-unique", cfg: cb(TLSUnique), offered: ejabberd, tls: &t13.client, want: SCRAMSHA512, ir: "n,,"},
		{name: "tls13/explicit-end-point-no-plus", cfg: cb(TLSServerEndPoint), offered: prosody13, tls: &t13.client, want: SCRAMSHA256, ir: "y,,"},
		{name: "tls13/plain-only", cfg: creds, offered: []string{"PLAIN"}, tls: &t13.client, want: Plain, ir: "\x00alice\x00pencil"},

		// XEP-0440 advertised.
		{name: "xep0440/tls13/exporter", cfg: creds, offered: ejabberd, tls: &t13.client, cbTypes: []string{TLSServerEndPoint, TLSExporter}, want: SCRAMSHA512Plus, ir: "p=tls-exporter,,"},
		{name: "xep0440/tls13/end-point", cfg: creds, offered: prosody12, tls: &t13.client, cbTypes: []string{TLSServerEndPoint, TLSUnique}, want: SCRAMSHA256Plus, ir: "p=tls-server-end-point,,"},
		{name: "xep0440/tls12/unique-not-exporter", cfg: creds, offered: prosody12, tls: &t12.client, cbTypes: []string{TLSExporter, TLSUnique}, want: SCRAMSHA256Plus, ir: "p=tls-unique,,"},
		{name: "xep0440/tls12/end-point-before-unique", cfg: creds, offered: prosody12, tls: &t12.client, cbTypes: []string{TLSUnique, TLSServerEndPoint}, want: SCRAMSHA256Plus, ir: "p=tls-server-end-point,,"},
		{name: "xep0440/tls13/no-plus-offered", cfg: creds, offered: prosody13, tls: &t13.client, cbTypes: []string{TLSExporter}, want: SCRAMSHA256, ir: "y,,"},
		{name: "xep0440/tls13/unusable-no-end-point", cfg: creds, offered: ejabberd, tls: &t13.client, cbTypes: []string{TLSUnique, "tls-foo"}, want: SCRAMSHA512, ir: "n,,", reqHash: true},
		{name: "xep0440/tls13/ed25519-end-point", cfg: creds, offered: ejabberd, tls: &ed13.client, cbTypes: []string{TLSServerEndPoint}, want: SCRAMSHA512, ir: "n,,"},
		{name: "xep0440/tls13/handmade-state", cfg: creds, offered: ejabberd, tls: handmade13, cbTypes: []string{TLSExporter}, want: SCRAMSHA512, ir: "n,,", reqHash: true},
		{name: "xep0440/explicit-not-advertised", cfg: cb(TLSExporter), offered: ejabberd, tls: &t13.client, cbTypes: []string{TLSServerEndPoint}, want: SCRAMSHA512, ir: "n,,"},

		// Mechanisms listed explicitly.
		{name: "external", cfg: only(External, Plain), offered: []string{"PLAIN", "EXTERNAL"}, tls: &t13.client, want: External, ir: ""},
		{name: "external-authzid", cfg: with(func(c *Config) { c.Mechanisms, c.AuthzID = []string{External}, "bob@example.org" }), offered: []string{"EXTERNAL"}, tls: &t13.client, want: External, ir: "bob@example.org"},
		{name: "oauthbearer", cfg: token(OAuthBearer), offered: []string{"OAUTHBEARER", "PLAIN"}, tls: &t13.client, want: OAuthBearer, ir: "n,a=alice@example.org,\x01host=example.org\x01auth=Bearer tok\x01\x01"},
		{name: "oauthbearer-no-token", cfg: only(OAuthBearer), offered: []string{"OAUTHBEARER"}, tls: &t13.client},
		{name: "x-oauth2", cfg: token(XOAuth2), offered: []string{"X-OAUTH2"}, tls: &t13.client, want: XOAuth2, ir: "\x00alice\x00tok"},
		{name: "not-in-defaults", cfg: creds, offered: []string{"EXTERNAL", "ANONYMOUS", "OAUTHBEARER"}, tls: &t13.client},
		{name: "preference-order", cfg: only(SCRAMSHA1, SCRAMSHA256), offered: prosody13, tls: &t13.client, want: SCRAMSHA1, ir: "n,,"},
		{name: "offered-with-space", cfg: creds, offered: []string{" SCRAM-SHA-256\n"}, tls: &t13.client, want: SCRAMSHA256, ir: "n,,"},
		{name: "nothing-offered", cfg: creds, tls: &t13.client},
		{name: "no-password", cfg: Config{Username: testUser}, offered: prosody13, tls: &t13.client},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info := ConnInfo{TLS: tt.tls, Domain: "example.org", ChannelBindingTypes: tt.cbTypes}
			s, err := tt.cfg.Select(tt.offered, info)
			if tt.want == "" {
				var nm *NoMechanismError
				if !errors.Is(err, ErrNoMechanism) || !errors.As(err, &nm) {
					t.Fatalf("Select = %v, %v; want ErrNoMechanism", s, err)
				}
				t.Log(err)
				return
			}
			if err != nil {
				t.Fatalf("Select: %v", err)
			}
			if s.Mechanism() != tt.want {
				t.Fatalf("Mechanism = %s, want %s", s.Mechanism(), tt.want)
			}
			ir, err := s.Start()
			if err != nil {
				t.Fatalf("Start: %v", err)
			}
			if ir == nil || !strings.HasPrefix(string(ir), tt.ir) {
				t.Errorf("initial response %q, want prefix %q", ir, tt.ir)
			}
			if sc, ok := s.(*scramSession); ok && sc.requireHash != tt.reqHash {
				t.Errorf("XEP-0474 hash required = %v, want %v", sc.requireHash, tt.reqHash)
			}
		})
	}
}

func TestSelectNoMechanismError(t *testing.T) {
	cfg := &Config{Username: testUser, Password: testPass, Mechanisms: []string{SCRAMSHA1Plus, Plain, External, SCRAMSHA256}}
	_, err := cfg.Select([]string{"PLAIN", "SCRAM-SHA-1-PLUS", "X-BOGUS"}, ConnInfo{})
	var nm *NoMechanismError
	if !errors.As(err, &nm) {
		t.Fatalf("err = %v", err)
	}
	want := []UnusableMechanism{
		{SCRAMSHA1Plus, "no channel binding: no TLS"},
		{Plain, "requires TLS"},
	}
	if !slices.Equal(nm.Unusable, want) {
		t.Errorf("Unusable = %q, want %q", nm.Unusable, want)
	}
	const msg = "sasl: no usable mechanism: offered [PLAIN SCRAM-SHA-1-PLUS X-BOGUS], allowed [SCRAM-SHA-1-PLUS PLAIN EXTERNAL SCRAM-SHA-256]: SCRAM-SHA-1-PLUS: no channel binding: no TLS; PLAIN: requires TLS"
	if err.Error() != msg {
		t.Errorf("Error() =\n%s\nwant\n%s", err, msg)
	}
}

// TestSelectNoMechanismQuoting checks that odd names from the network are
// quoted in the error message.
func TestSelectNoMechanismQuoting(t *testing.T) {
	_, err := (&Config{Username: testUser, Password: testPass}).Select([]string{"bad\x00name", "", "X-TWENTY-ONE-CHARSXYZ"}, ConnInfo{})
	const want = `sasl: no usable mechanism: offered ["bad\x00name" "" "X-TWENTY-ONE-CHARSXYZ"], allowed [`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("err = %v, want prefix %s", err, want)
	}
}

func TestSelectConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"unknown mechanism", Config{Mechanisms: []string{"DIGEST-MD5"}}},
		{"plain plus", Config{Mechanisms: []string{"PLAIN-PLUS"}}},
		{"unknown channel binding", Config{ChannelBinding: "tls-foo"}},
		{"min above max", Config{MinIterations: 10000, MaxIterations: 5000}},
		{"min above default max", Config{MinIterations: DefaultMaxIterations + 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.cfg.Select(prosody13, ConnInfo{})
			if err == nil || errors.Is(err, ErrNoMechanism) || !strings.HasPrefix(err.Error(), "sasl: config: ") {
				t.Fatalf("err = %v, want a config error", err)
			}
		})
	}
}

func TestSelectNilConfig(t *testing.T) {
	var c *Config
	if _, err := c.Select(prosody13, ConnInfo{}); !errors.Is(err, ErrNoMechanism) {
		t.Fatalf("err = %v, want ErrNoMechanism", err)
	}
}

// TestSelectDoesNotModify checks that Select leaves its inputs alone.
func TestSelectDoesNotModify(t *testing.T) {
	cfg := Config{Username: testUser, Password: testPass, Mechanisms: []string{SCRAMSHA1}}
	offered := []string{" SCRAM-SHA-1 "}
	if _, err := cfg.Select(offered, ConnInfo{}); err != nil {
		t.Fatal(err)
	}
	if cfg.MinIterations != 0 || offered[0] != " SCRAM-SHA-1 " {
		t.Errorf("inputs changed: %+v %q", cfg, offered)
	}
}

// TestNonceUnique checks that two sessions never share a client nonce.
func TestNonceUnique(t *testing.T) {
	cfg := &Config{Username: testUser, Password: testPass}
	seen := map[string]bool{}
	for range 100 {
		s, err := cfg.Select(prosody13, ConnInfo{})
		if err != nil {
			t.Fatal(err)
		}
		ir, _ := s.Start()
		_, nonce, _ := strings.Cut(string(ir), ",r=")
		if len(nonce) < 20 || seen[nonce] {
			t.Fatalf("nonce %q short or repeated", nonce)
		}
		seen[nonce] = true
	}
}
