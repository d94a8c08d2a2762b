package blocking

import (
	"errors"
	"fmt"
	"strings"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Namespaces of XEP-0191.
const (
	// NS qualifies the <blocklist/>, <block/> and <unblock/> payloads; a
	// server that implements XEP-0191 lists it as a disco#info feature.
	NS = "urn:xmpp:blocking"
	// NSErrors qualifies the <blocked/> application-specific error
	// condition; see IsBlocked.
	NSErrors = "urn:xmpp:blocking:errors"
)

// ErrMalformed is wrapped by the errors of ParseBlocklist and ParseCommand
// for a payload that breaks the XEP-0191 schema, and by List for a result
// that carries no valid block list.
var ErrMalformed = errors.New("blocking: malformed payload")

// ErrNoJIDs is returned by Block and Unblock when given no address (or a
// zero one), and by Command.Element for a <block/> without one: XEP-0191
// forbids an empty <block/>, and an empty <unblock/> would unblock
// everything, which only UnblockAll asks for.
var ErrNoJIDs = errors.New("blocking: no jid given")

// Op says what a Command does.
type Op string

// Commands of XEP-0191.
const (
	// OpBlock adds the command's JIDs to the block list.
	OpBlock Op = "block"
	// OpUnblock removes the command's JIDs from the block list, or every
	// JID when it has none.
	OpUnblock Op = "unblock"
)

// Command is a <block/> or <unblock/> payload: a request from the user to
// the server, or a push from the server to the user's resources telling
// them that the block list changed.
type Command struct {
	// Op is OpBlock or OpUnblock.
	Op Op
	// JIDs are the addresses blocked or unblocked, in document order. An
	// unblock command without JIDs unblocks every address; a block
	// command has at least one.
	JIDs []jid.JID
}

// UnblocksAll reports whether cmd is an unblock command without JIDs,
// which empties the block list.
func (cmd Command) UnblocksAll() bool { return cmd.Op == OpUnblock && len(cmd.JIDs) == 0 }

// Element encodes cmd as a <block/> or <unblock/> element with one <item/>
// per JID. It fails with ErrNoJIDs for a block command without JIDs or
// with a zero JID among them, and for an unblock command with a zero JID;
// with an unknown Op it fails too.
func (cmd Command) Element() (*stanza.Element, error) {
	switch cmd.Op {
	case OpBlock:
		if len(cmd.JIDs) == 0 {
			return nil, ErrNoJIDs
		}
	case OpUnblock:
	default:
		return nil, fmt.Errorf("blocking: unknown op %q", string(cmd.Op))
	}
	return itemsElement(string(cmd.Op), cmd.JIDs)
}

// BlocklistElement encodes jids as a <blocklist/> element, as a server
// returns it to a List request. It fails with ErrNoJIDs if a JID is zero.
func BlocklistElement(jids []jid.JID) (*stanza.Element, error) {
	return itemsElement("blocklist", jids)
}

// itemsElement returns {NS}local with one <item/> per JID.
func itemsElement(local string, jids []jid.JID) (*stanza.Element, error) {
	e := stanza.NewElement(NS, local)
	for _, j := range jids {
		if j.IsZero() {
			return nil, ErrNoJIDs
		}
		e.AddChild(stanza.NewElement(NS, "item", stanza.A("jid", j.String())))
	}
	return e, nil
}

// ParseCommand decodes a <block/> or <unblock/> element in NS. It fails
// with an error wrapping ErrMalformed when e is something else, when a
// <block/> has no <item/>, or when the items are bad (see ParseBlocklist).
func ParseCommand(e *stanza.Element) (Command, error) {
	var op Op
	switch {
	case e == nil:
		return Command{}, fmt.Errorf("%w: no element", ErrMalformed)
	case e.Name == stanza.Name{Space: NS, Local: string(OpBlock)}:
		op = OpBlock
	case e.Name == stanza.Name{Space: NS, Local: string(OpUnblock)}:
		op = OpUnblock
	default:
		return Command{}, unexpected(e)
	}
	jids, err := parseItems(e)
	if err != nil {
		return Command{}, err
	}
	if op == OpBlock && len(jids) == 0 {
		return Command{}, fmt.Errorf("%w: block without item", ErrMalformed)
	}
	return Command{Op: op, JIDs: jids}, nil
}

// ParseBlocklist decodes a <blocklist/> element in NS and returns its
// JIDs, in document order. It fails with an error wrapping ErrMalformed
// when e is something else, when an <item/> lacks its jid attribute, holds
// an address that is not a valid JID, or has content (character data or a
// child in NS), and when e holds character data or a child in NS other than
// <item/>. Whitespace and children in other namespaces are ignored, as
// extensions may add them.
func ParseBlocklist(e *stanza.Element) ([]jid.JID, error) {
	if e == nil {
		return nil, fmt.Errorf("%w: no element", ErrMalformed)
	}
	if e.Name != (stanza.Name{Space: NS, Local: "blocklist"}) {
		return nil, unexpected(e)
	}
	return parseItems(e)
}

func unexpected(e *stanza.Element) error {
	return fmt.Errorf("%w: unexpected element {%s}%s", ErrMalformed, e.Name.Space, e.Name.Local)
}

// parseItems decodes the <item/> children of e.
func parseItems(e *stanza.Element) ([]jid.JID, error) {
	var jids []jid.JID
	for _, n := range e.Nodes {
		c := n.Elem
		switch {
		case c == nil:
			if strings.TrimSpace(n.Text) != "" {
				return nil, fmt.Errorf("%w: text in <%s/>", ErrMalformed, e.Name.Local)
			}
		case c.Name.Space != NS:
			// Extension content: ignored.
		case c.Name.Local != "item":
			return nil, fmt.Errorf("%w: <%s/> in <%s/>", ErrMalformed, c.Name.Local, e.Name.Local)
		default:
			j, err := parseItem(c)
			if err != nil {
				return nil, err
			}
			jids = append(jids, j)
		}
	}
	return jids, nil
}

// parseItem decodes one <item/>.
func parseItem(c *stanza.Element) (jid.JID, error) {
	v, ok := c.LookupAttr("", "jid")
	if !ok {
		return jid.JID{}, fmt.Errorf("%w: item without jid", ErrMalformed)
	}
	for _, n := range c.Nodes {
		if (n.Elem == nil && strings.TrimSpace(n.Text) != "") || (n.Elem != nil && n.Elem.Name.Space == NS) {
			return jid.JID{}, fmt.Errorf("%w: item %q has content", ErrMalformed, v)
		}
	}
	j, err := jid.Parse(v)
	if err != nil {
		return jid.JID{}, fmt.Errorf("%w: item jid %q: %w", ErrMalformed, v, err)
	}
	return j, nil
}
