package bookmarks_test

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/bookmarks"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// Namespaces the fake service speaks.
const (
	nsPubSub       = "http://jabber.org/protocol/pubsub"
	nsPubSubEvent  = nsPubSub + "#event"
	nsPubSubOwner  = nsPubSub + "#owner"
	nsPubSubErrors = nsPubSub + "#errors"
	nsDiscoInfo    = "http://jabber.org/protocol/disco#info"
	nsData         = "jabber:x:data"
)

// fakeService scripts, on an in-process server that has neither, the
// account side of PEP (XEP-0163) for the bookmarks node and private XML
// storage (XEP-0049), as Prosody and ejabberd do: one node and one
// private storage per account, notifications to every session of the
// account.
type fakeService struct {
	srv *xmpptest.Server

	mu sync.Mutex
	// compat makes the account list urn:xmpp:bookmarks:1#compat and
	// pubsub#publish-options.
	compat bool
	// nodes holds each account's bookmarks node: item ids in order and
	// payloads; a missing account has no node.
	nodes map[jid.JID]*fakeNode
	// private holds each account's XEP-0048 <storage/>.
	private map[jid.JID]*stanza.Element
	// requests are the pubsub and private storage payloads received, in
	// order.
	requests []*stanza.Element
	// refuse, if set, may refuse a request with an error.
	refuse func(iq *stanza.IQ) error
	// items, if set, answers items requests instead of the nodes.
	items func(iq *stanza.IQ) *stanza.Element
	// discoAsked counts disco#info requests about accounts.
	discoAsked int
}

// fakeNode is a bookmarks node.
type fakeNode struct {
	ids    []string
	items  map[string]*stanza.Element
	config map[string]string
}

// newFakeService registers the fake service on srv.
func newFakeService(srv *xmpptest.Server, compat bool) *fakeService {
	f := &fakeService{srv: srv, compat: compat, nodes: map[jid.JID]*fakeNode{}, private: map[jid.JID]*stanza.Element{}}
	srv.HandleIQ(stanza.IQGet, nsDiscoInfo, "query", f.discoInfo)
	srv.HandleIQ(stanza.IQGet, nsPubSub, "pubsub", f.pubsubGet)
	srv.HandleIQ(stanza.IQSet, nsPubSub, "pubsub", f.pubsubSet)
	srv.HandleIQ(stanza.IQGet, nsPubSubOwner, "pubsub", f.ownerGet)
	srv.HandleIQ(stanza.IQSet, nsPubSubOwner, "pubsub", f.ownerSet)
	srv.HandleIQ(stanza.IQGet, bookmarks.NSPrivate, "query", f.privateGet)
	srv.HandleIQ(stanza.IQSet, bookmarks.NSPrivate, "query", f.privateSet)
	return f
}

// seen returns the requests received so far.
func (f *fakeService) seen() []*stanza.Element {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

// record notes a request and applies refuse; f.mu is held.
func (f *fakeService) record(iq *stanza.IQ) error {
	f.requests = append(f.requests, iq.Payload.Copy())
	if f.refuse != nil {
		return f.refuse(iq)
	}
	return nil
}

func (f *fakeService) discoInfo(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
	q := stanza.NewElement(nsDiscoInfo, "query")
	feature := func(v string) { q.AddChild(stanza.NewElement(nsDiscoInfo, "feature", stanza.A("var", v))) }
	if !iq.To.IsZero() && iq.To.Localpart() == "" {
		q.AddChild(stanza.NewElement(nsDiscoInfo, "identity", stanza.A("category", "server"), stanza.A("type", "im")))
		feature(nsDiscoInfo)
		return q, nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.discoAsked++
	q.AddChild(stanza.NewElement(nsDiscoInfo, "identity", stanza.A("category", "account"), stanza.A("type", "registered")))
	q.AddChild(stanza.NewElement(nsDiscoInfo, "identity", stanza.A("category", "pubsub"), stanza.A("type", "pep")))
	feature(nsDiscoInfo)
	feature(nsPubSub + "#publish")
	if f.compat {
		feature(nsPubSub + "#publish-options")
		feature(bookmarks.NSCompat)
	}
	return q, nil
}

func (f *fakeService) pubsubGet(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record(iq); err != nil {
		return nil, err
	}
	if f.items != nil {
		return f.items(iq), nil
	}
	req := iq.Payload.Child(nsPubSub, "items")
	if req == nil || req.Attr("node") != bookmarks.NS {
		return nil, stanza.NewError(stanza.ErrItemNotFound, "")
	}
	n := f.nodes[iq.From.Bare()]
	if n == nil {
		return nil, stanza.NewError(stanza.ErrItemNotFound, "")
	}
	ids := n.ids
	if it := req.Child(nsPubSub, "item"); it != nil {
		ids = []string{it.Attr("id")}
	}
	items := stanza.NewElement(nsPubSub, "items", stanza.A("node", bookmarks.NS))
	for _, id := range ids {
		if p := n.items[id]; p != nil {
			items.AddChild(stanza.NewElement(nsPubSub, "item", stanza.A("id", id)).AddChild(p.Copy()))
		}
	}
	return stanza.NewElement(nsPubSub, "pubsub").AddChild(items), nil
}

// formValues returns the fields of the data form in e, FORM_TYPE aside.
func formValues(e *stanza.Element) map[string]string {
	out := map[string]string{}
	if e == nil {
		return out
	}
	x := e.Child(nsData, "x")
	if x == nil {
		return out
	}
	for fd := range x.Children() {
		if v := fd.Attr("var"); v != "FORM_TYPE" {
			out[v] = fd.ChildText(nsData, "value")
		}
	}
	return out
}

func (f *fakeService) pubsubSet(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record(iq); err != nil {
		return nil, err
	}
	owner := iq.From.Bare()
	n := f.nodes[owner]
	if pub := iq.Payload.Child(nsPubSub, "publish"); pub != nil {
		it := pub.Child(nsPubSub, "item")
		if pub.Attr("node") != bookmarks.NS || it == nil || it.Attr("id") == "" || it.FirstChild() == nil {
			return nil, stanza.NewError(stanza.ErrBadRequest, "")
		}
		opts := formValues(iq.Payload.Child(nsPubSub, "publish-options"))
		if n == nil {
			n = &fakeNode{items: map[string]*stanza.Element{}, config: opts}
			f.nodes[owner] = n
		}
		for k, v := range opts {
			if n.config[k] != v {
				e := stanza.NewError(stanza.ErrConflict, "")
				e.App = stanza.NewElement(nsPubSubErrors, "precondition-not-met")
				return nil, e
			}
		}
		id := it.Attr("id")
		if n.items[id] == nil {
			n.ids = append(n.ids, id)
		}
		n.items[id] = it.FirstChild().Copy()
		ev := stanza.NewElement(nsPubSubEvent, "items", stanza.A("node", bookmarks.NS))
		ev.AddChild(stanza.NewElement(nsPubSubEvent, "item", stanza.A("id", id)).AddChild(it.FirstChild().Copy()))
		f.notify(owner, ev)
		return nil, nil
	}
	if r := iq.Payload.Child(nsPubSub, "retract"); r != nil {
		it := r.Child(nsPubSub, "item")
		if it == nil || n == nil || n.items[it.Attr("id")] == nil {
			return nil, stanza.NewError(stanza.ErrItemNotFound, "")
		}
		id := it.Attr("id")
		delete(n.items, id)
		n.ids = slices.DeleteFunc(n.ids, func(s string) bool { return s == id })
		if r.Attr("notify") == "true" || r.Attr("notify") == "1" {
			f.notify(owner, stanza.NewElement(nsPubSubEvent, "items", stanza.A("node", bookmarks.NS)).
				AddChild(stanza.NewElement(nsPubSubEvent, "retract", stanza.A("id", id))))
		}
		return nil, nil
	}
	return nil, stanza.NewError(stanza.ErrFeatureNotImplemented, "")
}

// notify sends items, an <items/> of the event namespace, to every
// session of owner, from owner's bare JID; f.mu is held.
func (f *fakeService) notify(owner jid.JID, items *stanza.Element) {
	for _, s := range f.srv.Sessions() {
		if s.Bare() == owner {
			m := &stanza.Message{Header: stanza.Header{From: owner, To: s, ID: stanza.NewID()}, Type: stanza.MessageHeadline,
				Payloads: []*stanza.Element{stanza.NewElement(nsPubSubEvent, "event").AddChild(items.Copy())}}
			_ = f.srv.Inject(s, m.Element()) // a session gone meanwhile misses it, as on a real server
		}
	}
}

// ownerGet answers a request for the node's configuration form with
// the fields the node has.
func (f *fakeService) ownerGet(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record(iq); err != nil {
		return nil, err
	}
	c := iq.Payload.Child(nsPubSubOwner, "configure")
	n := f.nodes[iq.From.Bare()]
	if c == nil || n == nil || c.Attr("node") != bookmarks.NS {
		return nil, stanza.NewError(stanza.ErrItemNotFound, "")
	}
	x := stanza.NewElement(nsData, "x", stanza.A("type", "form"))
	x.AddChild(stanza.NewElement(nsData, "field", stanza.A("var", "FORM_TYPE"), stanza.A("type", "hidden")).
		AddChild(stanza.NewElement(nsData, "value").AddText(nsPubSub + "#node_config")))
	for _, k := range slices.Sorted(maps.Keys(n.config)) {
		x.AddChild(stanza.NewElement(nsData, "field", stanza.A("var", k), stanza.A("type", "text-single")).
			AddChild(stanza.NewElement(nsData, "value").AddText(n.config[k])))
	}
	return stanza.NewElement(nsPubSubOwner, "pubsub").AddChild(
		stanza.NewElement(nsPubSubOwner, "configure", stanza.A("node", bookmarks.NS)).AddChild(x)), nil
}

func (f *fakeService) ownerSet(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record(iq); err != nil {
		return nil, err
	}
	c := iq.Payload.Child(nsPubSubOwner, "configure")
	n := f.nodes[iq.From.Bare()]
	if c == nil || n == nil || c.Attr("node") != bookmarks.NS {
		return nil, stanza.NewError(stanza.ErrItemNotFound, "")
	}
	for k, v := range formValues(c) {
		n.config[k] = v
	}
	return nil, nil
}

func (f *fakeService) privateGet(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record(iq); err != nil {
		return nil, err
	}
	s := f.private[iq.From.Bare()]
	if s == nil {
		s = iq.Payload.FirstChild() // XEP-0049 §3: the empty element asked for
	}
	return stanza.NewElement(bookmarks.NSPrivate, "query").AddChild(s.Copy()), nil
}

func (f *fakeService) privateSet(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record(iq); err != nil {
		return nil, err
	}
	s := iq.Payload.Child(bookmarks.NSLegacy, "storage")
	if s == nil {
		return nil, stanza.NewError(stanza.ErrNotAcceptable, "")
	}
	f.private[iq.From.Bare()] = s.Copy()
	return nil, nil
}

// storage returns owner's private storage.
func (f *fakeService) storage(owner jid.JID) *stanza.Element {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.private[owner].Copy()
}

// setStorage replaces owner's private storage with s.
func (f *fakeService) setStorage(owner jid.JID, s *stanza.Element) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.private[owner] = s
}

// client is a test Client with its pubsub Client and Bookmarks,
// recording the changes they hand it.
type client struct {
	c       *xmpp.Client
	ps      *pubsub.Client
	bm      *bookmarks.Bookmarks
	changes chan bookmarks.Change
}

// login connects account i of srv as resource with Bookmarks made with
// opts, and records the changes. Each setup function runs on the
// Client before it connects.
func login(t *testing.T, srv *xmpptest.Server, i int, resource string, opts *bookmarks.Options, setup ...func(*xmpp.Client)) *client {
	t.Helper()
	cl := &client{changes: make(chan bookmarks.Change, 16)}
	cl.c = testkit.Login(t, srv, i, resource, append([]func(*xmpp.Client){cl.attach(opts)}, setup...)...)
	return cl
}

// attach returns the setup that makes cl's pubsub Client and
// Bookmarks, with opts, on a Client and records the changes; the pubsub
// Client logs to opts.Logger too.
func (cl *client) attach(opts *bookmarks.Options) func(*xmpp.Client) {
	return func(c *xmpp.Client) {
		var po pubsub.Options
		if opts != nil {
			po.Logger = opts.Logger
		}
		cl.ps = pubsub.New(c, &po)
		cl.bm = bookmarks.New(c, cl.ps, opts)
		cl.bm.HandleChange(func(_ context.Context, ch bookmarks.Change) { cl.changes <- ch })
	}
}

// change waits for the next change.
func (cl *client) change(t *testing.T) bookmarks.Change {
	t.Helper()
	return testkit.Receive(t, cl.changes, "a bookmark change")
}

// noChange fails t if a change was handed over; call it after Sync.
func (cl *client) noChange(t *testing.T) {
	t.Helper()
	select {
	case ch := <-cl.changes:
		t.Fatalf("unexpected change %+v", ch)
	default:
	}
}

// logRecorder is a slog.Handler that keeps the messages logged.
type logRecorder struct {
	mu   sync.Mutex
	msgs []string
}

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *logRecorder) WithGroup(string) slog.Handler            { return l }
func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.msgs = append(l.msgs, r.Level.String()+" "+r.Message)
	return nil
}

// count returns how many messages contain s.
func (l *logRecorder) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, m := range l.msgs {
		if strings.Contains(m, s) {
			n++
		}
	}
	return n
}

// sameBookmark reports whether a and b are equal, extensions compared
// as XML.
func sameBookmark(a, b bookmarks.Bookmark) bool {
	if a.Room != b.Room || a.Name != b.Name || a.Autojoin != b.Autojoin || a.Nick != b.Nick || a.Password != b.Password ||
		len(a.Extensions) != len(b.Extensions) {
		return false
	}
	for i := range a.Extensions {
		if !a.Extensions[i].Equal(b.Extensions[i]) {
			return false
		}
	}
	return true
}

// rooms returns the rooms of bs.
func rooms(bs []bookmarks.Bookmark) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = b.Room.String()
	}
	return out
}
