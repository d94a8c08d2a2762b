package pep_test

import (
	"context"
	"fmt"
	"slices"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pep"
	"github.com/xmppkit/xmpp/pep/geoloc"
	"github.com/xmppkit/xmpp/pubsub"
)

// Asking for contacts' locations: Handle registers the handler and adds
// the +notify feature that tells contacts' servers to send them.
func ExampleHandle() {
	c := xmpp.New(jid.MustParse("alice@example.com"), &xmpp.Options{Password: "secret"})
	ps := pubsub.New(c, nil)
	geoloc.Handle(ps, func(ctx context.Context, u pep.Update[geoloc.Location]) {
		if u.Retracted {
			fmt.Println(u.From, "stopped sharing their location")
			return
		}
		fmt.Println(u.From, "is in", u.Value.Locality)
	})
	fmt.Println(slices.Contains(c.Advertised(), geoloc.NS+"+notify"))
	// Output:
	// true
}
