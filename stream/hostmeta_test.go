package stream

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

const xrdDoc = `<?xml version='1.0' encoding='utf-8'?>
<!-- host-meta -->
<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>
  <Link rel="urn:xmpp:alt-connections:xbosh" href="https://web.example.com:5280/bosh" />
  <Link rel="urn:xmpp:alt-connections:xbosh" href="http://web.example.com:5280/bosh" />
  <Link rel="urn:xmpp:alt-connections:websocket" href="wss://web.example.com:443/ws" />
  <Link rel="urn:xmpp:alt-connections:websocket" href="ws://web.example.com/ws" />
  <Link rel="lrdd" href="https://web.example.com/lrdd" />
</XRD>`

const jrdDoc = `{"links": [
  {"rel": "urn:xmpp:alt-connections:websocket", "href": "wss://json.example.com/ws"},
  {"rel": "urn:xmpp:alt-connections:xbosh", "href": "https://json.example.com/bosh"}
]}`

// hostMetaServer serves the given documents by path over HTTPS.
func hostMetaServer(t *testing.T, docs map[string]string) *httptest.Server {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		doc, ok := docs[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if strings.HasPrefix(doc, "redirect:") {
			http.Redirect(w, r, strings.TrimPrefix(doc, "redirect:"), http.StatusFound)
			return
		}
		_, _ = w.Write([]byte(doc))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func lookupCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestLookupHostMeta(t *testing.T) {
	t.Run("XRD", func(t *testing.T) {
		srv := hostMetaServer(t, map[string]string{"/.well-known/host-meta": xrdDoc, "/.well-known/host-meta.json": jrdDoc})
		alt, err := LookupHostMeta(lookupCtx(t), "example.com", &HostMetaOptions{Client: srv.Client(), BaseURL: srv.URL})
		if err != nil || !slices.Equal(alt.WebSocket, []string{"wss://web.example.com:443/ws"}) || !slices.Equal(alt.BOSH, []string{"https://web.example.com:5280/bosh"}) {
			t.Errorf("%+v, %v; want the wss: and https: links only", alt, err)
		}
	})
	t.Run("JRD when there is no XRD", func(t *testing.T) {
		srv := hostMetaServer(t, map[string]string{"/.well-known/host-meta.json": jrdDoc})
		alt, err := LookupHostMeta(lookupCtx(t), "example.com", &HostMetaOptions{Client: srv.Client(), BaseURL: srv.URL})
		if err != nil || !slices.Equal(alt.WebSocket, []string{"wss://json.example.com/ws"}) || len(alt.BOSH) != 1 {
			t.Errorf("%+v, %v", alt, err)
		}
	})
	t.Run("nothing usable", func(t *testing.T) {
		srv := hostMetaServer(t, map[string]string{
			"/.well-known/host-meta":      `<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'><Link rel="urn:xmpp:alt-connections:websocket" href="ws://plain/ws"/></XRD>`,
			"/.well-known/host-meta.json": `{"links": "not a list"}`,
		})
		_, err := LookupHostMeta(lookupCtx(t), "example.com", &HostMetaOptions{Client: srv.Client(), BaseURL: srv.URL})
		if !errors.Is(err, ErrNoAltConnections) {
			t.Errorf("%v; want ErrNoAltConnections", err)
		}
	})
	t.Run("too large", func(t *testing.T) {
		srv := hostMetaServer(t, map[string]string{"/.well-known/host-meta": strings.Repeat(" ", maxHostMeta+1) + xrdDoc})
		_, err := LookupHostMeta(lookupCtx(t), "example.com", &HostMetaOptions{Client: srv.Client(), BaseURL: srv.URL})
		if !errors.Is(err, ErrNoAltConnections) || !strings.Contains(err.Error(), "more than") {
			t.Errorf("%v; want the size refused", err)
		}
	})
	t.Run("redirect to http refused", func(t *testing.T) {
		plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(xrdDoc)) }))
		t.Cleanup(plain.Close)
		srv := hostMetaServer(t, map[string]string{"/.well-known/host-meta": "redirect:" + plain.URL + "/.well-known/host-meta"})
		_, err := LookupHostMeta(lookupCtx(t), "example.com", &HostMetaOptions{Client: srv.Client(), BaseURL: srv.URL})
		if !errors.Is(err, ErrNoAltConnections) || !strings.Contains(err.Error(), "not https") {
			t.Errorf("%v; want the redirect refused", err)
		}
	})
	t.Run("http base refused", func(t *testing.T) {
		if _, err := LookupHostMeta(lookupCtx(t), "example.com", &HostMetaOptions{BaseURL: "http://127.0.0.1:1"}); err == nil {
			t.Error("an http: base accepted")
		}
	})
}

// FuzzHostMeta feeds both parsers documents from the network: no panic,
// and only wss: and https: endpoints come out.
func FuzzHostMeta(f *testing.F) {
	f.Add(xrdDoc)
	f.Add(jrdDoc)
	f.Fuzz(func(t *testing.T, s string) {
		for _, parse := range []func([]byte) ([]link, error){parseXRD, parseJRD} {
			links, err := parse([]byte(s))
			if err != nil {
				continue
			}
			alt := altConnections(links)
			for _, u := range alt.WebSocket {
				if !strings.HasPrefix(u, "wss:") {
					t.Errorf("WebSocket endpoint %q", u)
				}
			}
			for _, u := range alt.BOSH {
				if !strings.HasPrefix(u, "https:") {
					t.Errorf("BOSH endpoint %q", u)
				}
			}
		}
	})
}
