package stanza_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/xmppkit/xmpp/stanza"
)

// streamConditions lists every condition of RFC 6120 section 4.9.3.
var streamConditions = []stanza.StreamCondition{
	stanza.StreamBadFormat, stanza.StreamBadNamespacePrefix, stanza.StreamConflict,
	stanza.StreamConnectionTimeout, stanza.StreamHostGone, stanza.StreamHostUnknown,
	stanza.StreamImproperAddressing, stanza.StreamInternalServerError, stanza.StreamInvalidFrom,
	stanza.StreamInvalidNamespace, stanza.StreamInvalidXML, stanza.StreamNotAuthorized,
	stanza.StreamNotWellFormed, stanza.StreamPolicyViolation, stanza.StreamRemoteConnectionFailed,
	stanza.StreamReset, stanza.StreamResourceConstraint, stanza.StreamRestrictedXML,
	stanza.StreamSeeOtherHost, stanza.StreamSystemShutdown, stanza.StreamUndefinedCondition,
	stanza.StreamUnsupportedEncoding, stanza.StreamUnsupportedFeature,
	stanza.StreamUnsupportedStanzaType, stanza.StreamUnsupportedVersion,
}

func TestStreamConditionRoundTrip(t *testing.T) {
	if len(streamConditions) != 25 {
		t.Fatalf("%d conditions listed, RFC 6120 defines 25", len(streamConditions))
	}
	app := stanza.NewElement("urn:example", "escape-your-data")
	for _, c := range streamConditions {
		t.Run(string(c), func(t *testing.T) {
			e := &stanza.StreamError{Condition: c, Text: "bye", TextLang: "en", App: app}
			if c == stanza.StreamSeeOtherHost {
				e.SeeOtherHost = "[2001:db8::1]:5222"
			}
			el := e.Element()
			if el.Name != (stanza.Name{Space: stanza.NSStream, Local: "error"}) || el.Child(stanza.NSStreams, string(c)) == nil {
				t.Errorf("Element() = %+v", el)
			}
			back, err := stanza.ParseStreamError(el)
			if err != nil {
				t.Fatal(err)
			}
			if *back != *e {
				t.Errorf("round trip: got %+v, want %+v", back, e)
			}
			if !errors.Is(back, c) {
				t.Errorf("errors.Is(%v, %v) = false", back, c)
			}
		})
	}
}

func TestParseStreamError(t *testing.T) {
	const open = `<stream:error xmlns:stream='http://etherx.jabber.org/streams'>`
	const close = `</stream:error>`
	for _, tc := range []struct {
		name, xml string
		want      stanza.StreamError
	}{
		{"minimal", open + `<host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>` + close,
			stanza.StreamError{Condition: stanza.StreamHostUnknown}},
		{"see-other-host", open + `<see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>example.org:5222</see-other-host>
			<text xmlns='urn:ietf:params:xml:ns:xmpp-streams' xml:lang='en'>moved</text>` + close,
			stanza.StreamError{Condition: stanza.StreamSeeOtherHost, SeeOtherHost: "example.org:5222", Text: "moved", TextLang: "en"}},
		{"unknown condition", open + `<melted xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>` + close,
			stanza.StreamError{Condition: stanza.StreamUndefinedCondition}},
		{"no condition", open + close, stanza.StreamError{Condition: stanza.StreamUndefinedCondition}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := stanza.ParseStreamError(elemFromXML(t, tc.xml))
			if err != nil {
				t.Fatal(err)
			}
			if *got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
	t.Run("app condition", func(t *testing.T) {
		got, err := stanza.ParseStreamError(elemFromXML(t, open+`<undefined-condition xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><x xmlns='urn:example'/>`+close))
		if err != nil {
			t.Fatal(err)
		}
		if got.Condition != stanza.StreamUndefinedCondition || got.App == nil || got.App.Name.Local != "x" {
			t.Errorf("got %+v", got)
		}
	})
}

func TestParseStreamErrorFailures(t *testing.T) {
	const open = `<stream:error xmlns:stream='http://etherx.jabber.org/streams'>`
	const close = `</stream:error>`
	for _, tc := range []struct{ name, xml, want string }{
		{"two conditions", open + `<conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><reset xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>` + close,
			`stanza: stream error: more than one condition: conflict and reset`},
		{"two app conditions", open + `<x xmlns='urn:a'/><y xmlns='urn:b'/>` + close,
			`stanza: stream error: more than one application-specific condition`},
		{"stanza error", `<error xmlns='jabber:client' type='cancel'/>`, `stanza: stream error: unexpected element {jabber:client}error`},
		{"no namespace", `<error/>`, `stanza: stream error: unexpected element {}error`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := stanza.ParseStreamError(elemFromXML(t, tc.xml))
			decodeErr(t, err, tc.want, stanza.ErrBadRequest)
			if e != nil {
				t.Errorf("stream error = %+v, want nil", e)
			}
		})
	}
}

func TestStreamErrorIs(t *testing.T) {
	e := &stanza.StreamError{Condition: stanza.StreamSystemShutdown, Text: "maintenance"}
	if got, want := e.Error(), "stream error: system-shutdown: maintenance"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := stanza.StreamConflict.Error(), "stream error: conflict"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := (&stanza.StreamError{}).Error(), "stream error: undefined-condition"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	wrapped := fmt.Errorf("xmpp: session: %w", e)
	for _, tc := range []struct {
		target error
		want   bool
	}{
		{stanza.StreamSystemShutdown, true},
		{stanza.StreamReset, false},
		{&stanza.StreamError{Condition: stanza.StreamSystemShutdown}, true},
		{&stanza.StreamError{Condition: stanza.StreamConflict}, false},
		{(*stanza.StreamError)(nil), false},
		{stanza.Condition("system-shutdown"), false},
	} {
		if got := errors.Is(wrapped, tc.target); got != tc.want {
			t.Errorf("errors.Is(err, %#v) = %v, want %v", tc.target, got, tc.want)
		}
	}
	var se *stanza.StreamError
	if !errors.As(wrapped, &se) || se != e {
		t.Error("errors.As does not find the *stanza.StreamError")
	}
}
