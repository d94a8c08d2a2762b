package sasl

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xdg-go/scram"
)

// TestSCRAMExchange runs full exchanges against xdg-go/scram's server, for
// each hash, with and without channel binding, with the server-final
// message in a challenge or in <success/>.
func TestSCRAMExchange(t *testing.T) {
	t12 := handshake(t, tls.VersionTLS12, false)
	t13 := handshake(t, tls.VersionTLS13, false)
	other12 := handshake(t, tls.VersionTLS12, false)
	if len(t12.client.TLSUnique) == 0 || string(t12.client.TLSUnique) != string(t12.server.TLSUnique) {
		t.Fatalf("tls-unique: client %x, server %x", t12.client.TLSUnique, t12.server.TLSUnique)
	}
	serverExporter := func(p tlsPair) scram.ChannelBinding {
		cb, err := scram.NewTLSExporterBinding(&p.server)
		if err != nil {
			t.Fatal(err)
		}
		return cb
	}
	serverEndPoint := func(p tlsPair) scram.ChannelBinding {
		cb, err := scram.NewTLSServerEndpointBinding(&tls.ConnectionState{PeerCertificates: []*x509.Certificate{p.cert}})
		if err != nil {
			t.Fatal(err)
		}
		return cb
	}

	hashes := []struct {
		base, plus string
		gen        scram.HashGeneratorFcn
	}{
		{SCRAMSHA1, SCRAMSHA1Plus, scram.SHA1},
		{SCRAMSHA256, SCRAMSHA256Plus, scram.SHA256},
		{SCRAMSHA512, SCRAMSHA512Plus, scram.SHA512},
	}
	for _, h := range hashes {
		both := []string{h.base, h.plus}
		tests := []struct {
			name      string
			cfg       Config
			offered   []string
			info      ConnInfo
			serverCB  scram.ChannelBinding
			wantMech  string
			wantFlag  string
			serverErr string // e= value the server sends, "" for success
		}{
			{name: "cleartext", offered: both, wantMech: h.base, wantFlag: "n"},
			{name: "tls12/tls-unique", offered: both, info: ConnInfo{TLS: &t12.client},
				serverCB: scram.NewTLSUniqueBinding(t12.server.TLSUnique), wantMech: h.plus, wantFlag: "p=tls-unique"},
			{name: "tls13/tls-exporter", offered: both, info: ConnInfo{TLS: &t13.client, ChannelBindingTypes: []string{TLSExporter, TLSServerEndPoint}},
				serverCB: serverExporter(t13), wantMech: h.plus, wantFlag: "p=tls-exporter"},
			{name: "tls13/tls-server-end-point", offered: both, info: ConnInfo{TLS: &t13.client},
				cfg: Config{ChannelBinding: TLSServerEndPoint}, serverCB: serverEndPoint(t13), wantMech: h.plus, wantFlag: "p=tls-server-end-point"},
			{name: "tls12/y-flag", offered: []string{h.base}, info: ConnInfo{TLS: &t12.client}, wantMech: h.base, wantFlag: "y"},
			{name: "tls13/n-flag", offered: both, info: ConnInfo{TLS: &t13.client},
				serverCB: serverExporter(t13), wantMech: h.base, wantFlag: "n"},
			{name: "tls12/tls-unique-mismatch", offered: both, info: ConnInfo{TLS: &t12.client},
				serverCB: scram.NewTLSUniqueBinding(other12.server.TLSUnique), wantMech: h.plus, wantFlag: "p=tls-unique",
				serverErr: "channel-bindings-dont-match"},
			{name: "tls13/exporter-mismatch", offered: both, info: ConnInfo{TLS: &t13.client, ChannelBindingTypes: []string{TLSExporter}},
				serverCB: scram.ChannelBinding{Type: scram.ChannelBindingTLSExporter, Data: make([]byte, 32)}, wantMech: h.plus, wantFlag: "p=tls-exporter",
				serverErr: "channel-bindings-dont-match"},
			{name: "wrong-password", cfg: Config{Password: "wrong"}, offered: both, wantMech: h.base, wantFlag: "n",
				serverErr: "invalid-proof"},
		}
		for _, tt := range tests {
			for _, inChallenge := range []bool{false, true} {
				name := h.base + "/" + tt.name + "/final-in-success"
				if inChallenge {
					name = h.base + "/" + tt.name + "/final-in-challenge"
				}
				t.Run(name, func(t *testing.T) {
					cfg := tt.cfg
					cfg.Username = testUser
					if cfg.Password == "" {
						cfg.Password = testPass
					}
					s, err := cfg.Select(tt.offered, tt.info)
					if err != nil {
						t.Fatal(err)
					}
					if s.Mechanism() != tt.wantMech {
						t.Fatalf("Mechanism = %s, want %s", s.Mechanism(), tt.wantMech)
					}
					srv := xdgServer(t, h.gen, tt.serverCB)
					clientErr, serverErr := run(s, srv, inChallenge)
					if tt.serverErr == "" {
						if clientErr != nil || serverErr != nil || !srv.Valid() {
							t.Fatalf("client %v, server %v (valid %v)", clientErr, serverErr, srv.Valid())
						}
						return
					}
					var se *ServerError
					if !errors.As(clientErr, &se) || se.Value != tt.serverErr || serverErr == nil {
						t.Fatalf("client %v, server %v; want server error %s", clientErr, serverErr, tt.serverErr)
					}
					if err := s.Verify(nil); err != clientErr {
						t.Errorf("spent session: Verify = %v, want %v", err, clientErr)
					}
				})
			}
		}
		t.Run(h.base+"/gs2-flags", func(t *testing.T) {
			// The flags of the cases above, checked on the client-first
			// message.
			for _, tt := range []struct {
				offered []string
				info    ConnInfo
				want    string
			}{
				{both, ConnInfo{}, "n,,"},
				{[]string{h.base}, ConnInfo{TLS: &t12.client}, "y,,"},
				{both, ConnInfo{TLS: &t12.client}, "p=tls-unique,,"},
				{both, ConnInfo{TLS: &t13.client}, "n,,"},
			} {
				s, err := (&Config{Username: testUser, Password: testPass}).Select(tt.offered, tt.info)
				if err != nil {
					t.Fatal(err)
				}
				ir, _ := s.Start()
				if !strings.HasPrefix(string(ir), tt.want+"n=alice,r=") {
					t.Errorf("%v: client-first %q, want prefix %q", tt.offered, ir, tt.want)
				}
			}
		})
	}
}

// TestSCRAMDowngradeFlag checks RFC 5802 downgrade detection: a client
// that could bind says "y" when it sees no -PLUS, and a server that
// supports binding (a man in the middle removed -PLUS) refuses it.
func TestSCRAMDowngradeFlag(t *testing.T) {
	t12 := handshake(t, tls.VersionTLS12, false)
	s, err := (&Config{Username: testUser, Password: testPass}).Select([]string{SCRAMSHA256}, ConnInfo{TLS: &t12.client})
	if err != nil {
		t.Fatal(err)
	}
	srv := xdgServer(t, scram.SHA256, scram.NewTLSUniqueBinding(t12.server.TLSUnique))
	ir, _ := s.Start()
	if _, err := srv.Step(string(ir)); err == nil {
		t.Fatal("server accepted y while supporting channel binding")
	}
}

// TestSCRAMAuthzID checks the authorization identity in the GS2 header,
// escaped as RFC 5802 requires.
func TestSCRAMAuthzID(t *testing.T) {
	cfg := &Config{Username: "a,b=c", Password: testPass, AuthzID: "x=y,z@example.org"}
	s, err := cfg.Select([]string{SCRAMSHA1}, ConnInfo{})
	if err != nil {
		t.Fatal(err)
	}
	ir, _ := s.Start()
	if want := "n,a=x=3Dy=2Cz@example.org,n=a=2Cb=3Dc,r="; !strings.HasPrefix(string(ir), want) {
		t.Errorf("client-first %q, want prefix %q", ir, want)
	}
}

// TestSCRAMUnpreppablePassword checks that a password SASLprep refuses is
// used as it is (both sides unprepared).
func TestSCRAMUnpreppablePassword(t *testing.T) {
	const pass = "pass\u0221word" // U+0221 is unassigned in Unicode 3.2
	if _, err := scram.SHA256.NewClient(testUser, pass, ""); err == nil {
		t.Skip("SASLprep accepts the password")
	}
	s, err := (&Config{Username: testUser, Password: pass}).Select([]string{SCRAMSHA256}, ConnInfo{})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := scram.SHA256.NewClientUnprepped(testUser, pass, "")
	creds, _ := c.GetStoredCredentialsWithError(scram.KeyFactors{Salt: testSalt, Iters: 4096})
	srv, _ := scram.SHA256.NewServer(func(string) (scram.StoredCredentials, error) { return creds, nil })
	conv := srv.NewConversation()
	if cerr, serr := run(s, conv, false); cerr != nil || serr != nil {
		t.Fatalf("client %v, server %v", cerr, serr)
	}
}

// TestHostileServerFirst checks that invalid server-first messages are
// refused, cheaply, and that valid ones are accepted.
func TestHostileServerFirst(t *testing.T) {
	const (
		n    = "r=CLIENTNONCEsrv"
		salt = "s=QSXCR+Q6sek8bf92"
		ok   = n + "," + salt + ",i=4096"
	)
	tests := []struct {
		name, msg string
		valid     bool
	}{
		{"valid", ok, true},
		{"valid/extension", ok + ",x=anything goes=here", true},
		{"valid/old-xep0474-d", ok + ",d=bm90IGNoZWNrZWQ=", true},
		{"valid/max", n + "," + salt + ",i=600000", true},
		{"empty", "", false},
		{"nonce only", n, false},
		{"missing nonce", salt + ",i=4096", false},
		{"missing nonce, three fields", "x=1," + salt + ",i=4096", false},
		{"empty nonce", "r=," + salt + ",i=4096", false},
		{"nonce not extending ours", "r=OTHERNONCEsrv," + salt + ",i=4096", false},
		{"nonce prefix of ours", "r=CLIENT," + salt + ",i=4096", false},
		{"nonce equal to ours", "r=CLIENTNONCE," + salt + ",i=4096", false},
		{"nonce with space", "r=CLIENTNONCE s," + salt + ",i=4096", false},
		{"nonce with control", "r=CLIENTNONCE\x01," + salt + ",i=4096", false},
		{"nonce non-ASCII", "r=CLIENTNONCEé," + salt + ",i=4096", false},
		{"swapped", salt + "," + n + ",i=4096", false},
		{"missing salt", n + ",i=4096", false},
		{"missing salt, three fields", n + ",x=1,i=4096", false},
		{"empty salt", n + ",s=,i=4096", false},
		{"salt not base64", n + ",s=!!!!,i=4096", false},
		{"salt bad length", n + ",s=QSXCR,i=4096", false},
		{"salt bad padding", n + ",s=QQ=,i=4096", false},
		{"salt non-canonical", n + ",s=QR==,i=4096", false},
		{"salt with newline", n + ",s=QSXC\nR+Q6sek8bf92,i=4096", false},
		{"missing iterations", n + "," + salt, false},
		{"zero iterations", n + "," + salt + ",i=0", false},
		{"negative iterations", n + "," + salt + ",i=-1", false},
		{"plus sign", n + "," + salt + ",i=+4096", false},
		{"leading zero", n + "," + salt + ",i=04096", false},
		{"empty iterations", n + "," + salt + ",i=", false},
		{"fraction", n + "," + salt + ",i=4096.0", false},
		{"hex", n + "," + salt + ",i=0x1000", false},
		{"below minimum", n + "," + salt + ",i=4095", false},
		{"above maximum", n + "," + salt + ",i=600001", false},
		{"huge", n + "," + salt + ",i=2147483647", false},
		{"overflow", n + "," + salt + ",i=99999999999999999999999999999", false},
		{"mandatory extension first", "m=x," + ok, false},
		{"mandatory extension later", ok + ",m=x", false},
		{"garbage", ok + ",garbage", false},
		{"trailing comma", ok + ",", false},
		{"empty value", ok + ",x=", false},
		{"long name", ok + ",xy=1", false},
		{"digit name", ok + ",1=1", false},
		{"repeated", ok + ",x=1,x=2", false},
		{"repeated nonce", ok + ",r=CLIENTNONCEother", false},
		{"repeated iterations", ok + ",i=1", false},
		{"NUL in value", ok + ",x=a\x00b", false},
		{"not UTF-8", ok + ",x=\xff", false},
		{"server-final instead", "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=", false},
		{"server error instead", "e=other-error", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testSession(t, SCRAMSHA1, scramParams{mechs: []string{SCRAMSHA1}}, 0, 0)
			start := time.Now()
			resp, err := s.Next([]byte(tt.msg))
			elapsed := time.Since(start)
			if tt.valid {
				if err != nil || resp == nil {
					t.Fatalf("Next = %q, %v; want a client-final message", resp, err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidChallenge) || resp != nil {
				t.Fatalf("Next = %q, %v; want ErrInvalidChallenge", resp, err)
			}
			if elapsed > 100*time.Millisecond {
				t.Errorf("refusal took %v", elapsed)
			}
			t.Log(err)
			if err2 := s.Verify([]byte("v=AAAA")); err2 != err {
				t.Errorf("spent session: Verify = %v, want %v", err2, err)
			}
			if _, err2 := s.Next([]byte(ok)); err2 != err {
				t.Errorf("spent session: Next = %v, want %v", err2, err)
			}
		})
	}
}

// TestIterationBounds checks configured bounds.
func TestIterationBounds(t *testing.T) {
	tests := []struct {
		min, max, iters int
		ok              bool
	}{
		{0, 0, 4096, true},
		{0, 0, 4095, false},
		{1, 0, 1, true},
		{0, 10000, 10000, true},
		{0, 10000, 10001, false},
		{5000, 10000, 4096, false},
	}
	for _, tt := range tests {
		s := testSession(t, SCRAMSHA256, scramParams{}, tt.min, tt.max)
		_, err := s.Next([]byte("r=CLIENTNONCEs,s=QSXCR+Q6sek8bf92,i=" + strconv.Itoa(tt.iters)))
		if (err == nil) != tt.ok {
			t.Errorf("bounds [%d, %d], i=%d: err = %v", tt.min, tt.max, tt.iters, err)
		}
	}
}

// TestServerSignature checks that a missing or wrong server signature
// fails Verify and that the right one passes, wherever it comes.
func TestServerSignature(t *testing.T) {
	// exchange runs up to the server-final message and returns it.
	exchange := func(t *testing.T) (Session, string) {
		t.Helper()
		s, err := (&Config{Username: testUser, Password: testPass}).Select([]string{SCRAMSHA256}, ConnInfo{})
		if err != nil {
			t.Fatal(err)
		}
		srv := xdgServer(t, scram.SHA256, scram.ChannelBinding{})
		ir, _ := s.Start()
		s1, err := srv.Step(string(ir))
		if err != nil {
			t.Fatal(err)
		}
		c2, err := s.Next([]byte(s1))
		if err != nil {
			t.Fatal(err)
		}
		s2, err := srv.Step(string(c2))
		if err != nil {
			t.Fatal(err)
		}
		return s, s2
	}
	flip := func(s2 string) string {
		v, _ := base64.StdEncoding.DecodeString(s2[2:])
		v[0] ^= 1
		return "v=" + base64.StdEncoding.EncodeToString(v)
	}

	tests := []struct {
		name      string
		challenge func(s2 string) string // server-final as a challenge, if any
		success   func(s2 string) string // additional data of <success/>
		want      error                  // nil, or the sentinel matched
	}{
		{"in success", nil, func(s2 string) string { return s2 }, nil},
		{"in challenge", func(s2 string) string { return s2 }, func(string) string { return "" }, nil},
		{"in both", func(s2 string) string { return s2 }, func(s2 string) string { return s2 }, nil},
		{"with extension", nil, func(s2 string) string { return s2 + ",x=1" }, nil},
		{"missing", nil, func(string) string { return "" }, ErrServerSignature},
		{"wrong in success", nil, flip, ErrServerSignature},
		{"wrong in challenge", flip, func(string) string { return "" }, ErrServerSignature},
		{"truncated", nil, func(s2 string) string { return "v=AAAA" }, ErrServerSignature},
		{"not base64", nil, func(string) string { return "v=***" }, ErrInvalidChallenge},
		{"empty verifier", nil, func(string) string { return "v=" }, ErrInvalidChallenge},
		{"neither v nor e", nil, func(string) string { return "x=1" }, ErrInvalidChallenge},
		{"v and e", nil, func(s2 string) string { return s2 + ",e=other-error" }, ErrInvalidChallenge},
		{"differs after challenge", func(s2 string) string { return s2 }, flip, ErrInvalidChallenge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, s2 := exchange(t)
			if tt.challenge != nil {
				resp, err := s.Next([]byte(tt.challenge(s2)))
				if err != nil {
					if tt.want == nil || !errors.Is(err, tt.want) {
						t.Fatalf("Next = %v, want %v", err, tt.want)
					}
					return
				}
				if len(resp) != 0 {
					t.Fatalf("response %q, want empty", resp)
				}
			}
			err := s.Verify([]byte(tt.success(s2)))
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Verify = %v", err)
				}
				if _, err := s.Next([]byte("x")); !errors.Is(err, ErrInvalidChallenge) {
					t.Errorf("challenge after success: %v", err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
			t.Log(err)
		})
	}

	t.Run("success before server-first", func(t *testing.T) {
		s := testSession(t, SCRAMSHA1, scramParams{}, 0, 0)
		if err := s.Verify(nil); !errors.Is(err, ErrServerSignature) {
			t.Fatalf("Verify = %v", err)
		}
	})
	t.Run("success before start", func(t *testing.T) {
		s, err := (&Config{Username: testUser, Password: testPass}).Select([]string{SCRAMSHA1}, ConnInfo{})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Verify([]byte("v=AAAA")); !errors.Is(err, ErrServerSignature) {
			t.Fatalf("Verify = %v", err)
		}
	})
	t.Run("server error in success", func(t *testing.T) {
		s, _ := exchange(t)
		var se *ServerError
		if err := s.Verify([]byte("e=invalid-proof")); !errors.As(err, &se) || se.Value != "invalid-proof" {
			t.Fatalf("Verify = %v", err)
		}
		if got := se.Error(); got != `sasl: scram: server error: "invalid-proof"` {
			t.Errorf("Error() = %s", got)
		}
	})
	t.Run("start twice", func(t *testing.T) {
		s := testSession(t, SCRAMSHA1, scramParams{}, 0, 0)
		if _, err := s.Start(); err == nil {
			t.Fatal("second Start succeeded")
		}
	})
}

// TestDowngradeHash checks the XEP-0474 hash against the example of the
// XEP.
func TestDowngradeHash(t *testing.T) {
	got := downgradeHash(scram.SHA1, []string{"SCRAM-SHA-1-PLUS", "SCRAM-SHA-1"}, []string{TLSServerEndPoint, TLSExporter})
	if b := base64.StdEncoding.EncodeToString(got); b != "G6k/rBLDqgOhRRaCuuatSDFkJ08=" {
		t.Errorf("hash = %s", b)
	}
}

// TestDowngradeXEPExample feeds the server-first message of XEP-0474's
// example to a client that received the example's lists.
func TestDowngradeXEPExample(t *testing.T) {
	const s1 = "r=12C4CD5C-E38E-4A98-8F6D-15C38F51CCC6a09117a6-ac50-4f2f-93f1-93799c2bddf6,s=QSXCR+Q6sek8bf92,i=4096,h=G6k/rBLDqgOhRRaCuuatSDFkJ08="
	for _, tt := range []struct {
		name    string
		mechs   []string
		cbTypes []string
		want    error
	}{
		{"as advertised", []string{"SCRAM-SHA-1", "SCRAM-SHA-1-PLUS"}, []string{"tls-exporter", "tls-server-end-point"}, nil},
		{"-PLUS stripped", []string{"SCRAM-SHA-1"}, []string{"tls-exporter", "tls-server-end-point"}, ErrDowngrade},
		{"type stripped", []string{"SCRAM-SHA-1", "SCRAM-SHA-1-PLUS"}, []string{"tls-server-end-point"}, ErrDowngrade},
		{"XEP-0440 stripped", []string{"SCRAM-SHA-1", "SCRAM-SHA-1-PLUS"}, nil, ErrDowngrade},
		{"XEP-0440 emptied", []string{"SCRAM-SHA-1", "SCRAM-SHA-1-PLUS"}, []string{}, ErrDowngrade},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := testSession(t, SCRAMSHA1, scramParams{nonce: "12C4CD5C-E38E-4A98-8F6D-15C38F51CCC6", mechs: tt.mechs, cbTypes: tt.cbTypes}, 0, 0)
			_, err := s.Next([]byte(s1))
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("Next = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestDowngradeExchange runs exchanges with a server that sends the
// XEP-0474 hash, through Select, and checks that a tampered list fails
// before the client sends its proof.
func TestDowngradeExchange(t *testing.T) {
	t13 := handshake(t, tls.VersionTLS13, false)
	serverMechs := []string{"SCRAM-SHA-512", "SCRAM-SHA-512-PLUS", "SCRAM-SHA-256", "PLAIN"}
	serverTypes := []string{TLSExporter, TLSServerEndPoint}
	hashOf := func(mechs, types []string) string {
		return ",h=" + base64.StdEncoding.EncodeToString(downgradeHash(scram.SHA512, mechs, types))
	}
	good := hashOf(serverMechs, serverTypes)
	exporter, err := scram.NewTLSExporterBinding(&t13.server)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		extra   string   // what the server appends to server-first
		offered []string // what reaches the client
		cbTypes []string
		want    error
		plus    bool
	}{
		{"genuine", good, serverMechs, serverTypes, nil, true},
		{"genuine without -PLUS use", good, serverMechs, serverTypes, nil, false},
		{"no hash", "", serverMechs, serverTypes, nil, true},
		{"hash extra attribute order", ",x=1" + good, serverMechs, serverTypes, nil, true},
		{"-PLUS stripped", good, []string{"SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"}, serverTypes, ErrDowngrade, false},
		{"types stripped", good, serverMechs, nil, ErrDowngrade, false},
		{"types replaced", good, serverMechs, []string{"tls-foo"}, ErrDowngrade, false},
		{"types replaced, no hash", "", serverMechs, []string{"tls-foo"}, ErrDowngrade, false},
		{"malformed hash", ",h=!!", serverMechs, serverTypes, ErrDowngrade, true},
		{"hash without the types", hashOf(serverMechs, nil), serverMechs, serverTypes, ErrDowngrade, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := &Config{Username: testUser, Password: testPass}
			if !tt.plus {
				cfg.Mechanisms = []string{SCRAMSHA512}
			}
			s, err := cfg.Select(tt.offered, ConnInfo{TLS: &t13.client, ChannelBindingTypes: tt.cbTypes})
			if err != nil {
				t.Fatal(err)
			}
			srv := newRFCServer(t, scram.SHA512, tt.extra)
			if s.Mechanism() == SCRAMSHA512Plus {
				srv.cb = exporter.Data
			}
			ir, _ := s.Start()
			s1, err := srv.first(string(ir))
			if err != nil {
				t.Fatal(err)
			}
			c2, err := s.Next([]byte(s1))
			if tt.want != nil {
				if !errors.Is(err, tt.want) || c2 != nil {
					t.Fatalf("Next = %q, %v; want %v", c2, err, tt.want)
				}
				t.Log(err)
				return
			}
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			s2, err := srv.final(string(c2))
			if err != nil {
				t.Fatalf("server: %v", err)
			}
			if err := s.Verify([]byte(s2)); err != nil {
				t.Fatalf("Verify: %v", err)
			}
		})
	}
}
