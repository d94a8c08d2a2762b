// Package commands implements XEP-0050 Ad-Hoc Commands
// (http://jabber.org/protocol/commands): running the commands a server or
// another client offers, and offering commands from our own client.
//
// Running: List gives the commands an entity offers to us (its disco#items
// under the node NS); Execute starts one and returns a Session, which
// holds what the last answer said (status, allowed actions and the
// default, notes, a data form) and moves on with Next, Prev, Complete and
// Cancel. Each action is checked against the last answer before it is
// sent (ErrNotAllowed; ErrEnded once the session was completed or
// canceled), and each answer must name the same node and session
// (ErrWrongSession otherwise), besides coming from the addressee, which
// Client.Request ensures.
//
// Offering: Serve attaches a Server to a Client and its disco.Server;
// Server.Handle registers a command, a HandlerFunc called once per step
// with the action and the submitted form and returning the next form,
// notes and status. The Server keeps the sessions in memory (random ids,
// bounded in number, dropped after an idle timeout, no goroutine of its
// own) together with the forms submitted at each stage, so that handlers
// can be stateless; it answers cancel, unknown sessions (bad-request with
// <bad-sessionid/>), expired ones (not-allowed with <session-expired/>)
// and actions the last answer did not allow (<bad-action/>) itself. It
// lists the commands through disco, each requester seeing those it may
// run. Commands are often privileged: by default only the account itself
// (its other resources) may see and run a command; pass an AllowFunc
// (Anyone, or a roster check) to open it to others.
//
// Parse and Command.Element decode and encode the <command/> element;
// NewError and ConditionOf build and read the specific error conditions.
//
// # Not covered
//
// Localization: the xml:lang of a request is passed to handlers
// (Step.Lang) and echoed, but nothing chooses a language for the
// requester, and <bad-locale/> is never sent by the Server. Payloads other
// than one data form are kept (Command.Payload) but the Server's handlers
// cannot return them. The Server does not send disco#info identities for
// commands per language, nor limit sessions per requester (MaxSessions
// bounds them all together). The predefined commands of XEP-0133 (service
// administration) and XEP-0146 (remote controlling clients) are not
// implemented.
package commands
