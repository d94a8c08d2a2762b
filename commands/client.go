package commands

import (
	"context"
	"fmt"
	"slices"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// List asks the entity to (a server's domain, or a client's full JID) for
// the commands it offers to us: the disco#items of its node NS (XEP-0050
// section 2.2), each item a command with its node and name. It blocks until
// the answer comes or ctx ends; errors are those of disco.GetItems.
func List(ctx context.Context, c *xmpp.Client, to jid.JID) ([]disco.Item, error) {
	return disco.GetItems(ctx, c, to, NS)
}

// Session is one execution of a command on a responder: the state its
// last answer gave. Execute starts one; Next, Prev, Complete and Cancel
// move it on. A Session is not safe for concurrent use.
type Session struct {
	c    *xmpp.Client
	to   jid.JID
	last Command // the last answer
}

// Execute asks the entity to to run the command node (action execute) and
// returns the Session its answer starts: completed at once for a
// single-stage command, executing with a form to fill in for others. It
// blocks until the answer comes or ctx ends.
//
// A stanza error from the responder (forbidden, item-not-found, ...) is
// returned as the *stanza.Error Client.Request gives (ConditionOf gives its
// XEP-0050 specific condition). An answer that is not a valid <command/>
// with a status, or that leaves an executing session without a session
// id, is an error wrapping ErrMalformed; one for another node wraps
// ErrWrongSession.
func Execute(ctx context.Context, c *xmpp.Client, to jid.JID, node string) (*Session, error) {
	if node == "" {
		return nil, fmt.Errorf("commands: execute: %w: empty node", ErrMalformed)
	}
	s := &Session{c: c, to: to, last: Command{Node: node}}
	if err := s.do(ctx, ActionExecute, nil); err != nil {
		return nil, err
	}
	return s, nil
}

// Node returns the command's node.
func (s *Session) Node() string { return s.last.Node }

// ID returns the session id the responder gave, "" when it gave none (a
// command completed at once may not).
func (s *Session) ID() string { return s.last.SessionID }

// Status returns the status of the last answer.
func (s *Session) Status() Status { return s.last.Status }

// Ended reports whether the session was completed or canceled.
func (s *Session) Ended() bool { return s.last.Status != StatusExecuting }

// Actions returns the actions the last answer allows among prev, next and
// complete (cancel is always allowed while the session executes). An
// answer without <actions/> allows complete only (XEP-0050 section 3.4).
// It returns nil once the session has ended.
func (s *Session) Actions() []Action {
	switch {
	case s.Ended():
		return nil
	case s.last.Actions == nil:
		return []Action{ActionComplete}
	}
	return slices.Clone(s.last.Actions.Allowed)
}

// Default returns the action the responder marks as default ("execute"
// stands for it): the execute attribute of <actions/>, else next when it
// is allowed, else complete for an answer without <actions/>. It returns
// "" when there is none or the session has ended.
func (s *Session) Default() Action {
	switch {
	case s.Ended():
		return ""
	case s.last.Actions == nil:
		return ActionComplete
	case s.last.Actions.Execute != "":
		return s.last.Actions.Execute
	case slices.Contains(s.last.Actions.Allowed, ActionNext):
		return ActionNext
	}
	return ""
}

// Notes returns the notes of the last answer.
func (s *Session) Notes() []Note { return slices.Clone(s.last.Notes) }

// Form returns the data form of the last answer (a form to fill in while
// executing, often a result once completed), or nil. It is the Session's
// own copy: fill in form.Form.Submit of it, not the form itself.
func (s *Session) Form() *form.Form { return s.last.Form }

// Command returns the last answer whole, for its other payloads (a
// jabber:x:oob link, say). Its slices are shared with the Session.
func (s *Session) Command() Command { return s.last }

// Next submits f (a form of type submit, or nil when the stage asks for
// nothing) and moves to the next stage. It returns ErrEnded when the
// session has ended and ErrNotAllowed when the last answer does not allow
// next, without sending anything; otherwise the errors of Execute, and
// the session keeps its state when the request fails.
func (s *Session) Next(ctx context.Context, f *form.Form) error {
	return s.do(ctx, ActionNext, f)
}

// Prev goes back to the previous stage, as Next goes forward.
func (s *Session) Prev(ctx context.Context) error {
	return s.do(ctx, ActionPrev, nil)
}

// Complete submits f (or nil) and asks the command to finish, as Next
// does; the answer usually ends the session with StatusCompleted.
func (s *Session) Complete(ctx context.Context, f *form.Form) error {
	return s.do(ctx, ActionComplete, f)
}

// Cancel asks the responder to end the session (XEP-0050 section 3.5).
// The session has ended after Cancel, whatever the answer: a stanza error
// from the responder is returned, but no further action is sent. Cancel
// returns ErrEnded for a session that had ended already.
func (s *Session) Cancel(ctx context.Context) error {
	err := s.do(ctx, ActionCancel, nil)
	if s.last.Status == StatusExecuting {
		s.last.Status = StatusCanceled
	}
	return err
}

// do sends action (with f) and takes the answer as the new state.
func (s *Session) do(ctx context.Context, action Action, f *form.Form) error {
	if action != ActionExecute {
		if s.Ended() {
			return fmt.Errorf("commands: %s: %w", action, ErrEnded)
		}
		if action != ActionCancel && !slices.Contains(s.Actions(), action) {
			return fmt.Errorf("commands: %s: %w", action, ErrNotAllowed)
		}
	}
	if f != nil && f.Type != form.TypeSubmit {
		return fmt.Errorf("commands: %s: %w", action, ErrNotSubmit)
	}
	req := Command{Node: s.last.Node, SessionID: s.last.SessionID, Action: action, Form: f}
	res, err := s.c.Request(ctx, stanza.NewIQ(stanza.IQSet, s.to, req.Element()))
	if err != nil {
		return err
	}
	ans, err := Parse(res.Payload)
	if err != nil {
		return fmt.Errorf("commands: %s: %w", action, err)
	}
	if err := checkAnswer(req, ans); err != nil {
		return fmt.Errorf("commands: %s: %w", action, err)
	}
	s.last = ans
	return nil
}

// checkAnswer checks that ans answers req: same node, same session (the
// first answer brings the id), a status, and a session id to go on with
// while executing.
func checkAnswer(req, ans Command) error {
	switch {
	case ans.Node != req.Node:
		return fmt.Errorf("%w: node %.64q instead of %.64q", ErrWrongSession, ans.Node, req.Node)
	case req.SessionID != "" && ans.SessionID != req.SessionID:
		return fmt.Errorf("%w: session id %.64q instead of %.64q", ErrWrongSession, ans.SessionID, req.SessionID)
	case ans.Status == "":
		return fmt.Errorf("%w: answer without a status", ErrMalformed)
	case ans.Status == StatusExecuting && ans.SessionID == "":
		return fmt.Errorf("%w: executing without a session id", ErrMalformed)
	}
	return nil
}
