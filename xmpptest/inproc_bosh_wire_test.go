package xmpptest_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/sasl"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stream"
	"github.com/xmppkit/xmpp/xmpptest"
)

// rawBOSH is a BOSH client written out by hand, to send what the SDK's
// transport never would: requests out of order, again, out of the window.
type rawBOSH struct {
	t    *testing.T
	url  string
	hc   *http.Client
	sid  string
	rid  uint64 // of the session creation request
	last []byte // the last response's bytes
}

func newRawBOSH(t *testing.T, srv *xmpptest.Server) *rawBOSH {
	t.Helper()
	tr := &http.Transport{TLSClientConfig: srv.TLSConfig()}
	t.Cleanup(tr.CloseIdleConnections)
	return &rawBOSH{t: t, url: srv.BOSHURL(), hc: &http.Client{Transport: tr}, rid: 1000}
}

// post sends a request with the body data and returns the response's
// <body/>, failing the test on an HTTP error.
func (b *rawBOSH) post(data string) *stanza.Element {
	b.t.Helper()
	body, raw, err := b.try(data)
	if err != nil {
		b.t.Fatal(err)
	}
	b.last = raw
	return body
}

// try is post that returns its error, for another goroutine.
func (b *rawBOSH) try(data string) (*stanza.Element, []byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*waitTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.url, strings.NewReader(data))
	if err != nil {
		return nil, nil, err
	}
	resp, err := b.hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, raw, fmt.Errorf("HTTP status %d: %s", resp.StatusCode, raw)
	}
	body, err := stream.ParseBOSHBody(raw, nil)
	return body, raw, err
}

// req is the request rid of the session with extra attributes and
// payloads.
func (b *rawBOSH) req(rid uint64, attrs, payloads string) string {
	return fmt.Sprintf("<body xmlns='%s' xmlns:xmpp='%s' sid='%s' rid='%d' %s>%s</body>", stream.NSBOSH, stream.NSXBOSH, b.sid, rid, attrs, payloads)
}

// create makes the session creation request with attrs (wait, hold, to
// and so on, with defaults) and returns its response.
func (b *rawBOSH) create(attrs string) *stanza.Element {
	b.t.Helper()
	for _, def := range []string{"to='localhost'", "wait='60'", "hold='1'", "xmpp:version='1.0'", "ver='1.11'"} {
		if !strings.Contains(attrs, def[:strings.IndexByte(def, '=')+1]) {
			attrs += " " + def
		}
	}
	resp := b.post(fmt.Sprintf("<body xmlns='%s' xmlns:xmpp='%s' rid='%d' %s/>", stream.NSBOSH, stream.NSXBOSH, b.rid, attrs))
	b.sid = resp.Attr("sid")
	return resp
}

// authPLAIN is the <auth/> of account a with PLAIN.
func authPLAIN(a xmpptest.Account) string {
	cred := base64.StdEncoding.EncodeToString([]byte("\x00" + a.User + "\x00" + a.Password))
	return "<auth xmlns='" + sasl.NS + "' mechanism='PLAIN'>" + cred + "</auth>"
}

// login creates a session and logs account 0 in with resource res, and
// returns the address bound and the next rid.
func (b *rawBOSH) login(srv *xmpptest.Server, res string) (jid.JID, uint64) {
	b.t.Helper()
	if f := b.create("").Child(stanza.NSStream, "features"); f == nil {
		b.t.Fatalf("no features in %s", b.last)
	}
	rid := b.rid + 1
	if b.post(b.req(rid, "", authPLAIN(srv.Account(0)))).Child(sasl.NS, "success") == nil {
		b.t.Fatalf("no success in %s", b.last)
	}
	if b.post(b.req(rid+1, "to='localhost' xmpp:restart='true'", "")).Child(stanza.NSStream, "features") == nil {
		b.t.Fatalf("no features after the restart in %s", b.last)
	}
	iq := "<iq xmlns='jabber:client' type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>" + res + "</resource></bind></iq>"
	r := b.post(b.req(rid+2, "", iq))
	j, err := jid.Parse(r.Child(stanza.NSClient, "iq").Child(stream.NSBind, "bind").ChildText(stream.NSBind, "jid"))
	if err != nil {
		b.t.Fatalf("bind: %s: %v", b.last, err)
	}
	return j, rid + 3
}

// logWatch is a slog.Handler that reports the records with a message.
type logWatch struct {
	msg string
	ch  chan slog.Record
}

func (w *logWatch) Enabled(context.Context, slog.Level) bool { return true }
func (w *logWatch) WithAttrs([]slog.Attr) slog.Handler       { return w }
func (w *logWatch) WithGroup(string) slog.Handler            { return w }
func (w *logWatch) Handle(_ context.Context, r slog.Record) error {
	if r.Message == w.msg {
		select {
		case w.ch <- r:
		default:
		}
	}
	return nil
}

// await waits for a record.
func (w *logWatch) await(t *testing.T) {
	t.Helper()
	select {
	case <-w.ch:
	case <-time.After(waitTimeout):
		t.Fatalf("no %q in the log", w.msg)
	}
}

// serverLogging starts a Server whose log is watched for msg.
func serverLogging(t *testing.T, msg string, cfg xmpptest.ServerOptions) (*xmpptest.Server, *logWatch) {
	w := &logWatch{msg: msg, ch: make(chan slog.Record, 10)}
	cfg.Logger = slog.New(w)
	return startServer(t, &cfg), w
}

// TestServerBOSHSessionCreation checks the session creation response
// (XEP-0124 section 7.2, XEP-0206 section 5): the parameters granted, the
// stream's, and features without STARTTLS; then a response lost and asked
// for again comes from the buffer, unchanged.
func TestServerBOSHSessionCreation(t *testing.T) {
	srv := startServer(t, nil)
	b := newRawBOSH(t, srv)
	r := b.create("wait='3600' hold='2' ack='1' ver='1.6'")
	version, _ := r.LookupAttr(stream.NSXBOSH, "version")
	for name, want := range map[string]string{
		"wait": "60", "hold": "2", "requests": "3", "polling": "1", "inactivity": "30", "maxpause": "",
		"ack": strconv.FormatUint(b.rid, 10), "from": "localhost", "secure": "true", "ver": "1.6", "type": "",
	} {
		if got := r.Attr(name); got != want {
			t.Errorf("%s=%q, want %q", name, got, want)
		}
	}
	if r.Attr("sid") == "" || r.Attr("authid") == "" || version != "1.0" {
		t.Errorf("sid %q, authid %q, xmpp:version %q", r.Attr("sid"), r.Attr("authid"), version)
	}
	if !bytes.Contains(b.last, []byte(" xmlns:xmpp='"+stream.NSXBOSH+"'")) || !bytes.Contains(b.last, []byte(" xmpp:version='1.0'")) {
		t.Errorf("xmpp:version not written with the xmpp prefix: %s", b.last)
	}
	f := r.Child(stanza.NSStream, "features")
	if f == nil || f.Child(stream.NSTLS, "starttls") != nil || f.Child(sasl.NS, "mechanisms") == nil {
		t.Fatalf("features %s", f)
	}
	for m := range f.Child(sasl.NS, "mechanisms").Children() {
		if strings.HasSuffix(m.Text(), "-PLUS") {
			t.Errorf("%s offered over BOSH", m.Text())
		}
	}

	// A smaller wait than the Server's maximum is granted as asked.
	if w := newRawBOSH(t, srv).create("wait='5'").Attr("wait"); w != "5" {
		t.Errorf("wait=%q, want 5", w)
	}

	auth := b.req(b.rid+1, "", authPLAIN(srv.Account(0)))
	if b.post(auth).Child(sasl.NS, "success") == nil {
		t.Fatalf("no success in %s", b.last)
	}
	first := b.last
	b.post(auth) // its response lost: sent again
	if !bytes.Equal(b.last, first) {
		t.Errorf("the request sent again got %s, want %s", b.last, first)
	}
}

// TestServerBOSHOutOfOrder sends a session's requests out of order: the
// restart first, then the authentication before it. The Server waits for
// the authentication, processes both in rid order and answers both.
func TestServerBOSHOutOfOrder(t *testing.T) {
	srv, ahead := serverLogging(t, "BOSH request ahead of its turn, waiting", xmpptest.ServerOptions{})
	b := newRawBOSH(t, srv)
	b.create("")
	type result struct {
		body *stanza.Element
		err  error
	}
	restarted := make(chan result, 1)
	go func() {
		r, _, err := b.try(b.req(b.rid+2, "to='localhost' xmpp:restart='true'", ""))
		restarted <- result{r, err}
	}()
	// Processed in order, the restart comes after the authentication;
	// the other way round, the session would fail.
	ahead.await(t)
	// The payloads may come in either response (with hold='1', the
	// second held answers the first), and in rid order.
	var got []*stanza.Element
	for e := range b.post(b.req(b.rid+1, "", authPLAIN(srv.Account(0)))).Children() {
		got = append(got, e)
	}
	select {
	case r := <-restarted:
		if r.err != nil {
			t.Fatal(r.err)
		}
		for e := range r.body.Children() {
			got = append(got, e)
		}
	case <-time.After(waitTimeout):
		t.Fatal("the request that came first is never answered")
	}
	if len(got) < 2 {
		for e := range b.post(b.req(b.rid+3, "", "")).Children() {
			got = append(got, e)
		}
	}
	if len(got) != 2 || got[0].Name != (stanza.Name{Space: sasl.NS, Local: "success"}) || got[1].Child(stream.NSBind, "bind") == nil {
		t.Fatalf("got %v, want <success/>, then the features with bind", got)
	}
}

// TestServerBOSHHold checks the holding of requests: a request is held
// until the Server has something to send, the oldest is answered empty
// when more than hold are held, one sent again while held is answered
// with a recoverable error in favour of the new one, and one held for
// the session's wait is answered empty.
func TestServerBOSHHold(t *testing.T) {
	srv, again := serverLogging(t, "BOSH request sent again before its answer", xmpptest.ServerOptions{})
	b := newRawBOSH(t, srv)
	b.create("")
	answers := make(chan string, 2)
	for range 2 {
		go func() {
			_, raw, err := b.try(b.req(b.rid+1, "", ""))
			if err != nil {
				raw = []byte(err.Error())
			}
			answers <- string(raw)
		}()
	}
	again.await(t)
	// Over hold: the attempt at rid+1 still held is answered.
	go b.try(b.req(b.rid+2, "", "")) //nolint:errcheck // held until the Server closes
	var got []string
	for range 2 {
		select {
		case a := <-answers:
			got = append(got, a)
		case <-time.After(waitTimeout):
			t.Fatalf("more than hold requests held; answered: %q", got)
		}
	}
	slices.Sort(got)
	want := []string{"<body xmlns='" + stream.NSBOSH + "' type='error'/>", "<body xmlns='" + stream.NSBOSH + "'/>"}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("the two attempts got %q, want %q", got, want)
	}

	// wait='1': an empty request is answered after a second.
	w := newRawBOSH(t, srv)
	w.create("wait='1'")
	t0 := time.Now()
	if r := w.post(w.req(w.rid+1, "", "")); r.NumChildren() != 0 {
		t.Errorf("got %s, want an empty body", w.last)
	}
	if d := time.Since(t0); d < time.Second {
		t.Errorf("answered after %v, before the wait", d)
	}
}

// TestServerBOSHTerminate ends a session with type='terminate' carrying
// unavailable presence: the Server handles the presence, ends the
// session, answers with type='terminate', and forgets the sid.
func TestServerBOSHTerminate(t *testing.T) {
	srv := startServer(t, nil)
	seen := make(chan *stanza.Element, 10)
	srv.OnElement(func(ev xmpptest.ElementEvent) xmpptest.Verdict {
		if ev.Dir == xmpptest.ClientToServer && ev.Element.Name.Local == "presence" {
			seen <- ev.Element
		}
		return xmpptest.Verdict{}
	})
	b := newRawBOSH(t, srv)
	alice, rid := b.login(srv, "raw")
	if err := srv.WaitSession(ctx(t), alice); err != nil {
		t.Fatal(err)
	}
	r := b.post(b.req(rid, "type='terminate'", "<presence xmlns='jabber:client' type='unavailable'/>"))
	if r.Attr("type") != "terminate" || r.Attr("condition") != "" {
		t.Errorf("got %s, want type='terminate' without a condition", b.last)
	}
	select {
	case p := <-seen:
		if p.Attr("type") != "unavailable" {
			t.Errorf("presence %s", p)
		}
	default:
		t.Error("the presence of the terminate request was not handled before its answer")
	}
	if err := srv.WaitNoSession(ctx(t), alice); err != nil {
		t.Fatal(err)
	}
	if r := b.post(b.req(rid+1, "", "")); r.Attr("type") != "terminate" || r.Attr("condition") != "item-not-found" {
		t.Errorf("after the end: %s, want item-not-found", b.last)
	}
}

// TestServerBOSHItemNotFound checks the requests refused with the
// terminal condition item-not-found: an unknown sid, and a rid outside the
// window, which ends the session.
func TestServerBOSHItemNotFound(t *testing.T) {
	srv := startServer(t, nil)
	b := newRawBOSH(t, srv)
	b.sid = "no-such-session"
	if r := b.post(b.req(1, "", "")); r.Attr("type") != "terminate" || r.Attr("condition") != "item-not-found" {
		t.Errorf("unknown sid: %s", b.last)
	}
	alice, rid := b.login(srv, "window")
	if r := b.post(b.req(rid+10, "", "")); r.Attr("type") != "terminate" || r.Attr("condition") != "item-not-found" {
		t.Errorf("rid out of the window: %s", b.last)
	}
	if err := srv.WaitNoSession(ctx(t), alice); err != nil {
		t.Fatal(err)
	}
	if r := b.post(b.req(rid, "", "")); r.Attr("condition") != "item-not-found" {
		t.Errorf("after the end: %s", b.last)
	}
	// Not a BOSH body at all.
	if _, _, err := b.try("<presence xmlns='jabber:client'/>"); err == nil || !strings.Contains(err.Error(), "400") {
		t.Errorf("not a <body/>: %v, want status 400", err)
	}
}

// TestServerBOSHStreamError checks that a stream error from the session
// ends the BOSH session with remote-stream-error carrying it.
func TestServerBOSHStreamError(t *testing.T) {
	srv := startServer(t, nil)
	b := newRawBOSH(t, srv)
	r := b.create("to='elsewhere.example'")
	se, err := stanza.ParseStreamError(r.Child(stanza.NSStream, "error"))
	if r.Attr("type") != "terminate" || r.Attr("condition") != "remote-stream-error" || err != nil || se.Condition != stanza.StreamHostUnknown {
		t.Errorf("got %s (%v), want remote-stream-error with host-unknown", b.last, err)
	}
}

// TestServerBOSHInactivity leaves a logged-in session without a request
// for longer than its inactivity period: the Server ends it and forgets
// the sid.
func TestServerBOSHInactivity(t *testing.T) {
	srv, idle := serverLogging(t, "BOSH session inactive, ending it", xmpptest.ServerOptions{})
	xmpptest.SetBOSHInactivity(srv, 100*time.Millisecond)
	b := newRawBOSH(t, srv)
	alice, rid := b.login(srv, "idle")
	idle.await(t)
	if err := srv.WaitNoSession(ctx(t), alice); err != nil {
		t.Fatal(err)
	}
	if r := b.post(b.req(rid, "", "")); r.Attr("condition") != "item-not-found" {
		t.Errorf("after the inactivity period: %s", b.last)
	}
}
