package commands

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Defaults of ServeOptions.
const (
	DefaultMaxSessions = 100
	DefaultIdleTimeout = 10 * time.Minute
)

// ServeOptions configures Serve. The zero value (or nil) is usable.
type ServeOptions struct {
	// MaxSessions bounds the sessions kept at once, all requesters
	// together; a request that would start one more is refused with
	// resource-constraint. Zero means DefaultMaxSessions.
	MaxSessions int
	// IdleTimeout ends a session that receives no action for this long;
	// a later action on it gets not-allowed with <session-expired/>. Zero
	// means DefaultIdleTimeout.
	IdleTimeout time.Duration
}

// Step is what a HandlerFunc is asked to do: one action of a requester on
// a session of its command.
//
// The Server keeps the forms submitted along the way, so that a handler
// can be stateless: it decides what to answer from Stage and the forms.
type Step struct {
	// SessionID identifies the session, the same for every step of it.
	SessionID string
	// Action is ActionExecute for the first step of a session, then
	// ActionNext, ActionPrev or ActionComplete (the Server answers cancel
	// itself, and resolves a later "execute" to the default action its
	// handler's last answer named). It is always one the handler's last
	// Response allowed.
	Action Action
	// Stage counts the stages passed: 0 on execute, one more after each
	// next, one less after each prev; complete leaves it unchanged.
	Stage int
	// Form is the form the requester submitted with this action, or nil.
	Form *form.Form
	// Forms holds the forms submitted with next at the stages before
	// Stage: Forms[i] left stage i (nil when none came). Its length is
	// Stage; on next its last element is Form.
	Forms []*form.Form
	// Lang is the xml:lang of the request's <command/>, or "".
	Lang string
}

// Response is a HandlerFunc's answer to a Step.
type Response struct {
	// Status ends the session (StatusCompleted, StatusCanceled) or keeps
	// it going (StatusExecuting). The zero value means StatusCompleted.
	Status Status
	// Actions lists the actions allowed next while executing, and the
	// default; nil allows complete alone (a single-stage form). It must
	// be nil unless Status is StatusExecuting, and its Execute (next when
	// empty, as XEP-0050 section 3.4 reads it) must be among its Allowed
	// actions.
	Actions *Actions
	// Form is the form to fill in while executing, or the result.
	Form  *form.Form
	Notes []Note
}

// HandlerFunc runs one step of a command for the requester from. An error
// is sent back as Client.HandleIQ sends it: a *stanza.Error as it is
// (NewError(BadPayload, "...") for a submission it refuses), any other as
// internal-server-error. An error on the first step leaves no session; on
// a later step the session stays at the stage it was, so that the
// requester may correct its submission and try again.
type HandlerFunc func(ctx context.Context, from jid.JID, step Step) (Response, error)

// AllowFunc reports whether the requester from may see and run a command.
type AllowFunc func(from jid.JID) bool

// Anyone is an AllowFunc that lets everyone run a command: for public
// commands only.
func Anyone(jid.JID) bool { return true }

// Server offers a Client's commands; see Serve. Its methods are safe for
// concurrent use.
type Server struct {
	c           *xmpp.Client
	d           *disco.Server
	maxSessions int
	idle        time.Duration
	now         func() time.Time // time.Now; replaced by tests

	mu       sync.Mutex
	commands map[string]*command
	order    []string // nodes in registration order, for the list
	sessions map[string]*session
}

type command struct {
	node, name string
	h          HandlerFunc
	allow      AllowFunc
}

type session struct {
	node    string
	from    jid.JID // the requester, full JID
	stage   int
	forms   []*form.Form
	actions *Actions // allowed by the last answer; nil: complete only
	lang    string
	used    time.Time
}

// Serve makes c offer ad-hoc commands (XEP-0050): it answers command
// requests, lists the commands given to Handle under the disco node NS of
// d (to each requester those it may run) and answers disco#info about each
// command's node, and advertises the NS feature. Sessions live in memory,
// at most opts.MaxSessions at once, each for opts.IdleTimeout after its
// last action; Serve starts no goroutine: expired sessions are dropped
// when the next session starts.
//
// Serve panics if c already has a handler for command requests, or d one
// for the node NS, as Client.HandleIQ and disco.Server.HandleNode do.
func Serve(c *xmpp.Client, d *disco.Server, opts *ServeOptions) *Server {
	s := &Server{
		c: c, d: d,
		maxSessions: DefaultMaxSessions,
		idle:        DefaultIdleTimeout,
		now:         time.Now,
		commands:    map[string]*command{},
		sessions:    map[string]*session{},
	}
	if opts != nil && opts.MaxSessions > 0 {
		s.maxSessions = opts.MaxSessions
	}
	if opts != nil && opts.IdleTimeout > 0 {
		s.idle = opts.IdleTimeout
	}
	d.HandleNode(NS, s.list)
	c.HandleIQ(stanza.IQSet, NS, "command", s.serveIQ)
	c.Advertise(NS)
	return s
}

// Handle offers the command node, named name in lists, run by h, to the
// requesters allow accepts. A nil allow accepts only the account itself
// (any resource of c's own bare JID): commands often change what the
// account owns, so others must be let in explicitly (Anyone, or a check
// of the roster). Other requesters do not see the command in the list and
// get forbidden when they ask about it or run it.
//
// Handle panics if node, name or h is empty or nil, or if node already has
// a command or is NS.
func (s *Server) Handle(node, name string, h HandlerFunc, allow AllowFunc) {
	if node == "" || name == "" || h == nil || node == NS {
		panic("commands: Handle: node, name and handler must be set, and node must not be " + NS)
	}
	s.mu.Lock()
	if _, dup := s.commands[node]; dup {
		s.mu.Unlock()
		panic(fmt.Sprintf("commands: Handle: node %q already has a command", node))
	}
	cmd := &command{node: node, name: name, h: h, allow: allow}
	s.commands[node] = cmd
	s.order = append(s.order, node)
	s.mu.Unlock()
	s.d.HandleNode(node, func(_ context.Context, from jid.JID) (disco.Info, []disco.Item, error) {
		if !s.allowed(cmd, from) {
			return disco.Info{}, nil, stanza.NewError(stanza.ErrForbidden, "")
		}
		return disco.Info{
			Identities: []disco.Identity{{Category: "automation", Type: "command-node", Name: name}},
			Features:   []string{NS, form.NS},
		}, nil, nil
	})
}

// Sessions returns how many sessions the Server keeps now, expired ones
// included until the next session starts (or an action on one of them
// comes), which drops them.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// allowed reports whether from may run cmd.
func (s *Server) allowed(cmd *command, from jid.JID) bool {
	if cmd.allow != nil {
		return cmd.allow(from)
	}
	return !from.IsZero() && from.Bare() == s.c.JID().Bare()
}

// list answers disco about the node NS: the commands from may run.
func (s *Server) list(_ context.Context, from jid.JID) (disco.Info, []disco.Item, error) {
	s.mu.Lock()
	cmds := make([]*command, 0, len(s.order))
	for _, n := range s.order {
		cmds = append(cmds, s.commands[n])
	}
	s.mu.Unlock()
	me := s.c.JID()
	var items []disco.Item
	for _, cmd := range cmds {
		if s.allowed(cmd, from) {
			items = append(items, disco.Item{JID: me, Node: cmd.node, Name: cmd.name})
		}
	}
	info := disco.Info{Identities: []disco.Identity{{Category: "automation", Type: "command-list", Name: "Commands"}}}
	return info, items, nil
}

// serveIQ answers a command request.
func (s *Server) serveIQ(ctx context.Context, iq *stanza.IQ) (*stanza.Element, error) {
	req, err := Parse(iq.Payload)
	if err != nil {
		if errors.Is(err, form.ErrMalformed) {
			return nil, NewError(BadPayload, "")
		}
		return nil, NewError(MalformedAction, "")
	}
	s.mu.Lock()
	cmd := s.commands[req.Node]
	s.mu.Unlock()
	if cmd == nil {
		return nil, stanza.NewError(stanza.ErrItemNotFound, "")
	}
	if !s.allowed(cmd, iq.From) {
		return nil, stanza.NewError(stanza.ErrForbidden, "")
	}
	if req.SessionID == "" {
		return s.start(ctx, cmd, iq.From, req)
	}
	return s.step(ctx, cmd, iq.From, req)
}

// start runs the first step of a new session.
func (s *Server) start(ctx context.Context, cmd *command, from jid.JID, req Command) (*stanza.Element, error) {
	if req.Action != "" && req.Action != ActionExecute {
		return nil, NewError(BadAction, "no session to "+string(req.Action))
	}
	s.mu.Lock()
	s.sweep()
	if len(s.sessions) >= s.maxSessions {
		s.mu.Unlock()
		return nil, stanza.NewError(stanza.ErrResourceConstraint, "too many command sessions")
	}
	id := rand.Text()
	ss := &session{node: cmd.node, from: from, lang: req.Lang, used: s.now()}
	s.sessions[id] = ss
	s.mu.Unlock()
	step := Step{SessionID: id, Action: ActionExecute, Form: req.Form, Lang: req.Lang}
	return s.run(ctx, cmd, from, id, ss, step)
}

// step runs an action of an existing session.
func (s *Server) step(ctx context.Context, cmd *command, from jid.JID, req Command) (*stanza.Element, error) {
	if req.Action == ActionCancel {
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, err := s.lookup(cmd, from, req.SessionID); err != nil {
			return nil, err
		}
		delete(s.sessions, req.SessionID)
		return Command{Node: cmd.node, SessionID: req.SessionID, Status: StatusCanceled}.Element(), nil
	}
	ss, step, err := s.next(cmd, from, req)
	if err != nil {
		return nil, err
	}
	return s.run(ctx, cmd, from, req.SessionID, ss, step)
}

// lookup returns the live session id of from on cmd, or the error to
// answer with. s.mu is held.
func (s *Server) lookup(cmd *command, from jid.JID, id string) (*session, error) {
	ss := s.sessions[id]
	if ss == nil || ss.node != cmd.node || ss.from != from {
		return nil, NewError(BadSessionID, "")
	}
	if s.now().Sub(ss.used) >= s.idle {
		delete(s.sessions, id)
		return nil, NewError(SessionExpired, "")
	}
	return ss, nil
}

// next finds the session of req and works out its next Step.
func (s *Server) next(cmd *command, from jid.JID, req Command) (*session, Step, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, err := s.lookup(cmd, from, req.SessionID)
	if err != nil {
		return nil, Step{}, err
	}
	action := resolve(req.Action, ss.actions)
	if action == "" || (action == ActionPrev && ss.stage == 0) {
		return nil, Step{}, NewError(BadAction, "")
	}
	if req.Form != nil && req.Form.Type != form.TypeSubmit && req.Form.Type != form.TypeCancel {
		return nil, Step{}, NewError(BadPayload, "")
	}
	step := Step{SessionID: req.SessionID, Action: action, Stage: ss.stage, Form: req.Form, Lang: ss.lang}
	switch action {
	case ActionNext:
		step.Stage++
		step.Forms = append(slices.Clone(ss.forms[:ss.stage]), req.Form)
	case ActionPrev:
		step.Stage--
		step.Forms = slices.Clone(ss.forms[:step.Stage])
	default:
		step.Forms = slices.Clone(ss.forms[:ss.stage])
	}
	ss.used = s.now()
	return ss, step, nil
}

// resolve returns the action asked for, with execute (or no action)
// replaced by the default, or "" when it is not allowed by the last
// answer's actions (nil: complete only).
func resolve(a Action, allowed *Actions) Action {
	if allowed == nil {
		if a == "" || a == ActionExecute || a == ActionComplete {
			return ActionComplete
		}
		return ""
	}
	if a == "" || a == ActionExecute {
		a = allowed.Execute
		if a == "" {
			a = ActionNext
		}
	}
	if !slices.Contains(allowed.Allowed, a) {
		return ""
	}
	return a
}

// run calls the handler for step and records its answer in ss. It is
// called without s.mu held.
func (s *Server) run(ctx context.Context, cmd *command, from jid.JID, id string, ss *session, step Step) (*stanza.Element, error) {
	res, err := cmd.h(ctx, from, step)
	if err == nil {
		err = res.check()
	}
	if res.Status == "" {
		res.Status = StatusCompleted
	}
	if res.Actions != nil {
		a := &Actions{Execute: res.Actions.Execute, Allowed: slices.Clone(res.Actions.Allowed)}
		slices.SortFunc(a.Allowed, func(x, y Action) int { return stageOrder(x) - stageOrder(y) })
		res.Actions = a
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// The session may have been canceled or have expired meanwhile: then
	// the answer stands, but the session does not come back.
	live := s.sessions[id] == ss
	switch {
	case err != nil:
		// A refused step leaves the session where it was, so that the
		// requester may try again; a refused start leaves none.
		if step.Action == ActionExecute && live {
			delete(s.sessions, id)
		}
		return nil, err
	case res.Status != StatusExecuting:
		if live {
			delete(s.sessions, id)
		}
	case live:
		ss.stage, ss.forms, ss.actions, ss.used = step.Stage, step.Forms, res.Actions, s.now()
	}
	return Command{
		Node: cmd.node, SessionID: id, Status: res.Status, Lang: ss.lang,
		Actions: res.Actions, Notes: res.Notes, Form: res.Form,
	}.Element(), nil
}

// check reports a Response that breaks XEP-0050.
func (r Response) check() error {
	if r.Status != "" && !r.Status.known() {
		return fmt.Errorf("commands: handler returned status %q", r.Status)
	}
	if r.Actions == nil {
		return nil
	}
	if r.Status != StatusExecuting {
		return errors.New("commands: handler returned actions for a session it ends")
	}
	for i, a := range r.Actions.Allowed {
		if !a.stage() || slices.Contains(r.Actions.Allowed[:i], a) {
			return fmt.Errorf("commands: handler allowed action %q, or twice", a)
		}
	}
	def := r.Actions.Execute
	if def == "" {
		def = ActionNext // XEP-0050 section 3.4: the default of the default
	}
	if !slices.Contains(r.Actions.Allowed, def) {
		return fmt.Errorf("commands: handler's default action %q is not allowed", def)
	}
	return nil
}

// sweep drops the expired sessions. s.mu is held.
func (s *Server) sweep() {
	now := s.now()
	for id, ss := range s.sessions {
		if now.Sub(ss.used) >= s.idle {
			delete(s.sessions, id)
		}
	}
}
