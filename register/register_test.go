package register

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/xmppkit/xmpp/stanza"
)

func parse(t *testing.T, s string) *stanza.Element {
	t.Helper()
	e, err := stanza.ParseElement(s)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestParse(t *testing.T) {
	// XEP-0077 examples 1 and 2.
	q, err := Parse(parse(t, `<query xmlns='jabber:iq:register'>
	  <instructions>Choose a username and password for use with this service.
	    Please also provide your email address.</instructions>
	  <username/><password/><email/></query>`))
	if err != nil {
		t.Fatal(err)
	}
	if q.Registered || len(q.Fields) != 3 || q.Fields[2].Name != "email" || q.Instructions == "" {
		t.Errorf("%+v", q)
	}
	q, err = Parse(parse(t, `<query xmlns='jabber:iq:register'><registered/><username>juliet</username><password>R0m30</password><x xmlns='jabber:x:data' type='form'/></query>`))
	if err != nil || !q.Registered || q.Form == nil {
		t.Fatalf("%+v %v", q, err)
	}
	if v, ok := q.Value("username"); !ok || v != "juliet" {
		t.Errorf("username %q %t", v, ok)
	}
	q2, err := Parse(q.Element())
	if err != nil || !reflect.DeepEqual(q.Fields, q2.Fields) || q2.Registered != q.Registered {
		t.Errorf("round trip %+v %v", q2, err)
	}
	for _, s := range []string{
		`<query xmlns='jabber:iq:other'/>`,
		`<query xmlns='jabber:iq:register'><username/><username/></query>`,
		`<query xmlns='jabber:iq:register'><shoe-size/></query>`,
		`<query xmlns='jabber:iq:register'><username><b/></username></query>`,
		`<query xmlns='jabber:iq:register'><remove/></query>`,
		`<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data'/><x xmlns='jabber:x:data'/></query>`,
	} {
		if _, err := Parse(parse(t, s)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", s, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(`<query xmlns='jabber:iq:register'><instructions>hi</instructions><username/><password/><email/></query>`)
	f.Add(`<query xmlns='jabber:iq:register'><registered/><username>juliet</username><x xmlns='jabber:x:data' type='form'/></query>`)
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		q, err := Parse(e)
		if err != nil {
			return
		}
		q2, err := Parse(q.Element())
		if err != nil {
			t.Fatalf("re-parse of %s: %v", q.Element(), err)
		}
		if !reflect.DeepEqual(q.Fields, q2.Fields) || q.Registered != q2.Registered || q.Instructions != q2.Instructions || (q.Form == nil) != (q2.Form == nil) {
			t.Fatalf("round trip\n%+v\n%+v", q, q2)
		}
	})
}

// server is a stream.Transport playing a server's side of registration
// before authentication: it answers each IQ with answer.
type server struct {
	answer func(iq *stanza.IQ) *stanza.Element
	sent   []*stanza.Element
	next   *stanza.Element
}

func (s *server) Open(context.Context, stanza.StreamHeader) (stanza.StreamHeader, error) {
	return stanza.StreamHeader{}, errors.New("not used")
}
func (s *server) ReadElement() (*stanza.Element, error) {
	return s.ReadElementContext(context.Background())
}
func (s *server) ReadElementContext(context.Context) (*stanza.Element, error) {
	if s.next == nil {
		return nil, io.EOF
	}
	e := s.next
	s.next = nil
	return e, nil
}
func (s *server) WriteElement(_ context.Context, e *stanza.Element) error {
	s.sent = append(s.sent, e)
	iq, err := stanza.ParseIQ(e)
	if err != nil {
		return err
	}
	s.next = s.answer(iq)
	return nil
}
func (s *server) InputOffset() int64                          { return 0 }
func (s *server) WriteKeepalive(context.Context) error        { return nil }
func (s *server) StartTLS(context.Context, *tls.Config) error { return errors.New("not used") }
func (s *server) TLS() *tls.ConnectionState                   { return &tls.ConnectionState{} }
func (s *server) EndStream(context.Context) error             { return nil }
func (s *server) Close() error                                { return nil }

var offered = stanza.NewElement(stanza.NSStream, "features").AddChild(stanza.NewElement(NSFeature, "register"))

// fields answers a get with the given query and a set with result.
func fields(q string) func(*stanza.IQ) *stanza.Element {
	return func(iq *stanza.IQ) *stanza.Element {
		if iq.Type == stanza.IQGet {
			e, _ := stanza.ParseElement(q)
			return iq.Result(e).Element()
		}
		return iq.Result(nil).Element()
	}
}

func TestNewAccount(t *testing.T) {
	ctx := context.Background()
	s := &server{answer: fields(`<query xmlns='jabber:iq:register'><username/><password/><email/></query>`)}
	err := NewAccount("zed", "pw", map[string]string{"email": "zed@example.com"})(ctx, s, offered)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.sent) != 2 {
		t.Fatalf("sent %d", len(s.sent))
	}
	got, _ := Parse(s.sent[1].FirstChild())
	want := []Field{{"username", "zed"}, {"password", "pw"}, {"email", "zed@example.com"}}
	if !reflect.DeepEqual(got.Fields, want) {
		t.Errorf("sent %v", got.Fields)
	}

	// A field without a value: nothing is sent.
	s = &server{answer: fields(`<query xmlns='jabber:iq:register'><username/><password/><email/></query>`)}
	if err := NewAccount("zed", "pw", nil)(ctx, s, offered); !errors.Is(err, ErrMissingField) || len(s.sent) != 1 {
		t.Errorf("missing email: %v, %d sent", err, len(s.sent))
	}
	// A data form only (XEP-0077 example 7): filled in by var.
	formOnly := `<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='form'>
	  <field type='hidden' var='FORM_TYPE'><value>jabber:iq:register</value></field>
	  <field type='text-single' var='username'><required/></field>
	  <field type='text-private' var='password'><required/></field>
	  <field type='text-single' var='email'/>
	  <field type='list-single' var='x-gender'><option><value>M</value></option><option><value>F</value></option></field>
	</x></query>`
	s = &server{answer: fields(formOnly)}
	if err := NewAccount("zed", "pw", map[string]string{"x-gender": "F"})(ctx, s, offered); err != nil {
		t.Fatalf("form only: %v", err)
	}
	sent := s.sent[1].FirstChild().FirstChild()
	if sent == nil || sent.Attr("type") != "submit" {
		t.Fatalf("sent %s", s.sent[1])
	}
	for _, want := range []string{"<value>jabber:iq:register</value>", "<value>zed</value>", "<value>pw</value>", "<value>F</value>"} {
		if !strings.Contains(sent.String(), want) {
			t.Errorf("submission %s lacks %s", sent, want)
		}
	}
	// A required form field without a value; a value not among the
	// options: nothing is sent.
	s = &server{answer: fields(strings.Replace(formOnly, "var='email'/>", "var='email'><required/></field>", 1))}
	if err := NewAccount("zed", "pw", nil)(ctx, s, offered); !errors.Is(err, ErrMissingField) || len(s.sent) != 1 {
		t.Errorf("required email: %v, %d sent", err, len(s.sent))
	}
	s = &server{answer: fields(formOnly)}
	if err := NewAccount("zed", "pw", map[string]string{"x-gender": "X"})(ctx, s, offered); err == nil || len(s.sent) != 1 {
		t.Errorf("value outside the options: %v, %d sent", err, len(s.sent))
	}
	// No registration offered: nothing is sent.
	s = &server{}
	if err := NewAccount("zed", "pw", nil)(ctx, s, stanza.NewElement(stanza.NSStream, "features")); !errors.Is(err, ErrNotSupported) || len(s.sent) != 0 {
		t.Errorf("not offered: %v", err)
	}
	// The username is taken.
	s = &server{answer: func(iq *stanza.IQ) *stanza.Element {
		if iq.Type == stanza.IQGet {
			return fields(`<query xmlns='jabber:iq:register'><username/><password/></query>`)(iq)
		}
		return iq.ErrorReply(stanza.NewError(stanza.ErrConflict, "")).Element()
	}}
	if err := NewAccount("alice", "pw", nil)(ctx, s, offered); !errors.Is(err, stanza.ErrConflict) {
		t.Errorf("taken: %v", err)
	}
	// An answer with another id is a protocol error.
	s = &server{answer: func(iq *stanza.IQ) *stanza.Element {
		r := iq.Result(nil)
		r.ID = "other"
		return r.Element()
	}}
	if err := NewAccount("zed", "pw", nil)(ctx, s, offered); !errors.Is(err, ErrMalformed) {
		t.Errorf("wrong id: %v", err)
	}
}
