package xmpptest

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/xmppkit/xmpp/stanza"
)

// probeTimeout bounds one readiness probe.
const probeTimeout = 5 * time.Second

// nameFeatures is the name of <stream:features/>.
var nameFeatures = stanza.Name{Space: stanza.NSStream, Local: "features"}

// probeFeatures opens a client-to-server stream to domain at addr, reads
// the server's stream header and its first element, checks that it is
// <stream:features/>, closes the stream and returns the features. A server
// that answers so is ready to serve clients.
func probeFeatures(ctx context.Context, addr, domain string) (*stanza.Element, error) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	if err := conn.SetDeadline(deadline); err != nil {
		return nil, err
	}
	enc := stanza.NewEncoder(conn)
	if err := enc.WriteHeader(stanza.StreamHeader{To: domain, Version: "1.0"}); err != nil {
		return nil, fmt.Errorf("write stream header: %w", err)
	}
	dec := stanza.NewDecoder(conn, nil)
	if _, err := dec.ReadHeader(); err != nil {
		return nil, fmt.Errorf("read stream header: %w", err)
	}
	el, err := dec.ReadElement()
	if err != nil {
		return nil, fmt.Errorf("read stream features: %w", err)
	}
	if el.Name != nameFeatures {
		return nil, fmt.Errorf("got <%s xmlns='%s'>, want stream features", el.Name.Local, el.Name.Space)
	}
	_ = enc.WriteEnd() // be polite; the server's answer does not matter
	return el, nil
}
