package xmpp

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stream"
)

// errHandledTooHigh is the cause of a connection dropped because the
// server acknowledged more stanzas than we sent.
var errHandledTooHigh = errors.New("xmpp: stream management: server acknowledged more stanzas than were sent")

// smState is the stream-management (XEP-0198) bookkeeping of a Client:
// counters of stanzas in each direction, which wrap at 2^32 as the XEP
// says, and the queue of stanzas the server has not acknowledged.
type smState struct {
	mu        sync.Mutex
	enabled   bool   // <enable/> sent: our stanzas are counted and queued
	active    bool   // <enabled/> received: the server's stanzas are counted
	id        string // resumption id; "" when the server allows no resumption
	in        uint32 // stanzas handled from the server
	acked     uint32 // the last h the server sent
	unacked   []*stanza.Element
	sinceReq  int           // stanzas sent since our last <r/>
	room      chan struct{} // closed when an ack frees room; nil until asked for
	lastReqNs int64         // when we last sent <r/>
	// waitingNs is when the oldest <r/> not answered by an <a/> went
	// out; 0 when none is outstanding.
	waitingNs int64
	answered  chan struct{} // closed when <enable/> is answered (or given up)
	abandoned error         // why the session must not be resumed, if it must not
}

func newSMState() *smState { return &smState{} }

// reconnectable reports whether the Client reconnects after a broken
// connection: when it can resume, and when <enable/> was sent but not
// answered yet (a new session then), since the application asked for a
// Client that survives broken connections and the server offered it.
func (s *smState) reconnectable() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.enabled && (!s.active || s.id != "")
}

// resumable reports whether a broken connection can be resumed.
func (s *smState) resumable() bool {
	_, r := s.status()
	return r
}

// status reports whether the server enabled stream management on this
// session, and whether the session can be resumed.
func (s *smState) status() (enabled, resumable bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.active, s.enabled && s.active && s.id != "" && s.abandoned == nil
}

// sent records a stanza written (or about to be written) to the stream.
func (s *smState) sent(e *stanza.Element) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.enabled {
		return
	}
	s.unacked = append(s.unacked, e)
	s.sinceReq++
}

// unsend takes back a stanza that could not be written at all.
func (s *smState) unsend(e *stanza.Element) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := len(s.unacked); n > 0 && s.unacked[n-1] == e {
		s.unacked = s.unacked[:n-1]
		s.sinceReq--
	}
}

// full reports whether the queue of unacknowledged stanzas holds max, and
// if so returns a channel closed when an acknowledgement frees room.
func (s *smState) full(max int) (bool, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.enabled || len(s.unacked) < max {
		return false, nil
	}
	return true, s.roomLocked()
}

// roomSignal returns a channel closed when the next acknowledgement frees
// room among the unacknowledged stanzas. Every waiter gets the same
// channel, so one acknowledgement wakes them all.
func (s *smState) roomSignal() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.roomLocked()
}

func (s *smState) roomLocked() chan struct{} {
	if s.room == nil {
		s.room = make(chan struct{})
	}
	return s.room
}

// freeRoomLocked wakes every waiter for room.
func (s *smState) freeRoomLocked() {
	if s.room != nil {
		close(s.room)
		s.room = nil
	}
}

// ack applies an <a h='h'/>: it drops the stanzas it acknowledges. An h
// that acknowledges more than was sent is a protocol violation.
func (s *smState) ack(h uint32) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := h - s.acked // wraps correctly at 2^32
	if n > uint32(len(s.unacked)) {
		return fmt.Errorf("%w: h=%d, acknowledged before %d, %d unacknowledged", errHandledTooHigh, h, s.acked, len(s.unacked))
	}
	clear(s.unacked[:n])
	s.unacked = s.unacked[n:]
	if len(s.unacked) == 0 {
		s.unacked = nil
	}
	s.acked = h
	s.waitingNs = 0
	if n > 0 {
		s.freeRoomLocked()
	}
	return nil
}

// handled counts one stanza from the server.
func (s *smState) handled() {
	s.mu.Lock()
	if s.active {
		s.in++
	}
	s.mu.Unlock()
}

// h returns the count of stanzas handled from the server.
func (s *smState) h() uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.in
}

// settled returns a channel closed once the server has answered the last
// <enable/> (or it was given up), or nil when none was sent.
func (s *smState) settled() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.answered
}

// answerLocked marks the last <enable/> as answered. s.mu is held.
func (s *smState) answerLocked() {
	if s.answered != nil {
		select {
		case <-s.answered:
		default:
			close(s.answered)
		}
	}
}

// enabledBy applies the server's <enabled/>.
func (s *smState) enabledBy(e *stanza.Element) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answerLocked()
	s.active = true
	s.in = 0
	if r := e.Attr("resume"); r == "true" || r == "1" {
		s.id = e.Attr("id")
	}
}

// enable starts counting our stanzas, as <enable/> goes out.
func (s *smState) enable() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.enabled, s.active, s.id, s.abandoned = true, false, "", nil
	s.in, s.acked, s.unacked, s.sinceReq, s.waitingNs = 0, 0, nil, 0, 0
	s.answerLocked()
	s.answered = make(chan struct{})
}

// abandon marks the session as one not to resume, for why: its counts
// cannot be trusted, or the server did not answer <resume/>. The next
// connection starts a new session, reporting every stanza not
// acknowledged as possibly lost.
func (s *smState) abandon(why error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.abandoned == nil {
		s.abandoned = why
	}
}

// abandonedFor returns why the session was abandoned, or nil.
func (s *smState) abandonedFor() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.abandoned
}

// disable forgets everything, after <failed/> or on a new session. It
// returns the stanzas that were not acknowledged.
func (s *smState) disable() []*stanza.Element {
	s.mu.Lock()
	defer s.mu.Unlock()
	lost := s.unacked
	s.enabled, s.active, s.id, s.abandoned = false, false, "", nil
	s.in, s.acked, s.unacked, s.sinceReq, s.waitingNs = 0, 0, nil, 0, 0
	s.answerLocked()
	s.freeRoomLocked()
	return lost
}

// resumed applies the server's h from <resumed/> and returns the stanzas to
// send again, in order.
func (s *smState) resumed(h uint32) ([]*stanza.Element, error) {
	if err := s.ack(h); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*stanza.Element(nil), s.unacked...), nil
}

// resumeRequest is what Negotiate needs to resume.
func (s *smState) resumeRequest(session jid.JID, timeout time.Duration) *stream.Resume {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.id == "" || s.abandoned != nil {
		return nil // <enable/> unanswered, or not to be resumed
	}
	return &stream.Resume{ID: s.id, JID: session, H: s.in, Timeout: timeout}
}

// requestDue reports whether it is time to ask for an ack: every
// AckEvery stanzas.
func (s *smState) requestDue(every int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.enabled && every > 0 && s.sinceReq >= every
}

// requested notes that an <r/> went out.
func (s *smState) requested(nowNs int64) {
	s.mu.Lock()
	s.sinceReq = 0
	s.lastReqNs = nowNs
	if s.waitingNs == 0 {
		s.waitingNs = nowNs
	}
	s.mu.Unlock()
}

// unanswered returns when the oldest <r/> the server has not answered
// went out, if stanzas wait for its answer; 0 otherwise.
func (s *smState) unanswered() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.unacked) == 0 {
		return 0
	}
	return s.waitingNs
}

// restartWait makes an outstanding <r/> count as sent at nowNs: while the
// Client does not read, the server's answer cannot arrive.
func (s *smState) restartWait(nowNs int64) {
	s.mu.Lock()
	if s.waitingNs != 0 {
		s.waitingNs = nowNs
	}
	s.mu.Unlock()
}

// pending returns the number of unacknowledged stanzas and when we last
// asked for an ack.
func (s *smState) pending() (int, int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.unacked), s.lastReqNs
}

func ackElement(h uint32) *stanza.Element {
	return stanza.NewElement(stream.NSSM, "a", stanza.A("h", strconv.FormatUint(uint64(h), 10)))
}

func ackRequest() *stanza.Element { return stanza.NewElement(stream.NSSM, "r") }

// isStanza reports whether e counts for stream management.
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
