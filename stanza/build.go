package stanza

import "github.com/xmppkit/xmpp/internal/xmlscan"

// sref is a string being built: either a shared (interned) string, or a
// range of the builder's arena that becomes a substring of one string
// allocated per element tree.
type sref struct {
	s   string
	off int32
	n   int32 // -1 when s is the value
}

type elemRec struct {
	space, local sref
	attrs        int32 // first attribute in builder.attrs
	nattrs       int32
}

type attrRec struct {
	space, local, value sref
}

type nodeRec struct {
	parent int32
	elem   int32 // -1 for text
	text   sref
}

// builder turns the tokens of one top-level element into an element tree
// with a handful of allocations: one string for all text and values, and
// one slice each for elements, attributes and content nodes.
type builder struct {
	elems    []elemRec
	attrs    []attrRec
	nodes    []nodeRec
	arena    []byte
	stack    []int32
	counts   []int32
	lastText int // index in nodes of the text node that may be extended, or -1
}

func (b *builder) reset() {
	b.elems = b.elems[:0]
	b.attrs = b.attrs[:0]
	b.nodes = b.nodes[:0]
	b.arena = b.arena[:0]
	b.stack = b.stack[:0]
	b.lastText = -1
	// Large scratch space from one huge stanza is not kept for the next.
	if cap(b.arena) > 1<<20 {
		b.arena = nil
	}
}

func (b *builder) str(raw []byte) sref {
	off := int32(len(b.arena))
	b.arena = append(b.arena, raw...)
	return sref{off: off, n: int32(len(raw))}
}

func (b *builder) name(d *Decoder, raw []byte) sref {
	if len(raw) == 0 {
		return sref{n: -1}
	}
	if s, ok := d.internName(raw); ok {
		return sref{s: s, n: -1}
	}
	return b.str(raw)
}

func (b *builder) start(d *Decoder, tok *xmlscan.Token) {
	idx := int32(len(b.elems))
	if len(b.stack) > 0 {
		b.nodes = append(b.nodes, nodeRec{parent: b.stack[len(b.stack)-1], elem: idx})
	}
	b.lastText = -1
	rec := elemRec{space: b.name(d, tok.Space), local: b.name(d, tok.Local), attrs: int32(len(b.attrs)), nattrs: int32(len(tok.Attrs))}
	for _, a := range tok.Attrs {
		b.attrs = append(b.attrs, attrRec{space: b.name(d, a.Space), local: b.name(d, a.Local), value: b.str(a.Value)})
	}
	b.elems = append(b.elems, rec)
	b.stack = append(b.stack, idx)
}

func (b *builder) end() {
	b.stack = b.stack[:len(b.stack)-1]
	b.lastText = -1
}

func (b *builder) text(t []byte) {
	if len(t) == 0 {
		return
	}
	// Adjacent character data (text next to a CDATA section) is one node;
	// the arena holds it contiguously since nothing was added in between.
	if b.lastText >= 0 && b.nodes[b.lastText].text.off+b.nodes[b.lastText].text.n == int32(len(b.arena)) {
		b.arena = append(b.arena, t...)
		b.nodes[b.lastText].text.n += int32(len(t))
		return
	}
	b.lastText = len(b.nodes)
	b.nodes = append(b.nodes, nodeRec{parent: b.stack[len(b.stack)-1], elem: -1, text: b.str(t)})
}

// finish allocates the element tree.
func (b *builder) finish() *Element {
	all := string(b.arena)
	get := func(r sref) string {
		if r.n < 0 {
			return r.s
		}
		return all[r.off : r.off+r.n]
	}
	elems := make([]Element, len(b.elems))
	var attrs []Attr
	if len(b.attrs) > 0 {
		attrs = make([]Attr, len(b.attrs))
		for i, a := range b.attrs {
			attrs[i] = Attr{Name: Name{Space: get(a.space), Local: get(a.local)}, Value: get(a.value)}
		}
	}
	// Place each element's content contiguously: count, then fill.
	b.counts = append(b.counts[:0], make([]int32, len(b.elems)+1)...)
	for _, n := range b.nodes {
		b.counts[n.parent+1]++
	}
	for i := 1; i < len(b.counts); i++ {
		b.counts[i] += b.counts[i-1]
	}
	var nodes []Node
	if len(b.nodes) > 0 {
		nodes = make([]Node, len(b.nodes))
	}
	for i, r := range b.elems {
		e := &elems[i]
		e.Name = Name{Space: get(r.space), Local: get(r.local)}
		if r.nattrs > 0 {
			e.Attrs = attrs[r.attrs : r.attrs+r.nattrs : r.attrs+r.nattrs]
		}
		if lo, hi := b.counts[i], b.counts[i+1]; hi > lo {
			e.Nodes = nodes[lo:lo:hi]
		}
	}
	for _, n := range b.nodes {
		p := &elems[n.parent]
		if n.elem >= 0 {
			p.Nodes = append(p.Nodes, Node{Elem: &elems[n.elem]})
		} else {
			p.Nodes = append(p.Nodes, Node{Text: get(n.text)})
		}
	}
	return &elems[0]
}
