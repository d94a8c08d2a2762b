package disco

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// ServeOptions configures Serve. The zero value (or nil) is usable.
type ServeOptions struct {
	// Identities are the identities the Client answers with. When empty,
	// the Client is a client/pc (a desktop client, the most common kind);
	// set client/bot for an automated client, client/phone for a mobile
	// one, and so on, from the XMPP registry of categories and types.
	// Each must have a Category and a Type, and no two may share category,
	// type and language.
	Identities []Identity
	// CapsNode identifies the software in the entity capabilities
	// (XEP-0115) that Serve adds to every available presence the Client
	// sends, normally a URL of its project; default DefaultCapsNode.
	CapsNode string
	// NoCaps leaves the Client's presence without entity capabilities.
	// Contacts then learn its features only by asking.
	NoCaps bool
}

// DefaultCapsNode is the caps node of ServeOptions when none is given:
// this module's address.
const DefaultCapsNode = "https://github.com/xmppkit/xmpp"

// NodeHandlerFunc answers disco#info and disco#items requests about one
// node of the Client: it returns the node's information (for disco#info)
// and its items (for disco#items); the Server uses the part the request
// asks for. from is the requester's address. An error is sent back as
// Client.HandleIQ sends it: a *stanza.Error as it is (item-not-found,
// forbidden), any other error as internal-server-error.
type NodeHandlerFunc func(ctx context.Context, from jid.JID) (Info, []Item, error)

// Server answers service discovery requests for a Client; see Serve. Its
// methods are safe for concurrent use.
type Server struct {
	c          *xmpp.Client
	identities []Identity

	mu        sync.Mutex
	forms     []*form.Form
	nodes     map[string]NodeHandlerFunc
	capsNodes []string
}

// Serve makes c answer disco#info and disco#items requests (XEP-0030),
// whoever asks, and returns the Server, to which extended information
// and nodes are added.
//
// Unless opts.NoCaps is set, every available presence c sends from then
// on (broadcast or directed, and the presence restored in a new session)
// carries the entity capabilities (XEP-0115) of c's current information,
// with node opts.CapsNode: see Server.Caps. When that information changes
// (Client.Advertise adds a feature, AddForm a form) after c announced its
// presence, the presence is sent again with the new verification string,
// as XEP-0115 requires; the application need not do anything.
//
// The answer to disco#info about c itself lists the identities of opts,
// the features c advertises (Client.Advertised) at the time of the
// request, among them disco#info and disco#items, which Serve advertises,
// and the forms given to AddForm. The answer to disco#items about c itself
// is an empty list. Requests about a node go to its NodeHandlerFunc (see
// HandleNode), or are answered for a caps node (see Server.Caps); any
// other node gets item-not-found.
//
// Serve panics if an identity lacks its category or type, if two share
// category, type and language, or if c already has handlers for these
// requests, as Client.HandleIQ does.
func Serve(c *xmpp.Client, opts *ServeOptions) *Server {
	s := &Server{c: c, nodes: map[string]NodeHandlerFunc{}}
	if opts != nil {
		s.identities = slices.Clone(opts.Identities)
	}
	if len(s.identities) == 0 {
		s.identities = []Identity{{Category: "client", Type: "pc"}}
	}
	seen := map[identityKey]bool{}
	for _, id := range s.identities {
		k := identityKey{id.Category, id.Type, id.Lang}
		if id.Category == "" || id.Type == "" || seen[k] {
			panic(fmt.Sprintf("disco: Serve: identity %q/%q (lang %q) missing a category or type, or repeated", id.Category, id.Type, id.Lang))
		}
		seen[k] = true
	}
	c.HandleIQ(stanza.IQGet, NSInfo, "query", s.answerInfo)
	c.HandleIQ(stanza.IQGet, NSItems, "query", s.answerItems)
	c.Advertise(NSInfo, NSItems)
	if opts == nil || !opts.NoCaps {
		node := DefaultCapsNode
		if opts != nil && opts.CapsNode != "" {
			node = opts.CapsNode
		}
		if _, err := s.Caps(node); err == nil {
			c.AddPresencePayload(func() *stanza.Element {
				e, err := s.Caps(node)
				if err != nil {
					return nil
				}
				return e
			})
		}
	}
	return s
}

// Info returns the information the Server gives about the Client itself:
// its identities, the features advertised now (sorted) and the extended
// information forms.
func (s *Server) Info() Info {
	features := append(s.c.Advertised(), NSInfo)
	slices.Sort(features)
	info := Info{Identities: slices.Clone(s.identities), Features: slices.Compact(features)}
	s.mu.Lock()
	for _, f := range s.forms {
		info.Forms = append(info.Forms, f.Copy())
	}
	s.mu.Unlock()
	return info
}

// AddForm adds f to the extended information (XEP-0128) the Server gives
// about the Client, replacing the form with the same FORM_TYPE if there is
// one. f must be of type result and have a hidden FORM_TYPE field
// (form.New(form.TypeResult, formType) starts one); otherwise AddForm
// returns an error wrapping ErrBadForm. The Server keeps a copy of f.
//
// The change shows in the next answers and in the verification string of
// entity capabilities, and the Client's presence is sent again with it
// (see Serve).
func (s *Server) AddForm(f *form.Form) error {
	if f == nil || f.Type != form.TypeResult || f.FormType() == "" {
		return ErrBadForm
	}
	typ := f.FormType()
	s.mu.Lock()
	s.forms = slices.DeleteFunc(s.forms, func(g *form.Form) bool { return g.FormType() == typ })
	s.forms = append(s.forms, f.Copy())
	s.mu.Unlock()
	s.c.RefreshPresence()
	return nil
}

// HandleNode makes h answer disco#info and disco#items requests about
// node. When the Info h returns has no identity, the Server's own
// identities are used, since a disco#info result must have one; its Node
// is set to node. HandleNode panics if node is empty or already has a
// handler.
func (s *Server) HandleNode(node string, h NodeHandlerFunc) {
	if node == "" {
		panic("disco: HandleNode: empty node")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.nodes[node]; dup {
		panic(fmt.Sprintf("disco: HandleNode: node %q already has a handler", node))
	}
	s.nodes[node] = h
}

// answerInfo answers disco#info.
func (s *Server) answerInfo(ctx context.Context, iq *stanza.IQ) (*stanza.Element, error) {
	node := iq.Payload.Attr("node")
	if node == "" {
		return s.Info().Element(), nil
	}
	if h := s.node(node); h != nil {
		info, _, err := h(ctx, iq.From)
		if err != nil {
			return nil, err
		}
		if len(info.Identities) == 0 {
			info.Identities = slices.Clone(s.identities)
		}
		info.Node = node
		return info.Element(), nil
	}
	if info, ok := s.capsInfo(node); ok {
		return info.Element(), nil
	}
	return nil, stanza.NewError(stanza.ErrItemNotFound, "")
}

// answerItems answers disco#items.
func (s *Server) answerItems(ctx context.Context, iq *stanza.IQ) (*stanza.Element, error) {
	node := iq.Payload.Attr("node")
	if node == "" {
		return ItemsElement("", nil), nil
	}
	h := s.node(node)
	if h == nil {
		return nil, stanza.NewError(stanza.ErrItemNotFound, "")
	}
	_, items, err := h(ctx, iq.From)
	if err != nil {
		return nil, err
	}
	return ItemsElement(node, items), nil
}

// node returns the handler of node, or nil.
func (s *Server) node(node string) NodeHandlerFunc {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nodes[node]
}

// capsInfo returns the Client's information for node when node is
// "capsnode#ver" for a caps node given to Caps and the current
// verification string.
func (s *Server) capsInfo(node string) (Info, bool) {
	i := strings.LastIndexByte(node, '#')
	if i < 0 {
		return Info{}, false
	}
	s.mu.Lock()
	known := slices.Contains(s.capsNodes, node[:i])
	s.mu.Unlock()
	if !known {
		return Info{}, false
	}
	info := s.Info()
	if v, err := Ver(info, capsHash); err != nil || v != node[i+1:] {
		return Info{}, false
	}
	info.Node = node
	return info, true
}
