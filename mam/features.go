package mam

import (
	"context"
	"errors"
	"fmt"

	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// Features says which parts of XEP-0313 an archive advertises.
type Features struct {
	// MAM reports urn:xmpp:mam:2: the archive answers queries.
	MAM bool
	// Extended reports urn:xmpp:mam:2#extended: the archive also
	// understands Query.IDs.
	Extended bool
}

// Features asks archive (zero for the account's own, which is asked at
// the account's bare JID, as XEP-0313 section 7.1 says) for its service
// discovery information (XEP-0030 disco#info) and reports which MAM
// features it lists. It returns the archive's *stanza.Error if it
// refuses, and the errors of xmpp.Client.Request. An answer that is not a
// disco#info query wraps ErrMalformed.
func (m *Querier) Features(ctx context.Context, archive jid.JID) (Features, error) {
	to := archive
	if to.IsZero() {
		to = m.c.JID().Bare()
	}
	info, err := disco.GetInfo(ctx, m.c, to, "")
	switch {
	case errors.Is(err, disco.ErrMalformed):
		return Features{}, fmt.Errorf("mam: features: %w: %w", ErrMalformed, err)
	case err != nil:
		return Features{}, fmt.Errorf("mam: features: %w", err)
	}
	return Features{MAM: info.HasFeature(NS), Extended: info.HasFeature(NSExtended)}, nil
}

// IsResult reports whether m carries a MAM <result/> payload, valid or
// not. With New such messages reach no other handler; without it,
// IsResult tells them apart: shown as messages the result wrappers make
// no sense, and one not from the archive must not be shown at all.
func IsResult(m *stanza.Message) bool {
	for _, p := range m.Payloads {
		if p.Name == (stanza.Name{Space: NS, Local: "result"}) {
			return true
		}
	}
	return false
}
