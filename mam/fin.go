package mam

import (
	"fmt"

	"github.com/xmppkit/xmpp/rsm"
	"github.com/xmppkit/xmpp/stanza"
)

// Fin is the <fin/> element that ends the answer to a query: whether the
// page is the last one, and where it lies in the result set.
type Fin struct {
	// Complete reports that the page reaches the end of the matching
	// messages, in the direction of the query (forward, or backward for
	// a query with Before): no further paging is needed.
	Complete bool
	// Unstable reports that the archive warned the results may still
	// change (stable='false'), for example in a cluster that has not
	// converged: they should not be cached for long.
	Unstable bool
	// RSM is the archive's result set description: First and Last are
	// the UIDs of the first and last results of the page ("" for an
	// empty page), Count and FirstIndex are optional.
	RSM rsm.Set
}

// Element encodes f as a <fin/> element in NS. complete='true' and
// stable='false' are written only when they say something.
func (f Fin) Element() *stanza.Element {
	e := stanza.NewElement(NS, "fin")
	if f.Complete {
		e.SetAttr("complete", "true")
	}
	if f.Unstable {
		e.SetAttr("stable", "false")
	}
	return e.AddChild(f.RSM.Element())
}

// ParseFin decodes a <fin/> element in NS. The complete and stable
// attributes are XML Schema booleans ("true", "1", "false", "0"; absent
// means not complete, and stable); the optional <set/> must follow
// XEP-0059 (see rsm.Parse) and appear at most once. Elements in other
// namespaces are ignored. Errors wrap ErrMalformed.
func ParseFin(e *stanza.Element) (Fin, error) {
	if e == nil || e.Name != (stanza.Name{Space: NS, Local: "fin"}) {
		return Fin{}, unexpected(e, NS, "fin")
	}
	var f Fin
	var err error
	if f.Complete, err = parseBool(e, "complete", false); err != nil {
		return Fin{}, err
	}
	stable, err := parseBool(e, "stable", true)
	if err != nil {
		return Fin{}, err
	}
	f.Unstable = !stable
	seen := false
	for c := range e.Children() {
		if c.Name.Space != rsm.NS {
			continue
		}
		if c.Name.Local != "set" || seen {
			return Fin{}, malformed("fin must hold at most one set, not <%s/>", c.Name.Local)
		}
		seen = true
		if f.RSM, err = rsm.Parse(c); err != nil {
			return Fin{}, fmt.Errorf("%w: fin: %w", ErrMalformed, err)
		}
	}
	return f, nil
}

// parseBool reads the xs:boolean attribute local of e, def if absent.
func parseBool(e *stanza.Element, local string, def bool) (bool, error) {
	v, ok := e.LookupAttr("", local)
	if !ok {
		return def, nil
	}
	switch v {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, malformed("%s=%q is not a boolean", local, v)
}
