package xmpptest

import (
	"maps"
	"slices"
	"strconv"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// The namespaces of the in-process PEP service (XEP-0060, XEP-0163).
const (
	nsPubSub      = "http://jabber.org/protocol/pubsub"
	nsPubSubEvent = nsPubSub + "#event"
	nsPubSubOwner = nsPubSub + "#owner"
	nsPubSubErr   = nsPubSub + "#errors"
)

// pepNode is one PEP node of an account: its items, oldest first, and
// its configuration (the fields publish-options and the owner set).
type pepNode struct {
	items  []pepItem
	config map[string][]string
}

type pepItem struct {
	id      string
	payload *stanza.Element
}

// pepDefaults are the configuration of a new node, where
// publish-options and the owner leave a field unset.
var pepDefaults = map[string]string{
	"pubsub#access_model":  "presence",
	"pubsub#max_items":     "1",
	"pubsub#persist_items": "true",
}

// field returns the node's value of a configuration field.
func (n *pepNode) field(v string) string {
	if vals := n.config[v]; len(vals) > 0 {
		return vals[0]
	}
	return pepDefaults[v]
}

// maxItems is how many items the node keeps.
func (n *pepNode) maxItems() int {
	switch m := n.field("pubsub#max_items"); m {
	case "max":
		return 1000
	default:
		if i, err := strconv.Atoi(m); err == nil && i > 0 {
			return min(i, 1000)
		}
		return 1
	}
}

// isPubSub reports whether iq is a pubsub request the PEP service
// answers.
func isPubSub(iq *stanza.IQ) bool {
	return iq.Payload != nil && iq.Payload.Name.Local == "pubsub" &&
		(iq.Payload.Name.Space == nsPubSub || iq.Payload.Name.Space == nsPubSubOwner) &&
		(iq.Type == stanza.IQGet || iq.Type == stanza.IQSet)
}

// pepIQLocked answers a pubsub request of the session ss to the PEP
// service of the account owner. s.mu is held.
func (s *Server) pepIQLocked(ss *session, owner *account, iq *stanza.IQ) {
	reply := func(payload *stanza.Element, err *stanza.Error) {
		if err != nil {
			ss.send(iq.ErrorReply(err).Element())
			return
		}
		ss.send(iq.Result(payload).Element())
	}
	isOwner := ss.full.Bare() == owner.bare
	if owner.pep == nil {
		owner.pep = make(map[string]*pepNode)
	}
	op := iq.Payload.FirstChild()
	if op == nil {
		reply(nil, stanza.NewError(stanza.ErrBadRequest, ""))
		return
	}
	node := op.Attr("node")
	n := owner.pep[node]
	switch {
	case iq.Payload.Name.Space == nsPubSubOwner:
		if !isOwner {
			reply(nil, stanza.NewError(stanza.ErrForbidden, ""))
			return
		}
		if n == nil {
			reply(nil, stanza.NewError(stanza.ErrItemNotFound, ""))
			return
		}
		switch {
		case op.Name.Local == "configure" && iq.Type == stanza.IQGet:
			reply(stanza.NewElement(nsPubSubOwner, "pubsub").AddChild(
				stanza.NewElement(nsPubSubOwner, "configure", stanza.A("node", node)).AddChild(n.configForm())), nil)
		case op.Name.Local == "configure":
			if x := op.Child(nsData, "x"); x != nil && x.Attr("type") == "submit" {
				values := formValues(x)
				delete(values, "FORM_TYPE")
				maps.Copy(n.config, values)
			}
			reply(nil, nil)
		case op.Name.Local == "delete":
			delete(owner.pep, node)
			reply(nil, nil)
		case op.Name.Local == "purge":
			n.items = nil
			reply(nil, nil)
		default:
			reply(nil, stanza.NewError(stanza.ErrFeatureNotImplemented, ""))
		}
		return
	case op.Name.Local == "publish" && iq.Type == stanza.IQSet:
		if !isOwner {
			reply(nil, stanza.NewError(stanza.ErrForbidden, ""))
			return
		}
		if node == "" {
			reply(nil, pubsubError(stanza.ErrBadRequest, "nodeid-required"))
			return
		}
		item := op.Child(nsPubSub, "item")
		if item == nil {
			reply(nil, pubsubError(stanza.ErrBadRequest, "item-required"))
			return
		}
		var options map[string][]string
		if po := iq.Payload.Child(nsPubSub, "publish-options"); po != nil {
			if x := po.Child(nsData, "x"); x != nil {
				options = formValues(x)
				delete(options, "FORM_TYPE")
			}
		}
		if n == nil {
			n = &pepNode{config: make(map[string][]string)}
			maps.Copy(n.config, options)
			owner.pep[node] = n
		} else {
			for v, vals := range options {
				if len(vals) > 0 && n.field(v) != vals[0] {
					reply(nil, pubsubError(stanza.ErrConflict, "precondition-not-met"))
					return
				}
			}
		}
		id := item.Attr("id")
		if id == "" {
			id = stanza.NewID()
		}
		var payload *stanza.Element
		if p := item.FirstChild(); p != nil {
			payload = p.Copy()
		}
		n.items = slices.DeleteFunc(n.items, func(it pepItem) bool { return it.id == id })
		n.items = append(n.items, pepItem{id: id, payload: payload})
		if over := len(n.items) - n.maxItems(); over > 0 {
			n.items = n.items[over:]
		}
		reply(stanza.NewElement(nsPubSub, "pubsub").AddChild(
			stanza.NewElement(nsPubSub, "publish", stanza.A("node", node)).AddChild(stanza.NewElement(nsPubSub, "item", stanza.A("id", id)))), nil)
		ev := stanza.NewElement(nsPubSubEvent, "item", stanza.A("id", id))
		if payload != nil {
			ev.AddChild(payload.Copy())
		}
		s.pepNotifyLocked(owner, n, node, ev)
	case op.Name.Local == "retract" && iq.Type == stanza.IQSet:
		if !isOwner {
			reply(nil, stanza.NewError(stanza.ErrForbidden, ""))
			return
		}
		item := op.Child(nsPubSub, "item")
		if n == nil || item == nil || !slices.ContainsFunc(n.items, func(it pepItem) bool { return it.id == item.Attr("id") }) {
			reply(nil, stanza.NewError(stanza.ErrItemNotFound, ""))
			return
		}
		id := item.Attr("id")
		n.items = slices.DeleteFunc(n.items, func(it pepItem) bool { return it.id == id })
		reply(nil, nil)
		if op.Attr("notify") == "true" || op.Attr("notify") == "1" {
			s.pepNotifyLocked(owner, n, node, stanza.NewElement(nsPubSubEvent, "retract", stanza.A("id", id)))
		}
	case op.Name.Local == "items" && iq.Type == stanza.IQGet:
		if n == nil {
			reply(nil, stanza.NewError(stanza.ErrItemNotFound, ""))
			return
		}
		if !s.pepMayReadLocked(owner, n, ss.full.Bare()) {
			reply(nil, pubsubError(stanza.ErrNotAuthorized, "presence-subscription-required"))
			return
		}
		want := map[string]bool{}
		for it := range op.Children() {
			want[it.Attr("id")] = true
		}
		items := slices.Clone(n.items)
		if m, err := strconv.Atoi(op.Attr("max_items")); err == nil && m >= 0 && m < len(items) {
			items = items[len(items)-m:]
		}
		out := stanza.NewElement(nsPubSub, "items", stanza.A("node", node))
		for _, it := range slices.Backward(items) { // newest first, as services answer
			if len(want) > 0 && !want[it.id] {
				continue
			}
			e := stanza.NewElement(nsPubSub, "item", stanza.A("id", it.id))
			if it.payload != nil {
				e.AddChild(it.payload.Copy())
			}
			out.AddChild(e)
		}
		reply(stanza.NewElement(nsPubSub, "pubsub").AddChild(out), nil)
	default:
		reply(nil, stanza.NewError(stanza.ErrFeatureNotImplemented, ""))
	}
}

// pepMayReadLocked reports whether who may read the items of owner's
// node n. s.mu is held.
func (s *Server) pepMayReadLocked(owner *account, n *pepNode, who jid.JID) bool {
	if who == owner.bare {
		return true
	}
	switch n.field("pubsub#access_model") {
	case "open":
		return true
	case "presence":
		it := owner.roster.item(who)
		return it != nil && it.sub.from
	}
	return false
}

// pepNotifyLocked sends an event with item (an <item/> or <retract/> of
// the event namespace) of owner's node to the owner's available
// resources and to those of every contact that may read the node. The
// notifications go to every such resource, whatever its entity
// capabilities say (a real service sends them only to those that
// advertise node+"+notify"). s.mu is held.
func (s *Server) pepNotifyLocked(owner *account, n *pepNode, node string, item *stanza.Element) {
	targets := []*account{owner}
	for _, c := range owner.roster.subscribers() {
		if a := s.accountOf(c); a != nil && s.pepMayReadLocked(owner, n, a.bare) {
			targets = append(targets, a)
		}
	}
	for _, a := range targets {
		for _, t := range a.available() {
			m := stanza.NewMessage(stanza.MessageHeadline, t.full, "")
			m.From = owner.bare
			m.ID = stanza.NewID()
			m.Payloads = append(m.Payloads, stanza.NewElement(nsPubSubEvent, "event").AddChild(
				stanza.NewElement(nsPubSubEvent, "items", stanza.A("node", node)).AddChild(item.Copy())))
			t.send(m.Element())
		}
	}
}

// configForm is the node's configuration as a data form.
func (n *pepNode) configForm() *stanza.Element {
	x := stanza.NewElement(nsData, "x", stanza.A("type", "form"))
	x.AddChild(stanza.NewElement(nsData, "field", stanza.A("var", "FORM_TYPE"), stanza.A("type", "hidden")).
		AddChild(stanza.NewElement(nsData, "value").AddText(nsPubSub + "#node_config")))
	vars := slices.Sorted(maps.Keys(pepDefaults))
	for v := range n.config {
		if _, ok := pepDefaults[v]; !ok && v != "FORM_TYPE" {
			vars = append(vars, v)
		}
	}
	for _, v := range vars {
		f := stanza.NewElement(nsData, "field", stanza.A("var", v))
		f.AddChild(stanza.NewElement(nsData, "value").AddText(n.field(v)))
		x.AddChild(f)
	}
	return x
}

// pubsubError is a stanza error with a pubsub-specific condition.
func pubsubError(c stanza.Condition, app string) *stanza.Error {
	e := stanza.NewError(c, "")
	e.App = stanza.NewElement(nsPubSubErr, app)
	return e
}
