package xmpptest

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/xmppkit/xmpp/stanza"
	xstream "github.com/xmppkit/xmpp/stream"
)

// nsSM is the namespace of stream management (XEP-0198).
const nsSM = xstream.NSSM

// defaultResumeTimeout is how long a broken session waits to be resumed
// when ServerOptions.ResumeTimeout is not set.
const defaultResumeTimeout = time.Minute

// smState is the stream-management bookkeeping of a session (XEP-0198):
// counters of the stanzas handled in each direction, which wrap at 2^32,
// and the stanzas written to the client that it has not acknowledged.
type smState struct {
	mu      sync.Mutex
	inOn    bool   // <enable/> received: the client's stanzas are counted
	outOn   bool   // <enabled/> written: our stanzas are counted
	frozen  bool   // the session moved to another connection: write nothing more
	id      string // resumption id; "" when the session cannot be resumed
	in      uint32 // stanzas handled from the client
	out     uint32 // stanzas written to the client
	unacked []*stanza.Element
	asked   bool // an <r/> of ours waits for its <a/>
	since   int  // stanzas written since our last <r/>
}

// isStanza reports whether e is a stanza, which stream management counts.
func isStanza(e *stanza.Element) bool {
	if e.Name.Space != stanza.NSClient {
		return false
	}
	switch e.Name.Local {
	case "message", "presence", "iq":
		return true
	}
	return false
}

// handled counts a stanza from the client, which the Server then must
// route. It reports false, counting nothing, once the session has moved
// to another connection: the <resumed/> h did not include the stanza, so
// the client sends it again there, and it must not be routed here.
func (sm *smState) handled() bool {
	sm.mu.Lock()
	defer sm.mu.Unlock()
	if sm.frozen {
		return false
	}
	if sm.inOn {
		sm.in++
	}
	return true
}

// keeps reports whether a session whose connection broke keeps what is
// routed to it for a resumption: it can be resumed and has not been yet.
func (sm *smState) keeps() bool {
	sm.mu.Lock()
	defer sm.mu.Unlock()
	return sm.id != "" && !sm.frozen
}

// resumable reports whether the session may wait for resumption.
func (sm *smState) resumable() bool {
	sm.mu.Lock()
	defer sm.mu.Unlock()
	return sm.id != ""
}

// write runs take, which removes e from the queue, counts e if it is a
// stanza and stream management is on, then runs write, which writes it.
// Taking and counting are one step under sm.mu: a takeover or expiry
// that freezes the session finds e either still queued or unacked, never
// in between. A stanza is counted before it is written,
// so that a resumption never misses one: a stanza the client did not get
// is not acknowledged and is written again. Once the session has moved to
// another connection nothing more is written here. No lock is held
// during the write: a client that writes while we do must not wait for
// us.
func (sm *smState) write(e *stanza.Element, take func(), write func() error) error {
	sm.mu.Lock()
	if sm.frozen {
		sm.mu.Unlock()
		return errQuit
	}
	take()
	if sm.outOn && isStanza(e) {
		sm.out++
		sm.unacked = append(sm.unacked, e)
		sm.since++
	}
	sm.mu.Unlock()
	return write()
}

// wantAck reports whether to send <r/>: stanzas were written since the
// last one and no request is outstanding.
func (sm *smState) wantAck() bool {
	sm.mu.Lock()
	defer sm.mu.Unlock()
	if !sm.outOn || sm.since == 0 || sm.asked || sm.frozen {
		return false
	}
	sm.asked, sm.since = true, 0
	return true
}

// handledCountTooHigh is the error of an <a/> or <resume/> acknowledging
// more stanzas than were sent.
type handledCountTooHigh struct{ h, sent uint32 }

func (e *handledCountTooHigh) Error() string {
	return fmt.Sprintf("acknowledged %d stanzas, %d sent", e.h, e.sent)
}

// streamError returns the stream error XEP-0198 section 6 asks for.
func (e *handledCountTooHigh) streamError() *stanza.StreamError {
	return &stanza.StreamError{
		Condition: stanza.StreamUndefinedCondition,
		Text:      e.Error(),
		App: stanza.NewElement(nsSM, "handled-count-too-high",
			stanza.A("h", strconv.FormatUint(uint64(e.h), 10)), stanza.A("send-count", strconv.FormatUint(uint64(e.sent), 10))),
	}
}

// ackLocked drops the stanzas that h acknowledges. sm.mu is held.
func (sm *smState) ackLocked(h uint32) error {
	n := h - (sm.out - uint32(len(sm.unacked))) // wraps correctly
	if n > uint32(len(sm.unacked)) {
		return &handledCountTooHigh{h, sm.out}
	}
	clear(sm.unacked[:n])
	sm.unacked = sm.unacked[n:]
	if len(sm.unacked) == 0 {
		sm.unacked = nil
	}
	return nil
}

// ack applies the client's <a h='h'/>.
func (sm *smState) ack(h uint32) error {
	sm.mu.Lock()
	defer sm.mu.Unlock()
	sm.asked = false
	return sm.ackLocked(h)
}

// takeOver moves the state of old, whose connection is gone or going, to
// sm, applying the client's h from <resume/>. It returns the stanzas to
// write again, the unacknowledged ones then those still queued on q, the
// old session's queue; they are counted again as they are written. The
// queue is drained under old.mu, so that the old writer cannot hold a
// stanza taken from it but not yet counted.
func (sm *smState) takeOver(old *smState, q *outQueue, h uint32) ([]*stanza.Element, error) {
	old.mu.Lock()
	defer old.mu.Unlock()
	if err := old.ackLocked(h); err != nil {
		return nil, err
	}
	old.frozen = true
	sm.mu.Lock()
	defer sm.mu.Unlock()
	sm.inOn, sm.id, sm.in = true, old.id, old.in
	sm.out = old.out - uint32(len(old.unacked))
	resend := append(old.unacked, q.drainStanzas()...)
	old.unacked = nil
	return resend, nil
}

// enable handles <enable/> from a bound client.
func (ss *session) enable(e *stanza.Element) {
	s := ss.srv
	ss.sm.mu.Lock()
	again := ss.sm.inOn
	ss.sm.mu.Unlock()
	if again {
		ss.send(smFailed(stanza.ErrUnexpectedRequest))
		return
	}
	enabled := stanza.NewElement(nsSM, "enabled")
	id := ""
	if r := e.Attr("resume"); r == "true" || r == "1" {
		id = stanza.NewID() + stanza.NewID()
		enabled.SetAttr("id", id).SetAttr("resume", "true").
			SetAttr("max", strconv.Itoa(int((s.resumeTimeout+time.Second-1)/time.Second)))
	}
	s.mu.Lock()
	ss.sm.mu.Lock()
	ss.sm.inOn, ss.sm.id = true, id
	ss.sm.mu.Unlock()
	if id != "" {
		s.resumable[id] = ss
	}
	s.mu.Unlock()
	// Counting starts right after <enabled/> is written: the two are
	// queued together, so that a stanza routed to the session meanwhile
	// (Inject from a test, say) is either before both, uncounted, or
	// after both, counted, never between, which a client that read
	// <enabled/> first would count and the server would not.
	ss.q.pushAlways(outItem{el: enabled}, outItem{fn: func() {
		ss.sm.mu.Lock()
		ss.sm.outOn = true
		ss.sm.mu.Unlock()
	}})
}

// smFailed returns <failed/> with the condition c.
func smFailed(c stanza.Condition) *stanza.Element {
	return stanza.NewElement(nsSM, "failed").AddChild(stanza.NewElement(stanza.NSStanzas, string(c)))
}

// serveSM handles a stream-management nonza from a bound client.
func (ss *session) serveSM(e *stanza.Element) error {
	switch e.Name.Local {
	case "enable":
		ss.enable(e)
	case "r":
		ss.sm.mu.Lock()
		on, h := ss.sm.inOn, ss.sm.in
		ss.sm.mu.Unlock()
		if !on {
			return streamError(stanza.StreamUnsupportedStanzaType, "stream management is not enabled")
		}
		ss.send(stanza.NewElement(nsSM, "a", stanza.A("h", strconv.FormatUint(uint64(h), 10))))
	case "a":
		h, err := parseH(e)
		if err != nil {
			return streamError(stanza.StreamInvalidXML, err.Error())
		}
		if err := ss.sm.ack(h); err != nil {
			var tooHigh *handledCountTooHigh
			if errors.As(err, &tooHigh) {
				return tooHigh.streamError()
			}
			return err
		}
	case "resume":
		ss.send(smFailed(stanza.ErrUnexpectedRequest))
	default:
		return streamError(stanza.StreamUnsupportedStanzaType, "unexpected <"+e.Name.Local+">")
	}
	return nil
}

// parseH reads the h attribute of <a/> or <resume/>.
func parseH(e *stanza.Element) (uint32, error) {
	h, err := strconv.ParseUint(e.Attr("h"), 10, 32)
	if err != nil {
		return 0, fmt.Errorf("bad h attribute %q", e.Attr("h"))
	}
	return uint32(h), nil
}

// resume handles <resume/> in place of resource binding: the session of
// previd, if it belongs to the same account and is still known, moves to
// this connection, and what the client has not acknowledged is written
// again after <resumed/>. It reports whether the session was resumed.
func (ss *session) resume(e *stanza.Element) bool {
	s := ss.srv
	h, herr := parseH(e)
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.resumable[e.Attr("previd")]
	if herr != nil || old == nil || old.acct != ss.acct || !old.bound || s.closed || ss.ended() {
		ss.send(smFailed(stanza.ErrItemNotFound))
		return false
	}
	if !old.hibernating.Load() {
		// The client noticed the break before we did: the old connection
		// goes now.
		old.end(endCut, nil)
	}
	resend, err := ss.sm.takeOver(&old.sm, &old.q, h)
	if err != nil {
		ss.send(smFailed(stanza.ErrUnexpectedRequest))
		return false
	}
	s.stopHibernationLocked(old)
	ss.full, ss.bound = old.full, true
	ss.available, ss.priority, ss.presence = old.available, old.priority, old.presence
	ss.interested, ss.versioned, ss.directed = old.interested, old.versioned, old.directed
	old.bound = false
	ss.acct.resources[ss.full.Resourcepart()] = ss
	s.resumable[ss.sm.id] = ss
	ss.setAddress(ss.full)
	ss.sm.mu.Lock()
	in := ss.sm.in
	ss.sm.mu.Unlock()
	ss.send(stanza.NewElement(nsSM, "resumed", stanza.A("previd", ss.sm.id), stanza.A("h", strconv.FormatUint(uint64(in), 10))))
	ss.q.pushAlways(outItem{fn: func() {
		ss.sm.mu.Lock()
		ss.sm.outOn = true
		ss.sm.mu.Unlock()
	}})
	for _, st := range resend {
		ss.send(st)
	}
	s.notifyLocked()
	s.log.Info("session resumed", "session", ss.id, "jid", ss.full.String(), "from", old.id, "resent", len(resend))
	return true
}

// dropLocked forgets a bound session whose connection ended. A session
// that lost its connection and can be resumed waits for its client
// instead (XEP-0198 section 5), still bound: stanzas for it are kept.
// Server.mu is held.
func (s *Server) dropLocked(ss *session, lost bool) {
	if !ss.bound {
		return
	}
	if lost && ss.sm.resumable() && !s.closed {
		s.hibernateLocked(ss)
		return
	}
	s.forgetResumableLocked(ss)
	s.unbindLocked(ss)
}

// forgetResumableLocked removes ss from the sessions that can be resumed.
func (s *Server) forgetResumableLocked(ss *session) {
	ss.sm.mu.Lock()
	id := ss.sm.id
	ss.sm.mu.Unlock()
	if id != "" && s.resumable[id] == ss {
		delete(s.resumable, id)
	}
}

// hibernateLocked keeps ss for ResumeTimeout after its connection broke.
// Server.mu is held.
func (s *Server) hibernateLocked(ss *session) {
	if ss.hibernating.Swap(true) {
		return
	}
	s.log.Info("session waits for resumption", "session", ss.id, "jid", ss.full.String(), "timeout", s.resumeTimeout)
	s.wg.Add(1)
	ss.expiry = time.AfterFunc(s.resumeTimeout, func() {
		defer s.wg.Done()
		s.mu.Lock()
		defer s.mu.Unlock()
		s.expireLocked(ss)
	})
}

// stopHibernationLocked stops the expiry of ss, if it waits. Server.mu is
// held.
func (s *Server) stopHibernationLocked(ss *session) {
	if !ss.hibernating.Swap(false) {
		return
	}
	if ss.expiry.Stop() {
		s.wg.Done() // the expiry function will not run
	}
}

// expireLocked ends a session that waited for resumption in vain: the
// requests and chat messages it never acknowledged are answered with
// service-unavailable, and its contacts see it go. Server.mu is held.
func (s *Server) expireLocked(ss *session) {
	if !ss.hibernating.Swap(false) {
		return
	}
	s.log.Info("session not resumed in time", "session", ss.id, "jid", ss.full.String())
	ss.sm.mu.Lock()
	ss.sm.frozen = true // a writer still running takes nothing more
	lost := append(ss.sm.unacked, ss.q.drainStanzas()...)
	ss.sm.unacked = nil
	ss.sm.mu.Unlock()
	for _, e := range lost {
		s.bounceUndeliveredLocked(e)
	}
	s.forgetResumableLocked(ss)
	s.unbindLocked(ss)
}

// bounceUndeliveredLocked answers a stanza that never reached its
// addressee: IQ requests and chat or normal messages get
// service-unavailable. Server.mu is held.
func (s *Server) bounceUndeliveredLocked(e *stanza.Element) {
	st, err := stanza.Parse(e)
	if err != nil {
		return
	}
	switch st := st.(type) {
	case *stanza.IQ:
		if st.Type != stanza.IQGet && st.Type != stanza.IQSet {
			return
		}
	case *stanza.Message:
		if st.Type != stanza.MessageChat && st.Type != stanza.MessageNormal {
			return
		}
	default:
		return
	}
	reply := stanza.ErrorReply(st, stanza.NewError(stanza.ErrServiceUnavailable, ""))
	if t := s.sessionLocked(reply.StanzaHeader().To); t != nil {
		t.send(reply.Element())
	}
}

// drainStanzas removes and returns the stanzas still queued.
func (q *outQueue) drainStanzas() []*stanza.Element {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []*stanza.Element
	for _, it := range q.items {
		if it.el != nil && isStanza(it.el) {
			out = append(out, it.el)
		}
	}
	q.items = nil
	return out
}
