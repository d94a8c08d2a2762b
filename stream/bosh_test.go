package stream_test

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/sasl"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stream"
)

// A fake BOSH connection manager: every request is handed to the test,
// which decides when and how it is answered, or whether it is answered
// at all. Requests the test leaves unanswered wait until the client
// gives up on them or the test ends.

const boshTimeout = 10 * time.Second

// cmSession is the attributes of the fake's session creation response.
const cmSession = `sid='s1' wait='60' hold='1' requests='2' ver='1.11' from='localhost' authid='a1' xml:lang='en' xmlns:xmpp='urn:xmpp:xbosh' xmpp:version='1.0'`

const (
	cmFeatures = `<stream:features xmlns:stream='http://etherx.jabber.org/streams'>` +
		`<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>` +
		`<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>`
	cmBindFeatures = `<stream:features xmlns:stream='http://etherx.jabber.org/streams'>` +
		`<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>`
)

type boshCM struct {
	t    *testing.T
	srv  *httptest.Server
	reqs chan *cmReq
	quit chan struct{}
	once sync.Once

	mu      sync.Mutex
	held    int // requests received and not yet answered
	maxHeld int
	log     []string // every request body received
}

// cmReq is one request at the fake, waiting for the test's answer.
type cmReq struct {
	body  *stanza.Element
	raw   string
	at    time.Time
	reply chan func(http.ResponseWriter)
}

func newBOSHCM(t *testing.T, useTLS bool) *boshCM {
	cm := &boshCM{t: t, reqs: make(chan *cmReq, 64), quit: make(chan struct{})}
	if useTLS {
		cm.srv = httptest.NewTLSServer(http.HandlerFunc(cm.serve))
	} else {
		cm.srv = httptest.NewServer(http.HandlerFunc(cm.serve))
	}
	// Registered before the transport's Close, so run after it.
	t.Cleanup(cm.close)
	return cm
}

// close ends the requests still held and the server.
func (cm *boshCM) close() {
	cm.once.Do(func() {
		close(cm.quit)
		cm.srv.Close()
	})
}

func (cm *boshCM) serve(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	b, err := stanza.ParseElement(string(raw))
	if err != nil || r.Method != http.MethodPost {
		cm.t.Errorf("fake: %s %q: %v", r.Method, raw, err)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	req := &cmReq{body: b, raw: string(raw), at: time.Now(), reply: make(chan func(http.ResponseWriter), 1)}
	cm.mu.Lock()
	cm.log = append(cm.log, req.raw)
	cm.held++
	cm.maxHeld = max(cm.maxHeld, cm.held)
	cm.mu.Unlock()
	release := func() {
		cm.mu.Lock()
		cm.held--
		cm.mu.Unlock()
	}
	select {
	case cm.reqs <- req:
	default:
		cm.t.Error("fake: more than 64 requests waiting for the test")
	}
	select {
	case answer := <-req.reply:
		// Counted as answered before the client can see the answer, so
		// that held never exceeds what the client has outstanding.
		release()
		answer(w)
	case <-r.Context().Done():
		release()
	case <-cm.quit:
		release()
	}
}

// next returns the next request to arrive.
func (cm *boshCM) next() *cmReq {
	cm.t.Helper()
	select {
	case r := <-cm.reqs:
		return r
	case <-time.After(boshTimeout):
		cm.t.Fatal("fake: no request came")
		return nil
	}
}

// nextN returns the next n requests in rid order.
func (cm *boshCM) nextN(n int) []*cmReq {
	cm.t.Helper()
	var rs []*cmReq
	for range n {
		rs = append(rs, cm.next())
	}
	slices.SortFunc(rs, func(a, b *cmReq) int { return cmp.Compare(a.rid(), b.rid()) })
	return rs
}

// nextRID returns the next request with rid, leaving the others that
// come first unanswered.
func (cm *boshCM) nextRID(rid uint64) *cmReq {
	cm.t.Helper()
	for {
		if r := cm.next(); r.rid() == rid {
			return r
		}
	}
}

func (cm *boshCM) maxOutstanding() int {
	cm.mu.Lock()
	defer cm.mu.Unlock()
	return cm.maxHeld
}

func (cm *boshCM) sent() []string {
	cm.mu.Lock()
	defer cm.mu.Unlock()
	return slices.Clone(cm.log)
}

func (r *cmReq) rid() uint64 {
	n, _ := strconv.ParseUint(r.body.Attr("rid"), 10, 64)
	return n
}

// payloads returns the names of the request's children.
func (r *cmReq) payloads() []string {
	var names []string
	for c := range r.body.Children() {
		names = append(names, c.Name.Local+":"+c.Attr("id"))
	}
	return names
}

// answer sends a <body/> with attrs and payload.
func (r *cmReq) answer(attrs, payload string) {
	r.send(http.StatusOK, `<body xmlns='http://jabber.org/protocol/httpbind' `+attrs+`>`+payload+`</body>`)
}

// send answers with status and body, as given.
func (r *cmReq) send(status int, body string) {
	r.reply <- func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// drop closes the connection without an answer: the response is lost.
func (r *cmReq) drop() {
	r.reply <- func(w http.ResponseWriter) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	}
}

// dialCM returns a transport to cm, closed when the test ends.
func dialCM(t *testing.T, cm *boshCM, o *stream.DialOptions) *stream.BOSH {
	t.Helper()
	if o == nil {
		o = &stream.DialOptions{}
	}
	if cm.srv.TLS != nil {
		pool := x509.NewCertPool()
		pool.AddCert(cm.srv.Certificate())
		o.TLSConfig = &tls.Config{RootCAs: pool}
	}
	tr, err := stream.DialBOSH(context.Background(), cm.srv.URL+"/http-bind", "localhost", o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tr.Close() })
	return tr
}

// openCM creates the session, answering the creation request with
// attrs and payload, and returns the creation request.
func openCM(t *testing.T, cm *boshCM, tr *stream.BOSH, attrs, payload string) *cmReq {
	t.Helper()
	errc := make(chan error, 1)
	go func() {
		_, err := tr.Open(context.Background(), stanza.StreamHeader{Version: "1.0"})
		errc <- err
	}()
	req := cm.next()
	req.answer(attrs, payload)
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	return req
}

// read returns the next element, failing the test on an error.
func read(t *testing.T, tr stream.Transport) *stanza.Element {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), boshTimeout)
	defer cancel()
	e, err := tr.ReadElementContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// readAll returns the ids of the elements read until an error, and the
// error.
func readAll(t *testing.T, tr stream.Transport) ([]string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), boshTimeout)
	defer cancel()
	var ids []string
	for {
		e, err := tr.ReadElementContext(ctx)
		if err != nil {
			return ids, err
		}
		ids = append(ids, e.Attr("id"))
	}
}

func msg(id string) *stanza.Element {
	return stanza.NewElement(stanza.NSClient, "message", stanza.A("id", id))
}

func msgXML(id string) string {
	return `<message xmlns='jabber:client' id='` + id + `'/>`
}

// write writes a message with id, failing the test on an error.
func write(t *testing.T, tr stream.Transport, id string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), boshTimeout)
	defer cancel()
	if err := tr.WriteElement(ctx, msg(id)); err != nil {
		t.Fatal(err)
	}
}

// finish ends the session with EndStream, answering what comes with an
// empty body and the terminate request with a terminate.
func finish(t *testing.T, cm *boshCM, tr stream.Transport) {
	t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- tr.EndStream(context.Background()) }()
	for {
		r := cm.next()
		if r.body.Attr("type") == "terminate" {
			r.answer(`type='terminate'`, "")
			break
		}
		r.answer("", "")
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

func expectPayloads(t *testing.T, r *cmReq, want ...string) {
	t.Helper()
	if got := r.payloads(); !slices.Equal(got, want) {
		t.Errorf("rid %d carries %q, want %q", r.rid(), got, want)
	}
}

func TestBOSHCreate(t *testing.T) {
	cm := newBOSHCM(t, false)
	tr := dialCM(t, cm, &stream.DialOptions{BOSH: &stream.BOSHOptions{Wait: 30 * time.Second, Hold: 2}})
	type result struct {
		h   stanza.StreamHeader
		err error
	}
	res := make(chan result, 1)
	go func() {
		h, err := tr.Open(context.Background(), stanza.StreamHeader{Version: "1.0", Lang: "fr"})
		res <- result{h, err}
	}()
	req := cm.next()
	b := req.body
	for name, want := range map[string]string{
		"hold": "2", "wait": "30", "ver": "1.11", "to": "localhost", "ack": "1",
		"content": "text/xml; charset=utf-8", "sid": "",
	} {
		if got := b.Attr(name); got != want {
			t.Errorf("creation request: %s=%q, want %q", name, got, want)
		}
	}
	if v, _ := b.LookupAttr(stanza.NSXML, "lang"); v != "fr" {
		t.Errorf("creation request: xml:lang=%q", v)
	}
	if v, _ := b.LookupAttr(stream.NSXBOSH, "version"); v != "1.0" {
		t.Errorf("creation request: xmpp:version=%q", v)
	}
	// ejabberd looks for the attribute by its prefix.
	if !strings.Contains(req.raw, `xmlns:xmpp='urn:xmpp:xbosh'`) || !strings.Contains(req.raw, `xmpp:version='1.0'`) {
		t.Errorf("creation request without the xmpp prefix: %s", req.raw)
	}
	rid := req.rid()
	if rid == 0 || rid >= 1<<53-1<<32 {
		t.Errorf("first rid %d is not in [1, 2^53-2^32)", rid)
	}
	req.answer(`sid='s1' wait='20' hold='1' requests='2' polling='2' inactivity='30' maxpause='120' ack='`+b.Attr("rid")+`' ver='1.11' from='localhost' authid='a1' xml:lang='en' xmlns:xmpp='urn:xmpp:xbosh' xmpp:version='1.0'`,
		cmFeatures+`<message from='bob@localhost' id='m1'><body>hi</body></message>`)
	r := <-res
	if r.err != nil {
		t.Fatal(r.err)
	}
	want := stanza.StreamHeader{Namespace: stanza.NSClient, From: "localhost", ID: "a1", Version: "1.0", Lang: "en"}
	if r.h != want {
		t.Errorf("header %+v, want %+v", r.h, want)
	}
	wantParams := stream.BOSHParams{SID: "s1", Wait: 20 * time.Second, Hold: 1, Requests: 2, Polling: 2 * time.Second,
		Inactivity: 30 * time.Second, MaxPause: 2 * time.Minute, Acks: true, Version: "1.11"}
	if p := tr.Params(); p != wantParams {
		t.Errorf("params %+v, want %+v", p, wantParams)
	}
	f := read(t, tr)
	if f.Name != (stanza.Name{Space: stanza.NSStream, Local: "features"}) || f.Child(sasl.NS, "mechanisms") == nil {
		t.Errorf("features: %s", f)
	}
	if f.Child(stream.NSTLS, "starttls") != nil {
		t.Errorf("<starttls/> left in the features: %s", f)
	}
	m := read(t, tr)
	if m.Name != (stanza.Name{Space: stanza.NSClient, Local: "message"}) || m.Child(stanza.NSClient, "body") == nil {
		t.Errorf("a stanza in the wrapper's namespace came out as %s", m)
	}
	if tr.InputOffset() == 0 {
		t.Error("InputOffset did not move")
	}
	if !errors.Is(tr.StartTLS(context.Background(), nil), stream.ErrUnsupported) {
		t.Error("StartTLS is not ErrUnsupported")
	}

	// Another session starts from another random rid.
	cm2 := newBOSHCM(t, false)
	tr2 := dialCM(t, cm2, nil)
	req2 := openCM(t, cm2, tr2, cmSession, cmFeatures)
	if req2.rid() == rid {
		t.Errorf("two sessions start with rid %d", rid)
	}
	if req2.body.Attr("wait") != "60" || req2.body.Attr("hold") != "1" {
		t.Errorf("default wait and hold: %s", req2.raw)
	}
}

// TestBOSHCreateParams: what the manager chooses is bounded, and a
// creation response the session cannot use is refused.
func TestBOSHCreateParams(t *testing.T) {
	for _, tc := range []struct {
		name  string
		attrs string
		want  stream.BOSHParams
	}{
		{"defaults", `sid='x' wait='5'`, stream.BOSHParams{SID: "x", Wait: 5 * time.Second, Hold: 1, Requests: 2}},
		{"huge", `sid='x' wait='100000' hold='1000' requests='1000' polling='99999' inactivity='99999' maxpause='99999'`,
			stream.BOSHParams{SID: "x", Wait: 10 * time.Minute, Hold: 7, Requests: 8, Polling: 10 * time.Minute, Inactivity: time.Hour, MaxPause: time.Hour}},
		{"hold above requests", `sid='x' wait='5' hold='3' requests='2'`, stream.BOSHParams{SID: "x", Wait: 5 * time.Second, Hold: 2, Requests: 2}},
		{"no requests", `sid='x' wait='5' hold='0' requests='0'`, stream.BOSHParams{SID: "x", Wait: 5 * time.Second, Hold: 0, Requests: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cm := newBOSHCM(t, false)
			tr := dialCM(t, cm, nil)
			openCM(t, cm, tr, tc.attrs, cmFeatures)
			if p := tr.Params(); p != tc.want {
				t.Errorf("params %+v, want %+v", p, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name   string
		status int
		body   string
		check  func(error) bool
	}{
		{"no sid", 200, `<body xmlns='http://jabber.org/protocol/httpbind' wait='60'/>`, isProtocol},
		{"no wait", 200, `<body xmlns='http://jabber.org/protocol/httpbind' sid='x'/>`, isProtocol},
		{"zero wait", 200, `<body xmlns='http://jabber.org/protocol/httpbind' sid='x' wait='0'/>`, isProtocol},
		{"bad wait", 200, `<body xmlns='http://jabber.org/protocol/httpbind' sid='x' wait='soon'/>`, isProtocol},
		{"negative hold", 200, `<body xmlns='http://jabber.org/protocol/httpbind' sid='x' wait='60' hold='-1'/>`, isProtocol},
		{"bad requests", 200, `<body xmlns='http://jabber.org/protocol/httpbind' sid='x' wait='60' requests='2.5'/>`, isProtocol},
		{"not a body", 200, `<html xmlns='http://www.w3.org/1999/xhtml'/>`, isProtocol},
		{"terminate", 200, `<body xmlns='http://jabber.org/protocol/httpbind' type='terminate' condition='host-unknown'/>`,
			isBOSHError("host-unknown", 0)},
		{"404", 404, "", isBOSHError("item-not-found", 404)},
		{"malformed", 200, `<body xmlns='http://jabber.org/protocol/httpbind'><x></body>`, isSyntax},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cm := newBOSHCM(t, false)
			tr := dialCM(t, cm, nil)
			errc := make(chan error, 1)
			go func() {
				_, err := tr.Open(context.Background(), stanza.StreamHeader{Version: "1.0"})
				errc <- err
			}()
			cm.next().send(tc.status, tc.body)
			if err := <-errc; !tc.check(err) {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func isProtocol(err error) bool { return errors.Is(err, stream.ErrBOSHProtocol) }

func isSyntax(err error) bool {
	var syn *stanza.SyntaxError
	return errors.As(err, &syn)
}

func isBOSHError(cond string, status int) func(error) bool {
	return func(err error) bool {
		var be *stream.BOSHError
		return errors.As(err, &be) && be.Condition == cond && be.Status == status
	}
}

// TestBOSHRequests: rids go up by one; Hold empty requests stay at the
// manager and no more; never more than Requests outstanding, one more
// for terminate.
func TestBOSHRequests(t *testing.T) {
	cm := newBOSHCM(t, false)
	tr := dialCM(t, cm, nil)
	first := openCM(t, cm, tr, `sid='s1' wait='60' hold='2' requests='3'`, "").rid()
	held := cm.nextN(2)
	for i, r := range held {
		if r.rid() != first+1+uint64(i) || r.body.Attr("sid") != "s1" || r.body.NumChildren() != 0 {
			t.Errorf("request %d: %s", i, r.raw)
		}
	}
	// Had another empty request been made, "a" would not be in the next
	// rid.
	write(t, tr, "a")
	ra := cm.next()
	if ra.rid() != first+3 {
		t.Errorf("rid %d, want %d", ra.rid(), first+3)
	}
	expectPayloads(t, ra, "message:a")
	// Three outstanding: "b" waits for a slot.
	wrote := make(chan error, 1)
	go func() { wrote <- tr.WriteElement(context.Background(), msg("b")) }()
	held[0].answer("", msgXML("r1"))
	rb := cm.next()
	if err := <-wrote; err != nil {
		t.Fatal(err)
	}
	if rb.rid() != first+4 {
		t.Errorf("rid %d, want %d", rb.rid(), first+4)
	}
	expectPayloads(t, rb, "message:b")
	if n := cm.maxOutstanding(); n != 3 {
		t.Errorf("%d requests outstanding at most, want 3", n)
	}
	// Terminate goes beyond Requests by one.
	ended := make(chan error, 1)
	go func() { ended <- tr.EndStream(context.Background()) }()
	term := cm.next()
	if err := <-ended; err != nil {
		t.Fatal(err)
	}
	if term.rid() != first+5 || term.body.Attr("type") != "terminate" || term.body.Attr("sid") != "s1" {
		t.Errorf("terminate request: %s", term.raw)
	}
	if n := cm.maxOutstanding(); n != 4 {
		t.Errorf("%d requests outstanding at most, want 4", n)
	}
	if err := tr.WriteElement(context.Background(), msg("late")); !errors.Is(err, stream.ErrBroken) {
		t.Errorf("write while ending: %v, want ErrBroken", err)
	}
	held[1].answer("", msgXML("r2"))
	term.answer(`type='terminate'`, "")
	ra.answer("", "")
	rb.answer("", msgXML("r4"))
	ids, err := readAll(t, tr)
	if err != io.EOF || !slices.Equal(ids, []string{"r1", "r2", "r4"}) {
		t.Fatalf("read %q, %v; want r1 r2 r4, EOF", ids, err)
	}
	if err := tr.WriteElement(context.Background(), msg("after")); !errors.Is(err, stream.ErrBroken) {
		t.Errorf("write after the end: %v, want ErrBroken", err)
	}
	if err := tr.EndStream(context.Background()); !errors.Is(err, stream.ErrBroken) {
		t.Errorf("EndStream after the end: %v, want ErrBroken", err)
	}
}

// TestBOSHPolling: after an empty response to an empty request, the next
// empty request waits for the polling interval; after a payload it does
// not.
func TestBOSHPolling(t *testing.T) {
	cm := newBOSHCM(t, false)
	tr := dialCM(t, cm, nil)
	openCM(t, cm, tr, `sid='s1' wait='60' hold='1' requests='2' polling='1'`, "")
	r1 := cm.next()
	r1.answer("", "")
	r2 := cm.next()
	if d := r2.at.Sub(r1.at); d < 900*time.Millisecond {
		t.Errorf("two empty requests %v apart, polling is 1 s", d)
	}
	if r2.rid() != r1.rid()+1 || r2.body.NumChildren() != 0 {
		t.Errorf("second request: %s", r2.raw)
	}
	answered := time.Now()
	r2.answer("", msgXML("p"))
	r3 := cm.next()
	if d := r3.at.Sub(answered); d > 900*time.Millisecond {
		t.Errorf("after a payload, the next request came %v later", d)
	}
	if e := read(t, tr); e.Attr("id") != "p" {
		t.Errorf("read %s", e)
	}
}

// TestBOSHOutOfOrder: responses are read in rid order whatever order
// they come in.
func TestBOSHOutOfOrder(t *testing.T) {
	cm := newBOSHCM(t, false)
	tr := dialCM(t, cm, nil)
	first := openCM(t, cm, tr, cmSession, "").rid()
	r1 := cm.next()
	write(t, tr, "a")
	r2 := cm.next()
	if r1.rid() != first+1 || r2.rid() != first+2 {
		t.Fatalf("rids %d %d after %d", r1.rid(), r2.rid(), first)
	}
	r2.answer("", msgXML("2"))
	// A third request is made once the second's response is handled:
	// the response has arrived, ahead of the first's.
	write(t, tr, "b")
	r3 := cm.next()
	r1.answer("", msgXML("1"))
	r3.answer("", msgXML("3"))
	for _, want := range []string{"1", "2", "3"} {
		if e := read(t, tr); e.Attr("id") != want {
			t.Fatalf("read %s, want id %s", e, want)
		}
	}
	finish(t, cm, tr)
	if ids, err := readAll(t, tr); err != io.EOF || len(ids) != 0 {
		t.Fatalf("read %q, %v; want EOF", ids, err)
	}
}

// TestBOSHLostResponse: a request whose response is lost is sent again
// unchanged, and the reader gets each payload once.
func TestBOSHLostResponse(t *testing.T) {
	for _, tc := range []struct {
		name string
		lose func(r *cmReq)
	}{
		{"connection closed", (*cmReq).drop},
		{"502", func(r *cmReq) { r.send(http.StatusBadGateway, "bad gateway") }},
		{"503", func(r *cmReq) { r.send(http.StatusServiceUnavailable, "") }},
		{"504", func(r *cmReq) { r.send(http.StatusGatewayTimeout, "") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cm := newBOSHCM(t, false)
			tr := dialCM(t, cm, nil)
			openCM(t, cm, tr, cmSession, "")
			r1 := cm.next()
			write(t, tr, "a")
			r2 := cm.next()
			tc.lose(r2)
			again := cm.next()
			if again.rid() != r2.rid() || again.raw != r2.raw {
				t.Fatalf("sent again as %s, first %s", again.raw, r2.raw)
			}
			again.answer("", msgXML("2"))
			r1.answer("", msgXML("1"))
			finish(t, cm, tr)
			readToEOF(t, tr, "1", "2")
		})
	}
}

// TestBOSHUnreachable: after Retries lost responses the session ends.
func TestBOSHUnreachable(t *testing.T) {
	cm := newBOSHCM(t, false)
	tr := dialCM(t, cm, &stream.DialOptions{BOSH: &stream.BOSHOptions{Retries: 2}})
	openCM(t, cm, tr, cmSession, cmFeatures+msgXML("0"))
	read(t, tr)
	write(t, tr, "a")
	r1 := cm.next()
	r1.drop()
	for range 2 {
		r := cm.next()
		if r.raw != r1.raw {
			t.Fatalf("sent again as %s, first %s", r.raw, r1.raw)
		}
		r.drop()
	}
	ids, err := readAll(t, tr)
	if !errors.Is(err, stream.ErrBOSHUnreachable) || !slices.Equal(ids, []string{"0"}) {
		t.Fatalf("read %q, %v; want 0, ErrBOSHUnreachable", ids, err)
	}
	err = tr.WriteElement(context.Background(), msg("b"))
	if !errors.Is(err, stream.ErrBroken) || !errors.Is(err, stream.ErrBOSHUnreachable) {
		t.Errorf("write after: %v", err)
	}
	if n := len(cm.sent()); n != 4 {
		t.Errorf("%d requests made, want the creation and 3 attempts", n)
	}
}

// TestBOSHNoResponse: a request held past the wait and its margin is
// taken as lost, sent again, and the session ends when that fails too.
func TestBOSHNoResponse(t *testing.T) {
	t.Parallel()
	cm := newBOSHCM(t, false)
	tr := dialCM(t, cm, &stream.DialOptions{BOSH: &stream.BOSHOptions{Wait: time.Second, Retries: 1}})
	openCM(t, cm, tr, `sid='s1' wait='1' hold='1' requests='2'`, cmFeatures)
	read(t, tr)
	write(t, tr, "a")
	r1 := cm.next()
	r2 := cm.next()
	// The wait, half of it and 2 s.
	if d := r2.at.Sub(r1.at); d < 3500*time.Millisecond || d > 6*time.Second {
		t.Errorf("sent again after %v, want 3.5 s", d)
	}
	if r2.raw != r1.raw {
		t.Errorf("sent again as %s, first %s", r2.raw, r1.raw)
	}
	ids, err := readAll(t, tr)
	if !errors.Is(err, stream.ErrBOSHUnreachable) || len(ids) != 0 {
		t.Fatalf("read %q, %v; want ErrBOSHUnreachable", ids, err)
	}
}

// TestBOSHRecoverable: a recoverable binding error makes the client send
// the request, and the earlier ones unanswered, again.
func TestBOSHRecoverable(t *testing.T) {
	t.Run("once", func(t *testing.T) {
		cm := newBOSHCM(t, false)
		tr := dialCM(t, cm, nil)
		openCM(t, cm, tr, cmSession, "")
		r1 := cm.next()
		write(t, tr, "a")
		r2 := cm.next()
		r2.answer(`type='error'`, "")
		again := cm.nextN(2)
		if again[0].raw != r1.raw || again[1].raw != r2.raw {
			t.Fatalf("sent again as\n%s\n%s\nfirst\n%s\n%s", again[0].raw, again[1].raw, r1.raw, r2.raw)
		}
		again[1].answer("", msgXML("2"))
		again[0].answer("", msgXML("1"))
		finish(t, cm, tr)
		readToEOF(t, tr, "1", "2")
	})
	t.Run("too many", func(t *testing.T) {
		cm := newBOSHCM(t, false)
		tr := dialCM(t, cm, nil)
		openCM(t, cm, tr, cmSession, cmFeatures)
		read(t, tr)
		write(t, tr, "a")
		r := cm.next()
		for range 5 {
			r.answer(`type='error'`, "")
			r = cm.nextRID(r.rid())
		}
		r.answer(`type='error'`, "")
		if _, err := readAll(t, tr); !errors.Is(err, stream.ErrBOSHUnreachable) {
			t.Fatalf("got %v, want ErrBOSHUnreachable", err)
		}
	})
}

// TestBOSHReport: with acknowledgements on, the client says which
// responses it has, and sends again the request the manager reports
// missing.
func TestBOSHReport(t *testing.T) {
	cm := newBOSHCM(t, false)
	tr := dialCM(t, cm, nil)
	first := openCM(t, cm, tr, cmSession+` ack='1'`, "").rid()
	if !tr.Params().Acks {
		t.Fatal("acknowledgements off")
	}
	r1 := cm.next()
	if _, ok := r1.body.LookupAttr("", "ack"); ok {
		t.Errorf("ack with every response in: %s", r1.raw)
	}
	write(t, tr, "a")
	r2 := cm.next()
	if got := r2.body.Attr("ack"); got != strconv.FormatUint(first, 10) {
		t.Errorf("ack=%q, want %d", got, first)
	}
	r2.answer(`report='`+strconv.FormatUint(r1.rid(), 10)+`' time='100'`, msgXML("2"))
	again := cm.next()
	if again.raw != r1.raw {
		t.Fatalf("sent again as %s, first %s", again.raw, r1.raw)
	}
	again.answer("", msgXML("1"))
	finish(t, cm, tr)
	readToEOF(t, tr, "1", "2")
}

// TestBOSHEnd: how each kind of end reaches the reader, and then the
// writers. The response to the held request ends the session.
func TestBOSHEnd(t *testing.T) {
	const bodyNS = `<body xmlns='http://jabber.org/protocol/httpbind'`
	for _, tc := range []struct {
		name   string
		status int
		body   string
		lim    *stanza.Limits
		first  *stanza.Name // an element read before the error
		check  func(error) bool
	}{
		{name: "host-unknown", body: bodyNS + ` type='terminate' condition='host-unknown'/>`, check: isBOSHError("host-unknown", 0)},
		{name: "see-other-uri", body: bodyNS + ` type='terminate' condition='see-other-uri'><uri>https://other.example/bosh</uri></body>`,
			check: func(err error) bool {
				var so *stream.SeeOtherURIError
				return errors.As(err, &so) && so.URI == "https://other.example/bosh"
			}},
		{name: "see-other-uri without uri", body: bodyNS + ` type='terminate' condition='see-other-uri'/>`, check: isBOSHError("see-other-uri", 0)},
		{name: "remote-stream-error", body: bodyNS + ` type='terminate' condition='remote-stream-error' xmlns:stream='http://etherx.jabber.org/streams'>` +
			`<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>Replaced</text></stream:error></body>`,
			first: &stanza.Name{Space: stanza.NSStream, Local: "error"},
			check: func(err error) bool {
				var se *stanza.StreamError
				return errors.As(err, &se) && se.Condition == stanza.StreamConflict && se.Text == "Replaced"
			}},
		{name: "terminate with payload", body: bodyNS + ` type='terminate' condition='policy-violation'>` + msgXML("last") + `</body>`,
			first: &stanza.Name{Space: stanza.NSClient, Local: "message"}, check: isBOSHError("policy-violation", 0)},
		{name: "404", status: 404, check: isBOSHError("item-not-found", 404)},
		{name: "403", status: 403, check: isBOSHError("policy-violation", 403)},
		{name: "500", status: 500, body: "oops", check: isBOSHError("undefined-condition", 500)},
		{name: "malformed", body: bodyNS + `><message></body>`, check: isSyntax},
		{name: "two bodies", body: bodyNS + `/>` + bodyNS + `/>`, check: isSyntax},
		{name: "empty", check: func(err error) bool { return err != nil && !errors.Is(err, io.EOF) }},
		{name: "not a body", body: `<html xmlns='http://www.w3.org/1999/xhtml'><body/></html>`, check: isProtocol},
		{name: "body in jabber:client", body: `<body xmlns='jabber:client'/>`, check: isProtocol},
		{name: "other sid", body: bodyNS + ` sid='s2'>` + msgXML("x") + `</body>`, check: isProtocol},
		{name: "ack ahead", body: bodyNS + ` ack='18014398509481984'/>`, check: isProtocol},
		{name: "bad ack", body: bodyNS + ` ack='-1'/>`, check: isProtocol},
		{name: "report ahead", body: bodyNS + ` report='18014398509481984' time='1'/>`, check: isProtocol},
		{name: "too big", body: bodyNS + `>` + `<message xmlns='jabber:client'><body>` + strings.Repeat("x", 8<<10) + `</body></message></body>`,
			lim: &stanza.Limits{MaxElementBytes: 4096}, check: func(err error) bool { return errors.Is(err, stanza.StreamPolicyViolation) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cm := newBOSHCM(t, false)
			tr := dialCM(t, cm, &stream.DialOptions{Limits: tc.lim})
			openCM(t, cm, tr, cmSession, "")
			cm.next().send(cmp.Or(tc.status, 200), tc.body)
			ctx, cancel := context.WithTimeout(context.Background(), boshTimeout)
			defer cancel()
			e, err := tr.ReadElementContext(ctx)
			if tc.first != nil {
				if err != nil || e.Name != *tc.first {
					t.Fatalf("read %v, %v; want a %v first", e, err, *tc.first)
				}
				e, err = tr.ReadElementContext(ctx)
			}
			if err == nil || !tc.check(err) {
				t.Fatalf("read %v, %v", e, err)
			}
			if _, again := tr.ReadElementContext(ctx); again != err {
				t.Errorf("read again: %v, first %v", again, err)
			}
			werr := tr.WriteElement(ctx, msg("after"))
			if !errors.Is(werr, stream.ErrBroken) || (err != io.EOF && !tc.check(werr)) {
				t.Errorf("write after: %v", werr)
			}
			if kerr := tr.WriteKeepalive(ctx); !errors.Is(kerr, stream.ErrBroken) {
				t.Errorf("keepalive after: %v", kerr)
			}
		})
	}
}

// TestBOSHWriteWithdrawn: a write whose context ends while it waits for
// a request slot is never sent, and the transport goes on.
func TestBOSHWriteWithdrawn(t *testing.T) {
	cm := newBOSHCM(t, false)
	tr := dialCM(t, cm, nil)
	openCM(t, cm, tr, cmSession, "")
	r1 := cm.next()
	write(t, tr, "a")
	r2 := cm.next()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := tr.WriteElement(ctx, msg("withdrawn")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the deadline", err)
	}
	r2.answer("", "")
	write(t, tr, "b")
	r3 := cm.next()
	expectPayloads(t, r3, "message:b")
	r3.answer("", "")
	r1.answer("", "")
	finish(t, cm, tr)
	for _, s := range cm.sent() {
		if strings.Contains(s, "withdrawn") {
			t.Errorf("the withdrawn write was sent: %s", s)
		}
	}
}

// TestBOSHClose: Close returns at once with requests held, a reader and
// a writer waiting, and leaves no goroutine behind.
func TestBOSHClose(t *testing.T) {
	before := runtime.NumGoroutine()
	cm := newBOSHCM(t, false)
	tr := dialCM(t, cm, nil)
	openCM(t, cm, tr, cmSession, "")
	cm.next()
	write(t, tr, "a")
	cm.next()
	readErr := make(chan error, 1)
	go func() {
		_, err := tr.ReadElement()
		readErr <- err
	}()
	writeErr := make(chan error, 1)
	go func() { writeErr <- tr.WriteElement(context.Background(), msg("b")) }()
	start := time.Now()
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close took %v", d)
	}
	if err := <-readErr; !errors.Is(err, net.ErrClosed) {
		t.Errorf("reader got %v, want net.ErrClosed", err)
	}
	if err := <-writeErr; !errors.Is(err, stream.ErrBroken) {
		t.Errorf("writer got %v, want ErrBroken", err)
	}
	if err := tr.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := tr.Open(context.Background(), stanza.StreamHeader{}); err == nil {
		t.Error("Open after Close succeeded")
	}
	cm.close()
	deadline := time.Now().Add(boshTimeout)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		runtime.Gosched()
	}
	if after := runtime.NumGoroutine(); after > before {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines before, %d after:\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
}

// TestBOSHNegotiate runs a whole negotiation over https: features,
// SASL, the restart, bind; the trace shows no SASL data.
func TestBOSHNegotiate(t *testing.T) {
	var trace bytes.Buffer
	cm := newBOSHCM(t, true)
	tr := dialCM(t, cm, &stream.DialOptions{Trace: &trace})
	done := make(chan error, 1)
	var sess *stream.Session
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), boshTimeout)
		defer cancel()
		var err error
		sess, err = stream.Negotiate(ctx, tr, &stream.Config{
			JID:  jid.MustParse("alice@localhost"),
			SASL: sasl.Config{Password: "hunter2", Mechanisms: []string{sasl.Plain}},
		})
		done <- err
	}()
	create := cm.next()
	create.answer(cmSession, cmFeatures)
	auth := cm.next()
	a := auth.body.Child(sasl.NS, "auth")
	if a == nil || a.Attr("mechanism") != "PLAIN" {
		t.Fatalf("expected <auth/>: %s", auth.raw)
	}
	auth.answer("", `<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>c2VjcmV0LXN1Y2Nlc3M=</success>`)
	restart := cm.next()
	if v, _ := restart.body.LookupAttr(stream.NSXBOSH, "restart"); v != "true" || restart.body.NumChildren() != 0 ||
		restart.body.Attr("to") != "localhost" || restart.rid() != auth.rid()+1 {
		t.Errorf("restart request: %s", restart.raw)
	}
	restart.answer("", cmBindFeatures)
	bind := cm.next()
	iq := bind.body.Child(stanza.NSClient, "iq")
	if iq == nil {
		t.Fatalf("expected the bind iq: %s", bind.raw)
	}
	bind.answer("", `<iq xmlns='jabber:client' type='result' id='`+iq.Attr("id")+`'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>alice@localhost/bosh</jid></bind></iq>`)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if sess.JID.String() != "alice@localhost/bosh" {
		t.Errorf("bound %s", sess.JID)
	}
	if tr.TLS() == nil {
		t.Error("https: no TLS state")
	}
	finish(t, cm, tr)
	if _, err := readAll(t, tr); err != io.EOF {
		t.Errorf("got %v, want EOF", err)
	}
	secret := a.Text()
	got := trace.String()
	for _, s := range []string{secret, "c2VjcmV0LXN1Y2Nlc3M=", "hunter2"} {
		if strings.Contains(got, s) {
			t.Errorf("trace shows %q:\n%s", s, got)
		}
	}
	for _, s := range []string{"SEND <body ", "SEND <auth ", "RECV <success ", "[redacted]", "xmpp:restart='true'", "type='terminate'"} {
		if !strings.Contains(got, s) {
			t.Errorf("trace lacks %q:\n%s", s, got)
		}
	}
	if n := strings.Count(got, "[redacted]"); n != 2 {
		t.Errorf("trace redacts %d elements, want 2:\n%s", n, got)
	}
}

// TestBOSHCloseDuringOpen: Close ends a session creation in progress,
// and an Open after Close makes no request.
func TestBOSHCloseDuringOpen(t *testing.T) {
	cm := newBOSHCM(t, false)
	tr := dialCM(t, cm, nil)
	errc := make(chan error, 1)
	go func() {
		_, err := tr.Open(context.Background(), stanza.StreamHeader{Version: "1.0"})
		errc <- err
	}()
	cm.next() // never answered
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err == nil {
		t.Fatal("Open succeeded after Close")
	}
	if _, err := tr.Open(context.Background(), stanza.StreamHeader{Version: "1.0"}); err == nil {
		t.Fatal("second Open succeeded after Close")
	}
	if n := len(cm.sent()); n != 1 {
		t.Errorf("%d requests made, want 1", n)
	}
}

// TestBOSHBackPressure: while the reader is more than 1 MiB behind, the
// client asks for nothing more than the inactivity period needs.
func TestBOSHBackPressure(t *testing.T) {
	t.Parallel()
	cm := newBOSHCM(t, false)
	tr := dialCM(t, cm, nil)
	openCM(t, cm, tr, `sid='s1' wait='60' hold='1' requests='2' inactivity='2'`, "")
	r1 := cm.next()
	var big strings.Builder
	const count = 1200
	for i := range count {
		big.WriteString(`<message xmlns='jabber:client' id='` + strconv.Itoa(i) + `'><body>` + strings.Repeat("x", 1<<10) + `</body></message>`)
	}
	r1.answer("", big.String())
	r2 := cm.next()
	if d := r2.at.Sub(r1.at); d < 900*time.Millisecond {
		t.Errorf("with the reader 1 MiB behind, a request came after %v, want half the inactivity", d)
	}
	for i := range count {
		if e := read(t, tr); e.Attr("id") != strconv.Itoa(i) {
			t.Fatalf("read %s, want id %d", e.Attr("id"), i)
		}
	}
	r2.answer("", msgXML("next"))
	if e := read(t, tr); e.Attr("id") != "next" {
		t.Fatalf("read %s", e)
	}
	answered := time.Now()
	if r3 := cm.next(); r3.at.Sub(answered) > 900*time.Millisecond {
		t.Errorf("reader drained: the next request came after %v", r3.at.Sub(answered))
	}
}

func TestBOSHDialErrors(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ url, domain string }{
		{"ftp://example.net/bosh", "example.net"},
		{"http:///bosh", "example.net"},
		{"http://example.net/bosh", ""},
		{"http://[::1/bosh", "example.net"},
	} {
		if tr, err := stream.DialBOSH(ctx, tc.url, tc.domain, nil); err == nil {
			_ = tr.Close()
			t.Errorf("DialBOSH(%q, %q) succeeded", tc.url, tc.domain)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := stream.DialBOSH(cancelled, "http://example.net/bosh", "example.net", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// readToEOF reads tr to its end and checks that the messages read carry
// the ids want, in order, and that the end is io.EOF.
func readToEOF(t *testing.T, tr *stream.BOSH, want ...string) {
	t.Helper()
	ids, err := readAll(t, tr)
	if err != io.EOF || !slices.Equal(ids, want) {
		t.Fatalf("read %q, %v; want %q, EOF", ids, err, want)
	}
}
