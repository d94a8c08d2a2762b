// Package smcount reads the counters of XEP-0198 Stream Management, for
// the stream layer (which resumes sessions) and the Client (which
// acknowledges and is acknowledged) alike, so that the two read the h
// attribute the same way.
package smcount

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/xmppkit/xmpp/stanza"
)

// ParseH reads the h attribute of an <a/>, <resumed/> or <failed/>: the
// number of stanzas handled, an unsigned 32-bit decimal number
// (XEP-0198 section 4), which wraps around.
func ParseH(e *stanza.Element) (uint32, error) {
	v, ok := e.LookupAttr("", "h")
	if !ok {
		return 0, errors.New("no h attribute")
	}
	h, err := strconv.ParseUint(v, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("bad h attribute %q", v)
	}
	return uint32(h), nil
}
