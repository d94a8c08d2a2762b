package xmlscan

import (
	"bytes"
	"errors"
	"strings"
	"unicode/utf8"
)

// errShort reports that a token does not end within the bytes given to a
// lexer; the caller reads more input and lexes again.
var errShort = errors.New("xmlscan: token continues past the buffer")

type rawAttr struct {
	prefix, local []byte
	value         []byte
}

// markup reads a token that starts with '<'.
func (r *Reader) markup() (Token, error) {
	off := r.offset()
	if err := r.need(2); err != nil {
		return Token{}, err
	}
	switch r.buf[r.pos+1] {
	case '/':
		return r.endTag(off)
	case '?':
		return r.procInst(off)
	case '!':
		return r.bang(off)
	}
	return r.startTag(off)
}

// tagExtent returns the length of the tag at r.pos, up to and including
// its closing '>', skipping quoted attribute values.
func (r *Reader) tagExtent(off int64) (int, error) {
	var quote byte
	for i := 1; ; i++ {
		if i == r.end-r.pos {
			if err := r.need(i + 1); err != nil {
				return 0, err
			}
		}
		c := r.buf[r.pos+i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i + 1, nil
		case c == '<':
			return 0, r.fail(CondNotWellFormed, off, "'<' inside a tag")
		}
	}
}

// qname parses a qualified name at t[i:] and returns prefix, local and the
// index after the name.
func (r *Reader) qname(t []byte, i int, off int64) (prefix, local []byte, next int, err error) {
	start := i
	colon := -1
	first := true
	for i < len(t) {
		c := t[i]
		if c < 0x80 {
			if c == ':' {
				if colon >= 0 || first {
					return nil, nil, 0, r.fail(CondNotWellFormed, off, "malformed qualified name")
				}
				colon = i
				first = true
				i++
				continue
			}
			cl := asciiName[c]
			if cl == nameNo || (first && cl != nameStart) {
				break
			}
			first = false
			i++
			continue
		}
		if !utf8.FullRune(t[i:]) {
			return nil, nil, 0, errShort
		}
		rn, size := decodeRune(t[i:])
		if rn < 0 || !(isNameStartRune(rn) || (!first && isNameRune(rn))) {
			return nil, nil, 0, r.fail(CondNotWellFormed, off, "invalid character in a name")
		}
		first = false
		i += size
	}
	if i == len(t) {
		return nil, nil, 0, errShort
	}
	if i == start || first {
		return nil, nil, 0, r.fail(CondNotWellFormed, off, "missing or malformed name")
	}
	if i-start > r.lim.MaxNameLen {
		return nil, nil, 0, r.fail(CondPolicyViolation, off, "name exceeds the length limit")
	}
	if colon < 0 {
		return nil, t[start:i], i, nil
	}
	return t[start:colon], t[colon+1 : i], i, nil
}

func skipSpace(t []byte, i int) int {
	for i < len(t) && isSpace(t[i]) {
		i++
	}
	return i
}

func (r *Reader) startTag(off int64) (Token, error) {
	if r.rootSeen && r.depth == 0 {
		return Token{}, r.fail(CondNotWellFormed, off, "content after the root element")
	}
	// Lex the tag in place; only when it is not all buffered yet, read up
	// to its end and lex again.
	prefix, local, n, selfClose, err := r.lexStart(r.buf[r.pos:r.end], off)
	if err == errShort {
		var ext int
		if ext, err = r.tagExtent(off); err != nil {
			return Token{}, err
		}
		prefix, local, n, selfClose, err = r.lexStart(r.buf[r.pos:r.pos+ext], off)
		if err == errShort {
			err = r.fail(CondNotWellFormed, off, "malformed tag")
		}
	}
	if err != nil {
		return Token{}, err
	}
	if err := r.checkSize(n); err != nil {
		return Token{}, err
	}
	if r.depth == r.lim.MaxDepth {
		return Token{}, r.fail(CondPolicyViolation, off, "elements nested too deeply")
	}
	tok, err := r.pushElement(prefix, local, r.buf[r.pos:r.pos+n], off)
	if err != nil {
		return Token{}, err
	}
	r.declOK = false
	r.rootSeen = r.top > 0
	if r.depth == r.top+1 {
		r.elemStart = off
	}
	r.pos += n
	r.pendingEnd = selfClose
	return tok, nil
}

// lexStart reads the start tag at the beginning of t into r.raw. It returns
// errShort if t ends before the tag does.
func (r *Reader) lexStart(t []byte, off int64) (prefix, local []byte, n int, selfClose bool, err error) {
	prefix, local, i, err := r.qname(t, 1, off)
	if err != nil {
		return nil, nil, 0, false, err
	}
	r.raw = r.raw[:0]
	r.vbuf = r.vbuf[:0]
	for {
		j := skipSpace(t, i)
		if j == len(t) {
			return nil, nil, 0, false, errShort
		}
		switch t[j] {
		case '>':
			return prefix, local, j + 1, false, nil
		case '/':
			if j+1 == len(t) {
				return nil, nil, 0, false, errShort
			}
			if t[j+1] != '>' {
				return nil, nil, 0, false, r.fail(CondNotWellFormed, off, "'/' not followed by '>' in a tag")
			}
			return prefix, local, j + 2, true, nil
		}
		if j == i {
			return nil, nil, 0, false, r.fail(CondNotWellFormed, off, "missing white space before an attribute")
		}
		if len(r.raw) == r.lim.MaxAttrs {
			return nil, nil, 0, false, r.fail(CondPolicyViolation, off, "too many attributes")
		}
		a, next, err := r.attr(t, j, off)
		if err != nil {
			return nil, nil, 0, false, err
		}
		r.raw = append(r.raw, a)
		i = next
	}
}

// attr parses one attribute at t[i:].
func (r *Reader) attr(t []byte, i int, off int64) (rawAttr, int, error) {
	prefix, local, i, err := r.qname(t, i, off)
	if err != nil {
		return rawAttr{}, 0, err
	}
	i = skipSpace(t, i)
	if i == len(t) {
		return rawAttr{}, 0, errShort
	}
	if t[i] != '=' {
		return rawAttr{}, 0, r.fail(CondNotWellFormed, off, "attribute without a value")
	}
	i = skipSpace(t, i+1)
	if i == len(t) {
		return rawAttr{}, 0, errShort
	}
	q := t[i]
	if q != '"' && q != '\'' {
		return rawAttr{}, 0, r.fail(CondNotWellFormed, off, "unquoted attribute value")
	}
	end := bytes.IndexByte(t[i+1:], q)
	if end < 0 {
		return rawAttr{}, 0, errShort
	}
	end += i + 1
	v, err := r.value(t[i+1:end], off, true, false)
	if err != nil {
		return rawAttr{}, 0, err
	}
	return rawAttr{prefix: prefix, local: local, value: v}, end + 1, nil
}

// pushElement resolves namespaces for a start tag and opens its scope.
func (r *Reader) pushElement(prefix, local, t []byte, off int64) (Token, error) {
	s := &r.ns
	parentDef := span{}
	if len(s.scopes) > 0 {
		parentDef = s.top().def
	}
	sc := scope{bindings: len(s.bindings), data: len(s.data), def: parentDef}
	for _, a := range r.raw {
		switch {
		case a.prefix == nil && string(a.local) == "xmlns":
			if string(a.value) == xmlURI || string(a.value) == xmlnsURI {
				return Token{}, r.fail(CondNotWellFormed, off, "reserved namespace as default namespace")
			}
			sc.def = s.add(a.value)
		case string(a.prefix) == "xmlns":
			if err := r.bind(a, off); err != nil {
				return Token{}, err
			}
		}
	}
	s.scopes = append(s.scopes, sc)
	r.depth++
	top := s.top()
	if prefix == nil {
		top.space = top.def
	} else {
		if string(prefix) == "xmlns" {
			return Token{}, r.fail(CondNotWellFormed, off, "element with the xmlns prefix")
		}
		uri, ok := s.lookup(prefix)
		if !ok {
			return Token{}, r.fail(CondNotWellFormed, off, "unbound namespace prefix "+quoteBytes(prefix))
		}
		top.space = uri
	}
	top.qname = s.add(t[1 : 1+len(prefix)+len(local)+boolInt(prefix != nil)])
	top.local = top.qname.end - int32(len(local))
	r.attrs = r.attrs[:0]
	for _, a := range r.raw {
		if string(a.prefix) == "xmlns" || (a.prefix == nil && string(a.local) == "xmlns") {
			continue
		}
		var aspace []byte
		if a.prefix != nil {
			uri, ok := s.lookup(a.prefix)
			if !ok {
				return Token{}, r.fail(CondNotWellFormed, off, "unbound namespace prefix "+quoteBytes(a.prefix))
			}
			aspace = s.bytes(uri)
		}
		for _, b := range r.attrs {
			if bytes.Equal(b.Local, a.local) && bytes.Equal(b.Space, aspace) {
				return Token{}, r.fail(CondNotWellFormed, off, "duplicate attribute "+quoteBytes(a.local))
			}
		}
		r.attrs = append(r.attrs, Attr{Space: aspace, Local: a.local, Value: a.value})
	}
	for i := range r.raw {
		for j := i + 1; j < len(r.raw); j++ {
			if bytes.Equal(r.raw[i].local, r.raw[j].local) && bytes.Equal(r.raw[i].prefix, r.raw[j].prefix) {
				return Token{}, r.fail(CondNotWellFormed, off, "duplicate attribute "+quoteBytes(r.raw[i].local))
			}
		}
	}
	return Token{Kind: StartElement, Space: s.bytes(top.space), Local: s.data[top.local:top.qname.end:top.qname.end], Attrs: r.attrs, Offset: off}, nil
}

// bind records a prefix declaration xmlns:p='uri'.
func (r *Reader) bind(a rawAttr, off int64) error {
	p := string(a.local)
	v := string(a.value)
	switch {
	case p == "xmlns":
		return r.fail(CondNotWellFormed, off, "the xmlns prefix cannot be declared")
	case p == "xml" && v != xmlURI:
		return r.fail(CondNotWellFormed, off, "the xml prefix is bound to its own namespace")
	case p != "xml" && (v == xmlURI || v == xmlnsURI):
		return r.fail(CondNotWellFormed, off, "reserved namespace bound to a prefix")
	case v == "":
		return r.fail(CondNotWellFormed, off, "prefix bound to the empty namespace")
	}
	s := &r.ns
	s.bindings = append(s.bindings, binding{prefix: s.add(a.local), uri: s.add(a.value)})
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func quoteBytes(b []byte) string {
	if len(b) > 64 {
		b = b[:64]
	}
	return "\"" + strings.ToValidUTF8(string(b), "\uFFFD") + "\""
}

// endToken closes the innermost element and returns its end token.
func (r *Reader) endToken(off int64) Token {
	s := &r.ns
	top := s.top()
	tok := Token{Kind: EndElement, Space: s.bytes(top.space), Local: s.data[top.local:top.qname.end:top.qname.end], Offset: off}
	s.pop()
	r.depth--
	if r.depth == r.top {
		r.elemStart = -1
	}
	return tok
}

func (r *Reader) endTag(off int64) (Token, error) {
	if r.depth == 0 {
		return Token{}, r.fail(CondNotWellFormed, off, "end tag without a start tag")
	}
	n, err := r.tagExtent(off)
	if err != nil {
		return Token{}, err
	}
	if err := r.checkSize(n); err != nil {
		return Token{}, err
	}
	t := r.buf[r.pos : r.pos+n]
	_, _, i, err := r.qname(t, 2, off)
	if err != nil {
		return Token{}, err
	}
	if !bytes.Equal(t[2:i], r.ns.bytes(r.ns.top().qname)) {
		return Token{}, r.fail(CondNotWellFormed, off, "end tag "+quoteBytes(t[2:i])+" does not match start tag "+quoteBytes(r.ns.bytes(r.ns.top().qname)))
	}
	if skipSpace(t, i) != n-1 {
		return Token{}, r.fail(CondNotWellFormed, off, "malformed end tag")
	}
	r.pos += n
	return r.endToken(off), nil
}

// procInst handles "<?": the XML declaration where one is allowed, and
// otherwise a processing instruction, which restricted XML forbids.
func (r *Reader) procInst(off int64) (Token, error) {
	if err := r.need(6); err != nil {
		return Token{}, err
	}
	if !r.declOK || string(r.buf[r.pos:r.pos+5]) != "<?xml" || !isSpace(r.buf[r.pos+5]) {
		return Token{}, r.fail(CondRestrictedXML, off, "processing instruction")
	}
	n, err := r.declExtent()
	if err != nil {
		return Token{}, err
	}
	if err := r.xmlDecl(r.buf[r.pos+5:r.pos+n-2], off); err != nil {
		return Token{}, err
	}
	r.pos += n
	r.declOK = false
	return r.Next()
}

// declExtent returns the length of the declaration up to "?>".
func (r *Reader) declExtent() (int, error) {
	for i := 2; ; i++ {
		if i+1 >= r.end-r.pos {
			if i > 512 {
				return 0, r.fail(CondNotWellFormed, r.offset(), "XML declaration too long")
			}
			if err := r.need(i + 2); err != nil {
				return 0, err
			}
		}
		if r.buf[r.pos+i] == '?' && r.buf[r.pos+i+1] == '>' {
			return i + 2, nil
		}
	}
}

// xmlDecl checks the pseudo-attributes of the XML declaration.
func (r *Reader) xmlDecl(t []byte, off int64) error {
	bad := func(msg string) error { return r.fail(CondNotWellFormed, off, msg) }
	var names []string
	i := 0
	for {
		j := skipSpace(t, i)
		if j == len(t) {
			break
		}
		if j == i {
			return bad("malformed XML declaration")
		}
		k := j
		for k < len(t) && t[k] != '=' && !isSpace(t[k]) {
			k++
		}
		name := string(t[j:k])
		k = skipSpace(t, k)
		if k == len(t) || t[k] != '=' {
			return bad("malformed XML declaration")
		}
		k = skipSpace(t, k+1)
		if k == len(t) || (t[k] != '"' && t[k] != '\'') {
			return bad("malformed XML declaration")
		}
		e := bytes.IndexByte(t[k+1:], t[k])
		if e < 0 {
			return bad("malformed XML declaration")
		}
		val := string(t[k+1 : k+1+e])
		i = k + 2 + e
		names = append(names, name)
		switch name {
		case "version":
			if len(names) != 1 || val != "1.0" {
				return r.fail(CondNotWellFormed, off, "unsupported XML version")
			}
		case "encoding":
			if len(names) != 2 || !strings.EqualFold(val, "UTF-8") {
				return r.fail(CondUnsupportedEncoding, off, "encoding other than UTF-8")
			}
		case "standalone":
			if val != "yes" && val != "no" {
				return bad("malformed standalone declaration")
			}
		default:
			return bad("unknown pseudo-attribute in XML declaration")
		}
	}
	if len(names) == 0 || names[0] != "version" {
		return bad("XML declaration without a version")
	}
	return nil
}

// bang handles "<!": CDATA sections, and comments and DTDs, which
// restricted XML forbids.
func (r *Reader) bang(off int64) (Token, error) {
	if err := r.need(4); err != nil {
		return Token{}, err
	}
	if string(r.buf[r.pos+2:r.pos+4]) == "--" {
		return Token{}, r.fail(CondRestrictedXML, off, "comment")
	}
	if r.buf[r.pos+2] != '[' {
		if r.buf[r.pos+2] == 'D' {
			return Token{}, r.fail(CondRestrictedXML, off, "document type declaration")
		}
		return Token{}, r.fail(CondNotWellFormed, off, "malformed markup")
	}
	if err := r.need(9); err != nil {
		return Token{}, err
	}
	if string(r.buf[r.pos:r.pos+9]) != "<![CDATA[" {
		return Token{}, r.fail(CondNotWellFormed, off, "malformed markup")
	}
	if r.depth <= r.top {
		return Token{}, r.fail(CondNotWellFormed, off, "character data outside of a stanza")
	}
	return r.cdata(off)
}
