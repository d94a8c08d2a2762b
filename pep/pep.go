// Package pep holds what the small Personal Eventing Protocol (XEP-0163)
// payload packages under it share: publishing the account's current
// value of a node, and receiving contacts' values, typed. Each payload
// package (geoloc, nick...) is a thin layer over it and over package
// pubsub, which checks who may send an event (see pubsub.New).
package pep

import (
	"context"
	"fmt"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/stanza"
)

// CurrentID is the item id under which a payload package publishes the
// account's value, as XEP-0163 §4.3 suggests for single-item nodes.
const CurrentID = "current"

// Publish publishes payload as the account's current item of node on its
// own PEP service, readable by its contacts with a presence subscription
// (pubsub#access_model presence, the PEP default).
func Publish(ctx context.Context, ps *pubsub.Client, node string, payload *stanza.Element) error {
	_, err := ps.Publish(ctx, jid.JID{}, node, pubsub.Item{ID: CurrentID, Payload: payload}, nil)
	return err
}

// Update is a contact's (or the account's own) published value of a PEP
// node, decoded.
type Update[T any] struct {
	// From is whose value it is: the publisher's bare JID, from the
	// event's sender.
	From jid.JID
	// Value is the value; Retracted says that the value was withdrawn
	// (an item retracted, or an empty payload published), and Value is
	// then the zero value.
	Value     T
	Retracted bool
	// Event is the pubsub event that carried it.
	Event pubsub.Event
}

// Handle asks for the notifications of node (pubsub.Client.HandlePEP)
// and gives h each update, the payload decoded with parse; a payload
// that does not decode is dropped, and logged through log if not nil.
// An empty payload element (no children, no text) is a retraction, as
// XEP-0080, 0107, 0108 and 0118 say to publish when the user stops
// sharing.
func Handle[T any](ps *pubsub.Client, node string, parse func(*stanza.Element) (T, error), h func(ctx context.Context, u Update[T]), log func(msg string, args ...any)) {
	ps.HandlePEP(node, func(ctx context.Context, ev pubsub.Event) {
		if ev.Kind != pubsub.EventItems {
			return
		}
		for _, it := range ev.Items {
			if it.Payload == nil {
				continue // a notification without payload: nothing to say
			}
			u := Update[T]{From: ev.From, Event: ev}
			if empty(it.Payload) {
				u.Retracted = true
				h(ctx, u)
				continue
			}
			v, err := parse(it.Payload)
			if err != nil {
				if log != nil {
					log("pep: dropped a payload that does not decode", "node", node, "from", ev.From.String(), "error", err)
				}
				continue
			}
			u.Value = v
			h(ctx, u)
		}
		if len(ev.Retracted) > 0 {
			h(ctx, Update[T]{From: ev.From, Retracted: true, Event: ev})
		}
	})
}

// empty reports whether e has neither children nor text.
func empty(e *stanza.Element) bool {
	return e.NumChildren() == 0 && e.Text() == ""
}

// Fetch returns the current value of node published by owner (zero for
// the account itself), decoded with parse; ok is false when there is
// none.
func Fetch[T any](ctx context.Context, ps *pubsub.Client, owner jid.JID, node string, parse func(*stanza.Element) (T, error)) (v T, ok bool, err error) {
	page, err := ps.Items(ctx, owner, node, &pubsub.ItemsQuery{MaxItems: 1})
	if err != nil {
		return v, false, err
	}
	for _, it := range page.Items {
		if it.Payload == nil || empty(it.Payload) {
			continue
		}
		v, err = parse(it.Payload)
		if err != nil {
			return v, false, fmt.Errorf("pep: %s of %s: %w", node, owner, err)
		}
		return v, true, nil
	}
	return v, false, nil
}
