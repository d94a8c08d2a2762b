package xmlscan

import "bytes"

const (
	xmlURI   = "http://www.w3.org/XML/1998/namespace"
	xmlnsURI = "http://www.w3.org/2000/xmlns/"
)

// span is a range of nsStack.data.
type span struct{ start, end int32 }

type binding struct {
	prefix, uri span
}

// scope is what one open element contributes to the namespace context.
type scope struct {
	bindings int  // len(nsStack.bindings) before this element
	data     int  // len(nsStack.data) before this element
	def      span // default namespace in scope for this element
	space    span // the element's resolved namespace
	qname    span // the element's qualified name, for the end tag
	local    int32
}

// nsStack holds the namespace bindings of the open elements. Everything it
// refers to is copied into data, so it survives buffer compaction.
type nsStack struct {
	data     []byte
	bindings []binding
	scopes   []scope
}

// reset empties the stack but for the implicit binding of the xml prefix.
func (s *nsStack) reset() {
	s.data = s.data[:0]
	s.bindings = append(s.bindings[:0], binding{prefix: s.add([]byte("xml")), uri: s.add([]byte(xmlURI))})
	s.scopes = s.scopes[:0]
}

func (s *nsStack) bytes(sp span) []byte { return s.data[sp.start:sp.end:sp.end] }

func (s *nsStack) add(b []byte) span {
	start := int32(len(s.data))
	s.data = append(s.data, b...)
	return span{start, int32(len(s.data))}
}

func (s *nsStack) defaultSpace() []byte {
	if len(s.scopes) == 0 {
		return nil
	}
	return s.bytes(s.scopes[len(s.scopes)-1].def)
}

// lookup returns the namespace bound to prefix and whether it is bound.
func (s *nsStack) lookup(prefix []byte) (span, bool) {
	for i := len(s.bindings) - 1; i >= 0; i-- {
		b := s.bindings[i]
		if bytes.Equal(s.bytes(b.prefix), prefix) {
			return b.uri, true
		}
	}
	return span{}, false
}

func (s *nsStack) top() *scope { return &s.scopes[len(s.scopes)-1] }

func (s *nsStack) pop() {
	sc := s.scopes[len(s.scopes)-1]
	s.scopes = s.scopes[:len(s.scopes)-1]
	s.bindings = s.bindings[:sc.bindings]
	s.data = s.data[:sc.data]
}
