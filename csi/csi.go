// Package csi implements Client State Indication (XEP-0352): a client
// tells its server whether its user is looking at it, so that the server
// may hold back what is not urgent (presence updates, typically) while the
// client is inactive, saving a mobile device's radio and battery.
//
// The state belongs to the session: a new session (xmpp.EventNewSession)
// starts active, so a client that is inactive says so again, from a
// Client.HandleEvent handler; a resumed session keeps its state. What a
// server holds back, and for how long, is its own policy.
package csi

import (
	"context"
	"errors"
	"fmt"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/stanza"
)

// NS is the namespace of client state indication, and of its stream
// feature.
const NS = "urn:xmpp:csi:0"

// ErrNotSupported reports a server that does not offer client state
// indication; nothing was sent.
var ErrNotSupported = errors.New("csi: the server does not offer client state indication")

// Supported reports whether c's server offers client state indication.
func Supported(c *xmpp.Client) bool {
	return c.Features().Child(NS, "csi") != nil
}

// Active tells the server that the user is using the client again; the
// server then sends what it held back.
func Active(ctx context.Context, c *xmpp.Client) error {
	return send(ctx, c, "active")
}

// Inactive tells the server that the user is not looking at the client.
func Inactive(ctx context.Context, c *xmpp.Client) error {
	return send(ctx, c, "inactive")
}

func send(ctx context.Context, c *xmpp.Client, state string) error {
	if !Supported(c) {
		return ErrNotSupported
	}
	if err := c.SendElement(ctx, stanza.NewElement(NS, state)); err != nil {
		return fmt.Errorf("csi: %s: %w", state, err)
	}
	return nil
}
