package stream

import (
	"io"
	"sync"

	"github.com/xmppkit/xmpp/sasl"
	"github.com/xmppkit/xmpp/stanza"
)

// tracer writes every element in and out to an io.Writer, one line each,
// with SASL payloads (credentials, proofs) replaced by "[redacted]".
type tracer struct {
	mu sync.Mutex
	w  io.Writer
}

func (t *tracer) element(dir string, e *stanza.Element) {
	if t == nil {
		return
	}
	if e.Name.Space == sasl.NS && len(e.Nodes) > 0 && e.Name.Local != "failure" {
		e = &stanza.Element{Name: e.Name, Attrs: e.Attrs, Nodes: []stanza.Node{{Text: "[redacted]"}}}
	}
	t.raw(dir, e.String())
}

func (t *tracer) header(dir string, h stanza.StreamHeader) {
	if t == nil {
		return
	}
	t.raw(dir, "<stream:stream to='"+h.To+"' from='"+h.From+"' id='"+h.ID+"' version='"+h.Version+"' xmlns='"+h.Namespace+"'>")
}

func (t *tracer) raw(dir, s string) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	_, _ = io.WriteString(t.w, dir+" "+s+"\n")
}
