package sasl

import (
	"errors"
	"fmt"
	"testing"

	"github.com/xmppkit/xmpp/stanza"
)

var allConditions = []Condition{
	ErrAborted, ErrAccountDisabled, ErrCredentialsExpired, ErrEncryptionRequired,
	ErrIncorrectEncoding, ErrInvalidAuthzID, ErrInvalidMechanism, ErrMalformedRequest,
	ErrMechanismTooWeak, ErrNotAuthorized, ErrTemporaryAuthFailure,
}

func TestParseFailureConditions(t *testing.T) {
	for _, c := range allConditions {
		t.Run(string(c), func(t *testing.T) {
			x := fmt.Sprintf(`<failure xmlns='%s'><%s/><text xml:lang='en'>Because.</text></failure>`, NS, string(c))
			e, err := stanza.ParseElement(x)
			if err != nil {
				t.Fatal(err)
			}
			f := ParseFailure(e)
			if f == nil || f.Condition != c || f.Text != "Because." || f.Lang != "en" {
				t.Fatalf("ParseFailure = %+v", f)
			}
			var err2 error = f
			if !errors.Is(err2, c) || !errors.Is(fmt.Errorf("stream: auth: %w", err2), c) {
				t.Error("errors.Is does not match the condition")
			}
			for _, other := range allConditions {
				if other != c && errors.Is(err2, other) {
					t.Errorf("matches %s too", other)
				}
			}
			if !errors.Is(err2, &Failure{Condition: c}) {
				t.Error("errors.Is does not match a *Failure with the condition")
			}
			if want := "sasl failure: " + string(c) + ": Because."; f.Error() != want {
				t.Errorf("Error() = %q, want %q", f.Error(), want)
			}
			if !ParseFailure(f.Element()).Is(f) || *ParseFailure(f.Element()) != *f {
				t.Errorf("round trip: %+v", ParseFailure(f.Element()))
			}
		})
	}
}

func TestParseFailure(t *testing.T) {
	tests := []struct {
		name, xml string
		want      *Failure
	}{
		{"bare", `<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>`, &Failure{Condition: ErrNotAuthorized}},
		{"unknown condition", `<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><bad-auth/></failure>`, &Failure{Condition: ErrNotAuthorized}},
		{"unknown then known", `<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><bad-auth/><account-disabled/></failure>`, &Failure{Condition: ErrAccountDisabled}},
		{"two known", `<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><aborted/><not-authorized/></failure>`, &Failure{Condition: ErrAborted}},
		{"condition in other namespace", `<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><aborted xmlns='urn:x'/></failure>`, &Failure{Condition: ErrNotAuthorized}},
		{"text only", `<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><text>no</text></failure>`, &Failure{Condition: ErrNotAuthorized, Text: "no"}},
		{"two texts", `<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><text xml:lang='de'>nein</text><text xml:lang='en'>no</text><credentials-expired/></failure>`,
			&Failure{Condition: ErrCredentialsExpired, Text: "nein", Lang: "de"}},
		{"wrong namespace", `<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>`, nil},
		{"wrong name", `<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := stanza.ParseElement(tt.xml)
			if err != nil {
				t.Fatal(err)
			}
			got := ParseFailure(e)
			if (got == nil) != (tt.want == nil) || got != nil && *got != *tt.want {
				t.Fatalf("ParseFailure = %+v, want %+v", got, tt.want)
			}
		})
	}
	if ParseFailure(nil) != nil {
		t.Error("ParseFailure(nil) != nil")
	}
	if got := (&Failure{}).Error(); got != "sasl failure: not-authorized" {
		t.Errorf("zero Failure: %s", got)
	}
	if got := ErrTemporaryAuthFailure.Error(); got != "sasl failure: temporary-auth-failure" {
		t.Errorf("Condition.Error() = %s", got)
	}
}

func TestElements(t *testing.T) {
	tests := []struct {
		name string
		e    *stanza.Element
		want string
	}{
		{"auth nil", AuthElement(External, nil), `<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="EXTERNAL"></auth>`},
		{"auth empty", AuthElement(External, []byte{}), `<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="EXTERNAL">=</auth>`},
		{"auth data", AuthElement(Plain, []byte("\x00alice\x00pencil")), `<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">AGFsaWNlAHBlbmNpbA==</auth>`},
		{"response empty", ResponseElement(nil), `<response xmlns="urn:ietf:params:xml:ns:xmpp-sasl"></response>`},
		{"response data", ResponseElement([]byte("abc")), `<response xmlns="urn:ietf:params:xml:ns:xmpp-sasl">YWJj</response>`},
		{"abort", AbortElement(), `<abort xmlns="urn:ietf:params:xml:ns:xmpp-sasl"></abort>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := stanza.AppendElement(nil, tt.e)
			if err != nil {
				t.Fatal(err)
			}
			want, err := stanza.ParseElement(tt.want)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.e.Equal(want) {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestDecodePayload(t *testing.T) {
	tests := []struct {
		text string
		want []byte // nil with ok: no data
		ok   bool
	}{
		{"", nil, true},
		{"=", []byte{}, true},
		{"YWJj", []byte("abc"), true},
		{"YWI=", []byte("ab"), true},
		{"YWI", nil, false},
		{"YWJ=", nil, false}, // non-canonical
		{"YW Jj", nil, false},
		{"YW\nJj", nil, false},
		{"YWJj\r\n", nil, false},
		{"==", nil, false},
		{"YWJj=", nil, false},
		{"!!!!", nil, false},
	}
	for _, tt := range tests {
		e := stanza.NewElement(NS, "challenge").AddText(tt.text)
		got, err := DecodePayload(e)
		switch {
		case !tt.ok:
			if !errors.Is(err, ErrInvalidChallenge) {
				t.Errorf("%q: err = %v, want ErrInvalidChallenge", tt.text, err)
			}
		case err != nil || string(got) != string(tt.want) || (got == nil) != (tt.want == nil):
			t.Errorf("%q: got %q (nil %v), %v; want %q (nil %v)", tt.text, got, got == nil, err, tt.want, tt.want == nil)
		}
	}
	e := stanza.NewElement(NS, "success").AddChild(stanza.NewElement(NS, "x"))
	if _, err := DecodePayload(e); !errors.Is(err, ErrInvalidChallenge) {
		t.Errorf("child element: err = %v", err)
	}
	for _, data := range [][]byte{nil, {}, []byte("x"), []byte("\x00\xff")} {
		got, err := DecodePayload(AuthElement(Plain, data))
		if err != nil || string(got) != string(data) || (got == nil) != (data == nil) {
			t.Errorf("round trip %q: %q, %v", data, got, err)
		}
	}
}

// TestSimpleMechanisms checks the single-message mechanisms after Start.
func TestSimpleMechanisms(t *testing.T) {
	t13 := handshake(t, 0x0304, false)
	info := ConnInfo{TLS: &t13.client, Domain: "example.org"}
	for _, mech := range []string{Plain, External, Anonymous, XOAuth2, OAuthBearer} {
		t.Run(mech, func(t *testing.T) {
			cfg := &Config{Username: testUser, Password: testPass, OAuthToken: "tok", Mechanisms: []string{mech}}
			s, err := cfg.Select([]string{mech}, info)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Start(); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Start(); err == nil {
				t.Error("second Start succeeded")
			}
			if err := s.Verify([]byte("whatever")); err != nil {
				t.Errorf("Verify: %v", err)
			}
			if mech == OAuthBearer {
				// RFC 7628 section 3.2.3: answer the error with %x01.
				resp, err := s.Next([]byte(`{"status":"invalid_token"}`))
				if err != nil || string(resp) != "\x01" {
					t.Fatalf("Next = %q, %v", resp, err)
				}
			}
			if _, err := s.Next([]byte("x")); !errors.Is(err, ErrInvalidChallenge) {
				t.Errorf("Next = %v, want ErrInvalidChallenge", err)
			}
		})
	}
}

func TestOAuthBearerEscaping(t *testing.T) {
	t13 := handshake(t, 0x0304, false)
	cfg := &Config{AuthzID: "a=b,c@example.org", OAuthToken: "tok", Mechanisms: []string{OAuthBearer}}
	s, err := cfg.Select([]string{OAuthBearer}, ConnInfo{TLS: &t13.client, Domain: "example.org"})
	if err != nil {
		t.Fatal(err)
	}
	ir, _ := s.Start()
	if want := "n,a=a=3Db=2Cc@example.org,\x01host=example.org\x01auth=Bearer tok\x01\x01"; string(ir) != want {
		t.Errorf("initial response %q, want %q", ir, want)
	}
}
