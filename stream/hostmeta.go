package stream

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The link relations of XEP-0156 for the alternative connection methods.
const (
	RelWebSocket = "urn:xmpp:alt-connections:websocket"
	RelBOSH      = "urn:xmpp:alt-connections:xbosh"
)

// ErrNoAltConnections is returned by LookupHostMeta when the domain's
// host-meta advertises no usable WebSocket or BOSH endpoint.
var ErrNoAltConnections = errors.New("stream: no alternative connection methods in host-meta")

// maxHostMeta bounds the host-meta document read.
const maxHostMeta = 64 << 10

// AltConnections are the endpoints a domain advertises for connecting
// over other transports than TCP (XEP-0156), in the document's order,
// which carries no preference: WebSocket (RFC 7395) wss: URLs and BOSH
// (XEP-0206) https: URLs. Links with other schemes are left out: the XEP
// allows only these, so that a lookup never downgrades to a cleartext
// transport.
type AltConnections struct {
	WebSocket []string
	BOSH      []string
}

// HostMetaOptions configures LookupHostMeta. The zero value (or nil) is
// ready to use.
type HostMetaOptions struct {
	// Client makes the requests; nil means a client that verifies
	// certificates as usual and gives up after 10 s. Unless the client
	// has a redirect policy of its own, at most 5 redirects are
	// followed, each to an https: URL only.
	Client *http.Client
	// BaseURL replaces "https://" + domain, for tests and for a domain
	// whose web server lives elsewhere; it must be an https: URL.
	BaseURL string
}

// LookupHostMeta fetches the Web Host Metadata of domain (RFC 6415, as
// XEP-0156 uses it) over HTTPS, first /.well-known/host-meta (XRD), then,
// if that fails or lists no endpoint, /.well-known/host-meta.json (JRD),
// and returns the alternative connection endpoints it advertises. It
// reads at most 64 KiB of each. It returns ErrNoAltConnections when
// neither document lists a usable endpoint, with the documents' errors
// joined to it. The DNS TXT method of older versions of XEP-0156 is not
// implemented: it was insecure and has been removed from the XEP.
func LookupHostMeta(ctx context.Context, domain string, opts *HostMetaOptions) (AltConnections, error) {
	var o HostMetaOptions
	if opts != nil {
		o = *opts
	}
	base := o.BaseURL
	if base == "" {
		base = "https://" + domain
	}
	if u, err := url.Parse(base); err != nil || u.Scheme != "https" || u.Host == "" {
		return AltConnections{}, fmt.Errorf("stream: host-meta: %q is not an https: URL", base)
	}
	client := &http.Client{Timeout: 10 * time.Second, CheckRedirect: httpsOnly}
	if o.Client != nil {
		// A copy, so that the caller's client is left as it is; with
		// no redirect policy of its own it gets httpsOnly.
		c := *o.Client
		if c.CheckRedirect == nil {
			c.CheckRedirect = httpsOnly
		}
		client = &c
	}
	base = strings.TrimSuffix(base, "/")
	var errs []error
	for _, doc := range []struct {
		path  string
		parse func([]byte) ([]link, error)
	}{{"/.well-known/host-meta", parseXRD}, {"/.well-known/host-meta.json", parseJRD}} {
		links, err := fetchHostMeta(ctx, client, base+doc.path, doc.parse)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if alt := altConnections(links); len(alt.WebSocket)+len(alt.BOSH) > 0 {
			return alt, nil
		}
	}
	return AltConnections{}, errors.Join(append([]error{ErrNoAltConnections}, errs...)...)
}

// httpsOnly is a CheckRedirect that follows at most 5 redirects, to
// https: URLs only.
func httpsOnly(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return errors.New("stream: host-meta: too many redirects")
	}
	if req.URL.Scheme != "https" {
		return fmt.Errorf("stream: host-meta: redirect to %s, not https", req.URL.Scheme)
	}
	return nil
}

// link is one link of a host-meta document.
type link struct{ rel, href string }

// fetchHostMeta fetches one document and parses it.
func fetchHostMeta(ctx context.Context, client *http.Client, u string, parse func([]byte) ([]link, error)) ([]link, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("stream: host-meta: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("stream: host-meta: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("stream: host-meta: %s: HTTP %d", u, resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxHostMeta+1))
	if err != nil {
		return nil, fmt.Errorf("stream: host-meta: %s: %w", u, err)
	}
	if len(b) > maxHostMeta {
		return nil, fmt.Errorf("stream: host-meta: %s: more than %d bytes", u, maxHostMeta)
	}
	links, err := parse(b)
	if err != nil {
		return nil, fmt.Errorf("stream: host-meta: %s: %w", u, err)
	}
	return links, nil
}

// parseXRD decodes the links of an XRD document (RFC 6415). It is an
// HTTP document, not part of an XMPP stream: encoding/xml reads it, with
// the XML declaration and comments it may have, which the stream's
// restricted XML refuses.
func parseXRD(b []byte) ([]link, error) {
	var doc struct {
		XMLName xml.Name `xml:"http://docs.oasis-open.org/ns/xri/xrd-1.0 XRD"`
		Links   []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"http://docs.oasis-open.org/ns/xri/xrd-1.0 Link"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	links := make([]link, 0, len(doc.Links))
	for _, l := range doc.Links {
		links = append(links, link{l.Rel, l.Href})
	}
	return links, nil
}

// parseJRD decodes the links of a JRD document (RFC 6415 appendix A).
func parseJRD(b []byte) ([]link, error) {
	var doc struct {
		Links []struct {
			Rel  string `json:"rel"`
			Href string `json:"href"`
		} `json:"links"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	links := make([]link, 0, len(doc.Links))
	for _, l := range doc.Links {
		links = append(links, link{l.Rel, l.Href})
	}
	return links, nil
}

// altConnections keeps the links XEP-0156 allows: wss: for WebSocket,
// https: for BOSH, each a URL with a host.
func altConnections(links []link) AltConnections {
	var alt AltConnections
	for _, l := range links {
		u, err := url.Parse(l.href)
		if err != nil || u.Host == "" {
			continue
		}
		switch {
		case l.rel == RelWebSocket && u.Scheme == "wss":
			alt.WebSocket = append(alt.WebSocket, u.String())
		case l.rel == RelBOSH && u.Scheme == "https":
			alt.BOSH = append(alt.BOSH, u.String())
		}
	}
	return alt
}
