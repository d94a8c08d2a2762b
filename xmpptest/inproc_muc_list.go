package xmpptest

import (
	"slices"

	"github.com/xmppkit/xmpp/rsm"
	"github.com/xmppkit/xmpp/stanza"
)

// mucRoomList answers a disco#items request q to the service with the
// rooms listed (XEP-0045 section 6.3), a page of them if q has an
// XEP-0059 <set/>: max, after, before (empty: the last page) and index
// are honoured, each room's UID is its bare JID, and the count is
// given. An after or before naming no room is item-not-found (XEP-0059
// section 2.5); a malformed set is bad-request.
func mucRoomList(rooms []*mucRoom, q *stanza.Element) (*stanza.Element, *stanza.Error) {
	out := stanza.NewElement(nsDiscoItems, "query")
	item := func(r *mucRoom) *stanza.Element {
		return stanza.NewElement(nsDiscoItems, "item", stanza.A("jid", r.addr.String()), stanza.A("name", r.name()))
	}
	se := q.Child(rsm.NS, "set")
	if se == nil {
		for _, r := range rooms {
			out.AddChild(item(r))
		}
		return out, nil
	}
	req, err := rsm.Parse(se)
	if err != nil {
		return nil, &stanza.Error{Condition: stanza.ErrBadRequest, Type: stanza.ErrorModify}
	}
	find := func(uid string) int {
		return slices.IndexFunc(rooms, func(r *mucRoom) bool { return r.addr.String() == uid })
	}
	size := len(rooms)
	if req.Max != nil {
		size = *req.Max
	}
	start, end := 0, len(rooms)
	switch {
	case req.After != "":
		i := find(req.After)
		if i < 0 {
			return nil, &stanza.Error{Condition: stanza.ErrItemNotFound, Type: stanza.ErrorCancel}
		}
		start = i + 1
		end = min(start+size, len(rooms))
	case req.Before != nil:
		if *req.Before != "" {
			if end = find(*req.Before); end < 0 {
				return nil, &stanza.Error{Condition: stanza.ErrItemNotFound, Type: stanza.ErrorCancel}
			}
		}
		start = max(end-size, 0)
	case req.Index != nil:
		start = min(*req.Index, len(rooms))
		end = min(start+size, len(rooms))
	default:
		end = min(size, len(rooms))
	}
	count := len(rooms)
	res := rsm.Set{Count: &count}
	page := rooms[start:end]
	for _, r := range page {
		out.AddChild(item(r))
	}
	if len(page) > 0 {
		res.First, res.FirstIndex, res.Last = page[0].addr.String(), &start, page[len(page)-1].addr.String()
	}
	out.AddChild(res.Element())
	return out, nil
}
