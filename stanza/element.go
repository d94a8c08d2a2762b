package stanza

import (
	"iter"
	"strings"
)

// Name is an expanded XML name: a namespace URI and a local name. Prefixes
// are not part of the model; the encoder chooses them.
type Name struct {
	Space string // namespace URI; empty for no namespace
	Local string
}

// Attr is an attribute of an element. Namespace declarations (xmlns and
// xmlns:prefix) are never attributes of the model: the decoder resolves
// them and the encoder writes them where they are needed.
type Attr struct {
	Name  Name
	Value string
}

// Node is one item of an element's content: a child element when Elem is
// not nil, otherwise character data in Text.
type Node struct {
	Elem *Element
	Text string
}

// Element is an XML element with its attributes and mixed content. It is
// the payload type of every stanza and the unit the decoder and encoder
// work with.
//
// The decoder returns elements whose Attrs and Nodes slices have no spare
// capacity, so appending to them never overwrites a neighbour. An Element is
// not safe for concurrent mutation; concurrent reads are fine.
type Element struct {
	Name  Name
	Attrs []Attr
	Nodes []Node
}

// NewElement returns an element named {space}local with the given
// attributes.
func NewElement(space, local string, attrs ...Attr) *Element {
	return &Element{Name: Name{Space: space, Local: local}, Attrs: attrs}
}

// A returns an attribute in no namespace; a short form for building
// elements.
func A(local, value string) Attr {
	return Attr{Name: Name{Local: local}, Value: value}
}

// Attr returns the value of the attribute named local in no namespace, or
// "" if there is none.
func (e *Element) Attr(local string) string {
	v, _ := e.LookupAttr("", local)
	return v
}

// LookupAttr returns the value of the attribute {space}local and whether it
// is present.
func (e *Element) LookupAttr(space, local string) (string, bool) {
	for i := range e.Attrs {
		if e.Attrs[i].Name.Local == local && e.Attrs[i].Name.Space == space {
			return e.Attrs[i].Value, true
		}
	}
	return "", false
}

// SetAttr sets the attribute named local in no namespace, replacing an
// existing value, and returns e. An empty value is kept as an empty
// attribute; use RemoveAttr to drop it.
func (e *Element) SetAttr(local, value string) *Element {
	return e.SetAttrNS("", local, value)
}

// SetAttrNS sets the attribute {space}local, replacing an existing value,
// and returns e.
func (e *Element) SetAttrNS(space, local, value string) *Element {
	for i := range e.Attrs {
		if e.Attrs[i].Name.Local == local && e.Attrs[i].Name.Space == space {
			e.Attrs[i].Value = value
			return e
		}
	}
	e.Attrs = append(e.Attrs, Attr{Name: Name{Space: space, Local: local}, Value: value})
	return e
}

// RemoveAttr removes the attribute {space}local if present and returns e.
func (e *Element) RemoveAttr(space, local string) *Element {
	for i := range e.Attrs {
		if e.Attrs[i].Name.Local == local && e.Attrs[i].Name.Space == space {
			e.Attrs = append(e.Attrs[:i:i], e.Attrs[i+1:]...)
			return e
		}
	}
	return e
}

// Lang returns the element's own xml:lang attribute, or "".
func (e *Element) Lang() string {
	v, _ := e.LookupAttr(NSXML, "lang")
	return v
}

// AddChild appends c to e's content and returns e, so that calls chain. A
// nil c is not added.
func (e *Element) AddChild(c *Element) *Element {
	if c != nil {
		e.Nodes = append(e.Nodes, Node{Elem: c})
	}
	return e
}

// AddText appends character data to e's content and returns e. Empty text
// is not added.
func (e *Element) AddText(s string) *Element {
	if s != "" {
		e.Nodes = append(e.Nodes, Node{Text: s})
	}
	return e
}

// Children iterates over the child elements of e in document order.
func (e *Element) Children() iter.Seq[*Element] {
	return func(yield func(*Element) bool) {
		for _, n := range e.Nodes {
			if n.Elem != nil && !yield(n.Elem) {
				return
			}
		}
	}
}

// Child returns the first child element named {space}local, or nil.
func (e *Element) Child(space, local string) *Element {
	for _, n := range e.Nodes {
		if n.Elem != nil && n.Elem.Name.Local == local && n.Elem.Name.Space == space {
			return n.Elem
		}
	}
	return nil
}

// ChildText returns the character data of the first child element named
// {space}local, or "" if there is none.
func (e *Element) ChildText(space, local string) string {
	if c := e.Child(space, local); c != nil {
		return c.Text()
	}
	return ""
}

// FirstChild returns the first child element of e, or nil.
func (e *Element) FirstChild() *Element {
	for _, n := range e.Nodes {
		if n.Elem != nil {
			return n.Elem
		}
	}
	return nil
}

// NumChildren returns the number of child elements of e.
func (e *Element) NumChildren() int {
	n := 0
	for i := range e.Nodes {
		if e.Nodes[i].Elem != nil {
			n++
		}
	}
	return n
}

// Text returns the concatenated character data directly inside e (not that
// of its descendants).
func (e *Element) Text() string {
	var only string
	count := 0
	for _, n := range e.Nodes {
		if n.Elem == nil {
			only = n.Text
			count++
		}
	}
	if count <= 1 {
		return only
	}
	var b strings.Builder
	for _, n := range e.Nodes {
		if n.Elem == nil {
			b.WriteString(n.Text)
		}
	}
	return b.String()
}

// Copy returns a deep copy of e that shares no slices with it. Copy of nil
// is nil.
func (e *Element) Copy() *Element {
	if e == nil {
		return nil
	}
	c := &Element{Name: e.Name}
	if e.Attrs != nil {
		c.Attrs = append([]Attr(nil), e.Attrs...)
	}
	if e.Nodes != nil {
		c.Nodes = make([]Node, len(e.Nodes))
		for i, n := range e.Nodes {
			c.Nodes[i] = Node{Elem: n.Elem.Copy(), Text: n.Text}
		}
	}
	return c
}

// Equal reports whether e and o have the same name, the same attributes in
// any order, and the same content. Adjacent text nodes are compared as one,
// and empty text nodes are ignored, since XML does not distinguish them.
func (e *Element) Equal(o *Element) bool {
	if e == nil || o == nil {
		return e == o
	}
	if e.Name != o.Name || len(e.Attrs) != len(o.Attrs) {
		return false
	}
	for _, a := range e.Attrs {
		v, ok := o.LookupAttr(a.Name.Space, a.Name.Local)
		if !ok || v != a.Value {
			return false
		}
	}
	en, on := normalizedNodes(e.Nodes), normalizedNodes(o.Nodes)
	if len(en) != len(on) {
		return false
	}
	for i := range en {
		if en[i].Text != on[i].Text || !en[i].Elem.Equal(on[i].Elem) {
			return false
		}
	}
	return true
}

// normalizedNodes merges adjacent text nodes and drops empty ones. It
// returns ns itself when nothing needs merging.
func normalizedNodes(ns []Node) []Node {
	clean := true
	for i, n := range ns {
		if n.Elem == nil && (n.Text == "" || (i > 0 && ns[i-1].Elem == nil)) {
			clean = false
			break
		}
	}
	if clean {
		return ns
	}
	out := make([]Node, 0, len(ns))
	for _, n := range ns {
		switch {
		case n.Elem != nil:
			out = append(out, n)
		case n.Text == "":
		case len(out) > 0 && out[len(out)-1].Elem == nil:
			out[len(out)-1].Text += n.Text
		default:
			out = append(out, n)
		}
	}
	return out
}
