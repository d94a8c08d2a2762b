package lastactivity

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/xmppkit/xmpp/stanza"
)

// NS is the namespace of XEP-0012 Last Activity.
const NS = "jabber:iq:last"

// ErrMalformed is the error, wrapped with details, of a payload that is
// not a valid jabber:iq:last result.
var ErrMalformed = errors.New("lastactivity: malformed query")

// MaxElapsed is the largest Elapsed that Parse accepts: a hundred years of
// 365.25 days, 3155760000 seconds. Anything longer is a broken or hostile
// answer, not a measurement.
const MaxElapsed = 36525 * 24 * time.Hour

// Info is the answer to a Last Activity request.
type Info struct {
	// Elapsed is the time since the last activity, in whole seconds on
	// the wire: a server's uptime, the time since a user logged out, or a
	// client's idle time, depending on whom was asked (see the package
	// documentation).
	Elapsed time.Duration
	// Status is the status text of the user's last unavailable presence,
	// for a query to a bare JID of a user who is offline; usually empty
	// otherwise.
	Status string
}

// Element encodes info as the <query/> payload of a result: seconds is
// Elapsed rounded down to whole seconds (a negative Elapsed counts as
// zero), and Status is the character data.
func (info Info) Element() *stanza.Element {
	secs := max(int64(info.Elapsed/time.Second), 0)
	q := stanza.NewElement(NS, "query", stanza.A("seconds", strconv.FormatInt(secs, 10)))
	q.AddText(info.Status)
	return q
}

// Parse decodes the <query/> payload of a Last Activity result. It fails
// with an error wrapping ErrMalformed when e is not a {jabber:iq:last}query,
// when it has child elements (its content is the status text only), or
// when the seconds attribute is missing, is not a decimal integer made of
// ASCII digits only (no sign, no white space), or is over MaxElapsed.
func Parse(e *stanza.Element) (Info, error) {
	if e == nil {
		return Info{}, fmt.Errorf("%w: no payload", ErrMalformed)
	}
	if e.Name.Space != NS || e.Name.Local != "query" {
		return Info{}, fmt.Errorf("%w: element {%s}%s is not {%s}query", ErrMalformed, e.Name.Space, e.Name.Local, NS)
	}
	if e.NumChildren() != 0 {
		return Info{}, fmt.Errorf("%w: query has child elements", ErrMalformed)
	}
	s, ok := e.LookupAttr("", "seconds")
	if !ok {
		return Info{}, fmt.Errorf("%w: missing seconds", ErrMalformed)
	}
	d, err := parseSeconds(s)
	if err != nil {
		return Info{}, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return Info{Elapsed: d, Status: e.Text()}, nil
}

// parseSeconds parses the seconds attribute.
func parseSeconds(s string) (time.Duration, error) {
	const maxSecs = int64(MaxElapsed / time.Second)
	if s == "" {
		return 0, errors.New("empty seconds")
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("seconds %q is not a non-negative integer", s)
		}
		n = n*10 + int64(c-'0')
		if n > maxSecs {
			return 0, fmt.Errorf("seconds %q is over a hundred years", s)
		}
	}
	return time.Duration(n) * time.Second, nil
}
