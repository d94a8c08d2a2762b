package disco

import (
	"context"
	"fmt"
	"sync"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// findConcurrency bounds the disco#info requests FindServices has in
// flight at once.
const findConcurrency = 8

// GetInfo asks the entity to for its identities, features and extended
// information, or for those of its node node ("" for the entity itself).
// It blocks until the answer comes or ctx ends.
//
// To ask the server, pass its domain (c.JID().Domain()). A request without
// an address (the zero JID) is answered by the server on behalf of the
// account, as for the account's bare JID (RFC 6120 section 10.3.3):
// Prosody and ejabberd then list the account's features (PEP, MAM), not
// the server's.
//
// A stanza error from the entity is returned as the *stanza.Error that
// Client.Request gives (errors.Is(err, stanza.ErrItemNotFound) for an
// unknown node, for example); an answer that is not a valid result (see
// ParseInfo) is an error wrapping ErrMalformed. The answer is accepted
// only from to.
func GetInfo(ctx context.Context, c *xmpp.Client, to jid.JID, node string) (Info, error) {
	res, err := c.Request(ctx, stanza.NewIQ(stanza.IQGet, to, query(NSInfo, node)))
	if err != nil {
		return Info{}, err
	}
	info, err := ParseInfo(res.Payload)
	if err != nil {
		return Info{}, fmt.Errorf("disco: get info: %w", err)
	}
	return info, nil
}

// GetItems asks the entity to (see GetInfo for the zero JID) for the
// items associated with it, or with its node node ("" for the entity
// itself). It blocks until the answer comes or ctx ends. Errors are those
// of GetInfo. Result set management (XEP-0059) is not used: a service
// that pages its items returns its first page (GetItemsPage and AllItems
// page).
func GetItems(ctx context.Context, c *xmpp.Client, to jid.JID, node string) ([]Item, error) {
	res, err := c.Request(ctx, stanza.NewIQ(stanza.IQGet, to, query(NSItems, node)))
	if err != nil {
		return nil, err
	}
	items, err := ParseItems(res.Payload)
	if err != nil {
		return nil, fmt.Errorf("disco: get items: %w", err)
	}
	return items, nil
}

// query returns an empty disco <query/> of namespace space about node.
func query(space, node string) *stanza.Element {
	q := stanza.NewElement(space, "query")
	if node != "" {
		q.SetAttr("node", node)
	}
	return q
}

// FindServices lists the items of server (the zero JID stands for the
// account's own server, c.JID().Domain()), asks each item that is an entity of its own (an item without a
// node) for its information, and returns, in the order the items were
// listed, those whose information match accepts: for example the MUC
// service, with
//
//	func(info disco.Info) bool { return info.HasIdentity("conference", "text") }
//
// At most eight disco#info requests are in flight at once; ctx bounds
// them all. An item that answers with an error or not at all (ejabberd
// lists services that are not connected) is left out. FindServices fails
// only when the items cannot be listed or ctx ends.
func FindServices(ctx context.Context, c *xmpp.Client, server jid.JID, match func(Info) bool) ([]jid.JID, error) {
	if server.IsZero() {
		server = c.JID().Domain()
	}
	items, err := GetItems(ctx, c, server, "")
	if err != nil {
		return nil, err
	}
	var candidates []jid.JID
	seen := map[jid.JID]bool{}
	for _, it := range items {
		if it.Node == "" && !seen[it.JID] {
			seen[it.JID] = true
			candidates = append(candidates, it.JID)
		}
	}
	ok := make([]bool, len(candidates))
	sem := make(chan struct{}, findConcurrency)
	var wg sync.WaitGroup
	for i, j := range candidates {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			info, err := GetInfo(ctx, c, j, "")
			ok[i] = err == nil && match(info)
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("disco: find services: %w", err)
	}
	var found []jid.JID
	for i, j := range candidates {
		if ok[i] {
			found = append(found, j)
		}
	}
	return found, nil
}
