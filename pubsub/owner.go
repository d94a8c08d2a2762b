package pubsub

import (
	"context"
	"fmt"

	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Create creates node at service (XEP-0060 §8.1) and returns its name:
// node, or the one the service chose when node is "" (an instant node).
// config, if not nil, is a submitted node configuration form
// (FORM_TYPE http://jabber.org/protocol/pubsub#node_config, from Config
// of an existing node or built with form.New), sent with the request;
// nil takes the service's defaults. A name in use is
// errors.Is(err, stanza.ErrConflict).
func (ps *Client) Create(ctx context.Context, service jid.JID, node string, config *form.Form) (string, error) {
	c := stanza.NewElement(NS, "create")
	if node != "" {
		c.SetAttr("node", node)
	}
	p := stanza.NewElement(NS, "pubsub").AddChild(c)
	if config != nil {
		p.AddChild(stanza.NewElement(NS, "configure").AddChild(config.Element()))
	}
	res, err := ps.request(ctx, stanza.IQSet, service, p)
	if err != nil {
		return "", fmt.Errorf("pubsub: create %s %q: %w", at(service), node, err)
	}
	if res != nil {
		if c := res.Child(NS, "create"); c != nil && c.Attr("node") != "" {
			node = c.Attr("node")
		}
	}
	if node == "" {
		return "", fmt.Errorf("%w: the service named no node for an instant node", ErrMalformed)
	}
	// The owner of a node hears of subscriptions to approve from the
	// service (§8.6).
	ps.claimForms(service)
	return node, nil
}

// NodeConfigFormType is the FORM_TYPE of node configuration forms.
const NodeConfigFormType = NS + "#node_config"

// Config fetches the configuration form of node at service (§8.2), for
// its owner; fill it in and give its Submit to Configure.
func (ps *Client) Config(ctx context.Context, service jid.JID, node string) (*form.Form, error) {
	if node == "" {
		return nil, ErrInvalidNode
	}
	p := stanza.NewElement(NSOwner, "pubsub").AddChild(stanza.NewElement(NSOwner, "configure", stanza.A("node", node)))
	res, err := ps.request(ctx, stanza.IQGet, service, p)
	if err != nil {
		return nil, fmt.Errorf("pubsub: configuration of %s %q: %w", at(service), node, err)
	}
	return formIn(res, NSOwner, "configure")
}

// Configure submits the configuration form f of node at service
// (§8.2.4); a form of type cancel cancels.
func (ps *Client) Configure(ctx context.Context, service jid.JID, node string, f *form.Form) error {
	if node == "" {
		return ErrInvalidNode
	}
	c := stanza.NewElement(NSOwner, "configure", stanza.A("node", node)).AddChild(f.Element())
	if _, err := ps.request(ctx, stanza.IQSet, service, stanza.NewElement(NSOwner, "pubsub").AddChild(c)); err != nil {
		return fmt.Errorf("pubsub: configure %s %q: %w", at(service), node, err)
	}
	return nil
}

// Delete deletes node at service (§8.4); redirect, if not "", is the URI
// of a node that replaces it, told to its subscribers.
func (ps *Client) Delete(ctx context.Context, service jid.JID, node, redirect string) error {
	if node == "" {
		return ErrInvalidNode
	}
	d := stanza.NewElement(NSOwner, "delete", stanza.A("node", node))
	if redirect != "" {
		d.AddChild(stanza.NewElement(NSOwner, "redirect", stanza.A("uri", redirect)))
	}
	if _, err := ps.request(ctx, stanza.IQSet, service, stanza.NewElement(NSOwner, "pubsub").AddChild(d)); err != nil {
		return fmt.Errorf("pubsub: delete %s %q: %w", at(service), node, err)
	}
	return nil
}

// Purge deletes every item of node at service (§8.5).
func (ps *Client) Purge(ctx context.Context, service jid.JID, node string) error {
	if node == "" {
		return ErrInvalidNode
	}
	p := stanza.NewElement(NSOwner, "pubsub").AddChild(stanza.NewElement(NSOwner, "purge", stanza.A("node", node)))
	if _, err := ps.request(ctx, stanza.IQSet, service, p); err != nil {
		return fmt.Errorf("pubsub: purge %s %q: %w", at(service), node, err)
	}
	return nil
}

// NodeSubscriptions returns every subscription to node at service, for
// its owner (§8.8.1).
func (ps *Client) NodeSubscriptions(ctx context.Context, service jid.JID, node string) ([]Subscription, error) {
	if node == "" {
		return nil, ErrInvalidNode
	}
	p := stanza.NewElement(NSOwner, "pubsub").AddChild(stanza.NewElement(NSOwner, "subscriptions", stanza.A("node", node)))
	res, err := ps.request(ctx, stanza.IQGet, service, p)
	if err != nil {
		return nil, fmt.Errorf("pubsub: subscriptions to %s %q: %w", at(service), node, err)
	}
	return subscriptionList(res, NSOwner, service, node)
}

// SetNodeSubscriptions sets the state of subscriptions to node at
// service, for its owner (§8.8.2): approve a pending one (SubSubscribed),
// end one (SubNone). Each Subscription's JID, State and SubID are sent.
func (ps *Client) SetNodeSubscriptions(ctx context.Context, service jid.JID, node string, subs []Subscription) error {
	if node == "" {
		return ErrInvalidNode
	}
	list := stanza.NewElement(NSOwner, "subscriptions", stanza.A("node", node))
	for _, s := range subs {
		e := stanza.NewElement(NSOwner, "subscription", stanza.A("jid", s.JID.String()), stanza.A("subscription", string(s.State)))
		if s.SubID != "" {
			e.SetAttr("subid", s.SubID)
		}
		list.AddChild(e)
	}
	if _, err := ps.request(ctx, stanza.IQSet, service, stanza.NewElement(NSOwner, "pubsub").AddChild(list)); err != nil {
		return fmt.Errorf("pubsub: set subscriptions to %s %q: %w", at(service), node, err)
	}
	return nil
}

// NodeAffiliations returns the affiliations of every entity with node
// at service, for its owner (§8.9.1).
func (ps *Client) NodeAffiliations(ctx context.Context, service jid.JID, node string) (map[jid.JID]Affiliation, error) {
	if node == "" {
		return nil, ErrInvalidNode
	}
	p := stanza.NewElement(NSOwner, "pubsub").AddChild(stanza.NewElement(NSOwner, "affiliations", stanza.A("node", node)))
	res, err := ps.request(ctx, stanza.IQGet, service, p)
	if err != nil {
		return nil, fmt.Errorf("pubsub: affiliations with %s %q: %w", at(service), node, err)
	}
	out := make(map[jid.JID]Affiliation)
	if res == nil {
		return out, nil
	}
	if list := res.Child(NSOwner, "affiliations"); list != nil {
		for e := range list.Children() {
			if e.Name != (stanza.Name{Space: NSOwner, Local: "affiliation"}) {
				continue
			}
			j, err := jid.Parse(e.Attr("jid"))
			if err != nil {
				return nil, fmt.Errorf("%w: affiliation jid: %v", ErrMalformed, err)
			}
			out[j] = Affiliation(e.Attr("affiliation"))
		}
	}
	return out, nil
}

// SetNodeAffiliations sets affiliations with node at service, for its
// owner (§8.9.2); AffNone removes one.
func (ps *Client) SetNodeAffiliations(ctx context.Context, service jid.JID, node string, affs map[jid.JID]Affiliation) error {
	if node == "" {
		return ErrInvalidNode
	}
	list := stanza.NewElement(NSOwner, "affiliations", stanza.A("node", node))
	for j, a := range affs {
		list.AddChild(stanza.NewElement(NSOwner, "affiliation", stanza.A("jid", j.String()), stanza.A("affiliation", string(a))))
	}
	if _, err := ps.request(ctx, stanza.IQSet, service, stanza.NewElement(NSOwner, "pubsub").AddChild(list)); err != nil {
		return fmt.Errorf("pubsub: set affiliations with %s %q: %w", at(service), node, err)
	}
	return nil
}

// Nodes lists the nodes of service (§5.2: disco#items), or the children
// of the collection node parent when parent is not "", following the
// service's XEP-0059 pages of pageSize items where it pages (zero leaves
// the size to the service).
func (ps *Client) Nodes(ctx context.Context, service jid.JID, parent string, pageSize int) ([]disco.Item, error) {
	var items []disco.Item
	for it, err := range disco.AllItems(ctx, ps.c, service, parent, pageSize) {
		if err != nil {
			return nil, fmt.Errorf("pubsub: nodes of %s: %w", at(service), err)
		}
		items = append(items, it)
	}
	return items, nil
}

// MetadataFormType is the FORM_TYPE of a node's metadata in disco#info.
const MetadataFormType = NS + "#meta-data"

// Metadata returns what disco#info says of node at service (§5.4): its
// identity (leaf or collection) and features, and the pubsub#meta-data
// form (title, owners, payload type...) among Info's forms.
func (ps *Client) Metadata(ctx context.Context, service jid.JID, node string) (disco.Info, error) {
	if node == "" {
		return disco.Info{}, ErrInvalidNode
	}
	info, err := disco.GetInfo(ctx, ps.c, service, node)
	if err != nil {
		return disco.Info{}, fmt.Errorf("pubsub: metadata of %s %q: %w", at(service), node, err)
	}
	return info, nil
}
