package blocking

import (
	"context"
	"fmt"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// List fetches the block list from the account's server. The server then
// sends this resource a push for every later change (see Blocklist). A
// stanza error from the server (service-unavailable where XEP-0191 is not
// implemented) is returned as the *stanza.Error Client.Request gives; a
// result without a valid <blocklist/> gives an error wrapping
// ErrMalformed. ctx bounds the wait.
func List(ctx context.Context, c *xmpp.Client) ([]jid.JID, error) {
	res, err := c.Request(ctx, stanza.NewIQ(stanza.IQGet, jid.JID{}, stanza.NewElement(NS, "blocklist")))
	if err != nil {
		return nil, err
	}
	jids, err := ParseBlocklist(res.Payload)
	if err != nil {
		return nil, fmt.Errorf("blocking: list: %w", err)
	}
	return jids, nil
}

// Block asks the account's server to block all communication with jids: a
// bare JID or a domain covers the addresses under it (see
// Blocklist.Blocked). It returns when the server confirms; every resource
// that fetched the list then gets a push. Without JIDs, or with a zero
// one, it returns ErrNoJIDs and sends nothing. Stanza errors are returned
// as Client.Request gives them.
func Block(ctx context.Context, c *xmpp.Client, jids ...jid.JID) error {
	return command(ctx, c, OpBlock, jids)
}

// Unblock asks the account's server to unblock jids. Without JIDs, or with
// a zero one, it returns ErrNoJIDs and sends nothing (an empty <unblock/>
// unblocks everything: ask for that with UnblockAll). Otherwise it is like
// Block.
func Unblock(ctx context.Context, c *xmpp.Client, jids ...jid.JID) error {
	if len(jids) == 0 {
		return ErrNoJIDs
	}
	return command(ctx, c, OpUnblock, jids)
}

// UnblockAll asks the account's server to empty the block list. It is
// otherwise like Block.
func UnblockAll(ctx context.Context, c *xmpp.Client) error {
	return command(ctx, c, OpUnblock, nil)
}

func command(ctx context.Context, c *xmpp.Client, op Op, jids []jid.JID) error {
	e, err := Command{Op: op, JIDs: jids}.Element()
	if err != nil {
		return err
	}
	_, err = c.Request(ctx, stanza.NewIQ(stanza.IQSet, jid.JID{}, e))
	return err
}
