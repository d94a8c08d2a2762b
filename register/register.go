package register

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stream"
)

// Namespaces of in-band registration.
const (
	// NS is the namespace of the registration query (XEP-0077).
	NS = "jabber:iq:register"
	// NSFeature is the stream feature a server offers when it allows
	// registration before authentication.
	NSFeature = "http://jabber.org/features/iq-register"
	// nsData is the namespace of data forms (XEP-0004).
	nsData = "jabber:x:data"
)

// Errors of this package; stanza errors from the server come as they are
// (errors.Is(err, stanza.ErrConflict) for a username already taken,
// stanza.ErrNotAcceptable for missing or bad fields, stanza.ErrNotAllowed
// when registration is closed).
var (
	// ErrNotSupported: the server does not offer in-band registration.
	ErrNotSupported = errors.New("register: the server does not offer in-band registration")
	// ErrMalformed: a registration payload breaks XEP-0077.
	ErrMalformed = errors.New("register: malformed payload")
	// ErrMissingField: the server asks for a field no value was given for.
	ErrMissingField = errors.New("register: a field the server asks for has no value")
)

// knownFields are the legacy fields of XEP-0077 section 14.
var knownFields = []string{
	"username", "nick", "password", "name", "first", "last", "email", "address",
	"city", "state", "zip", "phone", "url", "date", "misc", "text", "key",
}

// Query is a decoded registration <query/>: the fields a server asks for,
// or what it holds for a registered account.
type Query struct {
	// Instructions are the server's instructions, for a human.
	Instructions string
	// Registered reports that the account is already registered.
	Registered bool
	// Fields are the legacy fields present, in document order, with
	// their values ("" for a field asked for).
	Fields []Field
	// Form is the data form (XEP-0004), if the server sent one, undecoded.
	Form *stanza.Element
}

// Field is one legacy registration field.
type Field struct {
	Name, Value string
}

// Value returns the value of the field name and whether it is present.
func (q Query) Value(name string) (string, bool) {
	for _, f := range q.Fields {
		if f.Name == name {
			return f.Value, true
		}
	}
	return "", false
}

// Parse decodes a registration <query/>. Unknown children of NS and
// repeated fields are malformed; children of other namespaces other than
// a data form are ignored.
func Parse(e *stanza.Element) (Query, error) {
	if e == nil || e.Name != (stanza.Name{Space: NS, Local: "query"}) {
		return Query{}, fmt.Errorf("%w: not a registration query", ErrMalformed)
	}
	var q Query
	for c := range e.Children() {
		switch {
		case c.Name == stanza.Name{Space: nsData, Local: "x"}:
			if q.Form != nil {
				return Query{}, fmt.Errorf("%w: two data forms", ErrMalformed)
			}
			q.Form = c.Copy()
		case c.Name.Space != NS:
		case c.Name.Local == "instructions":
			q.Instructions = c.Text()
		case c.Name.Local == "registered":
			q.Registered = true
		case c.Name.Local == "remove":
			return Query{}, fmt.Errorf("%w: <remove/> in a query result", ErrMalformed)
		case slices.Contains(knownFields, c.Name.Local):
			if _, dup := q.Value(c.Name.Local); dup {
				return Query{}, fmt.Errorf("%w: field %s given twice", ErrMalformed, c.Name.Local)
			}
			if c.NumChildren() != 0 {
				return Query{}, fmt.Errorf("%w: field %s has child elements", ErrMalformed, c.Name.Local)
			}
			q.Fields = append(q.Fields, Field{Name: c.Name.Local, Value: c.Text()})
		default:
			return Query{}, fmt.Errorf("%w: unknown field <%s/>", ErrMalformed, c.Name.Local)
		}
	}
	return q, nil
}

// Element encodes the query.
func (q Query) Element() *stanza.Element {
	e := stanza.NewElement(NS, "query")
	if q.Instructions != "" {
		e.AddChild(stanza.NewElement(NS, "instructions").AddText(q.Instructions))
	}
	if q.Registered {
		e.AddChild(stanza.NewElement(NS, "registered"))
	}
	for _, f := range q.Fields {
		e.AddChild(stanza.NewElement(NS, f.Name).AddText(f.Value))
	}
	if q.Form != nil {
		e.AddChild(q.Form.Copy())
	}
	return e
}

// NewAccount returns a function for xmpp.Options.PreAuth that registers
// the account username with password before the Client logs in
// (XEP-0077 section 3.1), on its first connection: Connect (or Dial) then
// logs in to the new account. Give the Client the same address and
// password:
//
//	opts := &xmpp.Options{Password: pw, PreAuth: register.NewAccount("zed", pw, nil)}
//	c, err := xmpp.Dial(ctx, jid.MustParse("zed@example.com"), opts)
//
// extra holds values for other fields the server may ask for (email, name,
// ...); a field the server asks for without a value fails with
// ErrMissingField, before anything is sent. A server that does not offer
// registration fails with ErrNotSupported. A server that asks with a data
// form only (XEP-0077 section 4) gets it filled in from the same values,
// by field var; a form that needs more (a CAPTCHA) fails with
// ErrMissingField.
func NewAccount(username, password string, extra map[string]string) func(context.Context, stream.Transport, *stanza.Element) error {
	return func(ctx context.Context, t stream.Transport, features *stanza.Element) error {
		if features.Child(NSFeature, "register") == nil {
			return ErrNotSupported
		}
		res, err := exchange(ctx, t, stanza.IQGet, stanza.NewElement(NS, "query"))
		if err != nil {
			return fmt.Errorf("register: fields: %w", err)
		}
		asked, err := Parse(res.Payload)
		if err != nil {
			return err
		}
		values := map[string]string{"username": username, "password": password}
		for k, v := range extra {
			values[k] = v
		}
		if len(asked.Fields) == 0 && asked.Form != nil {
			sub, err := fillForm(asked.Form, values)
			if err != nil {
				return err
			}
			q := stanza.NewElement(NS, "query").AddChild(sub.Element())
			if _, err := exchange(ctx, t, stanza.IQSet, q); err != nil {
				return fmt.Errorf("register: %w", err)
			}
			return nil
		}
		var send Query
		for _, f := range asked.Fields {
			v, ok := values[f.Name]
			if !ok || v == "" {
				return fmt.Errorf("%w: %s", ErrMissingField, f.Name)
			}
			send.Fields = append(send.Fields, Field{Name: f.Name, Value: v})
		}
		for _, must := range []string{"username", "password"} {
			if _, ok := send.Value(must); !ok {
				send.Fields = append(send.Fields, Field{Name: must, Value: values[must]})
			}
		}
		if _, err := exchange(ctx, t, stanza.IQSet, send.Element()); err != nil {
			return fmt.Errorf("register: %w", err)
		}
		return nil
	}
}

// fillForm answers a registration data form (XEP-0077 section 4) with
// values by field var (username, password, email...): every field the
// form marks required must have one, and the submission must pass the
// form's own rules.
func fillForm(e *stanza.Element, values map[string]string) (*form.Form, error) {
	def, err := form.Parse(e)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	sub := def.Submit()
	for _, fd := range def.Fields {
		switch fd.Type {
		case form.Hidden, form.Fixed:
			continue
		}
		v, ok := values[fd.Var]
		if !ok || v == "" {
			if fd.Required {
				return nil, fmt.Errorf("%w: %s", ErrMissingField, fd.Var)
			}
			continue
		}
		if err := sub.SetString(fd.Var, v); err != nil {
			return nil, fmt.Errorf("register: %w", err)
		}
	}
	if err := form.Validate(def, sub); err != nil {
		return nil, fmt.Errorf("register: %w", err)
	}
	return sub, nil
}

// exchange sends an IQ with payload over t before authentication and
// reads the answer: the result, or its error as a *stanza.Error. Only the
// server talks to us then, so anything else is a protocol error.
func exchange(ctx context.Context, t stream.Transport, typ stanza.IQType, payload *stanza.Element) (*stanza.IQ, error) {
	iq := stanza.NewIQ(typ, jid.JID{}, payload)
	iq.ID = stanza.NewID()
	if err := t.WriteElement(ctx, iq.Element()); err != nil {
		return nil, err
	}
	e, err := t.ReadElementContext(ctx)
	if err != nil {
		return nil, err
	}
	if e.Name == (stanza.Name{Space: stanza.NSStream, Local: "error"}) {
		if se, perr := stanza.ParseStreamError(e); perr == nil {
			return nil, se
		}
	}
	res, err := stanza.ParseIQ(e)
	if err != nil || res.ID != iq.ID || (res.Type != stanza.IQResult && res.Type != stanza.IQError) {
		return nil, fmt.Errorf("%w: expected the answer to our request, got %s", ErrMalformed, e)
	}
	if res.Type == stanza.IQError {
		return res, res.Error
	}
	return res, nil
}

// Get asks the server what it holds about the logged-in account (XEP-0077
// section 3.2: Registered set, with the username).
func Get(ctx context.Context, c *xmpp.Client) (Query, error) {
	res, err := c.Request(ctx, stanza.NewIQ(stanza.IQGet, jid.JID{}, stanza.NewElement(NS, "query")))
	if err != nil {
		return Query{}, fmt.Errorf("register: get: %w", err)
	}
	return Parse(res.Payload)
}

// ChangePassword changes the logged-in account's password (XEP-0077
// section 3.3). Later logins, and the Client's own reconnections, need the
// new password: reconnections use the Options given to Dial, so a Client
// that may reconnect should be closed and dialled again.
func ChangePassword(ctx context.Context, c *xmpp.Client, password string) error {
	if password == "" {
		return fmt.Errorf("register: change password: %w: empty password", ErrMissingField)
	}
	q := Query{Fields: []Field{{"username", c.JID().Localpart()}, {"password", password}}}
	if _, err := c.Request(ctx, stanza.NewIQ(stanza.IQSet, jid.JID{}, q.Element())); err != nil {
		return fmt.Errorf("register: change password: %w", err)
	}
	return nil
}

// Cancel removes the logged-in account from the server (XEP-0077 section
// 3.2). The server ends the session afterwards. Some servers (ejabberd)
// close the stream without answering the request; Cancel then returns nil
// once the Client has ended with a stream error or closing tag from the
// server, since the account is gone.
func Cancel(ctx context.Context, c *xmpp.Client) error {
	q := stanza.NewElement(NS, "query").AddChild(stanza.NewElement(NS, "remove"))
	_, err := c.Request(ctx, stanza.NewIQ(stanza.IQSet, jid.JID{}, q))
	if err == nil {
		return nil
	}
	var se *stanza.StreamError
	if errors.Is(err, xmpp.ErrClosed) && (errors.As(c.Err(), &se) || errors.Is(c.Err(), xmpp.ErrPeerClosed)) {
		return nil
	}
	return fmt.Errorf("register: cancel: %w", err)
}
