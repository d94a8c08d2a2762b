package forward_test

// This file keeps, verbatim but for their names and error values, the two
// <forwarded/> parsers the module had before this package: carbons'
// ParseForwarded (with its parseDelay) and mam's parseForwarded (with its
// parseStamp). FuzzLegacy proves that Parse accepts what they accepted,
// with the same message and delay, and refuses only what the package
// documentation explains: a delay that delay.Parse refuses while they did
// not look as closely, because its stamp is one Go's RFC 3339 parser reads
// but XEP-0082 forbids (the classes are pinned in internal/datetime's
// FuzzLegacyRFC3339), or because it has child elements.

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/delay"
	"github.com/xmppkit/xmpp/forward"
	"github.com/xmppkit/xmpp/internal/datetime"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

var errLegacy = errors.New("legacy: malformed")

func legacyMalformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errLegacy, fmt.Sprintf(format, args...))
}

// ---- carbons/forward.go, before package forward ----

const (
	legacyNSForward = "urn:xmpp:forward:0"
	legacyNSDelay   = "urn:xmpp:delay"
)

type legacyCarbonsDelay struct {
	Stamp time.Time
	From  jid.JID
}

type legacyCarbonsForwarded struct {
	Delay   legacyCarbonsDelay
	Message *stanza.Message
}

func legacyCarbonsParseDelay(e *stanza.Element) (legacyCarbonsDelay, error) {
	raw, ok := e.LookupAttr("", "stamp")
	if !ok {
		return legacyCarbonsDelay{}, legacyMalformed("delay without a stamp")
	}
	t, err := time.Parse(time.RFC3339Nano, raw)
	if err != nil {
		return legacyCarbonsDelay{}, legacyMalformed("delay stamp %q: %v", raw, err)
	}
	// Shifting to UTC may leave the four-digit years of XEP-0082.
	if y := t.UTC().Year(); y < 0 || y > 9999 {
		return legacyCarbonsDelay{}, legacyMalformed("delay stamp %q out of range", raw)
	}
	d := legacyCarbonsDelay{Stamp: t}
	if f, ok := e.LookupAttr("", "from"); ok {
		if d.From, err = jid.Parse(f); err != nil {
			return legacyCarbonsDelay{}, fmt.Errorf("%w: delay from: %w", errLegacy, err)
		}
	}
	return d, nil
}

func legacyCarbonsParseForwarded(e *stanza.Element) (legacyCarbonsForwarded, error) {
	if e == nil || e.Name != (stanza.Name{Space: legacyNSForward, Local: "forwarded"}) {
		return legacyCarbonsForwarded{}, legacyMalformed("not forwarded")
	}
	var f legacyCarbonsForwarded
	seenDelay := false
	for c := range e.Children() {
		switch {
		case c.Name == stanza.Name{Space: legacyNSDelay, Local: "delay"}:
			if seenDelay {
				return legacyCarbonsForwarded{}, legacyMalformed("more than one delay")
			}
			seenDelay = true
			d, err := legacyCarbonsParseDelay(c)
			if err != nil {
				return legacyCarbonsForwarded{}, err
			}
			f.Delay = d
		case c.Name.Space == stanza.NSClient && c.Name.Local == "message":
			if f.Message != nil {
				return legacyCarbonsForwarded{}, legacyMalformed("more than one forwarded message")
			}
			m, err := stanza.ParseMessage(c)
			if err != nil {
				return legacyCarbonsForwarded{}, fmt.Errorf("%w: %w", errLegacy, err)
			}
			f.Message = m
		case c.Name.Space == stanza.NSClient || c.Name.Space == stanza.NSServer:
			return legacyCarbonsForwarded{}, legacyMalformed("forwarded {%s}%s is not a jabber:client message", c.Name.Space, c.Name.Local)
		}
	}
	if f.Message == nil {
		return legacyCarbonsForwarded{}, legacyMalformed("forwarded without a message")
	}
	return f, nil
}

// ---- mam/result.go, before package forward. ParseResult picked the
// {urn:xmpp:forward:0}forwarded child and passed it on: legacyMAM does
// that check. ----

func legacyMAM(e *stanza.Element) (*stanza.Message, time.Time, error) {
	if e == nil || e.Name != (stanza.Name{Space: legacyNSForward, Local: "forwarded"}) {
		return nil, time.Time{}, legacyMalformed("not forwarded")
	}
	return legacyMAMParseForwarded(e)
}

func legacyMAMParseForwarded(e *stanza.Element) (*stanza.Message, time.Time, error) {
	var m *stanza.Message
	var stamp time.Time
	seenDelay := false
	for c := range e.Children() {
		switch {
		case c.Name == stanza.Name{Space: legacyNSDelay, Local: "delay"}:
			if seenDelay {
				return nil, time.Time{}, legacyMalformed("more than one delay")
			}
			seenDelay = true
			t, err := legacyMAMParseStamp(c)
			if err != nil {
				return nil, time.Time{}, err
			}
			stamp = t
		case c.Name.Space == stanza.NSClient && c.Name.Local == "message":
			if m != nil {
				return nil, time.Time{}, legacyMalformed("more than one forwarded message")
			}
			var err error
			if m, err = stanza.ParseMessage(c); err != nil {
				return nil, time.Time{}, fmt.Errorf("%w: %w", errLegacy, err)
			}
		case c.Name.Space == stanza.NSClient || c.Name.Space == stanza.NSServer:
			return nil, time.Time{}, legacyMalformed("forwarded {%s}%s is not a jabber:client message", c.Name.Space, c.Name.Local)
		}
	}
	if m == nil {
		return nil, time.Time{}, legacyMalformed("forwarded without a message")
	}
	return m, stamp, nil
}

func legacyMAMParseStamp(e *stanza.Element) (time.Time, error) {
	raw, ok := e.LookupAttr("", "stamp")
	if !ok {
		return time.Time{}, legacyMalformed("delay without a stamp")
	}
	t, err := time.Parse(time.RFC3339Nano, raw)
	if err != nil {
		return time.Time{}, legacyMalformed("delay stamp %q: %v", raw, err)
	}
	if y := t.UTC().Year(); y < 0 || y > 9999 {
		return time.Time{}, legacyMalformed("delay stamp %q out of range", raw)
	}
	if f, ok := e.LookupAttr("", "from"); ok {
		if _, err := jid.Parse(f); err != nil {
			return time.Time{}, fmt.Errorf("%w: delay from: %w", errLegacy, err)
		}
	}
	return t, nil
}

// ---- the explained differences ----

const (
	classStamp       = "stamp Go's RFC 3339 parser reads but XEP-0082 forbids"
	classDelayChilds = "delay with child elements"
)

// explain explains why Parse refuses e, which an old parser accepted
// with the delay stamp old: it finds the classes of the single <delay/>,
// repairs them (the stamp rewritten as the instant the old parser read,
// the children removed) and checks that Parse then accepts e with that
// stamp and the message the old parser read.
func explain(e *stanza.Element, old time.Time, oldMsg *stanza.Message) ([]string, error) {
	r := e.Copy()
	var classes []string
	for i, n := range r.Nodes {
		c := n.Elem
		if c == nil || c.Name != (stanza.Name{Space: delay.NS, Local: "delay"}) {
			continue
		}
		stamp := c.Attr("stamp")
		if _, err := datetime.ParseDateTime(stamp); err != nil {
			if _, err := time.Parse(time.RFC3339Nano, stamp); err != nil {
				return nil, fmt.Errorf("the old parser accepted stamp %q that Go refuses: %w", stamp, err)
			}
			classes = append(classes, classStamp)
			c.SetAttr("stamp", old.UTC().Format(time.RFC3339Nano))
		}
		if c.NumChildren() != 0 {
			classes = append(classes, classDelayChilds)
			var text []stanza.Node
			for _, n := range c.Nodes {
				if n.Elem == nil {
					text = append(text, n)
				}
			}
			c.Nodes = text
		}
		r.Nodes[i].Elem = c
	}
	if len(classes) == 0 {
		return nil, errors.New("no explained difference")
	}
	f, err := forward.Parse(r)
	if err != nil {
		return classes, fmt.Errorf("repaired as %s: %w", r, err)
	}
	if !f.Delay.Stamp.Equal(old) || !f.Message.Element().Equal(oldMsg.Element()) {
		return classes, fmt.Errorf("repaired as %s: %+v, not stamp %v", r, f, old)
	}
	return classes, nil
}

// FuzzLegacy compares Parse with both old parsers on every input.
func FuzzLegacy(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		got, err := forward.Parse(e)
		cb, cerr := legacyCarbonsParseForwarded(e)
		mm, mstamp, merr := legacyMAM(e)
		if (cerr == nil) != (merr == nil) {
			t.Fatalf("%s: the old parsers disagreed (carbons %v, mam %v): the copies are wrong", s, cerr, merr)
		}
		switch {
		case cerr == nil && err == nil:
			if !got.Delay.Stamp.Equal(cb.Delay.Stamp) || got.Delay.From != cb.Delay.From || !got.Message.Element().Equal(cb.Message.Element()) {
				t.Fatalf("%s: carbons read %+v, Parse %+v", s, cb, got)
			}
			if !got.Delay.Stamp.Equal(mstamp) || !got.Message.Element().Equal(mm.Element()) {
				t.Fatalf("%s: mam read %v %s, Parse %+v", s, mstamp, mm.Element(), got)
			}
		case cerr != nil && err == nil:
			t.Fatalf("%s: the old parsers refused it (%v), Parse read %+v", s, cerr, got)
		case cerr == nil && err != nil:
			if !errors.Is(err, forward.ErrMalformed) {
				t.Fatalf("%s: %v", s, err)
			}
			if _, why := explain(e, cb.Delay.Stamp, cb.Message); why != nil {
				t.Fatalf("%s: the old parsers read it, Parse: %v; unexplained: %v", s, err, why)
			}
		}
	})
}

// TestLegacyExplained runs the seeds through the differential and checks
// the cases the old parsers accepted and Parse refuses, one per class.
func TestLegacyExplained(t *testing.T) {
	wantClass := map[string]string{
		"delay stamp with a comma":          classStamp,
		"delay stamp with a one-digit hour": classStamp,
		"delay offset beyond 14 hours":      classStamp,
		"delay with a child element":        classDelayChilds,
	}
	for _, tc := range malformed {
		e := mustElement(t, tc.xml)
		cb, cerr := legacyCarbonsParseForwarded(e)
		_, _, merr := legacyMAM(e)
		want, changed := wantClass[tc.name]
		if changed != (cerr == nil) || changed != (merr == nil) {
			t.Errorf("%s: old parsers: carbons %v, mam %v", tc.name, cerr, merr)
			continue
		}
		if !changed {
			continue
		}
		classes, err := explain(e, cb.Delay.Stamp, cb.Message)
		if err != nil || len(classes) != 1 || classes[0] != want {
			t.Errorf("%s: %q, %v; want %q", tc.name, classes, err, want)
		}
	}
	for _, s := range samples {
		e := mustElement(t, s)
		if _, err := legacyCarbonsParseForwarded(e); err != nil {
			t.Errorf("carbons refused a sample: %v", err)
		}
		if _, _, err := legacyMAM(e); err != nil {
			t.Errorf("mam refused a sample: %v", err)
		}
	}
	// A refusal of another kind is not explained.
	e := mustElement(t, `<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/>`+msg+`</forwarded>`)
	if _, err := explain(e, time.Date(2010, 7, 10, 23, 8, 25, 0, time.UTC), nil); err == nil {
		t.Error("a forwarded element with nothing to repair is explained")
	}
}
