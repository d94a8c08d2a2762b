package sasl

import (
	"encoding/base64"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xdg-go/scram"

	"github.com/xmppkit/xmpp/stanza"
)

// fuzzMechs and fuzzTypes are the lists the fuzzed client received.
var (
	fuzzMechs = []string{SCRAMSHA256, SCRAMSHA256Plus, Plain}
	fuzzTypes = []string{TLSServerEndPoint}
)

// serverFirstRE is RFC 5802's grammar of the server-first message, written
// independently of the parser under test: nonce (printable), salt (base64),
// iteration count (posit-number), extensions (ALPHA "=" value).
var serverFirstRE = regexp.MustCompile(`^r=([\x21-\x2b\x2d-\x7e]+),s=([A-Za-z0-9+/]+={0,2}),i=([1-9][0-9]*)((?:,[A-Za-z]=[^,\x00]+)*)$`)

// oracleServerFirst reports whether msg is a server-first message the
// client must accept: grammatical, nonce extending "CLIENTNONCE",
// canonical non-empty salt, iterations in [1, 64], extension names
// unique and not r, s, i or m, and the XEP-0474 hash, if any, right.
func oracleServerFirst(msg string) bool {
	if !utf8.ValidString(msg) {
		return false
	}
	m := serverFirstRE.FindStringSubmatch(msg)
	if m == nil || !strings.HasPrefix(m[1], "CLIENTNONCE") || m[1] == "CLIENTNONCE" {
		return false
	}
	if salt, err := base64.StdEncoding.Strict().DecodeString(m[2]); err != nil || len(salt) == 0 {
		return false
	}
	if n, err := strconv.Atoi(m[3]); err != nil || n < 1 || n > 64 {
		return false
	}
	seen := "rsim"
	wantHash := base64.StdEncoding.EncodeToString(downgradeHash(scram.SHA256, fuzzMechs, fuzzTypes))
	for _, ext := range strings.Split(m[4], ",")[1:] {
		if strings.IndexByte(seen, ext[0]) >= 0 {
			return false
		}
		seen += ext[:1]
		if ext[0] == 'h' && ext[2:] != wantHash {
			return false
		}
	}
	return true
}

// FuzzServerFirst feeds arbitrary server-first messages to a SCRAM
// session: it must never panic, and must answer exactly the messages the
// oracle accepts, refusing the others with ErrInvalidChallenge or
// ErrDowngrade.
func FuzzServerFirst(f *testing.F) {
	good := "r=CLIENTNONCEsrv,s=QSXCR+Q6sek8bf92,i=16"
	h := base64.StdEncoding.EncodeToString(downgradeHash(scram.SHA256, fuzzMechs, fuzzTypes))
	for _, s := range []string{
		good, good + ",h=" + h, good + ",x=1,h=" + h, good + ",h=AAAA", good + ",d=old",
		"", "r=CLIENTNONCE,s=QQ==,i=1", "r=CLIENTNONCEx,s=QQ==,i=0", "r=CLIENTNONCEx,s=QQ=,i=1",
		"r=CLIENTNONCEx,s=QQ==,i=65", "r=CLIENTNONCEx,s=QQ==,i=99999999999999999999",
		"m=1,r=CLIENTNONCEx,s=QQ==,i=1", "r=CLIENTNONCEx,s=QQ==,i=1,", "r=CLIENTNONCEx,s=QQ==,i=1,xx=1",
		"r=CLIENTNONCEx,s=QQ==,i=1,r=x", "r=OTHER,s=QQ==,i=1", "s=QQ==,i=1", "r=CLIENTNONCEx,s=QQ==,i=-1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		s := testSession(t, SCRAMSHA256, scramParams{mechs: fuzzMechs, cbTypes: fuzzTypes}, 1, 64)
		resp, err := s.Next([]byte(msg))
		want := oracleServerFirst(msg)
		switch {
		case want && (err != nil || len(resp) == 0):
			t.Fatalf("valid %q refused: %v", msg, err)
		case !want && (err == nil || resp != nil):
			t.Fatalf("invalid %q answered %q", msg, resp)
		case !want && !errors.Is(err, ErrInvalidChallenge) && !errors.Is(err, ErrDowngrade):
			t.Fatalf("invalid %q: unexpected error %v", msg, err)
		}
		if err == nil && !strings.HasPrefix(string(resp), "c=biws,r="+msg[2:strings.IndexByte(msg, ',')]+",p=") {
			t.Fatalf("client-final %q does not echo the nonce of %q", resp, msg)
		}
	})
}

// FuzzParseFailure feeds arbitrary XML to ParseFailure: it must never
// panic, must recognise exactly the <failure/> elements of NS, give them
// a condition of RFC 6120, and survive a round trip through Element.
func FuzzParseFailure(f *testing.F) {
	for _, s := range []string{
		`<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>`,
		`<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/><text xml:lang='en'>x</text></failure>`,
		`<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><text/><text xml:lang='de'>y</text><bogus/><aborted/></failure>`,
		`<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><x:aborted xmlns:x='urn:x'/>text<temporary-auth-failure>z</temporary-auth-failure></failure>`,
		`<failure xmlns='jabber:client'/>`,
		`<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>=</success>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, x string) {
		e, err := stanza.ParseElement(x)
		if err != nil {
			return
		}
		fl := ParseFailure(e)
		isFailure := e.Name == stanza.Name{Space: NS, Local: "failure"}
		if (fl != nil) != isFailure {
			t.Fatalf("ParseFailure(%q) = %+v", x, fl)
		}
		if fl == nil {
			return
		}
		if !fl.Condition.known() {
			t.Fatalf("condition %q", fl.Condition)
		}
		if !errors.Is(fl, fl.Condition) {
			t.Fatal("errors.Is does not match the condition")
		}
		out, err := stanza.AppendElement(nil, fl.Element())
		if err != nil {
			t.Fatalf("encode %+v: %v", fl, err)
		}
		e2, err := stanza.ParseElement(string(out))
		if err != nil {
			t.Fatalf("reparse %s: %v", out, err)
		}
		if got := ParseFailure(e2); got == nil || *got != *fl {
			t.Fatalf("round trip: %+v, want %+v", got, fl)
		}
	})
}
