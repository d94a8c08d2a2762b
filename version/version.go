package version

import (
	"errors"
	"fmt"

	"github.com/xmppkit/xmpp/stanza"
)

// NS is the namespace of XEP-0092 Software Version.
const NS = "jabber:iq:version"

// ErrMalformed is the error, wrapped with details, of a payload that is
// not a valid jabber:iq:version result.
var ErrMalformed = errors.New("version: malformed query")

// Info describes a piece of software: the answer to a Software Version
// request.
type Info struct {
	// Name is the natural-language name of the software, "Exodus".
	// A result must carry it.
	Name string
	// Version is the version of the software, "0.7.0.4". A result must
	// carry it.
	Version string
	// OS is the operating system, "Windows-XP 5.01.2600". It is optional,
	// and empty unless the entity chose to disclose it.
	OS string
}

// Element encodes info as the <query/> payload of a result: <name/> and
// <version/> always, <os/> only when OS is not empty.
func (info Info) Element() *stanza.Element {
	q := stanza.NewElement(NS, "query")
	q.AddChild(stanza.NewElement(NS, "name").AddText(info.Name))
	q.AddChild(stanza.NewElement(NS, "version").AddText(info.Version))
	if info.OS != "" {
		q.AddChild(stanza.NewElement(NS, "os").AddText(info.OS))
	}
	return q
}

// Parse decodes the <query/> payload of a Software Version result. It
// fails with an error wrapping ErrMalformed when e is not a
// {jabber:iq:version}query, when <name/> or <version/> is missing (XEP-0092
// requires both), when a child of the namespace is unknown or repeated, or
// when one has element content. Children in other namespaces are ignored,
// as extensions.
func Parse(e *stanza.Element) (Info, error) {
	if e == nil {
		return Info{}, fmt.Errorf("%w: no payload", ErrMalformed)
	}
	if e.Name.Space != NS || e.Name.Local != "query" {
		return Info{}, fmt.Errorf("%w: element {%s}%s is not {%s}query", ErrMalformed, e.Name.Space, e.Name.Local, NS)
	}
	var info Info
	var seen [3]bool
	for c := range e.Children() {
		if c.Name.Space != NS {
			continue
		}
		var i int
		var dst *string
		switch c.Name.Local {
		case "name":
			i, dst = 0, &info.Name
		case "version":
			i, dst = 1, &info.Version
		case "os":
			i, dst = 2, &info.OS
		default:
			return Info{}, fmt.Errorf("%w: unknown element <%s/>", ErrMalformed, c.Name.Local)
		}
		if seen[i] {
			return Info{}, fmt.Errorf("%w: more than one <%s/>", ErrMalformed, c.Name.Local)
		}
		if c.NumChildren() != 0 {
			return Info{}, fmt.Errorf("%w: <%s/> has child elements", ErrMalformed, c.Name.Local)
		}
		seen[i] = true
		*dst = c.Text()
	}
	switch {
	case !seen[0]:
		return Info{}, fmt.Errorf("%w: missing <name/>", ErrMalformed)
	case !seen[1]:
		return Info{}, fmt.Errorf("%w: missing <version/>", ErrMalformed)
	}
	return info, nil
}
