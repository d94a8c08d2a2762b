package stream

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/xmppkit/xmpp/stanza"
)

// DialFunc opens a network connection, like net.Dialer.DialContext.
type DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// LookupSRVFunc resolves SRV records, like net.Resolver.LookupSRV.
type LookupSRVFunc func(ctx context.Context, service, proto, name string) (string, []*net.SRV, error)

// DialOptions say how to reach a server. The zero value looks up SRV
// records for the domain and dials with a net.Dialer.
type DialOptions struct {
	// Addr, if set, is the host:port to connect to instead of the SRV
	// records.
	Addr string
	// DirectTLS makes the connection to Addr start with TLS (XEP-0368)
	// instead of STARTTLS.
	DirectTLS bool
	// TLSConfig is used for direct TLS; its ServerName defaults to the
	// domain. nil means a default configuration with TLS 1.2 minimum.
	TLSConfig *tls.Config
	// Dial opens connections; nil means a net.Dialer.
	Dial DialFunc
	// LookupSRV resolves SRV records; nil means net.DefaultResolver.
	LookupSRV LookupSRVFunc
	// Limits bound what the server can make us buffer.
	Limits *stanza.Limits
	// Trace receives every element in and out, SASL data redacted.
	Trace io.Writer
	// BOSH is what DialBOSH asks of the connection manager; nil asks
	// for the defaults.
	BOSH *BOSHOptions
}

// target is one place to connect to.
type target struct {
	addr      string
	directTLS bool
}

// Dial connects to the XMPP server of domain and returns the transport,
// not yet negotiated. Without an explicit address it tries the SRV records
// of _xmpps-client._tcp (direct TLS) and _xmpp-client._tcp (STARTTLS) in
// priority and weight order (RFC 2782), then the domain on port 5222.
func Dial(ctx context.Context, domain string, opts *DialOptions) (*TCP, error) {
	var o DialOptions
	if opts != nil {
		o = *opts
	}
	dial := o.Dial
	if dial == nil {
		var d net.Dialer
		dial = d.DialContext
	}
	targets := []target{{addr: o.Addr, directTLS: o.DirectTLS}}
	if o.Addr == "" {
		targets = lookupTargets(ctx, domain, o.LookupSRV)
	}
	var errs []error
	for _, tg := range targets {
		conn, err := dial(ctx, "tcp", tg.addr)
		if err != nil {
			errs = append(errs, err)
			if ctx.Err() != nil {
				break
			}
			continue
		}
		if tg.directTLS {
			tc := tls.Client(conn, TLSConfig(o.TLSConfig, domain))
			if err := tc.HandshakeContext(ctx); err != nil {
				conn.Close()
				errs = append(errs, fmt.Errorf("tls with %s: %w", tg.addr, err))
				continue
			}
			conn = tc
		}
		return NewTCP(conn, o.Limits, o.Trace), nil
	}
	return nil, fmt.Errorf("stream: connect to %s: %w", domain, errors.Join(errs...))
}

// TLSConfig returns a copy of cfg (or a new configuration) with ServerName
// defaulting to domain and at least TLS 1.2.
func TLSConfig(cfg *tls.Config, domain string) *tls.Config {
	var c *tls.Config
	if cfg != nil {
		c = cfg.Clone()
	} else {
		c = &tls.Config{}
	}
	if c.ServerName == "" {
		c.ServerName = domain
	}
	if c.MinVersion < tls.VersionTLS12 {
		c.MinVersion = tls.VersionTLS12
	}
	return c
}

// lookupTargets orders the places to try for domain: direct TLS and
// STARTTLS SRV records by priority, weighted at random within a priority,
// and the domain on port 5222 last.
func lookupTargets(ctx context.Context, domain string, lookup LookupSRVFunc) []target {
	// An IPv6 domainpart is bracketed (RFC 7622 section 3.2).
	host := domain
	if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1]
	}
	fallback := target{addr: net.JoinHostPort(host, "5222")}
	if noSRV(domain) {
		return []target{fallback}
	}
	if lookup == nil {
		lookup = net.DefaultResolver.LookupSRV
	}
	type rec struct {
		srv       *net.SRV
		directTLS bool
	}
	var recs []rec
	for _, svc := range []struct {
		name      string
		directTLS bool
	}{{"xmpps-client", true}, {"xmpp-client", false}} {
		_, srvs, err := lookup(ctx, svc.name, "tcp", domain)
		if err != nil {
			continue
		}
		for _, s := range srvs {
			// A target of "." means the service is not offered here.
			if s.Target == "." {
				continue
			}
			recs = append(recs, rec{s, svc.directTLS})
		}
	}
	slices.SortStableFunc(recs, func(a, b rec) int { return cmp.Compare(a.srv.Priority, b.srv.Priority) })
	var out []target
	for i := 0; i < len(recs); {
		j := i
		for j < len(recs) && recs[j].srv.Priority == recs[i].srv.Priority {
			j++
		}
		group := recs[i:j]
		for len(group) > 0 {
			k := pickWeighted(len(group), func(n int) uint16 { return group[n].srv.Weight })
			r := group[k]
			out = append(out, target{addr: net.JoinHostPort(trimDot(r.srv.Target), strconv.Itoa(int(r.srv.Port))), directTLS: r.directTLS})
			group = append(group[:k:k], group[k+1:]...)
		}
		i = j
	}
	return append(out, fallback)
}

// noSRV reports whether domain is one that DNS is not asked about: an IP
// literal, or localhost and its subdomains, which RFC 6761 section 6.3
// keeps off the DNS (a query for them may wait seconds for no answer).
func noSRV(domain string) bool {
	d := strings.ToLower(strings.TrimSuffix(domain, "."))
	if d == "localhost" || strings.HasSuffix(d, ".localhost") {
		return true
	}
	_, err := netip.ParseAddr(strings.Trim(d, "[]"))
	return err == nil
}

// pickWeighted chooses an index with probability proportional to its
// weight (RFC 2782); zero weights get a small chance.
func pickWeighted(n int, weight func(int) uint16) int {
	total := 0
	for i := range n {
		total += int(weight(i)) + 1
	}
	x := rand.IntN(total)
	for i := range n {
		x -= int(weight(i)) + 1
		if x < 0 {
			return i
		}
	}
	return n - 1
}

func trimDot(s string) string {
	if len(s) > 0 && s[len(s)-1] == '.' {
		return s[:len(s)-1]
	}
	return s
}
