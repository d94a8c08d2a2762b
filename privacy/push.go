package privacy

import (
	"context"
	"log/slog"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/stanza"
)

// PushOptions configures Handle. A nil *PushOptions and the zero
// value give the defaults.
type PushOptions struct {
	// OnPush, if not nil, is called with the name of the list that a
	// push says changed; fetch it with Get if it matters. It runs on the
	// Client's dispatch goroutine, one push at a time, so it must return
	// quickly: every later stanza waits for it. It may call the Client,
	// even send a request and wait for its answer.
	OnPush func(name string)
	// Logger receives the pushes dropped because they did not come from
	// the account itself or were malformed (Warn). nil is silent.
	Logger *slog.Logger
}

// Handle registers on c the handler of privacy list pushes (IQ sets
// of <query/> in NS). A push is accepted, answered with a result and
// reported to OnPush only without a from address or from the account's
// bare JID; any other is answered with service-unavailable, and a push
// that does not name exactly one list, without items, gets bad-request.
// Without this handler the Client answers every push with
// service-unavailable, which servers tolerate. Handle panics, as
// Client.HandleIQ does, if a handler for those pushes is already
// registered on c.
func Handle(c *xmpp.Client, opts *PushOptions) {
	var o PushOptions
	if opts != nil {
		o = *opts
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	c.HandleIQ(stanza.IQSet, NS, "query", func(ctx context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		if !iq.From.IsZero() && iq.From != c.JID().Bare() {
			o.Logger.Warn("privacy: dropping a push not from the account", "from", iq.From.String(), "id", iq.ID)
			return nil, stanza.NewError(stanza.ErrServiceUnavailable, "")
		}
		l, err := ParseList(iq.Payload)
		if err == nil && len(l.Items) != 0 {
			err = malformed("push with items")
		}
		if err != nil {
			o.Logger.Warn("privacy: dropping a malformed push", "id", iq.ID, "error", err)
			return nil, stanza.NewError(stanza.ErrBadRequest, "")
		}
		if o.OnPush != nil {
			o.OnPush(l.Name)
		}
		return nil, nil
	})
}
