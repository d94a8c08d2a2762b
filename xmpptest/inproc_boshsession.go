package xmpptest

import (
	"net"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/xmppkit/xmpp/stanza"
	xstream "github.com/xmppkit/xmpp/stream"
)

const (
	// boshChunk is about the most payload bytes one response carries
	// while the stream goes on (at least one element).
	boshChunk = 64 << 10
	// boshOutLimit is how many bytes of the session's output may wait
	// for requests before the bridge stops reading it, so that the
	// session's own queue bound holds for a client that stops asking.
	boshOutLimit = 1 << 20
	// boshMaxKept bounds the responses kept for a client that
	// acknowledges them (XEP-0124 section 9) and leaves some unacknowledged.
	boshMaxKept = 32
)

// boshSession is one BOSH session: the requests of one sid, bridged to a
// session. Requests are processed in rid order, by the handler of the
// request that makes the next rid available (busy says one is at it):
// the handler writes the request's payloads to the session, then holds
// the request until the session has something to say, wait runs out, or
// more than hold requests are held. A goroutine, relay, reads what the
// session writes and answers the oldest held request with it.
type boshSession struct {
	srv   *Server
	sid   string
	ss    *session
	pipe  net.Conn   // the bridge's end
	in    *bridgeIn  // written by the handler that is busy
	out   *bridgeOut // read by relay
	gone  chan struct{}
	first uint64              // rid of the session creation request
	asked stanza.StreamHeader // the stream header the creation request asked for

	// What the session creation request asked for, as granted.
	wait     time.Duration
	hold     int
	requests int
	idleFor  time.Duration
	acks     bool
	ctype    string
	ver      string

	mu        sync.Mutex
	room      *sync.Cond           // out has room, or the session is over
	header    *stanza.StreamHeader // the session's first stream header
	next      uint64               // the next rid to process
	busy      bool                 // a handler is processing requests
	slots     map[uint64]*boshSlot // received and not yet answered
	held      []*boshSlot          // processed and not yet answered, in rid order
	queue     []boshOut            // the session's output not yet in a response
	queued    int                  // its bytes
	kept      map[uint64][]byte    // the last responses, for a request sent again
	keptRIDs  []uint64             // their rids, in order
	clientAck uint64               // the client has every response up to this rid
	ended     bool                 // the session's stream has ended
	streamErr *stanza.Element      // the stream error that ended it, if any
	dead      bool                 // over: nothing more is answered
	idle      *time.Timer          // runs while no request is at the manager
	idleGen   uint64               // which idle timer is the current one
}

// boshSlot is one request, from its arrival to its answer.
type boshSlot struct {
	rid       uint64
	body      *stanza.Element
	reply     chan boshReply // one slot; replaced when the rid comes again
	create    bool
	terminate bool
	timer     *time.Timer // wait, once held
}

// boshOut is an element of the session's output, and its encoding.
type boshOut struct {
	e *stanza.Element
	b []byte
}

func newBOSHSession(s *Server, body *stanza.Element, rid uint64) *boshSession {
	bs := &boshSession{
		srv: s, sid: newSID(), gone: make(chan struct{}), first: rid, next: rid,
		slots: make(map[uint64]*boshSlot), kept: make(map[uint64][]byte),
		idleFor: s.boshIdle, ver: lowerVersion(body.Attr("ver")),
	}
	if bs.idleFor <= 0 {
		bs.idleFor = boshInactivity
	}
	version, _ := body.LookupAttr(xstream.NSXBOSH, "version")
	lang, _ := body.LookupAttr(stanza.NSXML, "lang")
	bs.asked = stanza.StreamHeader{To: body.Attr("to"), From: body.Attr("from"), Version: version, Lang: lang}
	bs.wait, bs.hold, bs.ctype = boshParams(body)
	bs.requests = bs.hold + 1
	_, bs.acks = body.LookupAttr("", "ack")
	bs.room = sync.NewCond(&bs.mu)
	return bs
}

// receive takes the request rid with body and returns the channel its
// answer will come on.
func (bs *boshSession) receive(rid uint64, body *stanza.Element) <-chan boshReply {
	ch := make(chan boshReply, 1)
	bs.mu.Lock()
	if bs.idle != nil {
		bs.idle.Stop()
		bs.idleGen++
	}
	switch {
	case bs.dead:
		bs.mu.Unlock()
		ch <- terminateReply("item-not-found")
		return ch
	case bs.kept[rid] != nil:
		// Sent again: its response was lost (XEP-0124 section 14).
		ch <- boshReply{data: bs.kept[rid]}
		bs.mu.Unlock()
		return ch
	case bs.slots[rid] != nil:
		// Sent again before its answer: the earlier attempt gets a
		// recoverable error, this one the answer.
		bs.srv.log.Debug("BOSH request sent again before its answer", "sid", bs.sid, "rid", rid)
		sl := bs.slots[rid]
		sl.reply <- boshReply{data: boshBody([]string{"type", "error"}, nil)}
		sl.reply = ch
		bs.mu.Unlock()
		return ch
	case rid < bs.next || rid > bs.next+uint64(bs.requests):
		// Outside the window (one more than requests for a terminate),
		// or answered too long ago to be kept.
		bs.srv.log.Info("BOSH request out of the window, ending the session", "sid", bs.sid, "rid", rid, "expected", bs.next)
		bs.failLocked("item-not-found")
		bs.mu.Unlock()
		bs.forget()
		ch <- terminateReply("item-not-found")
		return ch
	}
	bs.ackedLocked(rid, body)
	sl := &boshSlot{rid: rid, body: body, reply: ch, create: rid == bs.first, terminate: body.Attr("type") == "terminate"}
	bs.slots[rid] = sl
	if rid != bs.next || bs.busy {
		bs.srv.log.Debug("BOSH request ahead of its turn, waiting", "sid", bs.sid, "rid", rid, "expected", bs.next)
		bs.mu.Unlock()
		return ch
	}
	bs.busy = true
	bs.mu.Unlock()
	bs.process()
	return ch
}

// ackedLocked notes which responses the client has (XEP-0124 section 9):
// those up to its ack, or without one, every response before rid.
func (bs *boshSession) ackedLocked(rid uint64, body *stanza.Element) {
	if !bs.acks {
		return
	}
	acked := rid - 1
	if v, ok := body.LookupAttr("", "ack"); ok {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil || n >= rid {
			return
		}
		acked = n
	}
	bs.clientAck = max(bs.clientAck, acked)
}

// process processes the requests whose turn it is, in rid order, until
// the next one has not arrived.
func (bs *boshSession) process() {
	for {
		bs.mu.Lock()
		sl := bs.slots[bs.next]
		if sl == nil || bs.dead {
			bs.busy = false
			bs.mu.Unlock()
			return
		}
		bs.mu.Unlock()
		bs.input(sl)
		bs.mu.Lock()
		bs.next++
		if bs.slots[sl.rid] == sl && !bs.dead {
			bs.held = append(bs.held, sl)
			sl.timer = time.AfterFunc(bs.wait, func() { bs.expire(sl) })
			bs.answerLocked()
		}
		bs.mu.Unlock()
	}
}

// input writes the request sl to the session: a stream header on session
// creation and restart (XEP-0206 sections 5 and 6), then the payloads,
// then for a terminate the closing tag. An error means that the session
// has closed its end: the relay ends the BOSH session.
func (bs *boshSession) input(sl *boshSlot) {
	b := sl.body
	if restart, _ := b.LookupAttr(xstream.NSXBOSH, "restart"); sl.create || restart == "true" {
		h := bs.asked // a restart keeps the stream's version
		if to := b.Attr("to"); to != "" {
			h.To = to
		}
		if lang, ok := b.LookupAttr(stanza.NSXML, "lang"); ok {
			h.Lang = lang
		}
		if err := bs.in.open(h); err != nil {
			return
		}
		if !sl.terminate {
			return // a restart carries no payloads
		}
	}
	for e := range b.Children() {
		rehome(e)
		if err := bs.in.element(e); err != nil {
			return
		}
	}
	if sl.terminate {
		_ = bs.in.close()
	}
}

// answerLocked answers what can be answered now: held requests get the
// session's output, oldest first; more than hold requests held, the oldest
// get empty bodies; once the stream has ended, the newest held request
// gets the end (terminate) and the BOSH session is over. A terminate
// request is answered only with the end.
func (bs *boshSession) answerLocked() {
	if bs.dead {
		return
	}
	if bs.ended {
		if len(bs.held) == 0 {
			bs.idleLocked()
			return // the next request gets the end
		}
		for len(bs.held) > 1 {
			bs.answerOldestLocked(false)
		}
		bs.answerOldestLocked(true)
		bs.dead = true
		for _, sl := range bs.slots {
			// Requests after the end, ahead of their turn.
			sl.reply <- boshReply{data: boshBody([]string{"type", "terminate"}, nil)}
		}
		clear(bs.slots)
		bs.room.Broadcast()
		bs.forget()
		return
	}
	for len(bs.held) > 0 && len(bs.queue) > 0 && !bs.held[0].terminate {
		bs.answerOldestLocked(false)
	}
	for len(bs.held) > bs.hold && !bs.held[0].terminate {
		bs.answerOldestLocked(false)
	}
	bs.idleLocked()
}

// idleLocked starts the inactivity timer when no request is at the
// manager (XEP-0124 section 8).
func (bs *boshSession) idleLocked() {
	if len(bs.slots) > 0 || bs.dead {
		return
	}
	if bs.idle != nil {
		bs.idle.Stop()
	}
	bs.idleGen++
	gen := bs.idleGen
	bs.idle = time.AfterFunc(bs.idleFor, func() { bs.idleExpired(gen) })
}

// answerOldestLocked answers the oldest held request: with the end of the
// stream and everything queued if final, otherwise with what of the queue
// fits in one response.
func (bs *boshSession) answerOldestLocked(final bool) {
	sl := bs.held[0]
	bs.held = slices.Delete(bs.held, 0, 1)
	sl.timer.Stop()
	delete(bs.slots, sl.rid)
	n := len(bs.queue)
	if !final {
		size := 0
		for n = 0; n < len(bs.queue) && (n == 0 || size+len(bs.queue[n].b) <= boshChunk); n++ {
			size += len(bs.queue[n].b)
		}
	}
	items := bs.queue[:n]
	bs.queue = slices.Clone(bs.queue[n:])
	payloads := make([][]byte, 0, len(items)+1)
	for _, it := range items {
		payloads = append(payloads, it.b)
		bs.queued -= len(it.b)
	}
	attrs := bs.attrsLocked(sl)
	if final {
		attrs = append(attrs, "type", "terminate")
		if bs.streamErr != nil {
			attrs = append(attrs, "condition", "remote-stream-error")
			if b, err := stanza.AppendElement(nil, bs.streamErr); err == nil {
				payloads = append(payloads, b)
			}
		}
	}
	data := boshBody(attrs, payloads)
	bs.keepLocked(sl.rid, data)
	sl.reply <- boshReply{data: data, drop: bs.lost(items)}
	bs.room.Broadcast()
}

// attrsLocked returns the wrapper's attributes for the answer to sl: the
// session parameters for the creation request (XEP-0124 section 7.2,
// XEP-0206 section 5), otherwise the acknowledgement where one is due.
func (bs *boshSession) attrsLocked(sl *boshSlot) []string {
	if !sl.create {
		if bs.acks && bs.next-1 != sl.rid {
			return []string{"ack", strconv.FormatUint(bs.next-1, 10)}
		}
		return nil
	}
	h := bs.header
	if h == nil {
		h = &stanza.StreamHeader{From: bs.srv.domain, Version: "1.0"}
	}
	attrs := []string{
		"sid", bs.sid,
		"wait", strconv.Itoa(int(bs.wait / time.Second)),
		"hold", strconv.Itoa(bs.hold),
		"requests", strconv.Itoa(bs.requests),
		"polling", boshPolling,
		"inactivity", strconv.Itoa(max(1, int(bs.idleFor.Round(time.Second)/time.Second))),
		"ver", bs.ver,
		"from", h.From,
		"secure", "true",
	}
	if bs.acks {
		attrs = append(attrs, "ack", strconv.FormatUint(sl.rid, 10))
	}
	if h.ID != "" {
		attrs = append(attrs, "authid", h.ID)
	}
	if h.Lang != "" {
		attrs = append(attrs, "xml:lang", h.Lang)
	}
	return append(attrs, "xmpp:version", h.Version)
}

// keepLocked keeps the response to rid for the client to ask again: the
// last requests responses, and those the client has not acknowledged.
func (bs *boshSession) keepLocked(rid uint64, data []byte) {
	bs.kept[rid] = data
	bs.keptRIDs = append(bs.keptRIDs, rid)
	for len(bs.keptRIDs) > bs.requests {
		old := bs.keptRIDs[0]
		if bs.acks && old > bs.clientAck && len(bs.keptRIDs) <= boshMaxKept {
			break
		}
		delete(bs.kept, old)
		bs.keptRIDs = slices.Delete(bs.keptRIDs, 0, 1)
	}
}

// lost reports whether the test knob loses the response with items.
func (bs *boshSession) lost(items []boshOut) bool {
	f := bs.srv.boshLose.Load()
	if f == nil {
		return false
	}
	b := stanza.NewElement(xstream.NSBOSH, "body")
	for _, it := range items {
		b.AddChild(it.e)
	}
	return (*f)(b)
}

// relay reads what the session writes until it closes the pipe, queueing
// elements for the held requests. The end of the stream is answered with
// terminate; a pipe closed without it (Cut, a lost connection) or output
// that cannot be parsed drops the BOSH session.
func (bs *boshSession) relay() {
	defer bs.srv.wg.Done()
	for {
		ev, err := bs.out.next()
		if err != nil {
			if closedPipe(err) {
				bs.srv.log.Debug("session closed its connection", "session", bs.ss.id, "sid", bs.sid)
			} else {
				bs.srv.log.Info("session output cannot be framed, dropping the BOSH session", "session", bs.ss.id, "error", err)
			}
			bs.drop()
			return
		}
		bs.mu.Lock()
		switch {
		case ev.header != nil:
			if bs.header == nil {
				bs.header = ev.header
			}
		case ev.end:
			bs.ended, bs.streamErr = true, ev.el
			bs.answerLocked()
		default:
			bs.enqueueLocked(ev.el)
		}
		bs.mu.Unlock()
		if ev.end {
			// The session's stream is over, and so is the BOSH session:
			// its reader may stop waiting for our side of the stream.
			bs.pipe.Close()
			return
		}
	}
}

// enqueueLocked queues e for the held requests and answers the oldest,
// unless more of the session's output is already there to go with it.
// It waits while too much is queued.
func (bs *boshSession) enqueueLocked(e *stanza.Element) {
	b, err := stanza.AppendElement(nil, e)
	if err != nil {
		bs.srv.log.Warn("dropping an element that cannot be encoded", "session", bs.ss.id, "error", err)
		return
	}
	for bs.queued > boshOutLimit && !bs.dead {
		bs.room.Wait()
	}
	bs.queue = append(bs.queue, boshOut{e: e, b: b})
	bs.queued += len(b)
	if !bs.out.buffered() {
		bs.answerLocked()
	}
}

// expire answers the held request sl, and those before it, once it has
// waited for wait: with empty bodies, or, for a terminate whose stream
// has not ended, with the end.
func (bs *boshSession) expire(sl *boshSlot) {
	if !bs.srv.hold() {
		return
	}
	defer bs.srv.wg.Done()
	bs.mu.Lock()
	if bs.dead || !slices.Contains(bs.held, sl) {
		bs.mu.Unlock()
		return
	}
	if sl.terminate {
		bs.ended = true
		bs.answerLocked()
		bs.mu.Unlock()
		bs.pipe.Close()
		return
	}
	for slices.Contains(bs.held, sl) {
		bs.answerOldestLocked(false)
	}
	bs.idleLocked()
	bs.mu.Unlock()
}

// idleExpired ends a session that went without a request for longer
// than its inactivity period, silently (XEP-0124 section 8): to the
// session, its connection is lost.
func (bs *boshSession) idleExpired(gen uint64) {
	if !bs.srv.hold() {
		return
	}
	defer bs.srv.wg.Done()
	bs.mu.Lock()
	if bs.dead || len(bs.slots) > 0 || gen != bs.idleGen {
		bs.mu.Unlock()
		return
	}
	bs.srv.log.Info("BOSH session inactive, ending it", "session", bs.ss.id, "sid", bs.sid, "inactivity", bs.idleFor)
	bs.dead = true
	bs.room.Broadcast()
	bs.mu.Unlock()
	bs.forget()
	bs.pipe.Close()
}

// failLocked ends the session with the terminal binding condition cond,
// answered to every request waiting; the session loses its connection.
func (bs *boshSession) failLocked(cond string) {
	bs.dead = true
	for _, sl := range bs.slots {
		if sl.timer != nil {
			sl.timer.Stop()
		}
		sl.reply <- terminateReply(cond)
	}
	clear(bs.slots)
	bs.held = nil
	bs.room.Broadcast()
	bs.pipe.Close()
}

// drop ends the session as a network failure would: the HTTP connections
// of the requests waiting are closed unanswered, the sid is forgotten,
// and the session loses its connection.
func (bs *boshSession) drop() {
	bs.mu.Lock()
	if !bs.dead {
		bs.dead = true
		for _, sl := range bs.slots {
			if sl.timer != nil {
				sl.timer.Stop()
			}
			sl.reply <- boshReply{drop: true}
		}
		clear(bs.slots)
		bs.held = nil
		bs.room.Broadcast()
	}
	if bs.idle != nil {
		bs.idle.Stop()
	}
	bs.mu.Unlock()
	bs.forget()
	bs.pipe.Close()
}

// forget removes the session from the Server's sessions, once.
func (bs *boshSession) forget() {
	s := bs.srv
	s.boshMu.Lock()
	defer s.boshMu.Unlock()
	if s.boshSIDs[bs.sid] == bs {
		delete(s.boshSIDs, bs.sid)
	}
	select {
	case <-bs.gone:
	default:
		close(bs.gone)
	}
}
