package xmpptest

import (
	"crypto/rand"
	"encoding/base64"
	"io"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xmppkit/xmpp/internal/xmlscan"
	"github.com/xmppkit/xmpp/stanza"
	xstream "github.com/xmppkit/xmpp/stream"
)

// BOSH (XEP-0124 with XEP-0206) is served by the same sessions as TCP and
// WebSocket: each BOSH session is bridged to a session through net.Pipe,
// with the translation of the WebSocket bridge (inproc_bridge.go). The
// session creation request and each xmpp:restart become a stream header,
// payloads become the bytes of their elements, and a terminate request
// the closing tag; what the session writes is parsed back into elements
// that go out in the bodies of the responses. This file is the HTTP side
// and the wire format; inproc_boshsession.go orders the requests.

const (
	// boshMaxWait is the longest the connection manager holds a
	// request, whatever the client asks.
	boshMaxWait = time.Minute
	// boshMaxHold bounds the requests held at once.
	boshMaxHold = 4
	// boshInactivity is how long a session may go without a request.
	boshInactivity = 30 * time.Second
	// boshPolling is the shortest polling interval, in seconds.
	boshPolling = "1"
	// boshVersion is the version of XEP-0124 spoken.
	boshVersion = "1.11"
	// boshBodyLimit bounds a request's body: a payload of one element
	// as large as the session accepts, and room for the wrapper.
	boshBodyLimit = wsReadLimit + 64<<10
	// boshMaxRID is the largest rid XEP-0124 section 14 allows.
	boshMaxRID = 1<<53 - 1
	// boshContentType is the Content-Type of the responses, unless the
	// session creation request asks for another.
	boshContentType = "text/xml; charset=utf-8"
)

// boshReply is the answer to one HTTP request: a <body/>, or, with drop,
// no answer at all: the connection is closed, as a network failure would.
type boshReply struct {
	data []byte
	drop bool
}

// serveBOSH handles one BOSH request: it finds or creates its session,
// hands the request over, and writes the answer when it comes.
func (s *Server) serveBOSH(w http.ResponseWriter, r *http.Request) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, boshBodyLimit))
	if err != nil {
		http.Error(w, "unreadable or oversized request body", http.StatusRequestEntityTooLarge)
		return
	}
	body, err := xstream.ParseBOSHBody(data, nil)
	if err != nil {
		s.log.Debug("bad BOSH request", "error", err)
		http.Error(w, "the request is not a BOSH <body/>", http.StatusBadRequest)
		return
	}
	rid, err := strconv.ParseUint(body.Attr("rid"), 10, 64)
	if err != nil || rid == 0 || rid > boshMaxRID {
		writeBOSH(w, r, boshContentType, terminateReply("bad-request"))
		return
	}
	var bs *boshSession
	if sid := body.Attr("sid"); sid == "" {
		var cond string
		if bs, cond = s.createBOSH(body, rid); bs == nil {
			writeBOSH(w, r, boshContentType, terminateReply(cond))
			return
		}
	} else if bs = s.lookupBOSH(sid); bs == nil {
		s.log.Debug("BOSH request for an unknown session", "sid", sid)
		writeBOSH(w, r, boshContentType, terminateReply("item-not-found"))
		return
	}
	select {
	case rep := <-bs.receive(rid, body):
		writeBOSH(w, r, bs.ctype, rep)
	case <-r.Context().Done():
		// The client gave up; the answer is kept for its next attempt.
	}
}

// writeBOSH writes rep, or closes the request's TCP connection.
func writeBOSH(w http.ResponseWriter, r *http.Request, ctype string, rep boshReply) {
	if rep.drop {
		if c, ok := r.Context().Value(tcpConnKey{}).(net.Conn); ok {
			c.Close()
			return
		}
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(rep.data)
}

// terminateReply is a terminal binding condition (XEP-0124 section 17.2).
func terminateReply(cond string) boshReply {
	return boshReply{data: boshBody([]string{"type", "terminate", "condition", cond}, nil)}
}

// createBOSH starts a session for a session creation request. It
// returns nil and the terminal condition to answer when it cannot.
func (s *Server) createBOSH(body *stanza.Element, rid uint64) (*boshSession, string) {
	bs := newBOSHSession(s, body, rid)
	ours, theirs := net.Pipe()
	bs.pipe, bs.in, bs.out = ours, newBridgeIn(ours), newBridgeOut(ours)
	s.boshMu.Lock()
	if s.boshSIDs == nil {
		s.boshMu.Unlock()
		return nil, "system-shutdown"
	}
	s.boshSIDs[bs.sid] = bs
	s.boshMu.Unlock()
	if bs.ss = s.serve(&bridgePipe{Conn: theirs}, secTransport); bs.ss == nil {
		bs.forget()
		ours.Close()
		return nil, "system-shutdown"
	}
	s.log.Info("BOSH session", "session", bs.ss.id, "sid", bs.sid, "wait", bs.wait, "hold", bs.hold)
	s.wg.Add(1) // the request's connection holds a count: no Wait can have begun at zero
	go bs.relay()
	return bs, ""
}

// lookupBOSH returns the session with the sid, or nil.
func (s *Server) lookupBOSH(sid string) *boshSession {
	s.boshMu.Lock()
	defer s.boshMu.Unlock()
	return s.boshSIDs[sid]
}

// awaitBOSH waits, up to d, until every BOSH session has answered the
// end of its stream (or was dropped), so that the clients learn why.
func (s *Server) awaitBOSH(d time.Duration) {
	s.boshMu.Lock()
	var gone []chan struct{}
	for _, bs := range s.boshSIDs {
		gone = append(gone, bs.gone)
	}
	s.boshMu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	for _, ch := range gone {
		select {
		case <-ch:
		case <-t.C:
			return
		}
	}
}

// closeBOSH drops every BOSH session left and refuses new ones.
func (s *Server) closeBOSH() {
	s.boshMu.Lock()
	var left []*boshSession
	for _, bs := range s.boshSIDs {
		left = append(left, bs)
	}
	s.boshSIDs = nil
	s.boshMu.Unlock()
	for _, bs := range left {
		bs.drop()
	}
}

// newSID returns an unpredictable session id (XEP-0124 section 7.2).
func newSID() string {
	var b [18]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// boshParams reads what a session creation request asks for: the wait
// and hold, bounded by the Server's own limits, and the Content-Type.
func boshParams(body *stanza.Element) (wait time.Duration, hold int, ctype string) {
	wait = boshMaxWait
	if n, err := strconv.ParseUint(body.Attr("wait"), 10, 32); err == nil {
		wait = min(time.Duration(n)*time.Second, boshMaxWait)
	}
	hold = 1
	if n, err := strconv.ParseUint(body.Attr("hold"), 10, 8); err == nil {
		hold = min(int(n), boshMaxHold)
	}
	ctype = boshContentType
	if c := body.Attr("content"); c != "" {
		if _, _, err := mime.ParseMediaType(c); err == nil {
			ctype = c
		}
	}
	return wait, hold, ctype
}

// lowerVersion returns the lower of boshVersion and the version v the
// client asked for, "major.minor" with integers (XEP-0124 section 7.2).
func lowerVersion(v string) string {
	parse := func(v string) (int, int, bool) {
		maj, mnr, ok := strings.Cut(v, ".")
		a, err1 := strconv.Atoi(maj)
		b, err2 := strconv.Atoi(mnr)
		return a, b, ok && err1 == nil && err2 == nil && a >= 0 && b >= 0
	}
	a, b, ok := parse(v)
	ma, mb, _ := parse(boshVersion)
	if !ok || a > ma || a == ma && b >= mb {
		return boshVersion
	}
	return strconv.Itoa(a) + "." + strconv.Itoa(b)
}

// boshBody encodes a <body/> wrapper with attrs, name and value pairs in
// order, and the encoded payloads. An attribute named "xmpp:..." is in
// the XEP-0206 namespace, declared with the prefix xmpp as XEP-0206
// writes it.
func boshBody(attrs []string, payloads [][]byte) []byte {
	b := append(make([]byte, 0, 256), "<body xmlns='"+xstream.NSBOSH+"'"...)
	for i := 0; i+1 < len(attrs); i += 2 {
		if strings.HasPrefix(attrs[i], "xmpp:") {
			b = append(b, " xmlns:xmpp='"+xstream.NSXBOSH+"'"...)
			break
		}
	}
	for i := 0; i+1 < len(attrs); i += 2 {
		at := len(b)
		b = append(b, ' ')
		b = append(b, attrs[i]...)
		b = append(b, "='"...)
		var ok bool
		if b, ok = xmlscan.AppendAttr(b, attrs[i+1]); !ok {
			b = b[:at] // not XML text: left out
			continue
		}
		b = append(b, '\'')
	}
	if len(payloads) == 0 {
		return append(b, "/>"...)
	}
	b = append(b, '>')
	for _, p := range payloads {
		b = append(b, p...)
	}
	return append(b, "</body>"...)
}

// rehome moves payload elements left in the wrapper's namespace (a
// stanza sent without its own xmlns) to jabber:client.
func rehome(e *stanza.Element) {
	if e.Name.Space == xstream.NSBOSH {
		e.Name.Space = stanza.NSClient
	}
	for c := range e.Children() {
		rehome(c)
	}
}
