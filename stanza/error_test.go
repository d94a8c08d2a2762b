package stanza_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// stanzaConditions lists every defined condition with its usual type
// (RFC 6120 section 8.3.3).
var stanzaConditions = []struct {
	c   stanza.Condition
	typ stanza.ErrorType
}{
	{stanza.ErrBadRequest, stanza.ErrorModify},
	{stanza.ErrConflict, stanza.ErrorCancel},
	{stanza.ErrFeatureNotImplemented, stanza.ErrorCancel},
	{stanza.ErrForbidden, stanza.ErrorAuth},
	{stanza.ErrGone, stanza.ErrorCancel},
	{stanza.ErrInternalServerError, stanza.ErrorCancel},
	{stanza.ErrItemNotFound, stanza.ErrorCancel},
	{stanza.ErrJIDMalformed, stanza.ErrorModify},
	{stanza.ErrNotAcceptable, stanza.ErrorModify},
	{stanza.ErrNotAllowed, stanza.ErrorCancel},
	{stanza.ErrNotAuthorized, stanza.ErrorAuth},
	{stanza.ErrPolicyViolation, stanza.ErrorModify},
	{stanza.ErrRecipientUnavailable, stanza.ErrorWait},
	{stanza.ErrRedirect, stanza.ErrorModify},
	{stanza.ErrRegistrationRequired, stanza.ErrorAuth},
	{stanza.ErrRemoteServerNotFound, stanza.ErrorCancel},
	{stanza.ErrRemoteServerTimeout, stanza.ErrorWait},
	{stanza.ErrResourceConstraint, stanza.ErrorWait},
	{stanza.ErrServiceUnavailable, stanza.ErrorCancel},
	{stanza.ErrSubscriptionRequired, stanza.ErrorAuth},
	{stanza.ErrUndefinedCondition, stanza.ErrorCancel},
	{stanza.ErrUnexpectedRequest, stanza.ErrorWait},
}

func TestConditionRoundTrip(t *testing.T) {
	if len(stanzaConditions) != 22 {
		t.Fatalf("%d conditions listed, RFC 6120 defines 22", len(stanzaConditions))
	}
	by := jid.MustParse("example.com")
	for _, tc := range stanzaConditions {
		t.Run(string(tc.c), func(t *testing.T) {
			if got := tc.c.DefaultType(); got != tc.typ {
				t.Errorf("DefaultType() = %q, want %q", got, tc.typ)
			}
			e := stanza.NewError(tc.c, "why")
			if e.Type != tc.typ || e.Condition != tc.c || e.Text != "why" {
				t.Errorf("NewError = %+v", e)
			}
			e.By, e.TextLang = by, "en"
			if tc.c == stanza.ErrGone || tc.c == stanza.ErrRedirect {
				e.Redirect = "xmpp:juliet@example.org"
			}
			el := e.Element()
			if el.Name != (stanza.Name{Space: stanza.NSClient, Local: "error"}) || el.Attr("type") != string(tc.typ) {
				t.Errorf("Element() = %+v", el)
			}
			if el.Child(stanza.NSStanzas, string(tc.c)) == nil {
				t.Errorf("Element() has no {%s}%s child", stanza.NSStanzas, tc.c)
			}
			back, err := stanza.ParseError(el)
			if err != nil {
				t.Fatal(err)
			}
			if !sameError(back, e) {
				t.Errorf("round trip: got %+v, want %+v", back, e)
			}
			if !errors.Is(back, tc.c) {
				t.Errorf("errors.Is(%v, %v) = false", back, tc.c)
			}
		})
	}
}

func TestParseError(t *testing.T) {
	const ns = `xmlns='jabber:client'`
	app := elemFromXML(t, `<too-many-subscriptions xmlns='http://jabber.org/protocol/pubsub#errors'/>`)
	for _, tc := range []struct {
		name, xml string
		want      *stanza.Error
	}{
		{"minimal", `<error ` + ns + ` type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`,
			&stanza.Error{Type: stanza.ErrorCancel, Condition: stanza.ErrItemNotFound}},
		{"text, by and app", `<error ` + ns + ` type='wait' by='pubsub.example.com'>
			<resource-constraint xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>
			<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>too many</text>
			<too-many-subscriptions xmlns='http://jabber.org/protocol/pubsub#errors'/>
		</error>`, &stanza.Error{Type: stanza.ErrorWait, Condition: stanza.ErrResourceConstraint,
			Text: "too many", TextLang: "en", By: jid.MustParse("pubsub.example.com"), App: app}},
		{"redirect", `<error ` + ns + ` type='modify'><redirect xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>xmpp:a@b</redirect></error>`,
			&stanza.Error{Type: stanza.ErrorModify, Condition: stanza.ErrRedirect, Redirect: "xmpp:a@b"}},
		{"text of other condition ignored", `<error ` + ns + ` type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>x</conflict></error>`,
			&stanza.Error{Type: stanza.ErrorCancel, Condition: stanza.ErrConflict}},
		{"unknown condition", `<error ` + ns + ` type='cancel'><on-fire xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>
			<too-many-subscriptions xmlns='http://jabber.org/protocol/pubsub#errors'/></error>`,
			&stanza.Error{Type: stanza.ErrorCancel, Condition: stanza.ErrUndefinedCondition, App: app}},
		{"unknown beside known", `<error ` + ns + ` type='cancel'><on-fire xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>
			<gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`,
			&stanza.Error{Type: stanza.ErrorCancel, Condition: stanza.ErrGone}},
		{"no condition", `<error ` + ns + ` type='auth'/>`, &stanza.Error{Type: stanza.ErrorAuth, Condition: stanza.ErrUndefinedCondition}},
		{"first text kept", `<error ` + ns + ` type='auth'><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>a</text>
			<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='de'>b</text></error>`,
			&stanza.Error{Type: stanza.ErrorAuth, Condition: stanza.ErrUndefinedCondition, Text: "a"}},
		{"legacy code ignored", `<error ` + ns + ` code='404' type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`,
			&stanza.Error{Type: stanza.ErrorCancel, Condition: stanza.ErrItemNotFound}},
		{"server namespace", `<error xmlns='jabber:server' type='continue'><undefined-condition xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`,
			&stanza.Error{Type: stanza.ErrorContinue, Condition: stanza.ErrUndefinedCondition}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := stanza.ParseError(elemFromXML(t, tc.xml))
			if err != nil {
				t.Fatal(err)
			}
			if !sameError(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestParseErrorFailures(t *testing.T) {
	const cond = `<gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>`
	const app = `<x xmlns='urn:example'/>`
	for _, tc := range []struct{ name, xml, want string }{
		{"missing type", `<error xmlns='jabber:client'>` + cond + `</error>`, `stanza: error: missing type`},
		{"unknown type", `<error xmlns='jabber:client' type='fatal'>` + cond + `</error>`, `stanza: error: unknown type "fatal"`},
		{"two conditions", `<error xmlns='jabber:client' type='cancel'>` + cond + `<conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`,
			`stanza: error: more than one condition: gone and conflict`},
		{"two app conditions", `<error xmlns='jabber:client' type='cancel'>` + cond + app + app + `</error>`,
			`stanza: error: more than one application-specific condition`},
		{"wrong name", `<failure xmlns='jabber:client' type='cancel'/>`, `stanza: error: unexpected element {jabber:client}failure`},
		{"wrong namespace", `<error xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' type='cancel'/>`, `stanza: error: unexpected element`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := stanza.ParseError(elemFromXML(t, tc.xml))
			decodeErr(t, err, tc.want, stanza.ErrBadRequest)
			if e != nil {
				t.Errorf("error = %+v, want nil", e)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&stanza.Error{Type: stanza.ErrorCancel, Condition: stanza.ErrItemNotFound, Text: "no such node"},
			"stanza error: cancel item-not-found: no such node"},
		{&stanza.Error{Type: stanza.ErrorAuth, Condition: stanza.ErrForbidden}, "stanza error: auth forbidden"},
		{&stanza.Error{}, "stanza error: undefined-condition"},
		{stanza.ErrConflict, "stanza error: conflict"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

func TestErrorIs(t *testing.T) {
	e := stanza.NewError(stanza.ErrItemNotFound, "gone fishing")
	wrapped := fmt.Errorf("roster: fetch: %w", e)
	for _, tc := range []struct {
		target error
		want   bool
	}{
		{stanza.ErrItemNotFound, true},
		{stanza.ErrForbidden, false},
		{&stanza.Error{Type: stanza.ErrorCancel, Condition: stanza.ErrItemNotFound}, true},
		{&stanza.Error{Type: stanza.ErrorWait, Condition: stanza.ErrItemNotFound}, false},
		{&stanza.Error{Type: stanza.ErrorCancel, Condition: stanza.ErrGone}, false},
		{(*stanza.Error)(nil), false},
		{stanza.StreamConflict, false},
		{errors.New("stanza error: cancel item-not-found: gone fishing"), false},
	} {
		if got := errors.Is(wrapped, tc.target); got != tc.want {
			t.Errorf("errors.Is(err, %#v) = %v, want %v", tc.target, got, tc.want)
		}
	}
	var se *stanza.Error
	if !errors.As(wrapped, &se) || se != e {
		t.Error("errors.As does not find the *stanza.Error")
	}
	var c stanza.Condition
	if errors.As(wrapped, &c) {
		t.Error("errors.As finds a Condition in a *stanza.Error")
	}
	// An empty condition is undefined-condition.
	if !errors.Is(&stanza.Error{}, stanza.ErrUndefinedCondition) {
		t.Error("empty condition does not match undefined-condition")
	}
	// A Condition is a sentinel that matches itself.
	if !errors.Is(fmt.Errorf("x: %w", stanza.ErrConflict), stanza.ErrConflict) {
		t.Error("wrapped Condition does not match itself")
	}
}

func TestErrorElementDefaults(t *testing.T) {
	el := (&stanza.Error{}).Element()
	if el.Attr("type") != "cancel" || el.Child(stanza.NSStanzas, "undefined-condition") == nil {
		t.Errorf("zero Error encodes as %+v", el)
	}
	el = (&stanza.Error{Condition: stanza.ErrBadRequest, Redirect: "ignored"}).Element()
	if el.Attr("type") != "modify" || el.ChildText(stanza.NSStanzas, "bad-request") != "" {
		t.Errorf("Error{bad-request} encodes as %+v", el)
	}
	if el.NumChildren() != 1 {
		t.Errorf("error without text or app has %d children", el.NumChildren())
	}
	if _, ok := el.LookupAttr("", "by"); ok {
		t.Error("error without By encodes a by attribute")
	}
}
