package stream

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/xmppkit/xmpp/internal/smcount"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// NSSM is the namespace of stream management (XEP-0198).
const NSSM = "urn:xmpp:sm:3"

// Resume asks Negotiate to resume a stream-managed session (XEP-0198
// section 5) instead of binding a new resource.
type Resume struct {
	// ID is the resumption id the server gave in <enabled/>.
	ID string
	// JID is the full address of the session being resumed.
	JID jid.JID
	// H is the number of stanzas we handled from the server.
	H uint32
	// Timeout bounds the wait for the answer to <resume/>, apart from
	// the negotiation's context; zero leaves it to that context. A
	// server that takes longer fails the negotiation with an error
	// matching ErrResumeTimeout, and the stream is closed: an answer that
	// may still come leaves its state unknown.
	Timeout time.Duration
}

// ErrResumeTimeout is wrapped by the error of a negotiation whose
// <resume/> got no answer within Resume.Timeout.
var ErrResumeTimeout = errors.New("stream: no answer to <resume/> in time")

// ResumeError reports that the server refused to resume a session. The
// stream goes on with a new session, so the stanzas the server had not
// acknowledged may not have arrived.
type ResumeError struct {
	// Condition is the stanza error condition in <failed/>, if any.
	Condition stanza.Condition
	// H is the count of our stanzas the server says it handled, when
	// <failed/> carries one (HasH).
	H    uint32
	HasH bool
}

// Error says that resumption was refused, and with which condition.
func (e *ResumeError) Error() string {
	s := "stream: resumption refused"
	if e.Condition != "" {
		s += ": " + string(e.Condition)
	}
	return s
}

// SMFailed parses a <failed/> element into a *ResumeError.
func SMFailed(e *stanza.Element) *ResumeError {
	re := &ResumeError{}
	for c := range e.Children() {
		if c.Name.Space == stanza.NSStanzas {
			re.Condition = stanza.Condition(c.Name.Local)
			break
		}
	}
	if h, err := smcount.ParseH(e); err == nil {
		re.H, re.HasH = h, true
	}
	return re
}

// resume tries to resume the session r; it reports whether it did and,
// when it did, the server's count of our stanzas.
func (n *negotiator) resume(ctx context.Context, r *Resume) (bool, uint32, error) {
	req := stanza.NewElement(NSSM, "resume", stanza.A("previd", r.ID), stanza.A("h", strconv.FormatUint(uint64(r.H), 10)))
	if r.Timeout > 0 {
		bounded, cancel := context.WithTimeoutCause(ctx, r.Timeout, ErrResumeTimeout)
		defer cancel()
		ctx = bounded
	}
	if err := n.t.WriteElement(ctx, req); err != nil {
		return false, 0, n.resumeFailed(ctx, fmt.Errorf("stream: resume: %w", err))
	}
	e, err := n.read(ctx)
	if err != nil {
		return false, 0, n.resumeFailed(ctx, err)
	}
	switch e.Name {
	case stanza.Name{Space: NSSM, Local: "resumed"}:
		h, err := smcount.ParseH(e)
		if err != nil {
			return false, 0, n.protocolError(ctx, "resumed without a valid h")
		}
		return true, h, nil
	case stanza.Name{Space: NSSM, Local: "failed"}:
		n.resumeErr = SMFailed(e)
		return false, 0, nil
	}
	return false, 0, n.protocolError(ctx, "unexpected <"+e.Name.Local+"> in answer to <resume/>")
}

// resumeFailed returns err, marked with ErrResumeTimeout when it is the
// Resume.Timeout bound that ended ctx.
func (n *negotiator) resumeFailed(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); errors.Is(cause, ErrResumeTimeout) {
		return fmt.Errorf("%w: %w", cause, err)
	}
	return err
}
