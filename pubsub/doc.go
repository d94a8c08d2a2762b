// Package pubsub implements XEP-0060 Publish-Subscribe and XEP-0163
// Personal Eventing Protocol (PEP) for clients, in the three roles of
// XEP-0060: subscriber, publisher and owner.
//
// New attaches a Client to an xmpp.Client. Requests name the service:
// a pubsub service's address (pubsub.example.org), another account's bare
// JID for its PEP nodes, or the zero JID for the account's own PEP
// service:
//
//	ps := pubsub.New(c, nil)
//	ps.HandleNode("news", func(ctx context.Context, ev pubsub.Event) {
//		for _, it := range ev.Items {
//			fmt.Println(ev.From, it.ID, it.Payload)
//		}
//	})
//	// after Connect:
//	sub, err := ps.Subscribe(ctx, service, "news", nil)
//	id, err := ps.Publish(ctx, service, "news", pubsub.Item{Payload: entry}, nil)
//
// Subscriber: Subscribe (with options; pending and unconfigured states),
// Unsubscribe, Subscriptions, SubscriptionOptions and
// SetSubscriptionOptions, Affiliations, Items (all, by id, the last N, a
// page with XEP-0059), Nodes and Metadata (disco#items and disco#info of
// a node). Publisher: Publish with publish options (and, with
// PublishOptions.Reconfigure, the node reconfigured when they are not
// met), Retract. Owner: Create (instant or configured), Config and
// Configure, Delete (with a redirect), Purge, NodeSubscriptions and
// SetNodeSubscriptions, NodeAffiliations and SetNodeAffiliations,
// HandleAuthorization and Authorize (the subscription approval forms a
// service sends a node's owner, §8.6).
//
// # Events
//
// New claims the messages that carry a pubsub <event/> (see
// xmpp.Route): they reach the handler of their node (HandleNode), or
// HandleEvent's for nodes without one, and never the xmpp.Client's
// default message handler. An Event is published and retracted items,
// a purge, a deletion, a configuration change, or a change of our
// subscription's state; Event.Delayed is set for an item sent late (the
// last published item, on subscription or presence).
//
// PEP notifications are asked for, not subscribed to (XEP-0163 §4): a
// client advertises the feature node+"+notify" in its entity
// capabilities, and the servers of its contacts send the contacts'
// updates of that node. HandlePEP does both: it handles the node and,
// through Notify, adds the feature with xmpp.Client.Advertise, which
// disco.Serve publishes in the account's presence.
//
// # Security
//
// An event tells the application what someone published, so one that
// could be forged would put words in a contact's or a service's mouth,
// or change what the account itself published. An event is therefore
// accepted only from whom the Client has reason to hear it: from the
// account's own bare JID for its own PEP nodes (only the account's server
// can use that address), from a service for a node this Client
// subscribed to or listed (Subscribe, Subscriptions) or from a service
// of Options.Services, and from another account's bare JID only for a
// PEP node asked for with Notify. Events from a full JID, from anyone
// else, or that do not decode are dropped with a log line. Event.From is
// always the stanza's sender, never a claim inside the event, and the
// publisher attribute of an item is only the service's word.
//
// A refusal from a service is its *stanza.Error, which errors.Is matches
// with its defined condition (stanza.ErrForbidden, stanza.ErrConflict...)
// and with its pubsub-specific Condition (CondPreconditionNotMet,
// CondPresenceSubscriptionReqd...).
//
// # Servers
//
// Tested against Prosody 0.12 (its pubsub component and PEP) and
// ejabberd 23.01 (mod_pubsub with the flat and pep plugins). Prosody
// lets only its administrators create nodes on a pubsub component, does
// not answer the service-wide affiliations request (Affiliations:
// service-unavailable) and ignores RSM in items requests; neither server
// puts the redirect in a deletion event, Prosody sends no configuration
// events (its nodes have no pubsub#notify_config), and ejabberd tells subscribers
// of a deletion only when the node's pubsub#notify_delete is set.
// Prosody has no authorize access model; ejabberd has one, lists only
// granted subscriptions to the owner and asks the owner with a §8.6
// authorization form instead (HandleAuthorization), and its flat nodes
// have no subscription options. Prosody answers a subscription options
// submission only when every boolean field is filled in. Neither keeps
// collections (XEP-0248) as configured for the tests (ejabberd with its
// flat and pep plugins): both accept a node created with
// pubsub#node_type collection and a leaf with pubsub#collection naming
// it, and then list no children under it. (ejabberd's dag plugin, tried
// apart, makes such a node a collection by its disco identity, but it
// too listed no children.)
//
// # Not covered
//
// Collection nodes (XEP-0248), and the item publisher's verification
// beyond the service's word.
package pubsub
