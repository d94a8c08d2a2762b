package xmpptest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	xstream "github.com/xmppkit/xmpp/stream"
)

// Namespaces of the IQs the Server answers itself.
const (
	nsPing       = "urn:xmpp:ping"
	nsDiscoInfo  = "http://jabber.org/protocol/disco#info"
	nsDiscoItems = "http://jabber.org/protocol/disco#items"
)

// IQHandlerFunc answers an IQ get or set addressed to the Server: without
// a to address, to the Server's domain, or to the sender's own bare
// address. iq.From is the sender's full address, stamped by the Server.
// The handler returns the payload of the result (nil for an empty result)
// or an error: a *stanza.Error is sent back as it is, any other error as
// internal-server-error. ctx is cancelled when the sender's session ends.
//
// A handler runs on the goroutine that reads the sender's stream: that
// client's later stanzas wait until it returns, other clients do not.
type IQHandlerFunc func(ctx context.Context, iq *stanza.IQ) (*stanza.Element, error)

type iqKey struct {
	typ          stanza.IQType
	space, local string
}

// builtinIQ is a handler of the Server's own: it sees the session.
type builtinIQ func(ss *session, iq *stanza.IQ) (*stanza.Element, error)

// builtin returns the Server's own handler of the IQs with key k, or nil.
func builtin(k iqKey) builtinIQ {
	switch k {
	case iqKey{stanza.IQGet, nsPing, "ping"}, iqKey{stanza.IQSet, xstream.NSSession, "session"}:
		return func(*session, *stanza.IQ) (*stanza.Element, error) { return nil, nil }
	case iqKey{stanza.IQGet, nsDiscoInfo, "query"}:
		return (*session).discoInfo
	case iqKey{stanza.IQGet, nsDiscoItems, "query"}:
		return (*session).discoItems
	case iqKey{stanza.IQGet, nsRoster, "query"}:
		return (*session).rosterGet
	case iqKey{stanza.IQSet, nsRoster, "query"}:
		return (*session).rosterSet
	}
	return nil
}

// HandleIQ makes h answer the IQs of type typ (get or set) addressed to
// the Server whose payload is {space}local. It replaces the Server's own
// answer, if it has one (ping, disco#info, disco#items, roster), so that
// a test can script errors for them. IQs to the Server that nothing
// answers get service-unavailable. The namespace space is added to the
// features listed by disco#info.
//
// HandleIQ panics if typ is not get or set, or if a handler for that key
// was already given, as http.ServeMux does.
func (s *Server) HandleIQ(typ stanza.IQType, space, local string, h IQHandlerFunc) {
	if typ != stanza.IQGet && typ != stanza.IQSet {
		panic("xmpptest: HandleIQ: type must be get or set")
	}
	k := iqKey{typ, space, local}
	s.hmu.Lock()
	defer s.hmu.Unlock()
	if _, dup := s.iqHandlers[k]; dup {
		panic(fmt.Sprintf("xmpptest: HandleIQ: a handler for %s {%s}%s is already registered", typ, space, local))
	}
	s.iqHandlers[k] = h
	if !slices.Contains(s.features, space) {
		s.features = append(s.features, space)
	}
}

// serveIQ answers an IQ get or set addressed to the Server.
func (s *Server) serveIQ(ss *session, iq *stanza.IQ) {
	k := iqKey{iq.Type, iq.Payload.Name.Space, iq.Payload.Name.Local}
	s.hmu.RLock()
	h := s.iqHandlers[k]
	s.hmu.RUnlock()
	var payload *stanza.Element
	var err error
	switch b := builtin(k); {
	case h != nil:
		payload, err = h(ss.ctx, iq)
	case b != nil:
		payload, err = b(ss, iq)
	default:
		err = stanza.NewError(stanza.ErrServiceUnavailable, "")
	}
	var se *stanza.Error
	switch {
	case err == nil:
		ss.send(iq.Result(payload).Element())
	case errors.As(err, &se):
		ss.send(iq.ErrorReply(se).Element())
	default:
		s.log.Warn("iq handler failed", "payload", iq.Payload.Name.Local, "error", err)
		ss.send(iq.ErrorReply(stanza.NewError(stanza.ErrInternalServerError, "")).Element())
	}
}

// discoInfo answers disco#info (XEP-0030) for the server when addressed
// to its domain, and for the sender's own account when addressed to its
// bare address or to no one (RFC 6120 section 10.3.3: a stanza without
// 'to' is handled on behalf of the account), as Prosody and ejabberd do.
func (ss *session) discoInfo(iq *stanza.IQ) (*stanza.Element, error) {
	if iq.Payload.Attr("node") != "" {
		return nil, stanza.NewError(stanza.ErrItemNotFound, "")
	}
	q := stanza.NewElement(nsDiscoInfo, "query")
	if iq.To.IsZero() || iq.To.Localpart() != "" {
		q.AddChild(stanza.NewElement(nsDiscoInfo, "identity", stanza.A("category", "account"), stanza.A("type", "registered")))
		q.AddChild(stanza.NewElement(nsDiscoInfo, "feature", stanza.A("var", nsDiscoInfo)))
		return q, nil
	}
	q.AddChild(stanza.NewElement(nsDiscoInfo, "identity", stanza.A("category", "server"), stanza.A("type", "im"), stanza.A("name", "xmpptest")))
	for _, f := range ss.srv.Features() {
		q.AddChild(stanza.NewElement(nsDiscoInfo, "feature", stanza.A("var", f)))
	}
	return q, nil
}

// Features returns the features the Server lists in answer to disco#info,
// sorted: those it implements and the namespaces given to HandleIQ.
func (s *Server) Features() []string {
	s.hmu.RLock()
	f := append([]string{nsDiscoInfo, nsDiscoItems, nsPing}, s.features...)
	s.hmu.RUnlock()
	slices.Sort(f)
	return slices.Compact(f)
}

// discoItems answers disco#items: the Server's only item is its MUC
// service, if it has one; an account has none.
func (ss *session) discoItems(iq *stanza.IQ) (*stanza.Element, error) {
	if iq.Payload.Attr("node") != "" {
		return nil, stanza.NewError(stanza.ErrItemNotFound, "")
	}
	q := stanza.NewElement(nsDiscoItems, "query")
	if m := ss.srv.MUC(); !m.IsZero() && iq.To == ss.srv.domainJ {
		q.AddChild(stanza.NewElement(nsDiscoItems, "item", stanza.A("jid", m.String()), stanza.A("name", "Chatrooms")))
	}
	return q, nil
}

// rosterGet returns the roster (RFC 6121 section 2.2) and makes the
// session an interested resource, which gets roster pushes. A request with
// a ver attribute uses roster versioning (section 2.6): when it names the
// current version the result is empty, otherwise it is the whole roster
// with its version (never the pushes in between, which section 2.6.3
// allows), and the session's pushes carry versions from then on.
func (ss *session) rosterGet(iq *stanza.IQ) (*stanza.Element, error) {
	s := ss.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	ss.interested = true
	q := stanza.NewElement(nsRoster, "query")
	if v, ok := iq.Payload.LookupAttr("", "ver"); ok {
		ss.versioned = true
		cur := strconv.FormatUint(ss.acct.roster.ver, 10)
		if v == cur {
			return nil, nil
		}
		q.SetAttr("ver", cur)
	}
	for _, it := range ss.acct.roster.list() {
		q.AddChild(it.element())
	}
	return q, nil
}

// rosterSet adds, updates (RFC 6121 section 2.3) or removes (section 2.5)
// a roster item, pushing the change to every interested resource before
// the result.
func (ss *session) rosterSet(iq *stanza.IQ) (*stanza.Element, error) {
	contact, name, groups, remove, err := parseRosterSet(iq.Payload)
	if err != nil {
		return nil, err
	}
	s := ss.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	a := ss.acct
	if !remove {
		a.roster.set(contact, name, groups)
		s.pushLocked(a, contact)
		return nil, nil
	}
	old, ok := a.roster.remove(contact)
	if !ok {
		return nil, stanza.NewError(stanza.ErrItemNotFound, "")
	}
	s.pushLocked(a, contact)
	ca := s.accountOf(contact.Bare())
	for _, typ := range removalSends(old) {
		if ca != nil {
			s.inboundSubscriptionLocked(ca, a.bare, &stanza.Presence{Header: stanza.Header{From: a.bare, To: ca.bare, ID: stanza.NewID()}, Type: typ})
		}
	}
	if old.from {
		s.sendUnavailableLocked(a, contact.Bare())
	}
	return nil, nil
}

// parseRosterSet checks the payload of a roster set (RFC 6121 section
// 2.3.3): one item with a valid address, at most one subscription
// attribute of "remove" (others are ignored), groups neither empty nor
// repeated.
func parseRosterSet(q *stanza.Element) (contact jid.JID, name string, groups []string, remove bool, err error) {
	if q.NumChildren() != 1 || q.FirstChild().Name != (stanza.Name{Space: nsRoster, Local: "item"}) {
		return contact, "", nil, false, stanza.NewError(stanza.ErrBadRequest, "a roster set has exactly one item")
	}
	item := q.FirstChild()
	contact, perr := jid.Parse(item.Attr("jid"))
	if perr != nil || contact.IsZero() {
		return contact, "", nil, false, stanza.NewError(stanza.ErrJIDMalformed, "")
	}
	for g := range item.Children() {
		if g.Name != (stanza.Name{Space: nsRoster, Local: "group"}) {
			continue
		}
		switch name := g.Text(); {
		case name == "":
			return contact, "", nil, false, stanza.NewError(stanza.ErrNotAcceptable, "empty group name")
		case slices.Contains(groups, name):
			return contact, "", nil, false, stanza.NewError(stanza.ErrBadRequest, "group "+name+" given twice")
		default:
			groups = append(groups, name)
		}
	}
	return contact, item.Attr("name"), groups, item.Attr("subscription") == "remove", nil
}
