package stanza

// StreamCondition is a stream error condition (RFC 6120 section 4.9.3); its
// value is the condition's element name in NSStreams. StreamCondition
// implements error, so the constants serve as sentinels:
// errors.Is(err, StreamConflict) reports whether err is or wraps a
// *StreamError with that condition. string(c) is the bare element name.
type StreamCondition string

// Stream error conditions (RFC 6120 section 4.9.3).
const (
	// StreamBadFormat: the entity sent XML that cannot be processed.
	StreamBadFormat StreamCondition = "bad-format"
	// StreamBadNamespacePrefix: a namespace prefix is not supported, or
	// an element that needs one has none.
	StreamBadNamespacePrefix StreamCondition = "bad-namespace-prefix"
	// StreamConflict: a new stream conflicts with this one, typically a
	// new session for the same full JID.
	StreamConflict StreamCondition = "conflict"
	// StreamConnectionTimeout: the peer has not sent anything for too
	// long.
	StreamConnectionTimeout StreamCondition = "connection-timeout"
	// StreamHostGone: the domain in the stream header is no longer served
	// here.
	StreamHostGone StreamCondition = "host-gone"
	// StreamHostUnknown: the domain in the stream header is not served
	// here.
	StreamHostUnknown StreamCondition = "host-unknown"
	// StreamImproperAddressing: a stanza lacks a to or from address it
	// needs.
	StreamImproperAddressing StreamCondition = "improper-addressing"
	// StreamInternalServerError: the server failed and must end the
	// stream.
	StreamInternalServerError StreamCondition = "internal-server-error"
	// StreamInvalidFrom: a from address does not match an authorized
	// one.
	StreamInvalidFrom StreamCondition = "invalid-from"
	// StreamInvalidNamespace: the stream or default namespace is wrong.
	StreamInvalidNamespace StreamCondition = "invalid-namespace"
	// StreamInvalidXML: the entity sent invalid XML (for example against
	// a schema) over the stream.
	StreamInvalidXML StreamCondition = "invalid-xml"
	// StreamNotAuthorized: the entity sent data before authenticating,
	// or is not allowed to.
	StreamNotAuthorized StreamCondition = "not-authorized"
	// StreamNotWellFormed: the entity sent XML that is not well-formed.
	StreamNotWellFormed StreamCondition = "not-well-formed"
	// StreamPolicyViolation: the entity violated a local policy, such as
	// a rate or size limit.
	StreamPolicyViolation StreamCondition = "policy-violation"
	// StreamRemoteConnectionFailed: the server could not reach a remote
	// entity it needs for the stream.
	StreamRemoteConnectionFailed StreamCondition = "remote-connection-failed"
	// StreamReset: the server is closing the stream because security
	// settings changed; the client should reconnect.
	StreamReset StreamCondition = "reset"
	// StreamResourceConstraint: the server lacks the resources to serve
	// the stream.
	StreamResourceConstraint StreamCondition = "resource-constraint"
	// StreamRestrictedXML: the entity sent XML that RFC 6120 section 11
	// forbids (comments, processing instructions, DTDs, entity
	// references).
	StreamRestrictedXML StreamCondition = "restricted-xml"
	// StreamSeeOtherHost: the server redirects the entity to another
	// host, named in StreamError.SeeOtherHost.
	StreamSeeOtherHost StreamCondition = "see-other-host"
	// StreamSystemShutdown: the server is shutting down.
	StreamSystemShutdown StreamCondition = "system-shutdown"
	// StreamUndefinedCondition: none of the other conditions; usually
	// accompanied by an application-specific condition (StreamError.App).
	StreamUndefinedCondition StreamCondition = "undefined-condition"
	// StreamUnsupportedEncoding: the stream is not in UTF-8.
	StreamUnsupportedEncoding StreamCondition = "unsupported-encoding"
	// StreamUnsupportedFeature: the receiver does not support a feature
	// the initiator marked mandatory.
	StreamUnsupportedFeature StreamCondition = "unsupported-feature"
	// StreamUnsupportedStanzaType: the entity sent a first-level child
	// element the receiver does not support.
	StreamUnsupportedStanzaType StreamCondition = "unsupported-stanza-type"
	// StreamUnsupportedVersion: the version in the stream header is not
	// supported.
	StreamUnsupportedVersion StreamCondition = "unsupported-version"
)

// knownStreamCondition reports whether c is a defined stream condition.
func knownStreamCondition(c StreamCondition) bool {
	switch c {
	case StreamBadFormat, StreamBadNamespacePrefix, StreamConflict, StreamConnectionTimeout,
		StreamHostGone, StreamHostUnknown, StreamImproperAddressing, StreamInternalServerError,
		StreamInvalidFrom, StreamInvalidNamespace, StreamInvalidXML, StreamNotAuthorized,
		StreamNotWellFormed, StreamPolicyViolation, StreamRemoteConnectionFailed, StreamReset,
		StreamResourceConstraint, StreamRestrictedXML, StreamSeeOtherHost, StreamSystemShutdown,
		StreamUndefinedCondition, StreamUnsupportedEncoding, StreamUnsupportedFeature,
		StreamUnsupportedStanzaType, StreamUnsupportedVersion:
		return true
	}
	return false
}

// Error returns "stream error: " followed by the condition.
func (c StreamCondition) Error() string { return "stream error: " + string(c) }

// StreamError is a stream error (RFC 6120 section 4.9): the
// <stream:error/> element after which the sender closes the stream. It
// implements error.
type StreamError struct {
	// Condition says what went wrong. When empty it is taken as
	// StreamUndefinedCondition.
	Condition StreamCondition
	// Text is an optional human-readable description, for diagnostics.
	Text string
	// TextLang is the xml:lang of Text, or "".
	TextLang string
	// App is an application-specific condition element (in a namespace
	// other than NSStreams), or nil.
	App *Element
	// SeeOtherHost is the text content of a <see-other-host/> condition:
	// the host (domain or IP address, with optional port) to connect to
	// instead. It is ignored for other conditions.
	SeeOtherHost string
}

// condition returns e.Condition, with "" taken as undefined-condition.
func (e *StreamError) condition() StreamCondition {
	if e.Condition == "" {
		return StreamUndefinedCondition
	}
	return e.Condition
}

// Error returns "stream error: condition: text", leaving out the text when
// it is empty.
func (e *StreamError) Error() string {
	s := "stream error: " + string(e.condition())
	if e.Text != "" {
		s += ": " + e.Text
	}
	return s
}

// Is reports whether e matches target: a StreamCondition equal to e's, or a
// *StreamError with the same condition.
func (e *StreamError) Is(target error) bool {
	switch t := target.(type) {
	case StreamCondition:
		return e.condition() == t
	case *StreamError:
		return t != nil && e.condition() == t.condition()
	}
	return false
}

// Element encodes e as an {NSStream}error element with the condition, the
// text and the application-specific condition as children. The result
// shares App with e.
func (e *StreamError) Element() *Element {
	c := e.condition()
	el := NewElement(NSStream, "error")
	ce := NewElement(NSStreams, string(c))
	if c == StreamSeeOtherHost {
		ce.AddText(e.SeeOtherHost)
	}
	el.AddChild(ce)
	if e.Text != "" || e.TextLang != "" {
		el.AddChild(textElement(NSStreams, e.Text, e.TextLang))
	}
	if e.App != nil {
		el.AddChild(e.App)
	}
	return el
}

// ParseStreamError decodes an {NSStream}error element. It fails with a
// *DecodeError when e has another name, or has two defined conditions or
// two application-specific conditions.
//
// Conditions in NSStreams this package does not know are ignored, and an
// error without a defined condition gets StreamUndefinedCondition, keeping
// its application-specific condition in App. Of several <text/> elements
// the first is kept.
func ParseStreamError(e *Element) (*StreamError, error) {
	const kind = "stream error"
	if e.Name != (Name{Space: NSStream, Local: "error"}) {
		return nil, unexpected(kind, e)
	}
	se := &StreamError{}
	hasText := false
	for c := range e.Children() {
		switch {
		case c.Name.Space != NSStreams:
			if se.App != nil {
				return nil, badStanza(kind, "more than one application-specific condition")
			}
			se.App = c
		case c.Name.Local == "text":
			if !hasText {
				hasText = true
				se.Text, se.TextLang = c.Text(), c.Lang()
			}
		case knownStreamCondition(StreamCondition(c.Name.Local)):
			if se.Condition != "" {
				return nil, badStanza(kind, "more than one condition: %s and %s", string(se.Condition), c.Name.Local)
			}
			se.Condition = StreamCondition(c.Name.Local)
			if se.Condition == StreamSeeOtherHost {
				se.SeeOtherHost = c.Text()
			}
		}
	}
	if se.Condition == "" {
		se.Condition = StreamUndefinedCondition
	}
	return se, nil
}
