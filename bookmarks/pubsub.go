package bookmarks

import (
	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/stanza"
)

// The few elements of XEP-0060 this package needs, to talk to the
// account's PEP service (XEP-0163, XEP-0223).
const (
	nsPubSub       = "http://jabber.org/protocol/pubsub"
	nsPubSubEvent  = nsPubSub + "#event"
	nsPubSubOwner  = nsPubSub + "#owner"
	nsPubSubErrors = nsPubSub + "#errors"

	featurePublishOptions = nsPubSub + "#publish-options"
	formPublishOptions    = nsPubSub + "#publish-options"
	formNodeConfig        = nsPubSub + "#node_config"
)

// nodeConfig is the configuration XEP-0402 §3.3 requires of the
// bookmarks node: the preconditions of every publish, and what Set
// configures when they are not met.
var nodeConfig = [...][2]string{
	{"pubsub#persist_items", "true"},
	{"pubsub#max_items", "max"},
	{"pubsub#send_last_published_item", "never"},
	{"pubsub#access_model", "whitelist"},
}

// configForm returns a submitted form of type formType with nodeConfig.
func configForm(formType string) *stanza.Element {
	f := form.New(form.TypeSubmit, formType)
	for _, kv := range nodeConfig {
		_ = f.SetString(kv[0], kv[1]) // text fields of a submission: never fails
	}
	return f.Element()
}

// pubsubElement returns <pubsub xmlns=space/> with child.
func pubsubElement(space string, child *stanza.Element) *stanza.Element {
	return stanza.NewElement(space, "pubsub").AddChild(child)
}

// itemsRequest asks for the items of node: all of them, or the one with
// id when id is not "".
func itemsRequest(node, id string) *stanza.Element {
	items := stanza.NewElement(nsPubSub, "items", stanza.A("node", node))
	if id != "" {
		items.AddChild(stanza.NewElement(nsPubSub, "item", stanza.A("id", id)))
	}
	return pubsubElement(nsPubSub, items)
}

// publishRequest publishes payload as item id of node, with the
// publish-options of XEP-0402.
func publishRequest(node, id string, payload *stanza.Element) *stanza.Element {
	item := stanza.NewElement(nsPubSub, "item", stanza.A("id", id)).AddChild(payload)
	p := pubsubElement(nsPubSub, stanza.NewElement(nsPubSub, "publish", stanza.A("node", node)).AddChild(item))
	p.AddChild(stanza.NewElement(nsPubSub, "publish-options").AddChild(configForm(formPublishOptions)))
	return p
}

// retractRequest retracts item id of node, asking the service to notify
// the subscribers (the account's other clients).
func retractRequest(node, id string) *stanza.Element {
	r := stanza.NewElement(nsPubSub, "retract", stanza.A("node", node), stanza.A("notify", "true"))
	r.AddChild(stanza.NewElement(nsPubSub, "item", stanza.A("id", id)))
	return pubsubElement(nsPubSub, r)
}

// configureRequest sets the configuration XEP-0402 requires on node.
func configureRequest(node string) *stanza.Element {
	c := stanza.NewElement(nsPubSubOwner, "configure", stanza.A("node", node)).AddChild(configForm(formNodeConfig))
	return pubsubElement(nsPubSubOwner, c)
}

// preconditionNotMet reports whether se is XEP-0060 §7.1.5's refusal of
// a publish whose publish-options the node's configuration does not
// meet.
func preconditionNotMet(se *stanza.Error) bool {
	return se.Condition == stanza.ErrConflict && se.App != nil &&
		se.App.Name == stanza.Name{Space: nsPubSubErrors, Local: "precondition-not-met"}
}

// pepItem is an item of a PEP node: its id and payload (nil if none).
type pepItem struct {
	id      string
	payload *stanza.Element
}

// itemsOf returns the <item/> children of the <items/> of node in
// parent, which is a <pubsub/> result or an <event/>, in namespace
// space; ok is false when parent has no <items/> of node.
func itemsOf(parent *stanza.Element, space, node string) (items []pepItem, retracts []string, ok bool) {
	for c := range parent.Children() {
		if c.Name != (stanza.Name{Space: space, Local: "items"}) || c.Attr("node") != node {
			continue
		}
		ok = true
		for it := range c.Children() {
			switch it.Name {
			case stanza.Name{Space: space, Local: "item"}:
				items = append(items, pepItem{id: it.Attr("id"), payload: it.FirstChild()})
			case stanza.Name{Space: space, Local: "retract"}:
				retracts = append(retracts, it.Attr("id"))
			}
		}
	}
	return items, retracts, ok
}
