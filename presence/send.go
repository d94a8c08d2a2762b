package presence

import (
	"context"
	"errors"
	"fmt"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// ErrInvalidShow is returned by Available and Directed when show is not
// "" or one of the values RFC 6121 section 4.7.2.1 defines.
var ErrInvalidShow = errors.New("presence: invalid show value")

// Available broadcasts available presence (RFC 6121 sections 4.2 and 4.4):
// show refines it ("" means plainly online), status is a human-readable
// description in the stream's language ("" sends none), and priority
// ranks this resource among the account's others for messages sent to
// the bare JID (a negative priority means this resource never gets
// them). payloads, such as entity capabilities, are added as they are.
//
// The first available presence after login is the initial presence: the
// server then sends the presence of the account's contacts and of its
// other resources, and routes messages for the bare JID to this
// resource. The Client remembers the last broadcast presence and sends
// it again when it has to start a new session. Available returns
// Client.Send's error, or ErrInvalidShow.
func Available(ctx context.Context, c *xmpp.Client, show stanza.Show, status string, priority int8, payloads ...*stanza.Element) error {
	p, err := newAvailable(jid.JID{}, show, status, payloads)
	if err != nil {
		return err
	}
	p.Priority = priority
	return send(ctx, c, p)
}

// Unavailable broadcasts unavailable presence with an optional status
// (RFC 6121 section 4.5): contacts, the account's other resources and
// everyone who got directed presence from this resource learn that it is
// gone. The stream stays open; a later Available makes the resource
// available again. Closing the Client has the same effect on the
// contacts without the status.
func Unavailable(ctx context.Context, c *xmpp.Client, status string) error {
	p := stanza.NewPresence(stanza.PresenceUnavailable, jid.JID{})
	p.Statuses = statuses(status)
	return send(ctx, c, p)
}

// Directed sends available presence to the address to only (RFC 6121
// section 4.6), typically someone not subscribed to the account's
// presence. The server remembers it and sends that address unavailable
// presence when this resource goes offline. It does not change the
// broadcast presence. To withdraw it earlier, send
// stanza.NewPresence(stanza.PresenceUnavailable, to). Directed fails when
// to is zero or show invalid (ErrInvalidShow), or with Client.Send's
// error.
func Directed(ctx context.Context, c *xmpp.Client, to jid.JID, show stanza.Show, status string, payloads ...*stanza.Element) error {
	if to.IsZero() {
		return errors.New("presence: directed: no address")
	}
	p, err := newAvailable(to, show, status, payloads)
	if err != nil {
		return err
	}
	return send(ctx, c, p)
}

// newAvailable returns an available presence to to.
func newAvailable(to jid.JID, show stanza.Show, status string, payloads []*stanza.Element) (*stanza.Presence, error) {
	switch show {
	case "", stanza.ShowAway, stanza.ShowChat, stanza.ShowDND, stanza.ShowXA:
	default:
		return nil, fmt.Errorf("%w %q", ErrInvalidShow, show)
	}
	p := stanza.NewPresence(stanza.PresenceAvailable, to)
	p.Show = show
	p.Statuses = statuses(status)
	p.Payloads = payloads
	return p, nil
}

// statuses returns the status list for one status in the stream's
// language, or none.
func statuses(status string) []stanza.Text {
	if status == "" {
		return nil
	}
	return []stanza.Text{{Value: status}}
}

// send sends p, with the package's prefix on errors.
func send(ctx context.Context, c *xmpp.Client, p *stanza.Presence) error {
	if err := c.Send(ctx, p); err != nil {
		return fmt.Errorf("presence: send: %w", err)
	}
	return nil
}
