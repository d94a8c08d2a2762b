package stanza

// Namespaces used by the core protocol (RFC 6120, RFC 6121).
const (
	// NSClient is the default namespace of a client-to-server stream.
	NSClient = "jabber:client"
	// NSServer is the default namespace of a server-to-server stream.
	NSServer = "jabber:server"
	// NSStream is the namespace of the stream element and of stream-level
	// elements such as <stream:features/> and <stream:error/>.
	NSStream = "http://etherx.jabber.org/streams"
	// NSStanzas is the namespace of stanza error conditions.
	NSStanzas = "urn:ietf:params:xml:ns:xmpp-stanzas"
	// NSStreams is the namespace of stream error conditions.
	NSStreams = "urn:ietf:params:xml:ns:xmpp-streams"
	// NSXML is the namespace bound to the reserved "xml" prefix
	// (xml:lang, xml:space).
	NSXML = "http://www.w3.org/XML/1998/namespace"
)
