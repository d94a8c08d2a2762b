package commands

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/stanza"
)

// NS is the namespace of XEP-0050 Ad-Hoc Commands. It is also the service
// discovery feature of an entity that offers commands and the disco node
// under which it lists them.
const NS = "http://jabber.org/protocol/commands"

// Errors of this package; the errors it returns wrap them, so callers test
// the reason with errors.Is. Stanza errors from the peer are returned as
// the *stanza.Error that Client.Request gives.
var (
	// ErrMalformed is wrapped by the errors of Parse, and by those of the
	// requests when the answer is not a valid <command/>.
	ErrMalformed = errors.New("commands: malformed command")

	// ErrWrongSession is returned when an answer names another command
	// node or another session than the one the request was about.
	ErrWrongSession = errors.New("commands: answer for another session")

	// ErrEnded is returned by the actions of a Session that was completed
	// or canceled: it accepts no further action.
	ErrEnded = errors.New("commands: session has ended")

	// ErrNotAllowed is returned by an action of a Session that the
	// responder's last answer does not allow.
	ErrNotAllowed = errors.New("commands: action not allowed at this stage")

	// ErrNotSubmit is returned when the form given to Next or Complete is
	// not of type submit (use form.Form.Submit to answer a form).
	ErrNotSubmit = errors.New("commands: form is not a submission")
)

// Action is the action attribute of a request: what the requester asks
// the command to do.
type Action string

// The actions of XEP-0050 section 4.1.
const (
	ActionExecute  Action = "execute"  // start, or do the default action
	ActionCancel   Action = "cancel"   // end the session
	ActionPrev     Action = "prev"     // go back one stage
	ActionNext     Action = "next"     // go on to the next stage
	ActionComplete Action = "complete" // finish with the data given
)

func (a Action) known() bool {
	switch a {
	case ActionExecute, ActionCancel, ActionPrev, ActionNext, ActionComplete:
		return true
	}
	return false
}

// stage reports whether a is one of the actions an <actions/> element can
// list: prev, next or complete.
func (a Action) stage() bool {
	return a == ActionPrev || a == ActionNext || a == ActionComplete
}

// Status is the status attribute of an answer.
type Status string

// The statuses of XEP-0050 section 4.1.
const (
	StatusExecuting Status = "executing" // the session waits for an action
	StatusCompleted Status = "completed" // the session has ended with success
	StatusCanceled  Status = "canceled"  // the session has ended, canceled
)

func (s Status) known() bool {
	return s == StatusExecuting || s == StatusCompleted || s == StatusCanceled
}

// NoteType is the severity of a Note.
type NoteType string

// The note types of XEP-0050 section 4.3.
const (
	NoteInfo  NoteType = "info"
	NoteWarn  NoteType = "warn"
	NoteError NoteType = "error"
)

// Note is a human-readable note about the state of a command.
type Note struct {
	Type NoteType // NoteInfo when the element has no type
	Text string
}

// Actions is the <actions/> element of an answer: the stage actions
// allowed now (cancel always is) and the one "execute" stands for.
type Actions struct {
	// Allowed lists the allowed actions among prev, next and complete, in
	// that order.
	Allowed []Action
	// Execute is the default action, the one "execute" stands for; ""
	// when the element has no execute attribute.
	Execute Action
}

// Command is the <command/> element, decoded: a request (Node, SessionID,
// Action, a submitted Form) or an answer (Status, Actions, Notes, a Form
// to fill in or a result).
type Command struct {
	Node      string // required
	SessionID string // "" when absent
	Action    Action // "" when absent (which means execute)
	Status    Status // "" when absent
	Lang      string // xml:lang of the element, "" when absent
	// Actions is nil when the element has no <actions/>.
	Actions *Actions
	Notes   []Note
	// Form is the first data form (XEP-0004) among the children, or nil.
	Form *form.Form
	// Payload holds the other children of other namespaces (jabber:x:oob
	// and the like), in order; copies of the received elements.
	Payload []*stanza.Element
}

// Parse decodes a <command/> element strictly. An error wrapping
// ErrMalformed is returned when e is nil or not {NS}command, when the node
// is missing, when an action, status, note type or execute attribute has
// a value XEP-0050 does not define, when <actions/> is repeated, lists an
// action twice or an unknown one, or names as execute an action it does
// not list, when an element of the namespace other than <actions/> and
// <note/> appears, when a note has child elements, when character data
// other than white space appears directly inside <command/> or <actions/>,
// and when the first data form is malformed (the error wraps
// form.ErrMalformed too).
func Parse(e *stanza.Element) (Command, error) {
	if e == nil || e.Name != (stanza.Name{Space: NS, Local: "command"}) {
		return Command{}, fmt.Errorf("%w: not a <command/>", ErrMalformed)
	}
	c := Command{
		Node:      e.Attr("node"),
		SessionID: e.Attr("sessionid"),
		Action:    Action(e.Attr("action")),
		Status:    Status(e.Attr("status")),
		Lang:      e.Lang(),
	}
	switch {
	case c.Node == "":
		return Command{}, fmt.Errorf("%w: no node", ErrMalformed)
	case c.Action != "" && !c.Action.known():
		return Command{}, fmt.Errorf("%w: unknown action %.32q", ErrMalformed, c.Action)
	case c.Status != "" && !c.Status.known():
		return Command{}, fmt.Errorf("%w: unknown status %.32q", ErrMalformed, c.Status)
	case !isSpace(e):
		return Command{}, fmt.Errorf("%w: character data in <command/>", ErrMalformed)
	}
	for ch := range e.Children() {
		if err := c.parseChild(ch); err != nil {
			return Command{}, err
		}
	}
	return c, nil
}

// parseChild decodes one child of <command/> into c.
func (c *Command) parseChild(ch *stanza.Element) error {
	switch {
	case ch.Name == stanza.Name{Space: NS, Local: "actions"}:
		if c.Actions != nil {
			return fmt.Errorf("%w: repeated <actions/>", ErrMalformed)
		}
		a, err := parseActions(ch)
		if err != nil {
			return err
		}
		c.Actions = a
	case ch.Name == stanza.Name{Space: NS, Local: "note"}:
		n, err := parseNote(ch)
		if err != nil {
			return err
		}
		c.Notes = append(c.Notes, n)
	case ch.Name.Space == NS:
		return fmt.Errorf("%w: unknown element <%.64s/>", ErrMalformed, ch.Name.Local)
	case ch.Name == stanza.Name{Space: form.NS, Local: "x"} && c.Form == nil:
		f, err := form.Parse(ch)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		c.Form = f
	default:
		c.Payload = append(c.Payload, ch.Copy())
	}
	return nil
}

func parseActions(e *stanza.Element) (*Actions, error) {
	if !isSpace(e) {
		return nil, fmt.Errorf("%w: character data in <actions/>", ErrMalformed)
	}
	a := &Actions{Execute: Action(e.Attr("execute"))}
	for ch := range e.Children() {
		act := Action(ch.Name.Local)
		if ch.Name.Space != NS || !act.stage() || slices.Contains(a.Allowed, act) {
			return nil, fmt.Errorf("%w: unknown or repeated action <%.64s/>", ErrMalformed, ch.Name.Local)
		}
		a.Allowed = append(a.Allowed, act)
	}
	slices.SortFunc(a.Allowed, func(x, y Action) int { return stageOrder(x) - stageOrder(y) })
	if a.Execute != "" && !slices.Contains(a.Allowed, a.Execute) {
		return nil, fmt.Errorf("%w: execute=%.32q is not among the allowed actions", ErrMalformed, a.Execute)
	}
	return a, nil
}

// stageOrder gives the order of the schema: prev, next, complete.
func stageOrder(a Action) int {
	switch a {
	case ActionPrev:
		return 0
	case ActionNext:
		return 1
	}
	return 2
}

func parseNote(e *stanza.Element) (Note, error) {
	n := Note{Type: NoteType(e.Attr("type")), Text: e.Text()}
	if n.Type == "" {
		n.Type = NoteInfo
	}
	if n.Type != NoteInfo && n.Type != NoteWarn && n.Type != NoteError {
		return Note{}, fmt.Errorf("%w: unknown note type %.32q", ErrMalformed, n.Type)
	}
	if e.NumChildren() != 0 {
		return Note{}, fmt.Errorf("%w: element inside <note/>", ErrMalformed)
	}
	return n, nil
}

// isSpace reports whether the character data directly inside e is only
// XML white space.
func isSpace(e *stanza.Element) bool {
	return strings.Trim(e.Text(), " \t\r\n") == ""
}

// Element encodes c as a <command/> element. Empty fields are left out;
// a Note without a type is written as info.
func (c Command) Element() *stanza.Element {
	e := stanza.NewElement(NS, "command", stanza.A("node", c.Node))
	if c.SessionID != "" {
		e.SetAttr("sessionid", c.SessionID)
	}
	if c.Action != "" {
		e.SetAttr("action", string(c.Action))
	}
	if c.Status != "" {
		e.SetAttr("status", string(c.Status))
	}
	if c.Lang != "" {
		e.SetAttrNS(stanza.NSXML, "lang", c.Lang)
	}
	if c.Actions != nil {
		a := stanza.NewElement(NS, "actions")
		if c.Actions.Execute != "" {
			a.SetAttr("execute", string(c.Actions.Execute))
		}
		for _, act := range c.Actions.Allowed {
			a.AddChild(stanza.NewElement(NS, string(act)))
		}
		e.AddChild(a)
	}
	for _, n := range c.Notes {
		typ := n.Type
		if typ == "" {
			typ = NoteInfo
		}
		e.AddChild(stanza.NewElement(NS, "note", stanza.A("type", string(typ))).AddText(n.Text))
	}
	if c.Form != nil {
		e.AddChild(c.Form.Element())
	}
	for _, p := range c.Payload {
		e.AddChild(p.Copy())
	}
	return e
}
