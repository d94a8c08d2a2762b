package pubsub

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/rsm"
	"github.com/xmppkit/xmpp/stanza"
)

// ItemsQuery selects the items Items returns (XEP-0060 §6.5).
type ItemsQuery struct {
	// IDs asks for these items only.
	IDs []string
	// MaxItems asks for the most recent MaxItems items; 0 for all.
	MaxItems int
	// Page asks for one page of a long list (XEP-0059), where the
	// service supports it; nil asks for everything (or MaxItems).
	Page *rsm.Set
	// SubID names the subscription, for a service that needs it.
	SubID string
}

// Page is what Items returns: the items, and where they lie when a page
// was asked for.
type Page struct {
	Items []Item
	// RSM describes the page (First, Last, Count), when the service
	// says; zero otherwise.
	RSM rsm.Set
}

// Items retrieves items of node at service (§6.5); service zero means
// the account's own PEP service. The payloads are the service's; the
// caller checks them as it would an event's.
func (ps *Client) Items(ctx context.Context, service jid.JID, node string, q *ItemsQuery) (Page, error) {
	if node == "" {
		return Page{}, ErrInvalidNode
	}
	var o ItemsQuery
	if q != nil {
		o = *q
	}
	items := stanza.NewElement(NS, "items", stanza.A("node", node))
	if o.MaxItems > 0 {
		items.SetAttr("max_items", strconv.Itoa(o.MaxItems))
	}
	if o.SubID != "" {
		items.SetAttr("subid", o.SubID)
	}
	for _, id := range o.IDs {
		items.AddChild(stanza.NewElement(NS, "item", stanza.A("id", id)))
	}
	p := stanza.NewElement(NS, "pubsub").AddChild(items)
	if o.Page != nil {
		p.AddChild(o.Page.Element())
	}
	res, err := ps.request(ctx, stanza.IQGet, service, p)
	if err != nil {
		return Page{}, fmt.Errorf("pubsub: items of %s %q: %w", at(service), node, err)
	}
	var page Page
	if res == nil {
		return page, nil
	}
	if res.Name != (stanza.Name{Space: NS, Local: "pubsub"}) {
		return Page{}, fmt.Errorf("%w: the answer is no <pubsub/>", ErrMalformed)
	}
	if list := res.Child(NS, "items"); list != nil {
		for e := range list.Children() {
			if e.Name != (stanza.Name{Space: NS, Local: "item"}) {
				continue
			}
			it, err := parseItem(e)
			if err != nil {
				return Page{}, err
			}
			page.Items = append(page.Items, it)
		}
	}
	if s := res.Child(rsm.NS, "set"); s != nil {
		set, err := rsm.Parse(s)
		if err != nil {
			return Page{}, fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		page.RSM = set
	}
	return page, nil
}

// PublishOptions are the options of Publish.
type PublishOptions struct {
	// Options are publish options (§7.1.5): node configuration fields,
	// such as "pubsub#access_model", that the node must have for the
	// publication to succeed (a PEP node is created with them). The
	// FORM_TYPE is added.
	Options map[string][]string
	// Reconfigure, when the service refuses the publication because the
	// node's configuration differs (CondPreconditionNotMet), sets the
	// node's configuration to Options and publishes again, as XEP-0223
	// advises for nodes the account owns.
	Reconfigure bool
}

// Publish publishes item to node at service (§7.1); service zero means
// the account's own PEP service. An item without an ID gets one from the
// service; Publish returns the item's id (the service's, where it says).
// A refusal is the service's *stanza.Error, matching its pubsub
// Condition with errors.Is (CondPreconditionNotMet when Options differ
// from the node's configuration, unless Reconfigure).
func (ps *Client) Publish(ctx context.Context, service jid.JID, node string, item Item, opts *PublishOptions) (string, error) {
	if node == "" {
		return "", ErrInvalidNode
	}
	var o PublishOptions
	if opts != nil {
		o = *opts
	}
	p := stanza.NewElement(NS, "pubsub")
	p.AddChild(stanza.NewElement(NS, "publish", stanza.A("node", node)).AddChild(item.element(NS)))
	if len(o.Options) > 0 {
		p.AddChild(stanza.NewElement(NS, "publish-options").AddChild(submitForm(NSOptions, o.Options).Element()))
	}
	res, err := ps.request(ctx, stanza.IQSet, service, p)
	if err != nil && o.Reconfigure && errors.Is(err, CondPreconditionNotMet) {
		if cerr := ps.reconfigure(ctx, service, node, o.Options); cerr != nil {
			return "", fmt.Errorf("pubsub: publish to %s %q: %w (reconfiguring: %w)", at(service), node, err, cerr)
		}
		res, err = ps.request(ctx, stanza.IQSet, service, p)
	}
	if err != nil {
		return "", fmt.Errorf("pubsub: publish to %s %q: %w", at(service), node, err)
	}
	id := item.ID
	if res != nil {
		if pub := res.Child(NS, "publish"); pub != nil {
			if it := pub.Child(NS, "item"); it != nil && it.Attr("id") != "" {
				id = it.Attr("id")
			}
		}
	}
	return id, nil
}

// reconfigure sets the fields of options in node's configuration.
func (ps *Client) reconfigure(ctx context.Context, service jid.JID, node string, options map[string][]string) error {
	cfg, err := ps.Config(ctx, service, node)
	if err != nil {
		return err
	}
	sub := cfg.Submit()
	for _, v := range slices.Sorted(maps.Keys(options)) {
		if err := sub.SetStrings(v, options[v]...); err != nil {
			return err
		}
	}
	return ps.Configure(ctx, service, node, sub)
}

// submitForm is a submitted form of formType with the given values.
func submitForm(formType string, values map[string][]string) *form.Form {
	f := form.New(form.TypeSubmit, formType)
	for _, v := range slices.Sorted(maps.Keys(values)) {
		f.Fields = append(f.Fields, form.Field{Var: v, Values: values[v]})
	}
	return f
}

// Retract deletes the item with id from node at service (§7.2); with
// notify, the node's subscribers are told.
func (ps *Client) Retract(ctx context.Context, service jid.JID, node, id string, notify bool) error {
	if node == "" {
		return ErrInvalidNode
	}
	r := stanza.NewElement(NS, "retract", stanza.A("node", node))
	if notify {
		r.SetAttr("notify", "true")
	}
	r.AddChild(stanza.NewElement(NS, "item", stanza.A("id", id)))
	if _, err := ps.request(ctx, stanza.IQSet, service, stanza.NewElement(NS, "pubsub").AddChild(r)); err != nil {
		return fmt.Errorf("pubsub: retract %q from %s %q: %w", id, at(service), node, err)
	}
	return nil
}
