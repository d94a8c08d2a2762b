package xmpp

import (
	"crypto/tls"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// ConnectionState describes what was negotiated on a Client's connection:
// what an application logs, shows, or checks before it trusts the link.
type ConnectionState struct {
	// Connected reports that the connection is up: false before Connect,
	// while the Client reconnects, and once it has ended. The other
	// fields describe the last connection that was up.
	Connected bool
	// JID is the full address the server bound.
	JID jid.JID
	// StreamID is the id the server gave the stream.
	StreamID string
	// TLS is the state of the TLS connection: version, cipher suite,
	// the server's certificates. Nil on a connection without TLS
	// (Options.InsecureAllowCleartext).
	TLS *tls.ConnectionState
	// Mechanism is the SASL mechanism that authenticated the account,
	// such as "SCRAM-SHA-256-PLUS".
	Mechanism string
	// ChannelBinding is the channel-binding type the SASL exchange bound
	// to the TLS connection (sasl.TLSUnique, sasl.TLSExporter,
	// sasl.TLSServerEndPoint), or "" when it bound to none.
	ChannelBinding string
	// StreamManagement reports that the server enabled stream management
	// (XEP-0198) on this session; Resumable, that the session can be
	// resumed after a broken connection.
	StreamManagement bool
	Resumable        bool
	// Resumed reports that this connection resumed an earlier session
	// instead of starting a new one.
	Resumed bool
	// Features are the stream features the server offered after
	// authentication, as Client.Features returns them.
	Features *stanza.Element
}

// ConnectionState returns what was negotiated on the current connection
// (see ConnectionState); its zero value before Connect.
func (c *Client) ConnectionState() ConnectionState {
	sess := c.conn.Load()
	if sess == nil {
		return ConnectionState{}
	}
	st := ConnectionState{
		Connected:      c.connected.Load(),
		JID:            sess.JID,
		StreamID:       sess.ID,
		TLS:            sess.Transport.TLS(),
		Mechanism:      sess.Mechanism,
		ChannelBinding: sess.ChannelBinding,
		Resumed:        sess.Resumed,
		Features:       c.Features(),
	}
	st.StreamManagement, st.Resumable = c.sm.status()
	return st
}
